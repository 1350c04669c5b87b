"""Differential tests of the hashes module against redis-server.

Every deterministic reply is compared byte for byte with Redis 7.0's, in RESP2 (TestX) and RESP3
(TestXResp3), error cases included. Replies whose order depends on the hashtable's layout
(HGETALL, HKEYS, HVALS, HSCAN, HRANDFIELD of a whole hashtable) are compared as sets; a listpack's
order is Redis's insertion order and is compared exactly. HRANDFIELD's random picks are checked
for their properties (shape, count, uniqueness, membership) on both servers. TestRandom drives
seeded random hash commands for a bounded time (LUNAR_TEST_SEED picks the seed,
LUNAR_RANDOM_SECONDS the time).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402

LLONG_MAX = "9223372036854775807"
LLONG_MIN = "-9223372036854775808"
ULONG_MAX = "18446744073709551615"


def _pairs(v):
    """A parsed HGETALL-like reply (flat list or map) as a sorted list of (field, value)."""
    if isinstance(v, dict):
        return sorted(v.items())
    if isinstance(v, list):
        return sorted(zip(v[0::2], v[1::2]))
    return v


def unordered_pairs(raw):
    """Normalizer: the reply's RESP type byte and its field/value pairs, order-free."""
    return raw[:1], _pairs(parse(raw))


def unordered(raw):
    """Normalizer: the reply's RESP type byte and its elements, order-free."""
    v = parse(raw)
    return raw[:1], sorted(v, key=repr) if isinstance(v, list) else v


class HashDiffTest(harness.DiffTest):
    """Helpers shared by the classes below."""

    CONFIG_DEFAULTS = [("hash-max-listpack-entries", "512"), ("hash-max-listpack-value", "64")]

    def tearDown(self):
        # Tests that change the thresholds put them back, so later tests see the defaults.
        for name, value in self.CONFIG_DEFAULTS:
            self.both("CONFIG", "SET", name, value)
        super().tearDown()

    def config_set(self, name, value):
        self.check("CONFIG", "SET", name, str(value))

    def fill(self, key, n, prefix="f", value_of=lambda i: f"v{i}", batch=200):
        """HSETs n fields prefix0..prefix<n-1> on both servers, comparing replies."""
        for start in range(0, n, batch):
            args = []
            for i in range(start, min(n, start + batch)):
                args += [f"{prefix}{i}", value_of(i)]
            self.check("HSET", key, *args)

    def encoding(self, key):
        return self.check("OBJECT", "ENCODING", key)

    def hgetall(self, server, key):
        """The hash at key on one server, as a dict."""
        return dict(_pairs(parse(self._call(server, 2, ["HGETALL", key]))))


# ------------------------------------------------------------------------------------------------
# Plain commands
# ------------------------------------------------------------------------------------------------


class TestBasic(HashDiffTest):

    def test_hset_hget(self):
        self.check_all([
            "HSET h f v", "HGET h f", "HSET h f v", "HSET h f w g x", "HGET h f", "HGET h g",
            "HGET h nofield", "HGET nokey f", "HSET h '' ''", "HGET h ''",
            ("HSET", "h", b"\x00\xff\r\n", b"bin\x00"), ("HGET", "h", b"\x00\xff\r\n"),
            "HSET h n 123", "HGET h n", "HSET h n -0", "HGET h n", "HSET h n 007", "HGET h n",
            "HGETALL h", "HLEN h", "TYPE h",
            "HSET", "HSET h", "HSET h f", "HSET h f v g", "HSET h f v g w x",
            "HGET", "HGET h", "HGET h f g",
        ])

    def test_hmset(self):
        self.check_all([
            "HMSET h a 1 b 2", "HMSET h a 3 c 4", "HGETALL h", "HMSET h a", "HMSET h a 1 b",
            "HMSET h", "HMSET", "HGETALL h",
        ])

    def test_hsetnx(self):
        self.check_all([
            "HSETNX h f v", "HSETNX h f w", "HGET h f", "HSETNX h g ''", "HGETALL h",
            "HSETNX h f", "HSETNX h f v x", "HSETNX",
        ])

    def test_hmget(self):
        self.check_all([
            "HSET h a 1 b 2", "HMGET h a b c", "HMGET h c", "HMGET nokey a b", "HMGET h a a",
            "HMGET h", "HMGET",
        ])

    def test_hdel(self):
        self.check_all([
            "HSET h a 1 b 2 c 3", "HDEL h a", "HDEL h a", "HDEL h nofield", "HDEL nokey a",
            "HDEL h b b c", "EXISTS h", "HSET h a 1 b 2", "HDEL h a b nofield", "EXISTS h",
            "HSET h a 1 b 2", "HDEL h a a b a", "EXISTS h", "HDEL h", "HDEL",
        ])

    def test_hdel_keeps_ttl(self):
        self.check_all(["HSET h a 1 b 2", "EXPIRE h 100", "HDEL h a", "TTL h", "HSET h c 3",
                        "TTL h", "HINCRBY h n 1", "TTL h", "HDEL h b c n", "TTL h"])

    def test_hlen_hstrlen_hexists(self):
        self.check_all([
            "HSET h a 1 b '' c hello n 12345 neg -17",
            "HLEN h", "HLEN nokey", "HSTRLEN h a", "HSTRLEN h b", "HSTRLEN h c", "HSTRLEN h n",
            "HSTRLEN h neg", "HSTRLEN h nofield", "HSTRLEN nokey a", "HEXISTS h a",
            "HEXISTS h nofield", "HEXISTS nokey a", "HLEN", "HLEN h x", "HSTRLEN h",
            "HEXISTS h", "HEXISTS h a b", "HSTRLEN h a b",
        ])

    def test_hkeys_hvals_hgetall(self):
        # A listpack keeps insertion order (an update keeps a field's place): compared exactly.
        self.check_all([
            "HSET h z 1 a 2 m 3", "HSET h a 20", "HDEL h z", "HSET h z 4",
            "HKEYS h", "HVALS h", "HGETALL h", "HKEYS nokey", "HVALS nokey", "HGETALL nokey",
            "HKEYS", "HKEYS h x", "HVALS", "HGETALL", "HGETALL h x",
        ])

    def test_big_values(self):
        big = "x" * 100000
        self.check_all([("HSET", "h", "f", big), ("HSET", "h", big, "v"), "HSTRLEN h f",
                        ("HGET", "h", big), ("HEXISTS", "h", big), "HLEN h", "OBJECT ENCODING h"])
        self.check("HGETALL", "h", normalize=unordered_pairs)
        self.check("HGET", "h", "f")

    def test_wrongtype(self):
        self.check_all(["SET wt x"])
        self.check_all([
            "HSET wt f v", "HMSET wt f v", "HSETNX wt f v", "HGET wt f", "HMGET wt f",
            "HDEL wt f", "HLEN wt", "HSTRLEN wt f", "HEXISTS wt f", "HKEYS wt", "HVALS wt",
            "HGETALL wt", "HINCRBY wt f 1", "HINCRBYFLOAT wt f 1", "HRANDFIELD wt",
            "HRANDFIELD wt 2", "HRANDFIELD wt -2 WITHVALUES", "HSCAN wt 0", "HSCAN wt 0 COUNT 0",
            # Argument errors that Redis checks before the key's type:
            "HSET wt f", "HSET wt f v g", "HINCRBY wt f x", "HINCRBYFLOAT wt f x",
            "HINCRBYFLOAT wt f inf", "HRANDFIELD wt x", "HRANDFIELD wt 1 x",
            "HSCAN wt x", "GET wt",
        ])
        # Other commands see the hash type.
        self.check_all(["HSET h f v", "GET h", "INCR h", "TYPE h", "SET h x", "TYPE h"])

    def test_command_info(self):
        names = ["hdel", "hexists", "hget", "hgetall", "hincrby", "hincrbyfloat", "hkeys",
                 "hlen", "hmget", "hmset", "hrandfield", "hscan", "hset", "hsetnx", "hstrlen",
                 "hvals"]

        def head(raw):  # name arity flags first last step acl-categories
            v = parse(raw)
            return [x[:7] if isinstance(x, list) else x for x in v] if isinstance(v, list) else v

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
            self.check("COMMAND", "DOCS", n, normalize=docs)
        for cmd in (["HSET", "h", "f", "v"], ["HMGET", "h", "a", "b"], ["HSCAN", "h", "0"]):
            self.check("COMMAND", "GETKEYS", *cmd)


# ------------------------------------------------------------------------------------------------
# HINCRBY / HINCRBYFLOAT
# ------------------------------------------------------------------------------------------------


class TestCounters(HashDiffTest):

    def test_hincrby(self):
        self.check_all([
            "HINCRBY h n 5", "HINCRBY h n -10", "HGET h n", "HINCRBY h n 0", "HINCRBY nk n 1",
            "HSET h s abc e '' sp ' 1' z 007 f 1.5 p +1",
            "HINCRBY h s 1", "HINCRBY h e 1", "HINCRBY h sp 1", "HINCRBY h z 1", "HINCRBY h f 1",
            "HINCRBY h p 1", "HINCRBY h n abc", "HINCRBY h n 1.5", "HINCRBY h n ''",
            f"HSET h max {LLONG_MAX} min {LLONG_MIN}",
            "HINCRBY h max 1", "HINCRBY h max 0", "HINCRBY h max -1", "HINCRBY h min -1",
            "HINCRBY h min 1", f"HINCRBY h min {LLONG_MAX}", f"HINCRBY h max {LLONG_MIN}",
            f"HINCRBY h new {LLONG_MIN}", "HINCRBY h new -1", f"HINCRBY h n2 {LLONG_MAX}",
            "HINCRBY h n2 1", "HINCRBY h n 9223372036854775808", "HGETALL h",
            "HINCRBY h n", "HINCRBY h n 1 2", "HINCRBY", "HINCRBY nokey f x", "EXISTS nokey",
        ])

    def test_hincrbyfloat(self):
        self.check_all([
            "HINCRBYFLOAT h f 1.5", "HINCRBYFLOAT h f 1.5", "HINCRBYFLOAT h f -3",
            "HINCRBYFLOAT h f 0.1", "HINCRBYFLOAT h f 1e3", "HINCRBYFLOAT h f -1e-3",
            "HINCRBYFLOAT h g 10", "HINCRBYFLOAT h g 5.0e3", "HINCRBYFLOAT h g 3.0000000000000001",
            "HINCRBYFLOAT h i 1.1", "HINCRBYFLOAT h i 2.2",
            "HSET h s abc n 17 sp ' 1' big 1e308 e ''",
            "HINCRBYFLOAT h n 0.5", "HINCRBYFLOAT h s 1", "HINCRBYFLOAT h sp 1",
            "HINCRBYFLOAT h e 1",
            "HINCRBYFLOAT h big 1e308", "HINCRBYFLOAT h big -1e308", "HGET h big",
            "HINCRBYFLOAT h f inf", "HINCRBYFLOAT h f -inf", "HINCRBYFLOAT h f +inf",
            "HINCRBYFLOAT h f nan", "HINCRBYFLOAT h f abc", "HINCRBYFLOAT h f ''",
            "HINCRBYFLOAT h f ' 1'", "HINCRBYFLOAT h f 1e5000", "HINCRBYFLOAT h f 0x10",
            "HINCRBYFLOAT h q 00.5", "HINCRBYFLOAT h q2 -0", "HINCRBYFLOAT h q3 1e-320",
            "HINCRBYFLOAT h q4 123456789012345678901234567890", "HINCRBYFLOAT h q5 5e-20",
            "OBJECT ENCODING h", "HINCRBYFLOAT h f", "HINCRBYFLOAT", "HINCRBYFLOAT nokey f inf",
            "EXISTS nokey",
        ])
        self.check("HGETALL", "h", normalize=unordered_pairs)  # a hashtable (big's value)

    def test_counters_keep_ttl(self):
        self.check_all(["HSET h a 1", "EXPIRE h 100", "HINCRBY h a 1", "TTL h",
                        "HINCRBYFLOAT h a 1.5", "TTL h", "HSETNX h b 1", "TTL h"])


# ------------------------------------------------------------------------------------------------
# Encodings and the conversion thresholds
# ------------------------------------------------------------------------------------------------


class TestEncoding(HashDiffTest):

    def test_entries_threshold(self):
        self.fill("h", 512)
        self.assertEqual(self.encoding("h"), b"listpack")
        self.check("HGETALL", "h")  # listpack order: exact
        self.check("HSET", "h", "f0", "again")  # an update adds nothing
        self.encoding("h")
        self.check("HSET", "h", "f512", "v")
        self.assertEqual(self.encoding("h"), b"hashtable")
        # Never converts back.
        self.check("HDEL", "h", *[f"f{i}" for i in range(500)])
        self.encoding("h")
        self.check("HGETALL", "h", normalize=unordered_pairs)
        self.check("HLEN", "h")

    def test_value_threshold(self):
        for n in (63, 64, 65):
            for where in ("field", "value"):
                key = f"{where}{n}"
                f, v = ("x" * n, "v") if where == "field" else ("f", "x" * n)
                self.check("HSET", key, "a", "1")
                self.check("HSET", key, f, v)
                self.encoding(key)
        self.check_all([
            "HSETNX s1 f " + "y" * 65, "OBJECT ENCODING s1",
            "HSETNX s2 " + "y" * 65 + " v", "OBJECT ENCODING s2",
            "HMSET s3 a 1 b " + "y" * 65, "OBJECT ENCODING s3",
            "HINCRBY s4 " + "y" * 65 + " 1", "OBJECT ENCODING s4",
            "HINCRBYFLOAT s5 " + "y" * 65 + " 1.5", "OBJECT ENCODING s5",
            "HINCRBYFLOAT s6 f 1.5", "OBJECT ENCODING s6",
            # A listpack whose long member goes away stays listpack; a converted hash stays.
            "HSET s7 a " + "y" * 65, "HDEL s7 a", "EXISTS s7",
            "HSET s8 a 1 b " + "y" * 65, "HDEL s8 b", "OBJECT ENCODING s8",
        ])

    def test_config_changes(self):
        self.config_set("hash-max-listpack-entries", 2)
        self.config_set("hash-max-listpack-value", 3)
        self.check_all([
            "HSET a x 1 y 2 x 3", "OBJECT ENCODING a",       # duplicates count once
            "HSET b x 1 y 2 z 3", "OBJECT ENCODING b", "HDEL b z", "OBJECT ENCODING b",
            "HSET c f abc", "OBJECT ENCODING c", "HSET c2 f abcd", "OBJECT ENCODING c2",
            "HINCRBY d f 999", "OBJECT ENCODING d", "HINCRBY d f 1", "OBJECT ENCODING d",
            "HINCRBY e f 12345", "OBJECT ENCODING e",
            "HINCRBYFLOAT e2 f 1.25", "OBJECT ENCODING e2",
            "HINCRBYFLOAT e3 f 1.5", "OBJECT ENCODING e3",
            "HSETNX g f 12345", "OBJECT ENCODING g",
        ])
        self.check("HGETALL", "b", normalize=unordered_pairs)
        # Existing hashes keep their encoding when the limits change, until their next write:
        # any HSET (an update too) checks the entry count again.
        self.config_set("hash-max-listpack-entries", 1)
        self.check_all(["OBJECT ENCODING a", "HGET a x", "HDEL a nofield", "OBJECT ENCODING a",
                        "HSETNX a x 5", "OBJECT ENCODING a", "HSET a x 5", "OBJECT ENCODING a",
                        "HSET a2 x 1 y 2", "HDEL a2 y", "OBJECT ENCODING a2",
                        "HINCRBY a2 x 1", "OBJECT ENCODING a2"])
        self.config_set("hash-max-listpack-entries", 0)
        self.check_all(["HSET h f v", "OBJECT ENCODING h"])
        self.config_set("hash-max-listpack-entries", 5)
        self.config_set("hash-max-listpack-value", 0)
        self.check_all(["HSET i '' ''", "OBJECT ENCODING i", "HSET j f ''",
                        "OBJECT ENCODING j"])

    def test_config_names(self):
        def pairs(raw):
            return _pairs(parse(raw))
        for pattern in ("hash-max-*", "hash-max-listpack-entries", "hash-max-ziplist-entries",
                        "HASH-MAX-ZIPLIST-VALUE", "hash*ziplist-value", "hash-max-listpack-value",
                        "hash-max-*-entries"):
            self.check("CONFIG", "GET", pattern, normalize=pairs)
        # The 7.0 aliases set the same parameters.
        self.config_set("hash-max-ziplist-entries", 3)
        self.config_set("hash-max-ziplist-value", "1kb")
        self.check("CONFIG", "GET", "hash-max-*", normalize=pairs)
        self.fill("h", 4)
        self.encoding("h")
        self.check("HSET", "h2", "f", "x" * 1024)
        self.encoding("h2")
        self.check("HSET", "h3", "f", "x" * 1025)
        self.encoding("h3")
        # (hash-max-listpack-value is a memory parameter in Redis, whose errors the SDK cannot
        # express yet: only the entries parameter's errors are compared.)
        self.check_all(["CONFIG SET hash-max-listpack-entries -1",
                        "CONFIG SET hash-max-ziplist-entries abc",
                        "CONFIG GET hash-max-listpack-entries"])

    def test_copy_keeps_encoding(self):
        self.fill("small", 3)
        self.fill("big", 600)
        self.check_all(["COPY small s2", "COPY big b2", "OBJECT ENCODING s2",
                        "OBJECT ENCODING b2", "HGETALL s2", "HLEN b2", "HSET b2 f0 changed",
                        "HGET big f0", "HGET b2 f0", "HDEL s2 f0", "HGETALL small"])
        self.check("HGETALL", "b2", normalize=unordered_pairs)


# ------------------------------------------------------------------------------------------------
# HSCAN
# ------------------------------------------------------------------------------------------------


class TestScan(HashDiffTest):

    def full_scan(self, server, key, *options, resp=None):
        """Iterates HSCAN to cursor 0 on one server; returns ({field: value}, calls)."""
        resp = resp or self.DEFAULT_RESP
        cursor, seen, calls = b"0", {}, 0
        while True:
            v = parse(self._call(server, resp, ["HSCAN", key, cursor] + list(options)))
            self.assertIsInstance(v, list, f"{server.label}: HSCAN {key} {cursor} -> {v!r}")
            cursor, items = v
            self.assertEqual(len(items) % 2, 0)
            for f, val in zip(items[0::2], items[1::2]):
                seen[f] = val
            calls += 1
            self.assertLess(calls, 100000, f"{server.label}: HSCAN does not terminate")
            if cursor == b"0":
                return seen, calls

    def test_listpack_returns_everything(self):
        self.fill("h", 20)
        for cmd in ("HSCAN h 0", "HSCAN h 5", f"HSCAN h {ULONG_MAX}", "HSCAN h 0 COUNT 1",
                    "HSCAN h 0 MATCH f1*", "HSCAN h 0 MATCH * COUNT 2", "HSCAN h 0 match f?",
                    "HSCAN h 0 MATCH nomatch", "HSCAN h 0 COUNT 5 MATCH f1* COUNT 7",
                    "HSCAN h -1", "HSCAN h +3", "HSCAN h ''", "HSCAN nokey 0",
                    "HSCAN nokey 7 MATCH x"):
            self.check(*harness._split_cmd(cmd))

    def test_errors(self):
        self.fill("h", 5)
        self.fill("big", 600)
        for key in ("h", "big", "nokey"):
            for tail in (["abc"], [" 1"], ["1 "], ["1x"], ["18446744073709551616"], ["-"],
                         ["+"], ["0", "COUNT", "0"], ["0", "COUNT", "-1"], ["0", "COUNT", "x"],
                         ["0", "COUNT"], ["0", "MATCH"], ["0", "NOVALUES"], ["0", "TYPE", "hash"],
                         ["0", "COUNT", "1", "extra"], ["0", "FOO", "bar"],
                         ["0", "COUNT", LLONG_MAX + "0"]):
                self.check("HSCAN", key, *tail)
        self.check_all(["HSCAN", "HSCAN h"])

    def test_hashtable_full_iteration(self):
        self.fill("h", 1000, value_of=lambda i: f"value-{i}")
        expected = self.hgetall(self.redis, "h")
        self.assertEqual(self.hgetall(self.lunar, "h"), expected)
        for options in ([], ["COUNT", "1"], ["COUNT", "7"], ["COUNT", "100"],
                        ["COUNT", "5000"], ["MATCH", "f1*"], ["MATCH", "*9", "COUNT", "50"],
                        ["MATCH", "nomatch"]):
            want = {f: v for f, v in expected.items()
                    if not options or options[0] != "MATCH" or self._match(options[1], f)}
            for s in (self.lunar, self.redis):
                got, _ = self.full_scan(s, "h", *options)
                self.assertEqual(got, want, f"{s.label}: HSCAN h ... {options}")
        # COUNT bounds one call's work: the first call of a COUNT 10 scan returns a page.
        for s in (self.lunar, self.redis):
            cursor, items = parse(self._call(s, 2, ["HSCAN", "h", "0", "COUNT", "10"]))
            self.assertNotEqual(cursor, b"0", s.label)
            self.assertTrue(0 < len(items) // 2 <= 100, f"{s.label}: {len(items) // 2}")

    @staticmethod
    def _match(pattern, field):
        import fnmatch
        return fnmatch.fnmatchcase(field.decode(), pattern)

    def test_scan_while_mutating(self):
        """HSCAN's guarantee: a field present for the whole iteration is returned, while other
        fields are added (the table grows) and removed (it shrinks)."""
        self.check_scan_while_mutating(
            "HSCAN", ("HSET", lambda names: [a for f in names for a in (f, "v")]), "HDEL",
            lambda items: items[0::2])


# ------------------------------------------------------------------------------------------------
# HRANDFIELD
# ------------------------------------------------------------------------------------------------


class TestRandField(HashDiffTest):

    def test_errors_and_empty(self):
        self.check_all(["HSET h a 1 b 2 c 3"])
        for key in ("h", "nokey"):
            for tail in (["abc"], ["1.5"], [""], [LLONG_MIN], ["9223372036854775808"],
                         ["1", "withvalue"], ["1", "WITHVALUES", "x"], ["1", "x", "y"],
                         [LLONG_MAX, "WITHVALUES"], ["-9223372036854775807", "WITHVALUES"],
                         ["4611686018427387904", "WITHVALUES"],
                         ["-4611686018427387904", "WITHVALUES"], ["0"], ["0", "WITHVALUES"],
                         ["0", "withvalues"]):
                self.check("HRANDFIELD", key, *tail)
        self.check_all(["HRANDFIELD nokey", "HRANDFIELD nokey 5", "HRANDFIELD nokey -5",
                        "HRANDFIELD nokey 5 WITHVALUES", "HRANDFIELD"])

    def test_whole_hash(self):
        # A count covering a listpack returns it whole, in order: compared exactly.
        self.check_all(["HSET h a 1 b 2 c 3"])
        for tail in (["3"], ["4"], ["100"], ["3", "WITHVALUES"], ["100", "withvalues"],
                     ["4611686018427387903", "WITHVALUES"]):
            self.check("HRANDFIELD", "h", *tail)
        self.fill("big", 600)
        self.check("HRANDFIELD", "big", "600", normalize=unordered)
        self.check("HRANDFIELD", "big", "1000", "WITHVALUES",
                   normalize=unordered_pairs if self.DEFAULT_RESP == 2 else unordered)

    def check_random(self, server, key, count, withvalues, content, resp):
        """Checks one HRANDFIELD reply's properties against the hash's `content`."""
        args = ["HRANDFIELD", key] + ([] if count is None else [str(count)])
        if withvalues:
            args.append("WITHVALUES")
        raw = self._call(server, resp, args)
        v = parse(raw)
        where = f"{server.label} RESP{resp} {' '.join(args)}: {raw[:200]!r}"
        if count is None:
            self.assertIn(v, content, where)
            return []
        self.assertIsInstance(v, list, where)
        if withvalues and resp == 3:
            for pair in v:
                self.assertIsInstance(pair, list, where)
                self.assertEqual(len(pair), 2, where)
            pairs = [tuple(p) for p in v]
        elif withvalues:
            self.assertEqual(len(v) % 2, 0, where)
            pairs = list(zip(v[0::2], v[1::2]))
        else:
            pairs = [(f, content.get(f)) for f in v]
        n = min(count, len(content)) if count > 0 else -count
        self.assertEqual(len(pairs), n, where)
        for f, val in pairs:
            self.assertIn(f, content, where)
            self.assertEqual(val, content[f], where)
        if count > 0:
            self.assertEqual(len(set(f for f, _ in pairs)), len(pairs), f"repeats: {where}")
        return [f for f, _ in pairs]

    def test_random_picks(self):
        self.fill("small", 10)
        self.fill("big", 1000)
        self.assertEqual(self.encoding("big"), b"hashtable")
        for key in ("small", "big"):
            content = self.hgetall(self.redis, key)
            self.assertEqual(self.hgetall(self.lunar, key), content)
            size = len(content)
            counts = [None, 1, 2, size // 4, size // 2, size - 1, size, -1, -3, -size,
                      -3 * size]
            for s in (self.lunar, self.redis):
                picked = set()
                for count in counts:
                    for withvalues in ((False,) if count is None else (False, True)):
                        for _ in range(3):
                            got = self.check_random(s, key, count, withvalues, content,
                                                    self.DEFAULT_RESP)
                            picked.update(got)
                        if count is not None and count < -size:
                            self.assertLess(len(set(got)), len(got),
                                            f"{s.label}: no repetition in {count} picks")
                # Over all those calls, picks reach most fields.
                self.assertGreater(len(picked), size // 2, s.label)


# ------------------------------------------------------------------------------------------------
# Keyspace events
# ------------------------------------------------------------------------------------------------


class TestKeyspaceEvents(HashDiffTest):
    """The keyspace events each write raises (names and order), compared with Redis's."""

    EVENT_COMMANDS = [
        "HSET h a 1", "HSET h a 1 b 2", "HMSET h c 3", "HSETNX h a 9", "HSETNX h d 4",
        "HINCRBY h n 1", "HINCRBYFLOAT h f 1.5", "HINCRBY h a x", "HINCRBY h f 1",
        "HDEL h nofield", "HDEL h a b", "HDEL h c d n f", "HDEL h a", "HGET h a",
        "HSET zz-end 1 1",
    ]

    def test_events(self):
        self.check_keyevents(self.EVENT_COMMANDS)


# ------------------------------------------------------------------------------------------------
# Seeded random differential test
# ------------------------------------------------------------------------------------------------

KEYS = ["h0", "h1", "h2", "s"]
FIELDS = ["a", "b", "c", "d", "e", "f", "g", "n", "x" * 20, ""]


def _rand_value(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return str(rng.randint(-1000, 1000))
    if kind == 1:
        return rng.choice(["0", "-0", "01", LLONG_MAX, LLONG_MIN, "1.5", "1e3", "inf", "", " 1"])
    if kind == 2:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 12)))
    if kind == 3:
        return "y" * rng.choice([15, 16, 17, 30])
    return "".join(rng.choice("abcdef") for _ in range(rng.randint(0, 10)))


def _rand_command(rng):
    k = rng.choice(KEYS)
    f = lambda: rng.choice(FIELDS + [f"r{rng.randrange(40)}"])  # noqa: E731
    v = lambda: _rand_value(rng)  # noqa: E731
    incr = lambda: rng.choice([str(rng.randint(-50, 50)), "abc", LLONG_MAX, LLONG_MIN, "1.5"])  # noqa: E731
    fincr = lambda: rng.choice([f"{rng.uniform(-50, 50):.3f}", "1", "-2.5e2", "abc", "1e308",  # noqa: E731
                                "inf"])
    # (command, normalizer): order-dependent replies are compared as sets.
    choices = [
        lambda: (["HSET", k] + [a for _ in range(rng.randint(1, 4)) for a in (f(), v())], None),
        lambda: (["HMSET", k, f(), v()], None),
        lambda: (["HSETNX", k, f(), v()], None),
        lambda: (["HGET", k, f()], None),
        lambda: (["HMGET", k, f(), f(), f()], None),
        lambda: (["HDEL", k] + [f() for _ in range(rng.randint(1, 4))], None),
        lambda: (["HLEN", k], None),
        lambda: (["HSTRLEN", k, f()], None),
        lambda: (["HEXISTS", k, f()], None),
        lambda: (["HKEYS", k], unordered),
        lambda: (["HVALS", k], unordered),
        lambda: (["HGETALL", k], unordered_pairs),
        lambda: (["HINCRBY", k, f(), incr()], None),
        lambda: (["HINCRBYFLOAT", k, f(), fincr()], None),
        lambda: (["HSCAN", k, "0", "COUNT", "1000"], lambda raw: (raw[:1], _scan_items(raw))),
        lambda: (["HRANDFIELD", k, str(rng.choice([100, 0]))], unordered),
        lambda: (["HRANDFIELD", k, "x"], None),
        lambda: (["OBJECT", "ENCODING", k], None),
        lambda: (["SET", "s", "str"], None),
        lambda: (["DEL", k], None),
    ]
    return rng.choice(choices)()


def _scan_items(raw):
    v = parse(raw)
    if not isinstance(v, list):
        return v
    return v[0], _pairs(v[1])


class TestRandom(HashDiffTest):

    def test_random(self):
        # Small thresholds so that hashes convert during the run.
        self.config_set("hash-max-listpack-entries", 16)
        self.config_set("hash-max-listpack-value", 16)
        seed = self.random_commands(_rand_command)
        for k in KEYS:
            self.check("HGETALL", k, normalize=unordered_pairs, msg=f"seed {seed}, final state")
            self.check("OBJECT", "ENCODING", k, msg=f"seed {seed}, final state")


# Every class again in RESP3 (TestRandom mixes both protocols already).
for _cls in [TestBasic, TestCounters, TestEncoding, TestScan, TestRandField]:
    _name = _cls.__name__ + "Resp3"
    globals()[_name] = type(_name, (_cls,), {"DEFAULT_RESP": 3})
del _cls

if __name__ == "__main__":
    harness.main()
