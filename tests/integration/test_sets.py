"""Differential tests of the sets module against redis-server.

Every deterministic reply is compared byte for byte with Redis 7.0's, in RESP2 (TestX) and RESP3
(TestXResp3), error cases included. Replies whose order is a hashtable's layout (SMEMBERS,
SINTER, SUNION, SDIFF, SSCAN, SRANDMEMBER/SPOP of a whole hashtable set) are compared as sets;
an intset's order (ascending) is compared exactly. SPOP's and SRANDMEMBER's random picks are
checked for their properties (shape, count, uniqueness, membership) on both servers.
TestRandom drives seeded random set commands for a bounded time (LUNAR_TEST_SEED picks the
seed, LUNAR_RANDOM_SECONDS the time). TestEvents compares keyspace notifications, and
TestPropagation (Lunar only) what SPOP propagates.
"""

import fnmatch
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_notify  # noqa: E402
from harness import parse  # noqa: E402

LLONG_MAX = "9223372036854775807"
LLONG_MIN = "-9223372036854775808"
ULONG_MAX = "18446744073709551615"


def unordered(raw):
    """Normalizer: the reply's RESP type byte and its elements, order-free."""
    v = parse(raw)
    if isinstance(v, (list, set, frozenset)):
        return raw[:1], sorted(v, key=repr)
    return raw[:1], v


def members_of(v):
    """A parsed SMEMBERS-like reply as a Python set."""
    return set(v)


class SetDiffTest(harness.DiffTest):
    """Helpers shared by the classes below."""

    def tearDown(self):
        self.both("CONFIG", "SET", "set-max-intset-entries", "512")
        super().tearDown()

    def fill(self, key, members, batch=200):
        members = [str(m) for m in members]
        for start in range(0, len(members), batch):
            self.check("SADD", key, *members[start:start + batch])

    def encoding(self, key):
        return self.check("OBJECT", "ENCODING", key)

    def smembers(self, server, key):
        return members_of(parse(self._call(server, 2, ["SMEMBERS", key])))


# ------------------------------------------------------------------------------------------------
# Plain commands
# ------------------------------------------------------------------------------------------------


class TestBasic(SetDiffTest):

    def test_sadd_srem_scard(self):
        self.check_all([
            "SADD s a b c", "SADD s a", "SADD s a d a", "SCARD s", "SCARD nokey",
            ("SADD", "s", b"\x00\xff\r\n", b""), "SCARD s",
            "SREM s a", "SREM s a", "SREM s nomember", "SREM nokey a", "SREM s b b c",
            "SCARD s", ("SREM", "s", b"\x00\xff\r\n", b"", "d"), "EXISTS s",
            "SADD s 1 2", "SREM s 1 2 3", "EXISTS s", "TYPE s",
            "SADD", "SADD s", "SREM", "SREM s", "SCARD", "SCARD s x",
        ])

    def test_sismember_smismember(self):
        self.check_all([
            "SADD s a b 1 2", "SISMEMBER s a", "SISMEMBER s z", "SISMEMBER s 1",
            "SISMEMBER s 01", "SISMEMBER nokey a", "SMISMEMBER s a z 1 01 b",
            "SMISMEMBER nokey a b", "SMISMEMBER s a", "SADD i 1 2 -3", "SISMEMBER i 1",
            "SISMEMBER i -3", "SISMEMBER i 3", "SISMEMBER i +1", "SISMEMBER i 1.0",
            "SISMEMBER i a", "SMISMEMBER i 1 -3 -0 x",
            "SISMEMBER", "SISMEMBER s", "SISMEMBER s a b", "SMISMEMBER", "SMISMEMBER s",
        ])

    def test_smembers(self):
        # An intset replies in ascending order: compared exactly.
        self.check_all([
            "SADD i 5 -3 100 0 " + LLONG_MAX + " " + LLONG_MIN, "SMEMBERS i",
            "SMEMBERS nokey", "SMEMBERS", "SMEMBERS i x",
        ])
        self.check_all(["SADD s a b c 1"])
        self.check("SMEMBERS", "s", normalize=unordered)

    def test_wrongtype(self):
        self.check_all(["SET str x", "LPUSH list a", "SADD s a"])
        for cmd in (["SADD", "str", "a"], ["SREM", "str", "a"], ["SCARD", "str"],
                    ["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"], ["SMEMBERS", "str"],
                    ["SPOP", "str"], ["SPOP", "str", "1"], ["SPOP", "str", "0"],
                    ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "1"],
                    ["SRANDMEMBER", "str", "0"], ["SSCAN", "str", "0"], ["SSCAN", "str", "x"],
                    ["SINTER", "s", "str"], ["SINTER", "nokey", "str"],
                    ["SINTERCARD", "2", "nokey", "str"], ["SINTERSTORE", "d", "nokey", "str"],
                    ["SINTERSTORE", "str", "s"], ["SUNION", "nokey", "str"],
                    ["SUNIONSTORE", "d", "s", "list"], ["SDIFF", "nokey", "str"],
                    ["SDIFF", "s", "str"], ["SDIFFSTORE", "d", "str"],
                    ["SMOVE", "str", "s", "a"], ["SMOVE", "s", "str", "a"],
                    ["SMOVE", "nokey", "str", "a"], ["SMOVE", "s", "str", "nomember"]):
            self.check(*cmd)
        self.check_all(["GET str", "LRANGE list 0 -1", "SMEMBERS s", "EXISTS d"])
        # A *STORE overwrites a destination of another type.
        self.check_all(["SUNIONSTORE str s", "TYPE str", "SMEMBERS str"])

    def test_smove(self):
        self.check_all([
            "SADD a 1 2 x", "SADD b 3", "SMOVE a b 1", "SMOVE a b 1", "SMOVE a b nomember",
            "SMEMBERS b", "OBJECT ENCODING b", "SMOVE a b x", "OBJECT ENCODING b",
            "SMOVE a c 2", "EXISTS a", "SMEMBERS c", "OBJECT ENCODING c", "SMOVE nokey b 1",
            "SMOVE b b 3", "SMOVE b b 99", "SMOVE c b 2", "SMOVE b b x", "EXISTS c",
            "SADD e y", "SMOVE e f y", "OBJECT ENCODING f", "SMOVE f b y", "SCARD b",
            "SMOVE", "SMOVE a b", "SMOVE a b c d",
        ])
        self.check("SMEMBERS", "b", normalize=unordered)

    def test_keeps_ttl(self):
        self.check_all(["SADD s a b c d e f g h i j", "EXPIRE s 100", "SREM s a", "TTL s",
                        "SADD s z", "TTL s", "SMOVE s t b", "TTL s", "TTL t"])
        self.check("SPOP", "s", "8", normalize=harness.raw_shape)  # rebuilds the set
        self.check_all(["TTL s", "SCARD s"])
        self.check("SPOP", "s", normalize=harness.raw_shape)
        self.check_all(["TTL s", "SADD d x", "EXPIRE d 100", "SUNIONSTORE d s", "TTL d"])

    def test_keyspace_stats(self):
        """Each command counts keyspace hits and misses as Redis does (read lookups)."""
        self.check_all(["SADD a 1 2", "SADD b 2 3", "CONFIG RESETSTAT"])

        def stats(raw):
            v = parse(raw)
            if isinstance(v, bytes):
                v = v.decode()
                return [line for line in v.splitlines() if line.startswith("keyspace_")]
            return v
        for cmd in ["SINTER a b nokey", "SINTERSTORE d a b", "SUNION a nokey",
                    "SUNIONSTORE d a nokey", "SDIFFSTORE d a b", "SDIFF nokey a",
                    "SINTERCARD 2 a b", "SMOVE a b 1", "SMOVE nokey b 1", "SMEMBERS a",
                    "SISMEMBER nokey x", "SMISMEMBER a 1", "SRANDMEMBER a", "SRANDMEMBER a 5",
                    "SPOP nokey", "SPOP nokey 1", "SSCAN a 0", "SREM nokey x", "SCARD a",
                    "SADD n 1", "SPOP b 1"]:
            self.both(*cmd.split())
            self.check("INFO", "stats", normalize=stats, msg=f"after {cmd}")

    def test_command_info(self):
        names = ["sadd", "scard", "sdiff", "sdiffstore", "sinter", "sintercard", "sinterstore",
                 "sismember", "smembers", "smismember", "smove", "spop", "srandmember", "srem",
                 "sscan", "sunion", "sunionstore"]

        def head(raw):  # name arity flags first last step acl-categories
            v = parse(raw)
            return [x[:7] if isinstance(x, list) else x for x in v] if isinstance(v, list) else v

        def first_spec_flags(raw):
            v = parse(raw)
            if not isinstance(v, list) or not v or not isinstance(v[0], list):
                return v
            specs = v[0][8]
            if not specs:
                return None
            def as_dict(x):  # RESP2: a flat list; RESP3: a frozen map (tuple of pairs)
                if isinstance(x, list):
                    return {x[i]: x[i + 1] for i in range(0, len(x), 2)}
                return dict(x)

            def begin_index(spec):
                return as_dict(as_dict(spec[b"begin_search"])[b"spec"])[b"index"]
            # The spec of the first key (RESP3 sends the specs as an unordered set).
            spec = min((as_dict(x) for x in specs), key=begin_index)
            return sorted(spec[b"flags"])

        def docs(raw):
            v = parse(raw)
            if isinstance(v, list):
                v = {v[i]: v[i + 1] for i in range(0, len(v), 2)}
            if not isinstance(v, dict):
                return v
            out = {}
            for name, d in v.items():
                if isinstance(d, list):
                    d = {d[i]: d[i + 1] for i in range(0, len(d), 2)}
                out[name] = {k: d.get(k) for k in (b"summary", b"since", b"group",
                                                    b"complexity")}
            return out
        for n in names:
            self.check("COMMAND", "INFO", n, normalize=head)
            if n != "sintercard":  # a keynum key spec: the SDK cannot declare one
                self.check("COMMAND", "INFO", n, normalize=first_spec_flags)
            self.check("COMMAND", "DOCS", n, normalize=docs)
        for cmd in (["SADD", "s", "a"], ["SMOVE", "a", "b", "m"], ["SUNION", "a", "b", "c"],
                    ["SINTERSTORE", "d", "a", "b"], ["SSCAN", "s", "0"]):
            self.check("COMMAND", "GETKEYS", *cmd)


# ------------------------------------------------------------------------------------------------
# SINTER / SUNION / SDIFF and their STORE forms, SINTERCARD
# ------------------------------------------------------------------------------------------------


class TestAlgebra(SetDiffTest):

    def setUp(self):
        super().setUp()
        self.check_all(["SADD i1 1 2 3 4 5 6", "SADD i2 4 5 6 7 8", "SADD i3 5 6 9",
                        "SADD s1 a b c 1 2", "SADD s2 b c d 2 3", "SADD s3 c 2 z"])

    def test_intset_results_in_order(self):
        # Results that are intsets come out ascending in both servers: compared exactly.
        self.check_all([
            "SINTER i1 i2", "SINTER i1 i2 i3", "SINTER i1", "SUNION i1 i2 i3", "SUNION i3",
            "SDIFF i1 i2", "SDIFF i1 i2 i3", "SDIFF i2 i1", "SDIFF i1 i1", "SINTER i1 i1",
            "SDIFF i1 s1", "SUNION i1 nokey", "SDIFF i1 nokey",
        ])

    def test_mixed_results(self):
        for cmd in ("SINTER s1 s2", "SINTER s1 s2 s3", "SUNION s1 s2 s3", "SUNION s1 i1",
                    "SDIFF s1 s2", "SDIFF s1 s2 s3", "SDIFF s2 s1", "SDIFF s1 i1",
                    "SINTER s1 i1 s2", "SINTER s1 nokey", "SINTER nokey s1", "SUNION nokey",
                    "SDIFF nokey s1", "SDIFF s1 nokey", "SDIFF s1 s1", "SINTER s1 s1",
                    "SUNION s1 s1"):
            self.check(*cmd.split(), normalize=unordered)
        self.check_all(["SINTER", "SUNION", "SDIFF", "SINTER nokey", "SUNION nokey", "SDIFF nokey"])

    def test_store(self):
        for op in ("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"):
            for srcs in (["i1", "i2"], ["s1", "s2"], ["s1", "i1"], ["i1", "i3", "s3"],
                         ["nokey"], ["i1", "nokey"], ["nokey", "i1"], ["i1"], ["i1", "i1"],
                         ["dst", "i2"]):
                self.check(op, "dst", *srcs)
                self.check("EXISTS", "dst")
                self.check("OBJECT", "ENCODING", "dst")
                self.check("SMEMBERS", "dst", normalize=unordered)
            self.check_all([op, op + " d"])
        # An empty result deletes the destination.
        self.check_all(["SADD dst x", "SINTERSTORE dst i1 s3 i3", "EXISTS dst", "SADD dst x",
                        "SDIFFSTORE dst i1 i1", "EXISTS dst", "SADD dst x",
                        "SUNIONSTORE dst nokey", "EXISTS dst", "SINTERSTORE dst nokey",
                        "SINTERSTORE dst i1 nokey", "EXISTS dst"])

    def test_store_encoding_threshold(self):
        self.fill("a", range(300))
        self.fill("b", range(200, 600))
        self.fill("c", list(range(100)) + ["x"])
        for cmd in ("SUNIONSTORE d a b", "SINTERSTORE d a b", "SDIFFSTORE d a b",
                    "SDIFFSTORE d b a", "SINTERSTORE d a c", "SUNIONSTORE d a c",
                    "SDIFFSTORE d c a"):
            self.check(*cmd.split())
            self.encoding("d")
            self.check("SMEMBERS", "d", normalize=unordered)
        self.check("CONFIG", "SET", "set-max-intset-entries", "50")
        self.check_all(["SINTERSTORE d a b", "OBJECT ENCODING d", "SINTERSTORE d a i1",
                        "OBJECT ENCODING d", "SMEMBERS d"])
        self.check("SUNION", "a", "b", normalize=unordered)

    def test_sintercard(self):
        self.check_all([
            "SINTERCARD 2 i1 i2", "SINTERCARD 3 i1 i2 i3", "SINTERCARD 1 i1",
            "SINTERCARD 2 s1 s2", "SINTERCARD 2 s1 i1", "SINTERCARD 2 i1 nokey",
            "SINTERCARD 1 nokey", "SINTERCARD 2 i1 i2 LIMIT 0", "SINTERCARD 2 i1 i2 LIMIT 1",
            "SINTERCARD 2 i1 i2 LIMIT 2", "SINTERCARD 2 i1 i2 LIMIT 3",
            "SINTERCARD 2 i1 i2 LIMIT 100", "SINTERCARD 2 i1 i2 limit 1 LIMIT 0",
            "SINTERCARD 1 i1 LIMIT 4",
            "SINTERCARD 0 i1", "SINTERCARD -1 i1", "SINTERCARD x i1", "SINTERCARD 3 i1 i2",
            "SINTERCARD 2 i1 i2 LIMIT -1", "SINTERCARD 2 i1 i2 LIMIT x",
            "SINTERCARD 2 i1 i2 LIMIT", "SINTERCARD 2 i1 i2 FOO 1", "SINTERCARD 1 i1 i2",
            "SINTERCARD 1 i1 LIMIT 1 extra", "SINTERCARD " + LLONG_MAX + " i1",
            "SINTERCARD", "SINTERCARD 1",
        ])


# ------------------------------------------------------------------------------------------------
# Encodings
# ------------------------------------------------------------------------------------------------


class TestEncoding(SetDiffTest):

    def test_integers_and_strings(self):
        for members in (["1"], ["-1"], ["0"], [LLONG_MAX], [LLONG_MIN], ["9223372036854775808"],
                        ["01"], ["-0"], ["+1"], ["1.5"], [" 1"], ["1 "], [""], ["a"],
                        ["1", "a"], ["a", "1"], ["1", "2", "3"], ["0x10"], ["1e3"]):
            self.check("DEL", "s")
            self.check("SADD", "s", *members)
            self.encoding("s")
            self.check("SMEMBERS", "s", normalize=unordered)

    def test_entries_threshold(self):
        self.fill("s", range(512))
        self.assertEqual(self.encoding("s"), b"intset")
        self.check_all(["SADD s 0", "OBJECT ENCODING s", "SADD s 512", "OBJECT ENCODING s",
                        "SREM s 512 511 510", "OBJECT ENCODING s", "SCARD s"])
        self.check("SMEMBERS", "s", normalize=unordered)
        self.fill("t", range(513))
        self.assertEqual(self.encoding("t"), b"hashtable")
        self.check_all(["SADD u 1 a", "SREM u a", "OBJECT ENCODING u", "SMEMBERS u"])

    def test_config_changes(self):
        self.check_all([
            "SADD a 1 2 3", "CONFIG SET set-max-intset-entries 2", "OBJECT ENCODING a",
            "SADD a 1", "OBJECT ENCODING a", "SADD a 4", "OBJECT ENCODING a",
            "SADD b 1", "SADD b 2", "OBJECT ENCODING b", "SADD b 3", "OBJECT ENCODING b",
            "CONFIG SET set-max-intset-entries 0", "SADD c 7", "OBJECT ENCODING c",
            "CONFIG SET set-max-intset-entries 512", "SADD d 1 2 3 4", "OBJECT ENCODING d",
            "CONFIG GET set-max-intset-entries",
            "CONFIG SET set-max-intset-entries 1kb", "CONFIG SET set-max-intset-entries -1",
            "CONFIG SET set-max-intset-entries x", "CONFIG GET set-max-intset-entries",
            "CONFIG GET set-max-*",
        ])
        self.check("CONFIG", "GET", "set-max-listpack-entries")

    def test_copy_keeps_encoding(self):
        self.check_all(["SADD a 3 1 2", "COPY a a2", "OBJECT ENCODING a2", "SMEMBERS a2",
                        "SADD b x y", "COPY b b2", "OBJECT ENCODING b2", "SADD a2 x",
                        "SMEMBERS a"])
        self.check("SMEMBERS", "b2", normalize=unordered)

    def test_spop_rebuilds_encoding(self):
        # SPOP keeping few members builds a new set: a hashtable of integers becomes an intset.
        self.fill("s", range(600))
        self.check_all(["OBJECT ENCODING s"])
        self.check("SPOP", "s", "550", normalize=harness.raw_shape)
        self.check_all(["SCARD s", "OBJECT ENCODING s", "SPOP s 0"])
        self.fill("t", range(600))
        self.check("SPOP", "t", "100", normalize=harness.raw_shape)
        self.check_all(["SCARD t", "OBJECT ENCODING t"])
        self.fill("u", ["a", "b", "c", "d", "e", "f"])
        self.check("SPOP", "u", "5", normalize=harness.raw_shape)
        self.check_all(["OBJECT ENCODING u"])


# ------------------------------------------------------------------------------------------------
# SSCAN
# ------------------------------------------------------------------------------------------------


class TestScan(SetDiffTest):

    def full_scan(self, server, key, *options, resp=None):
        """Iterates SSCAN to cursor 0 on one server; returns (members, calls)."""
        resp = resp or self.DEFAULT_RESP
        cursor, seen, calls = b"0", set(), 0
        while True:
            v = parse(self._call(server, resp, ["SSCAN", key, cursor] + list(options)))
            self.assertIsInstance(v, list, f"{server.label}: SSCAN {key} {cursor} -> {v!r}")
            cursor, items = v
            seen.update(items)
            calls += 1
            self.assertLess(calls, 100000, f"{server.label}: SSCAN does not terminate")
            if cursor == b"0":
                return seen, calls

    def test_intset_returns_everything(self):
        self.fill("s", range(100))
        for cmd in ("SSCAN s 0", "SSCAN s 5", f"SSCAN s {ULONG_MAX}", "SSCAN s 0 COUNT 1",
                    "SSCAN s 0 MATCH 1*", "SSCAN s 0 MATCH * COUNT 2", "SSCAN s 0 match ?",
                    "SSCAN s 0 MATCH nomatch", "SSCAN s 0 COUNT 5 MATCH 1* COUNT 7",
                    "SSCAN s -1", "SSCAN s +3", "SSCAN s ''", "SSCAN nokey 0",
                    "SSCAN nokey 7 MATCH x"):
            self.check(*harness._split_cmd(cmd))

    def test_errors(self):
        self.fill("s", range(5))
        self.fill("big", [f"m{i}" for i in range(600)])
        for key in ("s", "big", "nokey"):
            for tail in (["abc"], [" 1"], ["1 "], ["1x"], ["18446744073709551616"], ["-"],
                         ["+"], ["0", "COUNT", "0"], ["0", "COUNT", "-1"], ["0", "COUNT", "x"],
                         ["0", "COUNT"], ["0", "MATCH"], ["0", "TYPE", "set"],
                         ["0", "COUNT", "1", "extra"], ["0", "FOO", "bar"],
                         ["0", "COUNT", LLONG_MAX + "0"]):
                if key == "big" and tail[0] == "0" and len(tail) == 3 and tail[1] == "COUNT" \
                        and tail[2] not in ("0", "-1", "x"):
                    continue
                self.check("SSCAN", key, *tail)
        self.check_all(["SSCAN", "SSCAN s"])

    def test_hashtable_full_iteration(self):
        self.fill("s", [f"m{i}" for i in range(1000)])
        expected = self.smembers(self.redis, "s")
        self.assertEqual(self.smembers(self.lunar, "s"), expected)
        for options in ([], ["COUNT", "1"], ["COUNT", "7"], ["COUNT", "100"],
                        ["COUNT", "5000"], ["MATCH", "m1*"], ["MATCH", "*9", "COUNT", "50"],
                        ["MATCH", "nomatch"]):
            want = {m for m in expected
                    if not options or options[0] != "MATCH"
                    or fnmatch.fnmatchcase(m.decode(), options[1])}
            for s in (self.lunar, self.redis):
                got, _ = self.full_scan(s, "s", *options)
                self.assertEqual(got, want, f"{s.label}: SSCAN s ... {options}")
        for s in (self.lunar, self.redis):
            cursor, items = parse(self._call(s, 2, ["SSCAN", "s", "0", "COUNT", "10"]))
            self.assertNotEqual(cursor, b"0", s.label)
            self.assertTrue(0 < len(items) <= 100, f"{s.label}: {len(items)}")

    def test_scan_while_mutating(self):
        """A member present for the whole iteration is returned while others come and go."""
        self.check_scan_while_mutating("SSCAN", ("SADD", list), "SREM", lambda items: items)


# ------------------------------------------------------------------------------------------------
# SPOP / SRANDMEMBER
# ------------------------------------------------------------------------------------------------


class TestRandomPicks(SetDiffTest):

    def test_errors_and_empty(self):
        self.check_all(["SADD s a b c", "SADD i 1 2 3"])
        for key in ("s", "i", "nokey"):
            for tail in (["abc"], ["1.5"], [""], [LLONG_MIN], ["9223372036854775808"],
                         ["0"], ["1", "x"], ["-1", "x"]):
                self.check("SRANDMEMBER", key, *tail)
            for tail in (["abc"], ["1.5"], [""], ["-1"], ["-0"], [LLONG_MIN],
                         ["9223372036854775808"], ["0"], ["1", "x"], ["0", "x"], ["x", "y"]):
                self.check("SPOP", key, *tail)
        # (A huge negative count on an existing set makes both servers loop for ever.)
        self.check("SRANDMEMBER", "nokey", "-9223372036854775807")
        self.check_all(["SRANDMEMBER nokey", "SRANDMEMBER nokey 5", "SRANDMEMBER nokey -5",
                        "SPOP nokey", "SPOP nokey 5", "SRANDMEMBER", "SPOP", "SMEMBERS i"])
        self.check("SMEMBERS", "s", normalize=unordered)

    def test_whole_set(self):
        # A count covering an intset returns it whole, ascending: compared exactly.
        self.check_all(["SADD i 3 1 2", "SRANDMEMBER i 3", "SRANDMEMBER i 4",
                        "SRANDMEMBER i " + LLONG_MAX, "SADD j 5 -5", "SPOP j 2", "EXISTS j",
                        "SADD j 5 -5 7", "SPOP j " + LLONG_MAX, "EXISTS j"])
        self.fill("big", [f"m{i}" for i in range(600)])
        self.check("SRANDMEMBER", "big", "600", normalize=unordered)
        self.check("SRANDMEMBER", "big", "1000", normalize=unordered)
        self.check("SPOP", "big", "600", normalize=unordered)
        self.check("EXISTS", "big")

    def check_random(self, server, key, count, content, resp, pop=False):
        """Checks one SRANDMEMBER / SPOP reply's properties against the set's `content`."""
        args = ["SPOP" if pop else "SRANDMEMBER", key] + ([] if count is None else [str(count)])
        raw = self._call(server, resp, args)
        v = parse(raw)
        where = f"{server.label} RESP{resp} {' '.join(args)}: {raw[:200]!r}"
        if count is None:
            self.assertIn(v, content, where)
            return [v]
        want_type = b"~" if pop and resp == 3 else b"*"
        self.assertEqual(raw[:1], want_type, where)
        v = list(v)
        n = min(count, len(content)) if count > 0 else -count
        self.assertEqual(len(v), n, where)
        for m in v:
            self.assertIn(m, content, where)
        if count > 0:
            self.assertEqual(len(set(v)), len(v), f"repeats: {where}")
        return v

    def test_srandmember_picks(self):
        self.fill("small", [f"m{i}" for i in range(10)])
        self.fill("ints", range(0, 200, 3))
        self.fill("big", [f"m{i}" for i in range(1000)])
        self.check("OBJECT", "ENCODING", "ints")
        for key in ("small", "ints", "big"):
            content = self.smembers(self.redis, key)
            self.assertEqual(self.smembers(self.lunar, key), content)
            size = len(content)
            counts = [None, 1, 2, size // 4, size // 2, size - 1, size, -1, -3, -size,
                      -3 * size]
            for s in (self.lunar, self.redis):
                picked = set()
                for count in counts:
                    for _ in range(3):
                        got = self.check_random(s, key, count, content, self.DEFAULT_RESP)
                        picked.update(got)
                    if count is not None and count < -size:
                        self.assertLess(len(set(got)), len(got),
                                        f"{s.label}: no repetition in {count} picks")
                self.assertGreater(len(picked), size // 2, s.label)

    def test_spop_picks(self):
        for members in ([f"m{i}" for i in range(50)], list(range(50)),
                        [f"m{i}" for i in range(700)], list(range(700))):
            n = len(members)
            for count in (None, 1, 3, n // 10, n // 2, n - n // 6, n - 1):
                for s in (self.lunar, self.redis):
                    c = self.client(s, 2)
                    c.call("DEL", "s")
                    for i in range(0, n, 200):
                        c.call("SADD", "s", *[str(m) for m in members[i:i + 200]])
                    content = members_of(parse(c.call("SMEMBERS", "s")))
                    got = self.check_random(s, "s", count, content, self.DEFAULT_RESP, pop=True)
                    left = members_of(parse(c.call("SMEMBERS", "s")))
                    self.assertEqual(left | set(got), content, s.label)
                    self.assertEqual(left & set(got), set(), s.label)
                self.check("OBJECT", "ENCODING", "s", msg=f"after SPOP s {count} of {n}")
                self.check("SCARD", "s")


# ------------------------------------------------------------------------------------------------
# Keyspace events and propagation
# ------------------------------------------------------------------------------------------------

EVENT_COMMANDS = [
    "SADD s a b 1", "SADD s a", "SADD s c", "SREM s a", "SREM s nomember", "SREM nokey a",
    "SADD i 1 2 3", "SMOVE i j 1", "SMOVE i j 1", "SMOVE j j 1", "SMOVE i j 2", "SMOVE i j 3",
    "SADD j 9", "SMOVE j s 9", "SADD s 9", "SMOVE s j 9", "SPOP j", "SPOP j 0", "SPOP nokey",
    "SPOP nokey 2", "SADD p 1 2 3 4 5 6 7 8 9 10", "SPOP p 2", "SPOP p 7", "SPOP p 5",
    "SADD p x", "SPOP p", "SADD a 1 2 3", "SADD b 2 3 4", "SINTERSTORE d a b",
    "SUNIONSTORE d a b", "SDIFFSTORE d a b", "SDIFFSTORE d a a", "SDIFFSTORE d a a",
    "SINTERSTORE d a nokey", "SADD d x", "SINTERSTORE d a nokey", "SADD d x",
    "SUNIONSTORE d nokey", "SUNIONSTORE d a", "SINTER a b", "SUNION a b", "SRANDMEMBER a",
    "SREM b 2 3 4", "SREM a 1 2 3 4", "SADD x 5 7", "SADD y 5 6", "SMOVE x y 5",
    "SMOVE x y 7",
]


class TestEvents(SetDiffTest):

    def test_events(self):
        (lr, lm), (rr, rm) = test_notify.TestNotifications.run_family(self, EVENT_COMMANDS)
        self.assertEqual(len(lr), len(rr))
        for cmd, a, b in zip(EVENT_COMMANDS, lr, rr):
            if cmd.startswith("SPOP p ") or cmd in ("SPOP j", "SPOP p", "SRANDMEMBER a"):
                self.assertEqual(unordered(a)[0], unordered(b)[0], cmd)
            elif cmd.startswith(("SINTER ", "SUNION ")):
                self.assertEqual(unordered(a), unordered(b), cmd)
            else:
                self.assertEqual(a, b, cmd)
        self.assertEqual(lm, rm, "notifications differ")
        self.assertTrue(lm)


@unittest.skipIf(harness.lunar_is_redis(), "Lunar modules only")
class TestPropagation(unittest.TestCase):
    """SPOP propagates as Redis 7.0 does: SREM key member (one per member, in a MULTI/EXEC
    block for a count), or DEL when it pops the whole set."""

    @classmethod
    def setUpClass(cls):
        recorder = os.path.join(harness.build_dir(), "tests", "modules", "prop_recorder.so")
        cls.server = harness.start_lunar("--loadmodule", recorder)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_spop(self):
        c = self.server.client()
        try:
            c.call("FLUSHALL")
            c.call_parsed("PROPLOG")
            c.call("SADD", "s", *[str(i) for i in range(10)])
            one = parse(c.call("SPOP", "s")).decode()
            two = sorted(m.decode() for m in parse(c.call("SPOP", "s", "2")))
            rest = sorted(m.decode() for m in parse(c.call("SPOP", "s", "6")))
            c.call("SPOP", "s", "0")
            c.call("SPOP", "s", "5")
            c.call("SPOP", "nokey")
            log = [x.decode() for x in c.call_parsed("PROPLOG")]
            self.assertEqual(log[0], "0: SADD s 0 1 2 3 4 5 6 7 8 9")
            self.assertEqual(log[1], f"0: SREM s {one}")
            self.assertEqual(log[2], "0: MULTI")
            self.assertEqual(sorted(log[3:5]), [f"0: SREM s {m}" for m in two])
            self.assertEqual(log[5:7], ["0: EXEC", "0: MULTI"])
            self.assertEqual(sorted(log[7:13]), [f"0: SREM s {m}" for m in rest])
            self.assertEqual(log[13:], ["0: EXEC", "0: DEL s"])
        finally:
            c.close()


# ------------------------------------------------------------------------------------------------
# Random operations
# ------------------------------------------------------------------------------------------------

KEYS = ["s1", "s2", "s3", "s4"]


def _rand_member(rng):
    r = rng.random()
    if r < 0.6:
        return str(rng.randrange(-20, 40))
    if r < 0.9:
        return rng.choice("abcdefghij")
    return rng.choice(["", "01", "-0", "1.0", "x" * 70, LLONG_MAX, LLONG_MIN])


def _rand_command(rng):
    """A random set command and the normalizer its reply needs."""
    k = rng.choice(KEYS)
    ks = rng.sample(KEYS, rng.randint(1, 3))
    ms = [_rand_member(rng) for _ in range(rng.randint(1, 6))]
    choice = rng.randrange(17)
    if choice < 4:
        return ["SADD", k] + ms, None
    if choice < 6:
        return ["SREM", k] + ms, None
    return [
        (["SISMEMBER", k, ms[0]], None),
        (["SMISMEMBER", k] + ms, None),
        (["SCARD", k], None),
        (["SMEMBERS", k], unordered),
        (["SMOVE", k, rng.choice(KEYS), ms[0]], None),
        (["SINTERCARD", str(len(ks))] + ks + (["LIMIT", str(rng.randrange(4))]
                                               if rng.random() < 0.5 else []), None),
        ([rng.choice(["SINTER", "SUNION", "SDIFF"])] + ks, unordered),
        ([rng.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), k] + ks, None),
        (["OBJECT", "ENCODING", k], None),
        (["SRANDMEMBER", k, "1000"], unordered),
        (["SPOP", k, "1000"] if rng.random() < 0.1 else ["EXISTS", k], unordered),
    ][choice - 6]


class TestRandom(SetDiffTest):

    def test_random(self):
        # A small threshold so that sets convert during the run.
        self.check("CONFIG", "SET", "set-max-intset-entries", "12")
        seed = self.random_commands(_rand_command)
        for k in KEYS:
            self.check("SMEMBERS", k, normalize=unordered, msg=f"seed {seed}, final state")
            self.check("OBJECT", "ENCODING", k, msg=f"seed {seed}, final state")


# Every class again in RESP3 (TestRandom mixes both protocols already).
for _cls in [TestBasic, TestAlgebra, TestEncoding, TestScan, TestRandomPicks]:
    _name = _cls.__name__ + "Resp3"
    globals()[_name] = type(_name, (_cls,), {"DEFAULT_RESP": 3})
del _cls

if __name__ == "__main__":
    harness.main()
