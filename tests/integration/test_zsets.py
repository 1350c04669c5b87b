"""Differential tests of the zsets module against redis-server.

Every deterministic reply is compared byte for byte with Redis 7.0's, in RESP2 (TestX) and RESP3
(TestXResp3), error cases included. ZRANDMEMBER's random picks are checked for their
properties. ZSCAN over a listpack (one step, cursor 0) is compared byte for byte; over a skiplist
(whose steps follow each server's own table) a full iteration's pairs are compared, the steps are
checked to be real (several calls, cursors != 0 in between, about COUNT members each), and SCAN's
guarantee is checked while the zset changes between calls.
TestRandom drives seeded random sorted-set commands for a bounded time (LUNAR_TEST_SEED picks
the seed, LUNAR_RANDOM_SECONDS the time). TestEvents compares keyspace notifications.
"""

import fnmatch
import os
import random
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import test_notify  # noqa: E402
from harness import parse  # noqa: E402


class ZsetDiffTest(harness.DiffTest):

    def tearDown(self):
        self.both("CONFIG", "SET", "zset-max-listpack-entries", "128")
        self.both("CONFIG", "SET", "zset-max-listpack-value", "64")
        super().tearDown()


class TestAdd(ZsetDiffTest):

    def test_zadd_basic(self):
        self.check_all([
            "ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z 5 a", "ZADD z CH 6 a 7 d", "ZCARD z",
            "ZADD z NX 10 a 11 e", "ZADD z XX 10 a 11 f", "ZADD z XX CH 12 a", "ZSCORE z a",
            "ZADD z GT 1 a", "ZADD z GT CH 100 a", "ZADD z LT CH 1 a", "ZADD z LT 50 a",
            "ZADD z GT 0 newm", "ZADD z INCR 2.5 a", "ZADD z INCR -inf a", "ZADD z INCR +inf a",
            "ZADD z INCR NX 1 a", "ZADD z INCR XX 1 nomember", "ZADD z INCR GT -1 b",
            "ZADD z INCR LT -1 b", "ZADD z inf x -inf y", "ZSCORE z x", "ZSCORE z y",
            "ZADD z 1.5e3 m 0.1 n -0 o", "ZSCORE z m", "ZSCORE z n", "ZSCORE z o",
            "ZRANGE z 0 -1 WITHSCORES", "ZADD nokey XX 1 a", "ZADD nokey XX INCR 1 a",
            "EXISTS nokey", "ZADD z CH GT LT 1 a", "ZADD z NX XX 1 a", "ZADD z NX GT 1 a",
            "ZADD z NX LT 1 a", "ZADD z INCR 1 a 2 b", "ZADD z 1", "ZADD z 1 a 2",
            "ZADD z nan a", "ZADD z abc a", "ZADD z 1 a x b", "ZADD z", "ZADD z NX",
            "ZADD z INCR", "ZADD z 0x10 a", "ZADD z ' 1' a", "ZADD z '' a", "ZSCORE z a",
            "ZINCRBY z 1 a", "ZINCRBY z 1.5 new", "ZINCRBY z x a", "ZINCRBY z nan a",
            "ZADD w +inf a", "ZINCRBY w -inf a", "ZADD w INCR -inf a", "ZSCORE w a",
            "ZINCRBY", "ZINCRBY z 1", "ZINCRBY z 1 a b", "ZADD z INCR gt nx 1 a",
        ])

    def test_reads(self):
        self.check_all([
            "ZADD z 1 a 2 b 3 c 3 d", "ZCARD z", "ZCARD nokey", "ZSCORE z a", "ZSCORE z zz",
            "ZSCORE nokey a", "ZMSCORE z a zz c", "ZMSCORE nokey a b", "ZRANK z a",
            "ZRANK z d", "ZRANK z zz", "ZRANK nokey a", "ZREVRANK z a", "ZREVRANK z d",
            "ZREVRANK z zz", "ZCOUNT z -inf +inf", "ZCOUNT z (1 3", "ZCOUNT z 1 (3",
            "ZCOUNT z (1 (1", "ZCOUNT z 3 1", "ZCOUNT z 2 2", "ZCOUNT z x 1", "ZCOUNT z 1 nan",
            "ZCOUNT z ( (5", "ZCOUNT z '' 5", "ZCOUNT nokey 0 1", "ZCOUNT z ' 1' 2",
            "ZCARD", "ZSCORE z", "ZMSCORE z", "ZRANK z", "ZCOUNT z 1",
            "ZADD l 0 a 0 b 0 c 0 d 0 e", "ZLEXCOUNT l - +", "ZLEXCOUNT l [b [d",
            "ZLEXCOUNT l (b (d", "ZLEXCOUNT l (b +", "ZLEXCOUNT l - (c", "ZLEXCOUNT l + -",
            "ZLEXCOUNT l [d [b", "ZLEXCOUNT l [b (b", "ZLEXCOUNT l [b [b", "ZLEXCOUNT l b d",
            "ZLEXCOUNT l -x +", "ZLEXCOUNT l '' +", "ZLEXCOUNT nokey - +", "ZLEXCOUNT l [ +",
        ])

    def test_wrongtype(self):
        self.check_all(["SET s x"])
        for cmd in ["ZADD s 1 a", "ZINCRBY s 1 a", "ZCARD s", "ZSCORE s a", "ZMSCORE s a",
                    "ZRANK s a", "ZREVRANK s a", "ZCOUNT s 0 1", "ZLEXCOUNT s - +",
                    "ZRANGE s 0 1", "ZRANGEBYSCORE s 0 1", "ZRANGEBYLEX s - +",
                    "ZREVRANGE s 0 1", "ZREM s a", "ZREMRANGEBYRANK s 0 1",
                    "ZREMRANGEBYSCORE s 0 1", "ZREMRANGEBYLEX s - +", "ZPOPMIN s",
                    "ZPOPMAX s 0", "ZPOPMIN s 2", "ZSCAN s 0", "ZRANDMEMBER s",
                    "ZRANDMEMBER s 2", "ZRANGESTORE d s 0 -1", "ZRANGESTORE s nokey 0 -1",
                    "ZADD s XX 1 a", "ZPOPMIN s -1", "ZCOUNT s x 1", "TYPE s", "GET s"]:
            self.check_all([cmd])
        self.check_all(["ZADD z 1 a", "TYPE z", "OBJECT ENCODING z", "GET z"])


class TestRange(ZsetDiffTest):

    def setUp(self):
        super().setUp()
        self.check_all(["ZADD z 1 a 2 b 3 c 4 d 5 e -inf m +inf p",
                        "ZADD l 0 a 0 b 0 c 0 d 0 e 0 f"])

    def test_zrange(self):
        for args in ["0 -1", "0 -1 WITHSCORES", "1 2", "-3 -1", "5 2", "100 200", "-100 100",
                     "0 -1 REV", "0 1 REV WITHSCORES", "(1 5 BYSCORE", "1 (5 BYSCORE WITHSCORES",
                     "-inf +inf BYSCORE", "5 1 BYSCORE REV", "+inf -inf BYSCORE REV WITHSCORES",
                     "-inf +inf BYSCORE LIMIT 1 2", "-inf +inf BYSCORE LIMIT 1 -1",
                     "-inf +inf BYSCORE LIMIT -1 2", "-inf +inf BYSCORE LIMIT 10 2",
                     "-inf +inf BYSCORE LIMIT 0 0", "+inf -inf BYSCORE REV LIMIT 2 3 WITHSCORES",
                     "0 -1 LIMIT 1 2", "a b BYSCORE", "1 x BYSCORE", "x 1", "0 1 BYLEX",
                     "- + BYLEX", "0 1 FOO", "0 1 BYSCORE BYLEX", "0 1 REV REV",
                     "0 1 WITHSCORES WITHSCORES", "0 1 LIMIT 1", "0 1 BYSCORE LIMIT x 1",
                     "(3 (3 BYSCORE", "3 3 BYSCORE", "(1 (2 BYSCORE", "- + BYLEX WITHSCORES",
                     "1 1 BYSCORE LIMIT 0 1 REV"]:
            self.check("ZRANGE", "z", *args.split())
        for args in ["- + BYLEX", "[b (e BYLEX", "(b [e BYLEX LIMIT 1 2", "+ - BYLEX REV",
                     "[e [b BYLEX REV LIMIT 1 1", "[b [b BYLEX", "(b (b BYLEX", "b c BYLEX"]:
            self.check("ZRANGE", "l", *args.split())
        self.check_all(["ZRANGE nokey 0 -1", "ZRANGE nokey 0 -1 BYSCORE", "ZRANGE z 0",
                        "ZRANGE nokey x 1"])

    def test_old_forms(self):
        self.check_all([
            "ZRANGEBYSCORE z -inf +inf", "ZRANGEBYSCORE z (1 4 WITHSCORES",
            "ZRANGEBYSCORE z 1 4 LIMIT 1 2", "ZRANGEBYSCORE z 1 4 REV", "ZRANGEBYSCORE z 1 4 BYSCORE",
            "ZRANGEBYSCORE z 1 4 LIMIT 1", "ZREVRANGEBYSCORE z +inf -inf",
            "ZREVRANGEBYSCORE z 4 (1 WITHSCORES LIMIT 1 2", "ZREVRANGEBYSCORE z 1 4",
            "ZRANGEBYLEX l - +", "ZRANGEBYLEX l [b (d LIMIT 0 1", "ZRANGEBYLEX l - + WITHSCORES",
            "ZRANGEBYLEX l a b", "ZREVRANGEBYLEX l + -", "ZREVRANGEBYLEX l (e - LIMIT 1 10",
            "ZREVRANGE z 0 -1", "ZREVRANGE z 0 2 WITHSCORES", "ZREVRANGE z 0 1 LIMIT 0 1",
            "ZREVRANGE z 0 1 REV", "ZREVRANGE z 0 1 BYSCORE", "ZRANGEBYSCORE nokey 0 1",
            "ZRANGEBYSCORE z", "ZREVRANGE z 0",
        ])

    def test_zrangestore(self):
        self.check_all([
            "ZRANGESTORE d z 0 -1", "ZRANGE d 0 -1 WITHSCORES", "OBJECT ENCODING d",
            "ZRANGESTORE d z 1 3 REV", "ZRANGE d 0 -1 WITHSCORES",
            "ZRANGESTORE d z (1 5 BYSCORE LIMIT 1 2", "ZRANGE d 0 -1 WITHSCORES",
            "ZRANGESTORE d l [b [d BYLEX", "ZRANGE d 0 -1", "ZRANGESTORE d z 0 -1 WITHSCORES",
            "ZRANGESTORE d z 5 1", "EXISTS d", "ZRANGESTORE d nokey 0 -1",
            "ZRANGESTORE d z x 1", "ZRANGESTORE d z", "SET s x", "ZRANGESTORE s z 0 1",
            "TYPE s",
        ])

    def test_remove(self):
        self.check_all([
            "ZREM z a", "ZREM z a", "ZREM z b c zz", "ZREM nokey a", "ZCARD z",
            "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYRANK z 5 10", "ZREMRANGEBYRANK z x 1",
            "ZRANGE z 0 -1", "ZREMRANGEBYSCORE z (4 +inf", "ZREMRANGEBYSCORE z x 1",
            "ZRANGE z 0 -1", "ZREMRANGEBYLEX l (b [d", "ZREMRANGEBYLEX l x y",
            "ZRANGE l 0 -1", "ZREMRANGEBYLEX l - +", "EXISTS l", "ZREMRANGEBYRANK z 0 -1",
            "EXISTS z", "ZREMRANGEBYRANK nokey 0 -1", "ZREMRANGEBYSCORE nokey 0 1",
            "ZREMRANGEBYLEX nokey - +", "ZREM z", "ZREMRANGEBYRANK z 0",
        ])

    def test_pop(self):
        self.check_all([
            "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z 2", "ZPOPMAX z 1", "ZPOPMIN z 0",
            "ZPOPMIN z -1", "ZPOPMIN z x", "ZPOPMIN z 1 2", "ZPOPMIN nokey", "ZPOPMIN nokey 2",
            "ZPOPMIN nokey 0", "ZPOPMAX z 100", "EXISTS z", "ZPOPMIN",
        ])

    def test_scan(self):
        self.check_all(["ZSCAN z 0", "ZSCAN z 0 MATCH *", "ZSCAN z 0 MATCH [ab] COUNT 100",
                        "ZSCAN z 0 COUNT 0", "ZSCAN z 0 COUNT x", "ZSCAN z 0 FOO",
                        "ZSCAN z x", "ZSCAN nokey 0", "ZSCAN z 0 MATCH"])

    def test_scan_while_mutating(self):
        """A member present for the whole iteration is returned while others come and go."""
        self.check_scan_while_mutating(
            "ZSCAN", ("ZADD", lambda names: [a for m in names for a in ("1", m)]), "ZREM",
            lambda items: items[0::2])

    def test_randmember(self):
        self.check_all(["ZRANDMEMBER nokey", "ZRANDMEMBER nokey 5", "ZRANDMEMBER z 0",
                        "ZRANDMEMBER z x", "ZRANDMEMBER z 1 FOO", "ZRANDMEMBER z 1 WITHSCORES x",
                        "ZRANDMEMBER z -9223372036854775808",
                        "ZRANDMEMBER z 9223372036854775807 WITHSCORES"])
        members = {b"a", b"b", b"c", b"d", b"e", b"m", b"p"}
        for server in (self.lunar, self.redis):
            c = self.client(server, 2)
            self.assertIn(parse(c.call("ZRANDMEMBER", "z")), members)
            v = parse(c.call("ZRANDMEMBER", "z", "5"))
            self.assertEqual(len(set(v)), 5)
            self.assertTrue(set(v) <= members)
            v = parse(c.call("ZRANDMEMBER", "z", "-20", "WITHSCORES"))
            self.assertEqual(len(v), 40)
            self.assertTrue(set(v[0::2]) <= members)
            v = parse(c.call("ZRANDMEMBER", "z", "100"))
            self.assertEqual(set(v), members)


# ------------------------------------------------------------------------------------------------
# ZSCAN
# ------------------------------------------------------------------------------------------------

# Scores whose replies are worth comparing (formatting, -0 in a skiplist, infinities).
ODD_SCORES = ["0.1", "-0", "1.5e-7", "3e+20", "inf", "-inf", "123456789012345678", "-2.5",
              "1e-320", "0.30000000000000004", "17", "1e18", "4611686018427387904",
              "4611686018427388928", "-4611686018427387904", "-5e18", "9007199254740993", "0.5e1"]


class TestScan(ZsetDiffTest):

    def pairs(self, items):
        return list(zip(items[0::2], items[1::2]))

    def full_scan(self, server, key, *options, resp=None):
        """Iterates ZSCAN to cursor 0 on one server; returns ({member: score}, cursors, calls),
        asserting that no member comes back with two different scores."""
        resp = resp or self.DEFAULT_RESP
        cursor, seen, cursors, calls = b"0", {}, [], 0
        while True:
            v = parse(self._call(server, resp, ["ZSCAN", key, cursor] + list(options)))
            self.assertIsInstance(v, list, f"{server.label}: ZSCAN {key} {cursor} -> {v!r}")
            cursor, items = v
            self.assertEqual(len(items) % 2, 0)
            for m, sc in self.pairs(items):
                self.assertEqual(seen.setdefault(m, sc), sc, f"{server.label}: {m!r}")
            cursors.append(cursor)
            calls += 1
            self.assertLess(calls, 100000, f"{server.label}: ZSCAN does not terminate")
            if cursor == b"0":
                return seen, cursors, calls

    def zadd(self, key, members, scores=None):
        args = []
        for i, m in enumerate(members):
            args += [scores[i % len(scores)] if scores else str(i), m]
        for start in range(0, len(args), 2000):
            self.check("ZADD", key, *args[start:start + 2000])

    def test_listpack_one_step(self):
        """A listpack answers everything, in rank order, with cursor 0 (compared raw)."""
        self.zadd("z", [f"m{i}" for i in range(100)], ODD_SCORES)
        self.check_all(["OBJECT ENCODING z"])
        for cmd in ("ZSCAN z 0", "ZSCAN z 5", "ZSCAN z 18446744073709551615", "ZSCAN z 0 COUNT 1",
                    "ZSCAN z 0 MATCH m1*", "ZSCAN z 0 MATCH * COUNT 2", "ZSCAN z 0 match m?",
                    "ZSCAN z 0 MATCH nomatch", "ZSCAN z 0 COUNT 5 MATCH m1* COUNT 7",
                    "ZSCAN z -1", "ZSCAN z +3", "ZSCAN z ''", "ZSCAN nokey 0",
                    "ZSCAN nokey 7 MATCH x"):
            self.check(*harness._split_cmd(cmd))

    def test_errors(self):
        self.zadd("z", ["a", "b", "c"])
        self.zadd("big", [f"m{i}" for i in range(600)])
        self.check_all(["SET str v", "OBJECT ENCODING big"])
        for key in ("z", "big", "nokey", "str"):
            for tail in (["abc"], [" 1"], ["1 "], ["1x"], ["18446744073709551616"], ["-"],
                         ["+"], ["0", "COUNT", "0"], ["0", "COUNT", "-1"], ["0", "COUNT", "x"],
                         ["0", "COUNT"], ["0", "MATCH"], ["0", "TYPE", "zset"],
                         ["0", "COUNT", "1", "extra"], ["0", "FOO", "bar"],
                         ["0", "NOVALUES"], ["0", "COUNT", "9223372036854775807" + "0"]):
                self.check("ZSCAN", key, *tail)
        self.check_all(["ZSCAN", "ZSCAN z"])

    def test_skiplist_full_iteration(self):
        """Every member with its score (formatted as Redis does), with and without MATCH and
        COUNT; the first step of a COUNT 10 scan is partial on both servers."""
        members = [f"m{i}" for i in range(1000)]
        self.zadd("z", members, ODD_SCORES + [str(i / 8) for i in range(40)])
        self.check_all(["OBJECT ENCODING z", "ZCARD z"])
        _, rr = self.both_parsed("ZRANGE", "z", "0", "-1", "WITHSCORES", resp=2)
        expected = dict(self.pairs(rr))
        for options in ([], ["COUNT", "1"], ["COUNT", "7"], ["COUNT", "100"], ["COUNT", "5000"],
                        ["MATCH", "m1*"], ["MATCH", "*9", "COUNT", "50"], ["MATCH", "nomatch"],
                        ["MATCH", "*"]):
            want = {m: sc for m, sc in expected.items()
                    if not options or options[0] != "MATCH"
                    or fnmatch.fnmatchcase(m.decode(), options[1])}
            for s in (self.lunar, self.redis):
                got, _, _ = self.full_scan(s, "z", *options)
                self.assertEqual(got, want, f"{s.label}: ZSCAN z ... {options}")
        for s in (self.lunar, self.redis):
            cursor, items = parse(self._call(s, 2, ["ZSCAN", "z", "0", "COUNT", "10"]))
            self.assertNotEqual(cursor, b"0", s.label)
            self.assertTrue(0 < len(items) // 2 <= 100, f"{s.label}: {len(items)}")

    def test_big_zset_real_cursor(self):
        """A 20,000-member skiplist is walked in many steps of about COUNT members: the cursor
        is non-zero until the last step, and the steps return every member exactly once when
        nothing changes (Lunar's table; Redis's dict can repeat after a rehash, not here)."""
        n = 20000
        self.zadd("big", [f"member:{i}" for i in range(n)], [str(i) for i in range(97)])
        self.check_all(["OBJECT ENCODING big", "ZCARD big"])
        for count in (10, 100, 1000):
            for s in (self.lunar, self.redis):
                resp = self.DEFAULT_RESP
                cursor, calls, total = b"0", 0, 0
                seen = set()
                while True:
                    cursor, items = parse(self._call(
                        s, resp, ["ZSCAN", "big", cursor, "COUNT", str(count)]))
                    calls += 1
                    total += len(items) // 2
                    seen.update(items[0::2])
                    if cursor == b"0":
                        break
                    # About COUNT members a step (Redis may exceed it by a bucket chain).
                    self.assertTrue(0 < len(items) // 2 <= 4 * count,
                                    f"{s.label}: COUNT {count}: {len(items) // 2} members")
                self.assertEqual(len(seen), n, s.label)
                self.assertGreaterEqual(calls, n // count // 2, f"{s.label}: COUNT {count}")
                if s is self.lunar:
                    self.assertEqual(total, n, "lunar returns each member once")
                    self.assertLessEqual(calls, n // count + 1)
        # A cursor beyond the table (as from another zset) still ends the walk.
        got, _, _ = self.full_scan(self.lunar, "big", "COUNT", "500")
        self.assertEqual(len(got), n)
        cursor, items = parse(self._call(self.lunar, 2, ["ZSCAN", "big", "18446744073709551615",
                                                         "COUNT", "100"]))
        self.assertTrue(0 < len(items) // 2 <= 100)

    def test_scan_while_mutating(self):
        """SCAN's guarantee on a skiplist while members are added (growth) and removed
        (shrinking) between calls."""
        self.check_scan_while_mutating(
            "ZSCAN", ("ZADD", lambda names: [a for m in names for a in ("1", m)]), "ZREM",
            lambda items: items[0::2])

    def test_scan_while_rescoring(self):
        """Members present throughout are returned while scores change (ZINCRBY moves them in
        the order), others are popped (ZPOPMIN) and added, and every returned score is one the
        member had during the scan."""
        for s in (self.lunar, self.redis):
            c = s.client()
            try:
                stable = [f"s{i}" for i in range(400)]
                args = []
                for i, m in enumerate(stable):
                    args += [str(1000 + i), m]
                c.call("ZADD", "k", *args)
                c.call("ZADD", "k", *[a for i in range(2000) for a in (str(i % 50), f"t{i}")])
                rng = random.Random(11)
                cursor, seen, calls, added = b"0", set(), 0, 0
                while True:
                    cursor, items = parse(c.call("ZSCAN", "k", cursor, "COUNT", "25"))
                    for m, sc in self.pairs(items):
                        seen.add(m)
                        if m.startswith(b"s"):
                            self.assertGreaterEqual(float(sc), 1000, s.label)
                    calls += 1
                    for _ in range(20):
                        c.call("ZINCRBY", "k", str(rng.randrange(1, 500)),
                               f"s{rng.randrange(400)}")
                    if calls % 2:
                        c.call("ZPOPMIN", "k", "40")  # transient members score below 1000
                    else:
                        c.call("ZADD", "k", *[a for i in range(50)
                                              for a in (str(rng.randrange(50)), f"n{added + i}")])
                        added += 50
                    if cursor == b"0":
                        break
                    self.assertLess(calls, 10000)
                missing = [m for m in stable if m.encode() not in seen]
                self.assertEqual(missing, [], f"{s.label}: stable members not returned")
            finally:
                c.call("DEL", "k")
                c.close()

    def test_conversion_then_scan(self):
        """A zset converted from a listpack, and one copied (COPY), scan like any skiplist;
        shrinking below the listpack limits keeps the skiplist (no conversion back)."""
        self.check("CONFIG", "SET", "zset-max-listpack-entries", "16")
        self.zadd("z", [f"m{i}" for i in range(16)], ODD_SCORES)
        self.check_all(["OBJECT ENCODING z", "ZSCAN z 0 COUNT 2", "ZADD z 5 extra",
                        "OBJECT ENCODING z", "COPY z z2", "OBJECT ENCODING z2"])
        for key in ("z", "z2"):
            _, rr = self.both_parsed("ZRANGE", key, "0", "-1", "WITHSCORES", resp=2)
            for s in (self.lunar, self.redis):
                got, _, _ = self.full_scan(s, key, "COUNT", "3")
                self.assertEqual(got, dict(self.pairs(rr)), f"{s.label}: {key}")
        self.check_all(["ZREMRANGEBYRANK z 0 13", "OBJECT ENCODING z", "ZCARD z"])
        # Three members left: one step returns them all with cursor 0 on both servers.
        self.check("ZSCAN", "z", "0", normalize=lambda r: (parse(r)[0],
                                                           sorted(self.pairs(parse(r)[1]))))
        self.check("ZSCAN", "nokey", "0")


class TestEncoding(ZsetDiffTest):

    def test_thresholds(self):
        self.check_all(["CONFIG GET zset-max-listpack-entries", "CONFIG GET zset-max-ziplist-entries",
                        "CONFIG SET zset-max-listpack-entries 1k",
                        "CONFIG SET zset-max-listpack-value 1k",
                        "CONFIG GET zset-max-listpack-value",
                        "CONFIG SET zset-max-listpack-entries -1",
                        "CONFIG SET zset-max-ziplist-entries 4",
                        "CONFIG SET zset-max-listpack-value 8",
                        "CONFIG GET zset-max-listpack-value"])
        self.check_all(["ZADD a 1 a 2 b 3 c 4 d", "OBJECT ENCODING a", "ZADD a 5 e",
                        "OBJECT ENCODING a", "ZREM a a b c", "OBJECT ENCODING a",
                        "ZADD b 1 12345678", "OBJECT ENCODING b", "ZADD b 1 123456789",
                        "OBJECT ENCODING b", "ZADD c 1 123456789", "OBJECT ENCODING c",
                        "ZRANGESTORE d a 0 1", "OBJECT ENCODING d", "ZRANGESTORE d c 0 1",
                        "OBJECT ENCODING d", "ZADD e 1 a 2 b 3 c 4 d 5 e", "OBJECT ENCODING e",
                        "CONFIG SET zset-max-listpack-entries 0", "ZADD f 1 a",
                        "OBJECT ENCODING f", "ZRANGE e 0 -1 WITHSCORES", "COPY e e2",
                        "OBJECT ENCODING e2", "ZRANGE e2 0 -1 WITHSCORES", "COPY a a2",
                        "OBJECT ENCODING a2", "ZRANGE a2 0 -1 WITHSCORES", "ZADD a2 9 z",
                        "ZRANGE a 0 -1 WITHSCORES"])

    def test_big(self):
        members = []
        for i in range(300):
            members += [str((i * 37) % 101 / 4), f"m{i}"]
        self.check("ZADD", "z", *members)
        self.check_all(["OBJECT ENCODING z", "ZRANGE z 0 -1 WITHSCORES", "ZRANK z m17",
                        "ZREVRANK z m200", "ZCOUNT z 3 (10", "ZRANGEBYSCORE z 5 6 LIMIT 2 5",
                        "ZREVRANGEBYSCORE z 6 5 WITHSCORES", "ZREMRANGEBYRANK z 10 20",
                        "ZREMRANGEBYSCORE z 20 21", "ZPOPMAX z 3", "ZPOPMIN z",
                        "ZRANGE z 100 120", "ZCARD z"])
        self.check("ZSCAN", "z", "0", "COUNT", "1000",
                   normalize=lambda r: sorted(zip(*[iter(parse(r)[1])] * 2)))


class TestAlgebra(ZsetDiffTest):

    def setUp(self):
        super().setUp()
        self.check_all(["ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "ZADD c 0.5 z 7 x",
                        "ZADD i 1 m -inf n +inf o", "SET str v"])

    def test_union_inter_diff(self):
        for cmd in ["ZUNION", "ZINTER", "ZDIFF"]:
            for args in ["1 a", "2 a b", "3 a b c", "2 a b WITHSCORES", "2 a nokey WITHSCORES",
                         "2 nokey a", "2 a a WITHSCORES", "3 c b a WITHSCORES",
                         "2 a b WEIGHTS 2 0.5 WITHSCORES", "2 a b AGGREGATE MIN WITHSCORES",
                         "2 a b AGGREGATE max WITHSCORES", "2 a b WEIGHTS 1 x", "2 a b WEIGHTS 1",
                         "2 a b AGGREGATE avg", "2 a b AGGREGATE", "0 a", "-1 a", "x a",
                         "3 a b", "2 a str", "2 nokey str", "2 a b FOO", "2 a b LIMIT 1",
                         "2 i i WITHSCORES", "2 i a WEIGHTS 0 1 WITHSCORES",
                         "2 i i WEIGHTS 1 -1 WITHSCORES", "1 nokey", "1 nokey WITHSCORES",
                         "2 a b WITHSCORES WITHSCORES", "2 a b WEIGHTS 1 2 AGGREGATE SUM"]:
                self.check(cmd, *args.split())
        self.check_all(["ZUNION 1", "ZINTER", "ZDIFF 1"])

    def test_set_inputs(self):
        """Plain sets are read as sorted sets whose members score 1 (the sets module's values,
        reached through the SDK's for_each callback); lists and hashes are WRONGTYPE."""
        self.check_all(["SADD s x y q", "SADD ints 1 2 3 x", "RPUSH l x", "HSET h x 1"])
        for cmd in ["ZUNION", "ZINTER", "ZDIFF"]:
            for args in ["2 a s WITHSCORES", "2 s a WITHSCORES", "2 s s WITHSCORES",
                         "3 s a ints WEIGHTS 2 3 4 WITHSCORES", "2 s a AGGREGATE MAX WITHSCORES",
                         "1 s", "2 a l", "2 a h", "2 nokey s WITHSCORES"]:
                if cmd == "ZDIFF" and "WEIGHTS" in args:
                    continue
                self.check(cmd, *args.split())
        self.check_all(["ZUNIONSTORE d 2 a s", "ZRANGE d 0 -1 WITHSCORES", "OBJECT ENCODING d",
                        "ZINTERSTORE d 2 s ints", "ZRANGE d 0 -1 WITHSCORES",
                        "ZDIFFSTORE d 2 s a", "ZRANGE d 0 -1 WITHSCORES", "ZINTERCARD 2 s a",
                        "ZINTERCARD 2 s ints LIMIT 1", "ZINTERCARD 2 s l"])

    def test_store(self):
        for cmd in ["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]:
            for args in ["d 2 a b", "d 3 a b c WEIGHTS 1 2 3", "d 2 a b AGGREGATE MAX",
                         "d 2 nokey a", "d 1 nokey", "d 2 a b WITHSCORES", "d 0 a",
                         "str 2 a b", "d 2 a str", "d 1 i", "a 2 a b"]:
                self.check(cmd, *args.split())
                self.check_all(["ZRANGE d 0 -1 WITHSCORES", "OBJECT ENCODING d", "TYPE str",
                                "ZRANGE a 0 -1 WITHSCORES"])
                self.check_all(["SET str v"])
        self.check_all(["CONFIG SET zset-max-listpack-entries 2", "ZUNIONSTORE d 2 a b",
                        "OBJECT ENCODING d", "ZINTERSTORE d 2 a b", "OBJECT ENCODING d",
                        "ZUNIONSTORE", "ZUNIONSTORE d 1"])

    def test_intercard(self):
        self.check_all(["ZINTERCARD 2 a b", "ZINTERCARD 3 a b c", "ZINTERCARD 2 a b LIMIT 1",
                        "ZINTERCARD 2 a b LIMIT 0", "ZINTERCARD 2 a b LIMIT -1",
                        "ZINTERCARD 2 a b LIMIT x", "ZINTERCARD 2 a nokey", "ZINTERCARD 0 a",
                        "ZINTERCARD 3 a b", "ZINTERCARD 2 a str", "ZINTERCARD 2 a b WITHSCORES",
                        "ZINTERCARD 2 a b WEIGHTS 1 2", "ZINTERCARD 1 a LIMIT", "ZINTERCARD"])


def wait_blocked(admin, n, timeout=5.0):
    """Waits until exactly n clients are blocked (INFO's blocked_clients)."""
    deadline = time.monotonic() + timeout
    while True:
        text = parse(admin.call("INFO", "clients")).decode()
        b = int([x for x in text.splitlines() if x.startswith("blocked_clients:")][0][16:])
        if b == n:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {n} blocked clients, have {b}")
        time.sleep(0.005)


class TestPop(ZsetDiffTest):

    def setUp(self):
        super().setUp()
        self.check_all(["ZADD a 1 x 2 y 3 z", "ZADD b 10 p 20 q", "SET str v"])

    def test_zmpop(self):
        self.check_all([
            "ZMPOP 1 a MIN", "ZMPOP 2 nokey a MAX COUNT 5", "EXISTS a", "ZMPOP 1 a MIN",
            "ZMPOP 2 str b MIN", "ZMPOP 2 b str MIN COUNT 1", "ZMPOP 0 a MIN", "ZMPOP x a MIN",
            "ZMPOP -1 a MIN", "ZMPOP 1 a", "ZMPOP 2 a MIN", "ZMPOP 1 a MIDDLE",
            "ZMPOP 1 b MIN COUNT 0", "ZMPOP 1 b MIN COUNT x", "ZMPOP 1 b MIN COUNT 1 COUNT 1",
            "ZMPOP 1 b MIN COUNT", "ZMPOP 1 b MIN FOO", "ZMPOP 1 nokey MIN",
            "ZMPOP 9223372036854775807 b MIN", "ZMPOP", "ZMPOP 1",
        ])

    def test_blocking_forms_serve_at_once(self):
        self.check_all([
            "BZPOPMIN nokey a 0", "BZPOPMAX b a 0", "BZPOPMIN str a 0", "BZPOPMIN a str 0",
            "BZMPOP 0 2 nokey b MAX COUNT 5", "EXISTS b", "BZMPOP 1 1 a MIN", "BZPOPMIN a 0.5",
        ])

    def test_argument_errors(self):
        self.check_all([
            "BZPOPMIN k abc", "BZPOPMIN k -1", "BZPOPMAX k ''", "BZPOPMIN k nan",
            "BZMPOP abc 1 k MIN", "BZMPOP -1 1 k MIN", "BZMPOP abc 0 k MIN",
            "BZMPOP abc 1 k MIDDLE", "BZMPOP 0 2 k MIN", "BZMPOP abc 1 k MIN COUNT 0",
            "BZPOPMIN", "BZPOPMIN k", "BZMPOP 0 1 k", "BZMPOP 0",
        ])

    def test_blocking_forms_in_multi(self):
        self.check_all([
            "MULTI", "BZPOPMIN nokey 0", "BZPOPMAX nokey nokey2 0", "BZMPOP 0 1 nokey MIN",
            "BZMPOP 0 1 nokey MAX COUNT 3", "BZPOPMIN a 0", "EXEC",
        ])

    def test_block_and_wake(self):
        for server in (self.lunar, self.redis):
            waiter, waiter2, admin = server.client(resp=self.DEFAULT_RESP), server.client(), \
                server.client()
            try:
                admin.call("DEL", "w", "v")
                waiter.send("BZPOPMIN", "v", "w", "0")
                wait_blocked(admin, 1)
                waiter2.send("BZMPOP", "0", "2", "w", "v", "MAX", "COUNT", "3")
                wait_blocked(admin, 2)
                admin.call("ZADD", "w", "1", "m", "2", "n", "3", "o", "4", "p")
                got = [waiter.read_reply(), waiter2.read_reply()]
                got.append(admin.call("ZRANGE", "w", "0", "-1", "WITHSCORES"))
                got.append(admin.call("BZPOPMAX", "nokey", "0.05"))
                if server is self.lunar:
                    lunar_got = got
                else:
                    self.assertEqual(lunar_got, got)
            finally:
                waiter.close()
                waiter2.close()
                admin.close()


ALL_COMMANDS = ["bzmpop", "bzpopmax", "bzpopmin", "zadd", "zcard", "zcount", "zdiff",
                "zdiffstore", "zincrby", "zinter", "zintercard", "zinterstore", "zlexcount",
                "zmpop", "zmscore", "zpopmax", "zpopmin", "zrandmember", "zrange", "zrangebylex",
                "zrangebyscore", "zrangestore", "zrank", "zrem", "zremrangebylex",
                "zremrangebyrank", "zremrangebyscore", "zrevrange", "zrevrangebylex",
                "zrevrangebyscore", "zrevrank", "zscan", "zscore", "zunion", "zunionstore"]
# Keys found through a numkeys argument: no key spec Lunar can declare.
KEYNUM_COMMANDS = {"bzmpop", "zdiff", "zinter", "zintercard", "zmpop", "zunion"}


class TestMeta(ZsetDiffTest):

    def test_keyspace_stats(self):
        """Each command counts keyspace hits and misses as Redis does (read lookups)."""
        self.check_all(["ZADD a 1 x 2 y", "ZADD b 2 y 3 z", "CONFIG RESETSTAT"])

        def stats(raw):
            v = parse(raw)
            if isinstance(v, bytes):
                return [x for x in v.decode().splitlines() if x.startswith("keyspace_")]
            return v
        for cmd in ["ZSCORE a x", "ZSCORE nokey x", "ZMSCORE a x", "ZCARD a", "ZRANK a x",
                    "ZCOUNT a 0 1", "ZLEXCOUNT nokey - +", "ZRANGE a 0 -1", "ZRANGEBYSCORE a 0 1",
                    "ZRANGESTORE d a 0 -1", "ZRANGESTORE d nokey 0 -1", "ZUNION 2 a nokey",
                    "ZUNIONSTORE d 2 a b", "ZINTERCARD 2 a b", "ZDIFF 2 a b",
                    "ZINTERSTORE d 2 a nokey", "ZRANDMEMBER a", "ZRANDMEMBER a 2",
                    "ZSCAN a 0", "ZREM nokey x", "ZADD c 1 x", "ZINCRBY c 1 x", "ZPOPMIN nokey",
                    "ZMPOP 2 nokey c MIN", "BZPOPMIN b 0", "ZREMRANGEBYRANK a 0 0"]:
            self.both(*cmd.split())
            self.check("INFO", "stats", normalize=stats, msg=f"after {cmd}")

    def test_command_info(self):
        def head(raw):  # name arity flags first last step acl-categories
            v = parse(raw)
            return [x[:7] if isinstance(x, list) else x for x in v] if isinstance(v, list) else v

        def first_spec_flags(raw):
            v = parse(raw)
            specs = v[0][8]

            def as_dict(x):
                if isinstance(x, list):
                    return {x[i]: x[i + 1] for i in range(0, len(x), 2)}
                return dict(x)

            def begin_index(spec):
                return as_dict(as_dict(spec[b"begin_search"])[b"spec"])[b"index"]
            spec = min((as_dict(x) for x in specs), key=begin_index)
            return sorted(spec[b"flags"])

        def docs(raw):
            v = parse(raw)
            if isinstance(v, list):
                v = {v[i]: v[i + 1] for i in range(0, len(v), 2)}
            out = {}
            for name, d in v.items():
                if isinstance(d, list):
                    d = {d[i]: d[i + 1] for i in range(0, len(d), 2)}
                out[name] = {k: d.get(k) for k in (b"summary", b"since", b"group",
                                                    b"complexity")}
            return out
        for n in ALL_COMMANDS:
            self.check("COMMAND", "INFO", n, normalize=head)
            if n not in KEYNUM_COMMANDS:
                self.check("COMMAND", "INFO", n, normalize=first_spec_flags)
            self.check("COMMAND", "DOCS", n, normalize=docs)
        for cmd in (["ZADD", "z", "1", "a"], ["ZRANGESTORE", "d", "s", "0", "1"],
                    ["BZPOPMIN", "a", "b", "0"]):
            self.check("COMMAND", "GETKEYS", *cmd)


EVENT_COMMANDS = [
    "ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z XX 5 zz", "ZINCRBY z 1 a", "ZADD z INCR 1 b",
    "ZREM z nomember", "ZREM z a", "ZREMRANGEBYSCORE z 100 200", "ZREMRANGEBYSCORE z 2 2",
    "ZADD z 4 d 5 e", "ZREMRANGEBYRANK z 0 0", "ZADD l 0 a 0 b", "ZREMRANGEBYLEX l - [a",
    "ZPOPMIN l", "ZADD z 9 x", "ZPOPMAX z", "ZRANGESTORE d z 0 -1", "ZRANGESTORE d z 5 9",
    "ZPOPMIN z 10", "ZADD q 1 a", "ZREM q a", "ZADD a 1 x", "ZADD b 2 x 3 y",
    "ZUNIONSTORE u 2 a b", "ZINTERSTORE u 2 a b", "ZDIFFSTORE u 2 b a", "ZDIFFSTORE u 2 a b",
    "ZINTERSTORE u 2 a nokey", "ZADD p 1 a 2 b 3 c", "ZMPOP 1 p MIN", "BZPOPMAX p 0",
    "BZMPOP 0 1 p MIN COUNT 3",
]


class TestEvents(ZsetDiffTest):

    def test_events(self):
        (lr, lm), (rr, rm) = test_notify.TestNotifications.run_family(self, EVENT_COMMANDS)
        self.assertEqual(lr, rr)
        self.assertEqual(lm, rm, "notifications differ")
        self.assertTrue(lm)


@unittest.skipIf(harness.lunar_is_redis(), "Lunar modules only")
class TestPropagation(unittest.TestCase):
    """Pops propagate as Redis 7.0 writes them to its AOF: ZMPOP, BZMPOP as ZPOPMIN/ZPOPMAX key
    n (n: the number popped), BZPOPMIN/BZPOPMAX as ZPOPMIN/ZPOPMAX key (when served at once or after waiting)."""

    @classmethod
    def setUpClass(cls):
        recorder = os.path.join(harness.build_dir(), "tests", "modules", "prop_recorder.so")
        cls.server = harness.start_lunar("--loadmodule", recorder)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_pops(self):
        c, w = self.server.client(), self.server.client()
        try:
            c.call("FLUSHALL")
            c.call_parsed("PROPLOG")
            c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
            c.call("ZMPOP", "1", "z", "MIN")
            c.call("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "1")
            c.call("BZPOPMIN", "z", "0")
            c.call("BZMPOP", "0", "1", "z", "MAX", "COUNT", "5")
            w.send("BZPOPMAX", "nokey", "y", "0")
            wait_blocked(c, 1)
            c.call("ZADD", "y", "5", "e")
            w.read_reply()
            w.send("BZMPOP", "0", "1", "x", "MIN", "COUNT", "5")
            wait_blocked(c, 1)
            c.call("ZADD", "x", "5", "e", "6", "f")
            w.read_reply()
            c.call("ZPOPMIN", "nokey")
            log = [x.decode() for x in c.call_parsed("PROPLOG")]
            self.assertEqual(log, ["0: ZADD z 1 a 2 b 3 c 4 d", "0: ZPOPMIN z 1",
                                   "0: ZPOPMAX z 1", "0: ZPOPMIN z", "0: ZPOPMAX z 1",
                                   "0: ZADD y 5 e", "0: ZPOPMAX y",
                                   "0: ZADD x 5 e 6 f", "0: ZPOPMIN x 2"])
        finally:
            c.close()
            w.close()


KEYS = ["k1", "k2", "k3"]
MEMBERS = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]


def _score(rng):
    return rng.choice(["0", "1", "2", "-1", "1.5", "3", "10", "inf", "-inf", "0.1", "7"])


def _bound(rng):
    b = _score(rng)
    return rng.choice(["", "("]) + b


def _lex(rng):
    return rng.choice(["-", "+", "[" + rng.choice(MEMBERS), "(" + rng.choice(MEMBERS)])


def _rand_command(rng):
    k = rng.choice(KEYS)
    m = rng.choice(MEMBERS)
    r = rng.randrange(26)
    if r < 5:
        opts = rng.choice([[], ["NX"], ["XX"], ["GT"], ["LT", "CH"], ["CH"], ["XX", "GT"]])
        pairs = []
        for _ in range(rng.randrange(1, 4)):
            pairs += [_score(rng), rng.choice(MEMBERS)]
        return ["ZADD", k] + opts + pairs
    if r == 5:
        return ["ZINCRBY", k, _score(rng), m]
    if r == 6:
        return ["ZREM", k, m, rng.choice(MEMBERS)]
    if r == 7:
        return ["ZRANK" if rng.random() < .5 else "ZREVRANK", k, m]
    if r == 8:
        return ["ZSCORE", k, m]
    if r == 9:
        return ["ZCOUNT", k, _bound(rng), _bound(rng)]
    if r == 10:
        cmd = ["ZRANGE", k, str(rng.randrange(-8, 8)), str(rng.randrange(-8, 8))]
        if rng.random() < .5:
            cmd.append("REV")
        if rng.random() < .5:
            cmd.append("WITHSCORES")
        return cmd
    if r == 11:
        cmd = ["ZRANGE", k, _bound(rng), _bound(rng), "BYSCORE"]
        if rng.random() < .5:
            cmd.append("REV")
        if rng.random() < .5:
            cmd += ["LIMIT", str(rng.randrange(-1, 4)), str(rng.randrange(-1, 4))]
        if rng.random() < .5:
            cmd.append("WITHSCORES")
        return cmd
    if r == 12:
        return ["ZREMRANGEBYRANK", k, str(rng.randrange(-5, 5)), str(rng.randrange(-5, 5))]
    if r == 13:
        return ["ZREMRANGEBYSCORE", k, _bound(rng), _bound(rng)]
    if r == 14:
        return [rng.choice(["ZPOPMIN", "ZPOPMAX"]), k] + rng.choice([[], ["2"], ["0"]])
    if r == 15:
        return ["ZRANGESTORE", rng.choice(KEYS), k, str(rng.randrange(-4, 4)), "-1"]
    if r == 16:
        return ["ZMSCORE", k, m, rng.choice(MEMBERS)]
    if r == 17:
        # Lex commands on an all-zero-score key only (mixed scores are undefined).
        return ["ZADD", "lex", "0", m]
    if r == 18:
        cmd = ["ZRANGE", "lex", _lex(rng), _lex(rng), "BYLEX"]
        if rng.random() < .5:
            cmd.append("REV")
        if rng.random() < .5:
            cmd += ["LIMIT", str(rng.randrange(0, 3)), str(rng.randrange(-1, 4))]
        return cmd
    if r == 19:
        return ["ZLEXCOUNT", "lex", _lex(rng), _lex(rng)]
    if r == 20:
        return ["ZREMRANGEBYLEX", "lex", _lex(rng), _lex(rng)]
    if r == 21:
        ks = rng.sample(KEYS, rng.randint(1, 3))
        cmd = [rng.choice(["ZUNIONSTORE", "ZINTERSTORE"]), rng.choice(KEYS), str(len(ks))] + ks
        if rng.random() < .5:
            cmd += ["WEIGHTS"] + [rng.choice(["1", "2", "-1", "0", "0.5"]) for _ in ks]
        if rng.random() < .5:
            cmd += ["AGGREGATE", rng.choice(["SUM", "MIN", "MAX"])]
        return cmd
    if r == 22:
        ks = rng.sample(KEYS, rng.randint(1, 3))
        return [rng.choice(["ZUNION", "ZINTER", "ZDIFF"]), str(len(ks))] + ks + ["WITHSCORES"]
    if r == 23:
        ks = rng.sample(KEYS, rng.randint(1, 3))
        return ["ZDIFFSTORE", rng.choice(KEYS), str(len(ks))] + ks
    if r == 24:
        ks = rng.sample(KEYS, rng.randint(1, 3))
        return ["ZINTERCARD", str(len(ks))] + ks + ["LIMIT", str(rng.randrange(3))]
    if r == 25:
        ks = rng.sample(KEYS, rng.randint(1, 3))
        return ["ZMPOP", str(len(ks))] + ks + [rng.choice(["MIN", "MAX"]), "COUNT",
                                               str(rng.randrange(1, 4))]
    return ["ZCARD", k]


class TestRandom(ZsetDiffTest):

    def test_random(self):
        self.check("CONFIG", "SET", "zset-max-listpack-entries", "6")
        seed = self.random_commands(_rand_command)
        for k in KEYS + ["lex"]:
            self.check("ZRANGE", k, "0", "-1", "WITHSCORES", msg=f"seed {seed}, final state")
            self.check("OBJECT", "ENCODING", k, msg=f"seed {seed}, final state")


for _cls in [TestAdd, TestRange, TestScan, TestEncoding, TestAlgebra, TestPop]:
    _name = _cls.__name__ + "Resp3"
    globals()[_name] = type(_name, (_cls,), {"DEFAULT_RESP": 3})
del _cls

if __name__ == "__main__":
    harness.main()
