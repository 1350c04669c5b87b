"""Differential tests of the strings module (string and bitmap commands) against redis-server.

Every command's raw reply bytes are compared with Redis 7.0's, in RESP2 (TestX) and RESP3
(TestXResp3), error cases included. TestRandom drives seeded random string/bitmap commands on a
few keys for a bounded time (LUNAR_TEST_SEED picks the seed, LUNAR_RANDOM_SECONDS the time).
"""

import itertools
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402

FUTURE_S = "4102444800"          # 2100-01-01, for EXAT
FUTURE_MS = "4102444800000"      # the same, for PXAT
LLONG_MAX = "9223372036854775807"
LLONG_MIN = "-9223372036854775808"


class StringsDiffTest(harness.DiffTest):
    """Helpers shared by the classes below."""

    _wrongtype_cmd = None

    def make_wrongtype(self, key="wt"):
        """Creates a non-string key on both servers with whatever other type module is loaded;
        skips the test when Lunar has none."""
        cls = type(self)
        if cls._wrongtype_cmd is None:
            for cmd in (["RPUSH", key, "x"], ["SADD", key, "x"], ["HSET", key, "f", "v"],
                        ["ZADD", key, "1", "x"]):
                lr, _ = self.both("DEL", key)
                lr, rr = self.both(*cmd)
                if lr.startswith(b":"):
                    cls._wrongtype_cmd = cmd[0]
                    return
            cls._wrongtype_cmd = ""
        if not cls._wrongtype_cmd:
            self.skipTest("no non-string type is loaded in lunar")
        cmd = {"RPUSH": ["RPUSH", key, "x"], "SADD": ["SADD", key, "x"],
               "HSET": ["HSET", key, "f", "v"], "ZADD": ["ZADD", key, "1", "x"]}[cls._wrongtype_cmd]
        self.both("DEL", key)
        self.check(*cmd)

    def ttl_matches(self, key, tolerance=1500):
        """PTTL equal on both servers: exactly when negative (no expiry / no key), else within
        `tolerance` ms."""
        lr, rr = self.both("PTTL", key)
        lv, rv = parse(lr), parse(rr)
        if isinstance(lv, int) and isinstance(rv, int) and lv >= 0 and rv >= 0:
            if abs(lv - rv) <= tolerance:
                return
        elif lr == rr:
            return
        self.fail(f"PTTL {key}: lunar {lr!r} redis {rr!r}")


# ------------------------------------------------------------------------------------------------
# Plain string commands
# ------------------------------------------------------------------------------------------------


class TestBasic(StringsDiffTest):

    def test_get_set(self):
        self.check_all([
            "GET k", "SET k v", "GET k", "SET k ''", "GET k", "STRLEN k",
            ("SET", "bin", b"\x00\xff\r\n"), ("GET", "bin"), "STRLEN bin",
            "SET k", "GET", "GET k k", "SET k v extra",
            "SET n 123", "GET n", "STRLEN n", "SET n -0", "GET n", "SET n 007", "GET n",
            ("SET", "big", "x" * 100000), "STRLEN big",
        ])
        self.check("GET", "big")

    def test_setnx_getset_getdel(self):
        self.check_all([
            "SETNX k v", "SETNX k w", "GET k", "SETNX", "SETNX k",
            "GETSET k x", "GETSET nokey y", "GET nokey", "GETSET k",
            "GETDEL k", "GETDEL k", "EXISTS k", "GETDEL", "GETDEL a b",
            "SET i 42", "GETDEL i", "SET i 42", "GETSET i 43", "GET i",
        ])

    def test_getset_clears_ttl(self):
        self.check_all(["SET k v EX 100", "GETSET k w", "TTL k"])

    def test_mget_mset(self):
        self.check_all([
            "MSET a 1 b 2 c 3", "MGET a b c nokey", "MGET nokey", "MGET",
            "MSET a", "MSET a 1 b", "MSET", "MSET a x a y", "GET a",
            "MSETNX a 1 z 2", "EXISTS z", "MSETNX y 1 z 2", "MGET y z",
            "MSETNX q", "MSETNX q 1 r", "MSETNX q 1 q 2", "GET q",
        ])

    def test_mset_clears_ttl(self):
        self.check_all(["SET a v EX 100", "MSET a w", "TTL a"])

    def test_append_strlen(self):
        self.check_all([
            "APPEND k abc", "APPEND k def", "GET k", "STRLEN k", "APPEND k ''", "GET k",
            "APPEND e ''", "EXISTS e", "STRLEN e", "APPEND", "APPEND k",
            "SET n 12", "APPEND n 3", "GET n", "INCR n", "STRLEN nokey", "STRLEN",
            ("APPEND", "bin", b"\x00\x01"), ("APPEND", "bin", b"\xff"), "GET bin",
        ])
        for i in range(50):
            self.check("APPEND", "grow", "x" * (i * 37))
        self.check("STRLEN", "grow")
        self.check("GET", "grow")

    def test_append_keeps_ttl(self):
        self.check_all(["SET k v EX 100", "APPEND k w", "TTL k"])

    def test_getrange_substr(self):
        self.check_all(["SET s 'Hello World'", "SET n 1234567", "SET e ''"])
        for key in ("s", "n", "e", "nokey"):
            for start, end in itertools.product([-20, -12, -11, -5, -1, 0, 1, 3, 10, 11, 20],
                                                repeat=2):
                self.check("GETRANGE", key, str(start), str(end))
        self.check_all([
            f"GETRANGE s {LLONG_MIN} {LLONG_MAX}", f"GETRANGE s {LLONG_MAX} {LLONG_MIN}",
            "GETRANGE s 0 9223372036854775808", "GETRANGE s a 1", "GETRANGE s 1 b",
            "GETRANGE nokey a 1", "GETRANGE s 0", "GETRANGE s 0 1 2",
            "SUBSTR s 0 4", "SUBSTR s -5 -1", "SUBSTR nokey 0 1", "SUBSTR s x 1", "SUBSTR s",
        ])

    def test_setrange(self):
        self.check_all([
            "SETRANGE k 0 abc", "GET k", "SETRANGE k 5 xy", ("GET", "k"), "SETRANGE k 1 ''",
            "SETRANGE k -1 x", "SETRANGE k a x", "SETRANGE k 0", "STRLEN k",
            "SETRANGE nokey 3 ''", "EXISTS nokey", "SETRANGE nokey 0 ''", "SETRANGE nokey -1 ''",
            "SET n 1234", "SETRANGE n 1 x", "GET n", "SET n 1234", "SETRANGE n 0 ''", "GET n",
            "SETRANGE z 10 x", "GET z",
            f"SETRANGE k {LLONG_MAX} x", "SETRANGE k 536870911 xy", "SETRANGE k 536870912 x",
            f"SETRANGE k {LLONG_MAX} ''", "SETRANGE k 9223372036854775808 x",
        ])

    def test_setrange_keeps_ttl(self):
        self.check_all(["SET k hello EX 100", "SETRANGE k 1 a", "TTL k", "GET k"])

    def test_wrongtype(self):
        self.make_wrongtype("wt")
        self.check_all([
            "GET wt", "SET wt v GET", "SET wt v NX GET", "SET wt v XX GET", "GETSET wt v",
            "GETDEL wt", "GETEX wt", "GETEX wt EX abc", "GETEX wt PERSIST", "APPEND wt x",
            "STRLEN wt", "GETRANGE wt 0 1", "GETRANGE wt x 1", "SUBSTR wt 0 1",
            "SETRANGE wt 0 x", "SETRANGE wt 0 ''", "SETRANGE wt -1 x", "INCR wt", "DECR wt",
            "INCRBY wt 1", "INCRBY wt x", "DECRBY wt 1", "INCRBYFLOAT wt 1",
            "INCRBYFLOAT wt x", "MGET wt nokey", "LCS wt nokey", "LCS nokey wt LEN",
            "LCS wt nokey badopt", "MSETNX wt 1", "SETNX wt 1", "TYPE wt",
            "SETBIT wt 0 1", "SETBIT wt 0 2", "GETBIT wt 0", "GETBIT wt -1", "BITCOUNT wt",
            "BITCOUNT wt 1", "BITPOS wt 1", "BITPOS wt 2", "BITOP AND d wt", "BITOP OR d nokey wt",
            "BITOP NOT d wt", "BITFIELD wt", "BITFIELD wt GET u8 0", "BITFIELD wt SET u8 0 1",
            "BITFIELD wt GET x8 0", "BITFIELD_RO wt GET u8 0",
        ])
        # SET without GET overwrites another type.
        self.check_all(["SET wt v", "GET wt", "TYPE wt"])


# ------------------------------------------------------------------------------------------------
# SET and GETEX options
# ------------------------------------------------------------------------------------------------

SET_OPTIONS = [["NX"], ["XX"], ["GET"], ["KEEPTTL"], ["EX", "100"], ["PX", "100000"],
               ["EXAT", FUTURE_S], ["PXAT", FUTURE_MS], ["PERSIST"], ["EX"], ["nx"], ["Get"],
               ["ex", "200"], ["FOO"]]
GETEX_OPTIONS = [["EX", "100"], ["PX", "100000"], ["EXAT", FUTURE_S], ["PXAT", FUTURE_MS],
                 ["PERSIST"], ["KEEPTTL"], ["NX"], ["GET"], ["EX"], ["persist"], ["px", "5000"]]


class TestSetOptions(StringsDiffTest):

    def _run_combos(self, options, length, states, cmd_for):
        for combo in itertools.product(options, repeat=length):
            args = [a for opt in combo for a in opt]
            for state in states:
                self.both("DEL", "k")
                if state:
                    self.check(*state)
                self.check(*cmd_for(args))
                self.check("GET", "k")
                self.ttl_matches("k")

    def test_set_option_pairs(self):
        states = [None, ["SET", "k", "old"], ["SET", "k", "old", "EX", "50"]]
        self._run_combos(SET_OPTIONS, 1, states, lambda a: ["SET", "k", "new"] + a)
        self._run_combos(SET_OPTIONS, 2, states, lambda a: ["SET", "k", "new"] + a)

    def test_set_option_triples(self):
        opts = [["NX"], ["XX"], ["GET"], ["KEEPTTL"], ["EX", "100"], ["PXAT", FUTURE_MS]]
        states = [None, ["SET", "k", "old", "PX", "50000"]]
        self._run_combos(opts, 3, states, lambda a: ["SET", "k", "new"] + a)

    def test_set_expire_values(self):
        for unit in ("EX", "PX", "EXAT", "PXAT"):
            for v in ("0", "-1", "abc", "1.5", "", " 1", "+1", LLONG_MAX, LLONG_MIN,
                      "9223372036854775", "9223372036854776", "9223372036854775000",
                      "9223372036854775808", "1"):
                if unit == "PX" and v == "1":
                    continue  # would expire while being compared
                self.check("SET", "k", "v", unit, v)
                self.check("EXISTS", "k")
                self.ttl_matches("k")
        self.check_all([
            "SET k v EX 10 EX 20", "TTL k", "SET k v PX 5000 PX 100000", "TTL k",
            "SET k v EXAT 1", "EXISTS k", "SET k v PXAT 1 GET", "GET k",
        ])

    def test_set_get_variants(self):
        self.check_all([
            "SET k v1 GET", "SET k v2 GET", "SET k v3 NX GET", "SET k v4 XX GET", "GET k",
            "SET m v1 XX GET", "EXISTS m", "SET m v1 GET NX", "SET m v2 GET NX", "GET m",
            "SET i 10", "SET i 11 GET", "SET i 12 GET KEEPTTL",
        ])

    def test_set_keepttl(self):
        self.check_all(["SET k v EX 100", "SET k w KEEPTTL", "TTL k", "SET k x", "TTL k",
                        "SET k v PX 100000", "SET k w XX KEEPTTL GET", "TTL k"])

    def test_set_nul_option(self):
        self.check("SET", "k", "v", b"nx\x00junk")
        self.check("SET", "k", "v", b"XX\x00")
        self.check("SET", "k", "v", b"\x00")
        self.check("GET", "k")

    def test_setex_psetex(self):
        self.check_all([
            "SETEX k 100 v", "TTL k", "GET k", "PSETEX k 100000 w", "GET k",
            "SETEX k 0 v", "SETEX k -5 v", "SETEX k abc v", "SETEX k 9223372036854775 v",
            "SETEX k 9223372036854776 v", f"SETEX k {LLONG_MAX} v",
            "PSETEX k 0 v", "PSETEX k -1 v", "PSETEX k x v", f"PSETEX k {LLONG_MAX} v",
            "PSETEX k 9223372036854775000 v", "SETEX k 100", "PSETEX k", "SETEX k 1 v x",
            "GET k",
        ])
        self.ttl_matches("k")

    def test_getex_option_pairs(self):
        states = [None, ["SET", "k", "old"], ["SET", "k", "old", "EX", "50"]]
        for n in (0, 1, 2):
            self._run_combos(GETEX_OPTIONS, n, states, lambda a: ["GETEX", "k"] + a)

    def test_getex_values(self):
        for unit in ("EX", "PX", "EXAT", "PXAT"):
            for v in ("0", "-1", "abc", LLONG_MAX, "9223372036854775", "9223372036854775000",
                      "1"):
                if unit == "PX" and v == "1":
                    continue  # would expire while being compared
                for state in (None, ["SET", "k", "v", "EX", "100"]):
                    self.both("DEL", "k")
                    if state:
                        self.check(*state)
                    self.check("GETEX", "k", unit, v)
                    self.check("EXISTS", "k")
                    self.ttl_matches("k")
        self.check_all(["GETEX", "SET n 5", "GETEX n", "GETEX n PERSIST", "TTL n",
                        "GETEX n EXAT 1", "EXISTS n", "SET n 5 EX 100", "GETEX n PERSIST",
                        "TTL n"])


# ------------------------------------------------------------------------------------------------
# Counters
# ------------------------------------------------------------------------------------------------


class TestCounters(StringsDiffTest):

    def test_incr_decr(self):
        self.check_all([
            "INCR n", "INCR n", "DECR n", "DECR n", "DECR n", "INCRBY n 10", "INCRBY n -20",
            "DECRBY n 5", "DECRBY n -5", "GET n", "INCRBY n 0",
            "INCRBY n abc", "INCRBY n 1.5", "INCRBY n ''", "INCRBY n ' 1'", "INCRBY n +1",
            "INCRBY n 01", f"INCRBY n {LLONG_MAX}", "INCRBY n 9223372036854775808",
            "DECRBY n 9223372036854775808", f"DECRBY n {LLONG_MIN}", "INCR", "INCR a b",
            "INCRBY n", "DECRBY n",
        ])

    def test_overflow(self):
        self.check_all([
            f"SET n {LLONG_MAX}", "INCR n", "INCRBY n 1", "DECRBY n -1", "INCRBY n 0", "DECR n",
            f"SET n {LLONG_MIN}", "DECR n", "INCRBY n -1", "DECRBY n 1", "INCR n",
            f"SET n {LLONG_MIN}", f"INCRBY n {LLONG_MAX}", f"INCRBY n {LLONG_MAX}",
            f"SET n {LLONG_MAX}", f"DECRBY n {LLONG_MAX}", f"DECRBY n {LLONG_MAX}",
            f"DECRBY n {LLONG_MAX}",
        ])

    def test_not_integer_values(self):
        for v in ("abc", "1.5", " 1", "1 ", "+1", "01", "-0", "", "9223372036854775808",
                  "1e3", "0x10", "--1"):
            self.check("SET", "n", v)
            self.check("INCR", "n")
            self.check("DECRBY", "n", "1")
            self.check("GET", "n")

    def test_incr_keeps_ttl_and_encoding(self):
        self.check_all(["SET n 10 EX 100", "INCR n", "TTL n", "OBJECT ENCODING n",
                        "SET n abc", "OBJECT ENCODING n", "SET n 10", "APPEND n 0",
                        "OBJECT ENCODING n", "INCR n", "OBJECT ENCODING n", "GET n"])

    def test_incrbyfloat(self):
        self.check_all([
            "INCRBYFLOAT f 0.1", "INCRBYFLOAT f 0.2", "INCRBYFLOAT f -0.3", "GET f",
            "INCRBYFLOAT f 1e10", "INCRBYFLOAT f 5.0e3", "INCRBYFLOAT f -1e-5",
            "INCRBYFLOAT f 1e308", "INCRBYFLOAT f 1e308", "INCRBYFLOAT f -1e308",
            "INCRBYFLOAT f inf", "INCRBYFLOAT f -inf", "INCRBYFLOAT f nan", "INCRBYFLOAT f abc",
            "INCRBYFLOAT f ''", "INCRBYFLOAT f ' 1'", "INCRBYFLOAT f '1 '", "INCRBYFLOAT f 0x10",
            "INCRBYFLOAT f +1.5", "INCRBYFLOAT f .5", "INCRBYFLOAT f 5.", "INCRBYFLOAT f 1e4000",
            "INCRBYFLOAT f -1e4000", "GET f", "INCRBYFLOAT", "INCRBYFLOAT f",
            "SET g 10", "INCRBYFLOAT g 0", "OBJECT ENCODING g", "INCRBYFLOAT g 1.5",
            "SET g abc", "INCRBYFLOAT g 1", "SET g 1e400", "INCRBYFLOAT g 1",
            "SET g ' 1'", "INCRBYFLOAT g 1", "SET g 3.0", "INCRBYFLOAT g 0",
            "SET g 1e30", "INCRBYFLOAT g 1", "OBJECT ENCODING g",
            "SET h 5 EX 100", "INCRBYFLOAT h 1", "TTL h",
            "SET h 1.7976931348623157e308", "INCRBYFLOAT h 1.7976931348623157e308",
            "INCRBYFLOAT h -1e4932", "INCRBYFLOAT h 1e-400",
        ])


# ------------------------------------------------------------------------------------------------
# LCS
# ------------------------------------------------------------------------------------------------


class TestLcs(StringsDiffTest):

    def test_lcs_variants(self):
        self.check_all(["MSET a ohmytext b mynewtext c '' d 12345 e 2a4b5"])
        opts = [[], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN"], ["IDX", "MINMATCHLEN", "4"],
                ["IDX", "MINMATCHLEN", "2", "WITHMATCHLEN"], ["IDX", "MINMATCHLEN", "-3"],
                ["IDX", "LEN"], ["LEN", "IDX"], ["MINMATCHLEN"], ["MINMATCHLEN", "x"],
                ["WITHMATCHLEN"], ["LEN", "LEN"], ["idx", "withmatchlen", "minmatchlen", "0"],
                ["FOO"], ["MINMATCHLEN", "1", "IDX"]]
        for k1, k2 in itertools.product(["a", "b", "c", "d", "e", "nokey"], repeat=2):
            for o in opts:
                self.check("LCS", k1, k2, *o)
        self.check_all(["LCS a", "LCS"])

    def test_lcs_random(self):
        rng = random.Random(7)
        for _ in range(150):
            a = "".join(rng.choice("abc") for _ in range(rng.randint(0, 30)))
            b = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 30)))
            self.check("MSET", "x", a, "y", b)
            self.check("LCS", "x", "y")
            self.check("LCS", "x", "y", "IDX", "WITHMATCHLEN")
            self.check("LCS", "y", "x", "IDX", "MINMATCHLEN", str(rng.randint(0, 3)))


# ------------------------------------------------------------------------------------------------
# OBJECT ENCODING and metadata
# ------------------------------------------------------------------------------------------------


class TestEncoding(StringsDiffTest):

    def test_encodings(self):
        cmds = []
        for v in ("123", "-0", "01", "0", "-1", LLONG_MAX, LLONG_MIN, "9223372036854775808",
                  "-9223372036854775809", "1.0", " 1", "x" * 44, "x" * 45, "", "1" * 20,
                  "12345678901234567890123456789012345678901234"):
            cmds += [("SET", "k", v), "OBJECT ENCODING k"]
        cmds += [
            "SET k 1", "APPEND k 2", "OBJECT ENCODING k",
            "DEL k", "APPEND k 5", "OBJECT ENCODING k", "APPEND k ''", "OBJECT ENCODING k",
            "DEL k", "APPEND k abc", "OBJECT ENCODING k",
            "SET k 10", "SETBIT k 0 0", "OBJECT ENCODING k",
            "SET k 7", "SETRANGE k 0 ''", "OBJECT ENCODING k", "SETRANGE k 0 7",
            "OBJECT ENCODING k", "DEL k", "SETRANGE k 0 1", "OBJECT ENCODING k",
            "SET k 1", "BITFIELD k GET u8 0", "OBJECT ENCODING k", "BITFIELD k SET u8 0 49",
            "OBJECT ENCODING k", "SET a 1", "BITOP AND d a", "OBJECT ENCODING d",
            "INCRBYFLOAT f 3", "OBJECT ENCODING f", "SET f 1", "INCRBYFLOAT f 1e50",
            "OBJECT ENCODING f", "INCR i", "OBJECT ENCODING i", "INCRBY i 100000",
            "OBJECT ENCODING i", "MSET m1 1 m2 abc", "OBJECT ENCODING m1",
            "OBJECT ENCODING m2", "GETSET m2 5", "OBJECT ENCODING m2", "SETNX s 9",
            "OBJECT ENCODING s", "SETEX s 100 9", "OBJECT ENCODING s", "SET k 5 GET",
            "OBJECT ENCODING k", "DEL b", "SETBIT b 3 1", "OBJECT ENCODING b",
            "SET c abc", "COPY c c2", "OBJECT ENCODING c2", "SET c 12", "COPY c c3",
            "OBJECT ENCODING c3", "SET c " + "y" * 60, "COPY c c4", "OBJECT ENCODING c4",
            "TYPE c", "TYPE b",
        ]
        self.check_all(cmds)

    def test_unshare_keeps_watch(self):
        """Turning an int/embstr value raw without changing it (SETBIT of the same bit) does not
        touch a WATCHed key, as in Redis, whether or not the value needs a new block."""
        cases = [("10", ["SETBIT", "k", "0", "0"]), ("abc", ["SETBIT", "k", "0", "0"]),
                 ("1234567890123456", ["SETBIT", "k", "1", "0"]),
                 ("abc", ["SETBIT", "k", "1", "1"]), ("abc", ["SETBIT", "k", "100", "0"]),
                 ("12", ["SETRANGE", "k", "0", ""]), ("12", ["APPEND", "k", ""])]
        for value, cmd in cases:
            replies = []
            for s in (self.lunar, self.redis):
                a, b = s.client(), s.client()
                try:
                    a.call("SET", "k", value)
                    r = a.call("WATCH", "k")
                    if r.startswith(b"-"):
                        self.skipTest(f"{s.label}: WATCH unsupported: {r!r}")
                    b.call(*cmd)
                    a.call("MULTI")
                    a.call("GET", "k")
                    replies.append((a.call("EXEC"), a.call("OBJECT", "ENCODING", "k")))
                finally:
                    a.close()
                    b.close()
            self.assertEqual(replies[0], replies[1], f"SET k {value}; WATCH k; {cmd}")

    def test_command_info(self):
        names = ["append", "decr", "decrby", "get", "getdel", "getex", "getrange", "getset",
                 "incr", "incrby", "incrbyfloat", "lcs", "mget", "mset", "msetnx", "psetex",
                 "set", "setex", "setnx", "setrange", "strlen", "substr", "setbit", "getbit",
                 "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro"]

        def head(raw):  # name arity flags first last step acl-categories
            v = parse(raw)
            return [x[:7] if isinstance(x, list) else x for x in v] if isinstance(v, list) else v

        def docs(raw):
            v = parse(raw)
            if not isinstance(v, (list, dict)):
                return v
            if isinstance(v, list):
                v = {v[i]: v[i + 1] for i in range(0, len(v), 2)}
            out = {}
            for name, d in v.items():
                if isinstance(d, list):
                    d = {d[i]: d[i + 1] for i in range(0, len(d), 2)}
                out[name] = {k: d.get(k) for k in (b"summary", b"since", b"group",
                                                    b"complexity")}
            return out
        for n in names:
            self.check("COMMAND", "INFO", n, normalize=head)
            self.check("COMMAND", "DOCS", n, normalize=docs)


# ------------------------------------------------------------------------------------------------
# Bitmaps
# ------------------------------------------------------------------------------------------------


class TestBitmaps(StringsDiffTest):

    def test_setbit_getbit(self):
        self.check_all([
            "SETBIT b 7 1", "GET b", "SETBIT b 7 1", "SETBIT b 7 0", "SETBIT b 100 1",
            "STRLEN b", "GETBIT b 100", "GETBIT b 99", "GETBIT b 100000", "GETBIT nokey 5",
            "SETBIT b 0 2", "SETBIT b 0 -1", "SETBIT b 0 x", "SETBIT b -1 1", "SETBIT b x 1",
            "SETBIT b 4294967295 0", "SETBIT b 4294967296 1", "SETBIT b 0 01",
            "GETBIT b -1", "GETBIT b x", "GETBIT b 4294967295", "GETBIT b 4294967296",
            "GETBIT b 9223372036854775807", "GETBIT b 9223372036854775808",
            "SETBIT b 1", "GETBIT b", "SET n 12345", "GETBIT n 2", "GETBIT n 3",
            "SETBIT n 2 0", "GET n", "SET k v EX 100", "SETBIT k 0 1", "TTL k",
        ])

    def test_bitcount(self):
        self.check_all(["SET s foobar", "SET e ''", "SET n 9876", ("SET", "x", b"\xff\x00\xf0")])
        for key in ("s", "e", "n", "x", "nokey"):
            self.check("BITCOUNT", key)
            for start, end in itertools.product([-100, -9, -3, -1, 0, 1, 2, 5, 7, 8, 23, 50],
                                                repeat=2):
                self.check("BITCOUNT", key, str(start), str(end))
                self.check("BITCOUNT", key, str(start), str(end), "BIT")
                self.check("BITCOUNT", key, str(start), str(end), "byte")
        self.check_all([
            "BITCOUNT s 1", "BITCOUNT s 1 2 3", "BITCOUNT s 1 2 bits", "BITCOUNT s a b",
            "BITCOUNT s 0 b", "BITCOUNT s a 0 foo", "BITCOUNT s 0 -1 BIT x",
            "BITCOUNT nokey 1", "BITCOUNT nokey a b", "BITCOUNT nokey 1 2 3 4",
            f"BITCOUNT s {LLONG_MIN} {LLONG_MAX}", f"BITCOUNT s {LLONG_MIN} {LLONG_MAX} BIT",
            "BITCOUNT",
        ])

    def test_bitpos(self):
        self.check_all(["SET s foobar", "SET e ''", ("SET", "ones", b"\xff\xff\xff"),
                        ("SET", "zeros", b"\x00\x00\x00"), ("SET", "mix", b"\x00\xff\xf0\x0f"),
                        "SET n 12"])
        for key in ("s", "e", "ones", "zeros", "mix", "n", "nokey"):
            for bit in ("0", "1"):
                self.check("BITPOS", key, bit)
                for start in (-40, -5, -1, 0, 1, 2, 3, 9, 31, 40):
                    self.check("BITPOS", key, bit, str(start))
                    for end in (-40, -2, -1, 0, 1, 3, 7, 9, 23, 31, 40):
                        self.check("BITPOS", key, bit, str(start), str(end))
                        self.check("BITPOS", key, bit, str(start), str(end), "BIT")
                        self.check("BITPOS", key, bit, str(start), str(end), "BYTE")
        self.check_all([
            "BITPOS s 2", "BITPOS s -1", "BITPOS s x", "BITPOS nokey 2", "BITPOS nokey 1 a b c d",
            "BITPOS nokey 0 a", "BITPOS s 1 a", "BITPOS s 1 0 a", "BITPOS s 1 0 -1 bit x",
            "BITPOS s 1 0 a bit", "BITPOS s 1 0 a foo", "BITPOS s 1 a 0 foo", "BITPOS s 1 0 -1 bits",
            "BITPOS s", "BITPOS",
        ])

    def test_bitpos_long(self):
        self.check("SETBIT", "big", "100000", "1")
        self.check("SETBIT", "big", "5", "1")
        for args in (["1"], ["1", "1"], ["1", "1", "-1"], ["0"], ["1", "8", "100000", "BIT"],
                     ["1", "6", "99999", "BIT"], ["0", "0", "-1", "BIT"]):
            self.check("BITPOS", "big", *args)
        self.check("SET", "ff", b"\xff" * 5000)
        self.check("BITPOS", "ff", "0")
        self.check("BITPOS", "ff", "0", "0", "-1")
        self.check("BITPOS", "ff", "1", "17", "-1", "BIT")
        self.check("SETRANGE", "ff", "4321", b"\xfe")
        self.check("BITPOS", "ff", "0", "10")
        self.check("BITPOS", "ff", "0", "4321", "4321")

    def test_bitop(self):
        self.check_all([
            "SET a foobar", "SET b abcdef", "SET c x", ("SET", "z", b"\x00\xff"), "SET n 123",
            "BITOP AND d a b", "GET d", "BITOP OR d a b c", "GET d", "BITOP XOR d a b c z",
            "GET d", "BITOP NOT d a", "GET d", "BITOP NOT d n", "GET d", "BITOP and d a nokey",
            "GET d", "BITOP or d nokey c", "GET d", "BITOP xor d c c", "GET d",
            "BITOP AND d nokey", "EXISTS d", "SET d x EX 100", "BITOP OR d nokey", "EXISTS d",
            "SET d x EX 100", "BITOP OR d a", "TTL d", "BITOP NOT d a b", "BITOP NOT d",
            "BITOP FOO d a", "BITOP AND d", "BITOP", "BITOP AND", "BITOP AND a a b", "GET a",
            "SET e ''", "BITOP OR d e", "EXISTS d", "BITOP NOT d e", "EXISTS d",
        ])

    def test_bitfield_types_and_offsets(self):
        cmds = []
        for t in ("i1", "i8", "i63", "i64", "i65", "i0", "u1", "u8", "u63", "u64", "I8", "U8",
                  "x8", "", "i", "i08", "i+8", "i-8", "u 8", "i8 "):
            cmds.append(("BITFIELD", "k", "GET", t, "0"))
        for off in ("0", "7", "-1", "#0", "#1", "#-1", "##1", "x", "4294967295", "4294967296",
                    "#536870911", "#536870912", "#9223372036854775807", "#1152921504606846976",
                    LLONG_MAX, "# 1", "#"):
            cmds.append(("BITFIELD", "k", "GET", "i8", off))
        cmds.append(("BITFIELD", "k", "GET", "i64", "#67108863"))
        cmds.append(("BITFIELD", "k", "GET", "i64", "#67108864"))
        cmds.append(("BITFIELD", "k", "GET", "i8", b"1\x00"))
        cmds.append(("BITFIELD", "k", "GET", b"i8\x00x", "0"))
        cmds += ["EXISTS k"]
        self.check_all(cmds)

    def test_bitfield_syntax(self):
        self.check_all([
            "BITFIELD k", "EXISTS k", "BITFIELD k GET", "BITFIELD k GET i8",
            "BITFIELD k GET i8 0 SET", "BITFIELD k SET i8 0", "BITFIELD k INCRBY i8 0",
            "BITFIELD k OVERFLOW", "BITFIELD k OVERFLOW sat", "BITFIELD k OVERFLOW foo GET i8 0",
            "BITFIELD k FOO", "BITFIELD k SET i8 0 abc", "BITFIELD k INCRBY i8 0 1.5",
            "BITFIELD k SET i8 0 9223372036854775808", "EXISTS k",
            "BITFIELD k GET i8 0 SET x8 0 1", "BITFIELD k SET i8 0 1 GET i8 x", "EXISTS k",
            "BITFIELD k overflow WRAP get i8 0 set u4 4 5 incrby i4 0 3", "GET k",
            "BITFIELD_RO k GET i8 0 GET u4 4", "BITFIELD_RO k SET i8 0 1",
            "BITFIELD_RO k SET i8 0 a", "BITFIELD_RO k INCRBY i8 0 1", "BITFIELD_RO k OVERFLOW sat",
            "BITFIELD_RO k OVERFLOW bad", "BITFIELD_RO nokey GET u8 0", "EXISTS nokey",
            "BITFIELD_RO k", "BITFIELD_RO", "BITFIELD",
            "SET n 12", "BITFIELD n GET u16 0", "BITFIELD_RO n GET i4 4", "OBJECT ENCODING n",
        ])

    def test_bitfield_overflow(self):
        cmds = []
        for ow in ("WRAP", "SAT", "FAIL"):
            for t in ("i1", "i5", "i8", "i63", "i64", "u1", "u5", "u8", "u63"):
                for v in ("0", "1", "-1", "15", "16", "-16", "-17", "127", "128", "-128", "-129",
                          "255", "256", LLONG_MAX, LLONG_MIN, "-9223372036854775680",
                          "-9223372036854775679", "9223372036854775680", "4611686018427387904"):
                    cmds.append(f"BITFIELD k OVERFLOW {ow} SET {t} 3 {v} GET {t} 3")
                    cmds.append(f"BITFIELD k OVERFLOW {ow} INCRBY {t} 3 {v}")
                    cmds.append(f"BITFIELD k OVERFLOW {ow} INCRBY {t} 3 {v} INCRBY {t} 3 {v}")
        cmds.append("GET k")
        self.check_all(cmds)

    def test_bitfield_growth(self):
        self.check_all([
            "BITFIELD k OVERFLOW FAIL SET u8 100 256", "EXISTS k", "STRLEN k",
            "BITFIELD k SET u8 #1 3 GET u16 0", "GET k", "BITFIELD k SET i64 200 -1", "STRLEN k",
            "BITFIELD k GET i64 200 GET u63 200 GET i64 201 GET u8 260 GET i8 259",
            "BITFIELD g SET u8 #536870911 1", "STRLEN g",
            "SET t v EX 100", "BITFIELD t SET u8 0 1", "TTL t",
            "BITFIELD k INCRBY u2 100 1 INCRBY u2 100 1 INCRBY u2 100 1 INCRBY u2 100 1",
            "BITFIELD k OVERFLOW SAT INCRBY i8 0 100 INCRBY i8 0 100 OVERFLOW WRAP INCRBY i8 0 100",
        ])


class TestLimits(StringsDiffTest):
    """proto-max-bulk-len bounds SETRANGE, APPEND and the bit offsets."""

    LUNAR_ARGS = ("--proto-max-bulk-len", "1mb")
    REDIS_ARGS = ("--proto-max-bulk-len", "1mb")

    def test_limits(self):
        mb = 1024 * 1024
        self.check_all([
            "CONFIG GET proto-max-bulk-len",
            f"SETRANGE k {mb - 2} ab", "STRLEN k", f"SETRANGE k {mb - 1} ab", f"SETRANGE k {mb} a",
            f"SETRANGE k {mb - 1} ''", f"SETRANGE n {mb} a", "EXISTS n",
            "APPEND k x", "SETRANGE j 0 abc", f"SETRANGE j {mb - 3} x", "APPEND j x",
            "APPEND j y", f"SETBIT b {8 * mb - 1} 1", f"SETBIT b {8 * mb} 1",
            f"GETBIT b {8 * mb - 1}", f"GETBIT b {8 * mb}", "STRLEN b",
            f"BITFIELD c SET u8 {8 * mb - 8} 1", f"BITFIELD c SET u8 {8 * mb - 1} 1",
            f"BITFIELD c SET u8 {8 * mb} 1", f"BITFIELD c GET u8 #{mb - 1}",
            f"BITFIELD c GET u8 #{mb}", "STRLEN c",
        ])


class TestKeyspaceEvents(StringsDiffTest):
    """The keyspace events each write raises (names and order), compared with Redis's."""

    EVENT_COMMANDS = [
        "SET a 1", "SET a 2 EX 100", "SET a 3 KEEPTTL", "SET a 4 NX", "SET b 1 XX", "SETNX c 1",
        "SETEX d 100 v", "PSETEX d 100000 v", "GETSET a 9", "MSET m1 1 m2 2", "MSETNX m1 1",
        "MSETNX m3 1 m4 2", "APPEND a x", "APPEND e y", "INCR n", "DECRBY n 5",
        "INCRBYFLOAT f 1.5", "SETRANGE s 3 abc", "SETRANGE s 0 ''", "SETBIT bm 7 1",
        "SETBIT bm 7 1", "SETBIT bm 100 0", "BITFIELD bf SET u8 0 1 GET u8 0",
        "BITFIELD bf GET u8 0", "BITFIELD bf OVERFLOW FAIL SET u8 0 999", "BITOP OR dst bm bf",
        "BITOP AND dst nokey", "BITOP AND dst nokey", "GETDEL a", "GETDEL a", "GETEX s EX 100",
        "GETEX s PERSIST", "GETEX s PERSIST", "GETEX s", "GETEX s PXAT 1", "INCR n x",
        "SET zz-end 1",
    ]

    def test_events(self):
        self.check_keyevents(self.EVENT_COMMANDS)


# ------------------------------------------------------------------------------------------------
# Seeded random differential test
# ------------------------------------------------------------------------------------------------

KEYS = ["k0", "k1", "k2", "k3"]


def _rand_value(rng):
    kind = rng.randrange(8)
    if kind == 0:
        return str(rng.randint(-1000, 1000))
    if kind == 1:
        return rng.choice(["0", "-0", "01", LLONG_MAX, LLONG_MIN, "1.5", "1e3", "inf", "", " 1"])
    if kind == 2:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 12)))
    if kind == 3:
        return "x" * rng.choice([43, 44, 45, 100])
    if kind == 4:
        return f"{rng.uniform(-1000, 1000):.{rng.randint(0, 6)}f}"
    return "".join(rng.choice("abcdef") for _ in range(rng.randint(0, 10)))


def _rand_int(rng):
    return rng.choice([str(rng.randint(-20, 40)), str(rng.randint(-3, 3)), "abc", LLONG_MAX,
                       LLONG_MIN, "-1", "0", str(rng.randint(0, 300))])


def _rand_expire(rng):
    """An expiry argument that cannot lapse during the run (or an invalid one)."""
    return rng.choice(["100000", "500000", "0", "-5", "abc", LLONG_MAX, "9223372036854775"])


def _rand_command(rng):
    k = rng.choice(KEYS)
    k2 = rng.choice(KEYS)
    v = _rand_value(rng)
    i = lambda: _rand_int(rng)  # noqa: E731
    unit = lambda: rng.choice([[], ["BIT"], ["BYTE"], ["bit"]])  # noqa: E731
    ftype = lambda: rng.choice(["i", "u"]) + str(rng.choice([1, 2, 3, 5, 8, 13, 16, 32, 63, 64]))  # noqa: E731
    foff = lambda: rng.choice([str(rng.randint(0, 80)), "#" + str(rng.randint(0, 6))])  # noqa: E731
    choices = [
        lambda: ["GET", k],
        lambda: ["SET", k, v] + rng.choice([[], ["NX"], ["XX"], ["GET"], ["KEEPTTL"],
                                           ["EX", "1000"], ["XX", "GET"], ["NX", "GET"],
                                           ["NX", "XX"], ["PX", _rand_expire(rng)],
                                           ["EX", _rand_expire(rng)]]),
        lambda: ["SETNX", k, v], lambda: ["GETSET", k, v], lambda: ["GETDEL", k],
        lambda: ["GETEX", k] + rng.choice([[], ["PERSIST"], ["EX", "1000"],
                                             ["PX", _rand_expire(rng)]]),
        lambda: ["MGET", k, k2, "nokey"], lambda: ["MSET", k, v, k2, _rand_value(rng)],
        lambda: ["MSETNX", k, v, k2, v], lambda: ["APPEND", k, v], lambda: ["STRLEN", k],
        lambda: ["GETRANGE", k, i(), i()], lambda: ["SUBSTR", k, i(), i()],
        lambda: ["SETRANGE", k, rng.choice([str(rng.randint(0, 30)), i()]), v],
        lambda: ["INCR", k], lambda: ["DECR", k], lambda: ["INCRBY", k, i()],
        lambda: ["DECRBY", k, i()],
        lambda: ["INCRBYFLOAT", k, rng.choice([f"{rng.uniform(-50, 50):.3f}", "1", "-2.5e2",
                                                "abc", "1e308"])],
        lambda: ["LCS", k, k2] + rng.choice([[], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN"],
                                             ["IDX", "MINMATCHLEN", str(rng.randint(0, 3))]]),
        lambda: ["SETBIT", k, str(rng.randint(0, 120)), rng.choice(["0", "1", "1", "2"])],
        lambda: ["GETBIT", k, str(rng.randint(0, 130))],
        lambda: ["BITCOUNT", k] + rng.choice([[], [i(), i()] + unit()]),
        lambda: ["BITPOS", k, rng.choice(["0", "1"])] + rng.choice(
            [[], [i()], [i(), i()], [i(), i()] + unit()]),
        lambda: ["BITOP", rng.choice(["AND", "OR", "XOR", "NOT"]), k] +
                rng.sample(KEYS, rng.randint(1, 3)),
        lambda: ["BITFIELD", k] + [a for _ in range(rng.randint(1, 4)) for a in rng.choice([
            ["GET", ftype(), foff()], ["SET", ftype(), foff(), i()],
            ["INCRBY", ftype(), foff(), i()],
            ["OVERFLOW", rng.choice(["WRAP", "SAT", "FAIL"])]])],
        lambda: ["BITFIELD_RO", k, "GET", ftype(), foff()],
        lambda: ["OBJECT", "ENCODING", k],
        lambda: ["DEL", k],
    ]
    return rng.choice(choices)()


class TestRandom(StringsDiffTest):

    def test_random(self):
        seed = int(os.environ.get("LUNAR_TEST_SEED", "20240607"))
        seconds = float(os.environ.get("LUNAR_RANDOM_SECONDS", "20"))
        rng = random.Random(seed)
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            cmd = _rand_command(rng)
            resp = rng.choice([2, 3])
            self.check(*cmd, resp=resp, msg=f"seed {seed}, command #{n}")
            n += 1
        for k in KEYS:
            self.check("GET", k, msg=f"seed {seed}, final state")
            self.ttl_matches(k, tolerance=2000)


# Every class again in RESP3 (TestRandom mixes both protocols already).
for _cls in [TestBasic, TestSetOptions, TestCounters, TestLcs, TestEncoding, TestBitmaps,
             TestLimits]:
    _name = _cls.__name__ + "Resp3"
    globals()[_name] = type(_name, (_cls,), {"DEFAULT_RESP": 3})
del _cls

if __name__ == "__main__":
    harness.main()
