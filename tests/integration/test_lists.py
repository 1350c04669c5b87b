"""Differential tests of the lists module against redis-server.

Every command's raw reply bytes are compared with Redis 7.0's, in RESP2 (TestX) and RESP3
(TestXResp3), error cases included. TestBlocking runs the same multi-client scripts against both
servers (blocked clients, wake-up order, timeouts, BLMOVE chains, disconnects, CLIENT KILL and
UNBLOCK, MULTI/EXEC) and compares the transcripts. TestRandom drives seeded random list commands
for a bounded time (LUNAR_TEST_SEED picks the seed, LUNAR_RANDOM_SECONDS the time).
"""

import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402

LLONG_MAX = "9223372036854775807"
LLONG_MIN = "-9223372036854775808"
BIG = "x" * 9000  # bigger than a node of the default fill (8 KB)


class ListsDiffTest(harness.DiffTest):
    """Helpers shared by the classes below."""

    def fill(self, key, *elements):
        """RPUSH elements to key on both servers (compared)."""
        self.both("DEL", key)
        if elements:
            self.check("RPUSH", key, *elements)

    def check_list(self, key):
        """The whole list (and its length) equal on both servers."""
        self.check("LRANGE", key, "0", "-1")
        self.check("LLEN", key)


# ------------------------------------------------------------------------------------------------
# Push and pop
# ------------------------------------------------------------------------------------------------


class TestPushPop(ListsDiffTest):

    def test_push(self):
        self.check_all([
            "LPUSH k a", "LPUSH k b c d", "RPUSH k e f", "LRANGE k 0 -1", "LLEN k", "TYPE k",
            "LPUSHX k x", "RPUSHX k y z", "LPUSHX nokey x", "RPUSHX nokey x", "EXISTS nokey",
            "LRANGE k 0 -1", ("RPUSH", "bin", b"\x00\xff\r\n", ""), ("LRANGE", "bin", "0", "-1"),
            "LPUSH", "LPUSH k", "RPUSH k", "LPUSHX k", "RPUSHX", "LLEN", "LLEN a b",
            "LLEN nokey", "RPUSH n 1 -1 10 007 9223372036854775808 1.5", "LRANGE n 0 -1",
        ])

    def test_pop(self):
        self.fill("k", "a", "b", "c", "d", "e")
        self.check_all([
            "LPOP k", "RPOP k", "LRANGE k 0 -1", "LPOP k 0", "RPOP k 0", "LPOP k 1", "RPOP k 1",
            "LPOP k 5", "EXISTS k", "LPOP k", "RPOP k", "LPOP k 0", "RPOP k 1", "LPOP nokey 3",
            "LPOP k -1", "LPOP k abc", "LPOP k 1.5", "LPOP k ''", f"LPOP k {LLONG_MAX}",
            "LPOP k 9223372036854775808", "RPOP nokey -1", "LPOP k 1 2", "RPOP", "RPOP k 1 2 3",
        ])
        self.fill("k", "a", "b", "c")
        self.check_all(["RPOP k 2", "LRANGE k 0 -1", "RPOP k 9", "EXISTS k"])

    def test_pop_count_big_list(self):
        self.fill("k", *[str(i) for i in range(500)])
        self.check_all(["LPOP k 100", "RPOP k 150", "LLEN k", "LPOP k 1000", "EXISTS k"])

    def test_big_elements(self):
        for i in range(3):
            self.check("RPUSH", "k", BIG + str(i))
            self.check("LPUSH", "k", str(i))
        self.check_list("k")
        self.check_all(["LINDEX k 1", "LINDEX k -2", "LPOP k 2", "RPOP k"])
        self.check_list("k")


# ------------------------------------------------------------------------------------------------
# Index, range and changes in the middle
# ------------------------------------------------------------------------------------------------


class TestIndexRange(ListsDiffTest):

    def test_lindex(self):
        self.fill("k", "a", "b", "c", "d", "e")
        for i in range(-7, 8):
            self.check("LINDEX", "k", str(i))
        self.check_all([
            "LINDEX k abc", "LINDEX k 1.0", f"LINDEX k {LLONG_MAX}", f"LINDEX k {LLONG_MIN}",
            "LINDEX k 9223372036854775808", "LINDEX nokey 0", "LINDEX nokey abc", "LINDEX k",
            "LINDEX k 0 1",
        ])

    def test_lrange(self):
        self.fill("k", *"abcdefghij")
        for start in (-12, -10, -3, -1, 0, 1, 5, 9, 10, 20):
            for end in (-12, -11, -5, -1, 0, 2, 9, 10, 100):
                self.check("LRANGE", "k", str(start), str(end))
        self.check_all([
            "LRANGE k abc 1", "LRANGE k 0 abc", "LRANGE nokey abc 1", "LRANGE nokey 0 -1",
            f"LRANGE k {LLONG_MIN} {LLONG_MAX}", f"LRANGE k {LLONG_MAX} {LLONG_MIN}",
            "LRANGE k 0", "LRANGE k 0 1 2",
        ])

    def test_lrange_many_nodes(self):
        self.fill("k", *[f"e{i:04d}" + "y" * (i % 50) for i in range(3000)])
        for start, end in [(0, -1), (100, 2000), (-1500, -1400), (2999, 3000), (1499, 1501)]:
            self.check("LRANGE", "k", str(start), str(end))

    def test_lset(self):
        self.fill("k", "a", "b", "c")
        self.check_all([
            "LSET k 0 x", "LSET k -1 y", "LSET k 1 ''", "LRANGE k 0 -1", "LSET k 3 z",
            "LSET k -4 z", "LSET k abc z", "LSET nokey 0 z", "LSET nokey abc z",
            f"LSET k {LLONG_MAX} z", "LSET k 0", "LSET k 0 a b",
        ])
        self.check("LSET", "k", "1", BIG)
        self.check("LSET", "k", "1", "small")
        self.check_list("k")

    def test_ltrim(self):
        for start, end in [(0, -1), (1, -2), (2, 1), (-2, -1), (0, 0), (5, 10), (-100, 100),
                           (-100, -50), (3, 3), (0, -5), (-5, 4)]:
            self.fill("k", *"abcde")
            self.check("LTRIM", "k", str(start), str(end))
            self.check_list("k")
            self.check("EXISTS", "k")
        self.check_all([
            "LTRIM nokey 0 1", "LTRIM nokey a 1", "LTRIM k a 1", "LTRIM k 0 b", "LTRIM k 0",
            "EXISTS nokey",
        ])
        self.fill("big", *[str(i) for i in range(2000)])
        self.check_all(["LTRIM big 333 1700", "LLEN big", "LINDEX big 0", "LINDEX big -1",
                        "LTRIM big 1 -2", "LRANGE big 0 3", "LRANGE big -3 -1"])

    def test_linsert(self):
        self.fill("k", "a", "b", "c", "b")
        self.check_all([
            "LINSERT k BEFORE b x", "LINSERT k AFTER b y", "LINSERT k before a first",
            "LINSERT k after b last", "LINSERT k after zz q", "LINSERT k AfTeR c z",
            "LRANGE k 0 -1", "LINSERT k middle a x", "LINSERT nokey before a x",
            "LINSERT nokey middle a x", "EXISTS nokey", "LINSERT k before a", "LINSERT k",
            "LINSERT k before a x y",
        ])
        self.check("LINSERT", "k", "AFTER", "c", BIG)
        self.check("LINSERT", "k", "BEFORE", BIG, "tiny")
        self.check_list("k")

    def test_lrem(self):
        items = ["a", "b", "a", "c", "a", "b", "a"]
        for count in ("0", "1", "2", "-1", "-2", "10", "-10", LLONG_MIN, LLONG_MAX):
            self.fill("k", *items)
            self.check("LREM", "k", count, "a")
            self.check_list("k")
        self.fill("k", "a", "a")
        self.check_all([
            "LREM k 0 zz", "LREM k 0 a", "EXISTS k", "LREM nokey 0 a", "LREM nokey x a",
            "LREM k abc a", "LREM k 0", "LREM k 0 a b",
        ])
        self.fill("big", *["v" if i % 3 else "w" for i in range(3000)])
        self.check_all(["LREM big 500 w", "LREM big -300 v", "LLEN big", "LRANGE big 0 9",
                        "LRANGE big -10 -1", "LREM big 0 v", "LRANGE big 0 -1"])


# ------------------------------------------------------------------------------------------------
# LPOS
# ------------------------------------------------------------------------------------------------


class TestLpos(ListsDiffTest):

    def test_lpos_options(self):
        self.fill("k", "a", "b", "c", "1", "2", "3", "c", "c")
        opts = [[], ["RANK", "1"], ["RANK", "2"], ["RANK", "-1"], ["RANK", "-3"], ["RANK", "4"],
                ["RANK", "0"], ["RANK", "abc"], ["RANK", LLONG_MIN], ["RANK", "-" + LLONG_MAX],
                ["COUNT", "0"], ["COUNT", "1"], ["COUNT", "2"], ["COUNT", "-1"],
                ["COUNT", "abc"], ["MAXLEN", "0"], ["MAXLEN", "3"], ["MAXLEN", "7"],
                ["MAXLEN", "-1"], ["MAXLEN", "x"], ["RANK"], ["COUNT"], ["MAXLEN"], ["FOO"],
                ["rank", "-1", "count", "2"], ["RANK", "2", "COUNT", "0", "MAXLEN", "7"],
                ["RANK", "-2", "MAXLEN", "2"], ["COUNT", "-1", "RANK", "0"],
                ["RANK", "0", "COUNT", "-1"], ["RANK", "1", "RANK", "2"],
                ["RANK", LLONG_MIN, "COUNT", "2"], ["count", "1", "FOO"]]
        for o in opts:
            for elem in ("c", "a", "zz"):
                self.check("LPOS", "k", elem, *o)
            self.check("LPOS", "nokey", "c", *o)
        self.check_all(["LPOS k", "LPOS"])

    def test_lpos_many_nodes(self):
        self.fill("k", *[str(i % 7) for i in range(4000)])
        for o in ([], ["RANK", "100"], ["RANK", "-100"], ["COUNT", "0"], ["COUNT", "5", "RANK",
                  "-3"], ["MAXLEN", "1000", "COUNT", "0"], ["RANK", "-1", "MAXLEN", "3"]):
            self.check("LPOS", "k", "3", *o)


# ------------------------------------------------------------------------------------------------
# LMOVE, RPOPLPUSH, LMPOP
# ------------------------------------------------------------------------------------------------


class TestMove(ListsDiffTest):

    def test_lmove(self):
        for frm in ("LEFT", "RIGHT"):
            for to in ("LEFT", "RIGHT"):
                self.fill("s", "a", "b", "c")
                self.fill("d", "x")
                self.check("LMOVE", "s", "d", frm, to)
                self.check("LMOVE", "s", "new", frm, to)
                self.check("LMOVE", "s", "s", frm, to)
                self.check_list("s")
                self.check_list("d")
                self.check_list("new")
                self.both("DEL", "new")
        self.check_all([
            "LMOVE s d left right", "LMOVE s d middle right", "LMOVE s d left middle",
            "LMOVE nokey d left right", "LMOVE nokey d middle right", "EXISTS d",
            "RPUSH one a", "LMOVE one one left right", "LRANGE one 0 -1",
            "LMOVE one other right left", "EXISTS one", "LRANGE other 0 -1",
            "LMOVE s d left", "LMOVE s d left right x",
        ])

    def test_rpoplpush(self):
        self.fill("s", "a", "b", "c")
        self.check_all([
            "RPOPLPUSH s d", "RPOPLPUSH s d", "RPOPLPUSH s s", "LRANGE s 0 -1",
            "LRANGE d 0 -1", "RPOPLPUSH s d", "EXISTS s", "RPOPLPUSH nokey d", "RPOPLPUSH s",
            "RPOPLPUSH s d x",
        ])

    def test_lmpop(self):
        self.fill("a", "1", "2", "3")
        self.fill("b", "x", "y")
        self.check_all([
            "LMPOP 1 a LEFT", "LMPOP 1 a right", "LMPOP 2 nokey b LEFT COUNT 5", "EXISTS b",
            "LMPOP 2 a b RIGHT count 1", "LMPOP 2 a b LEFT", "LMPOP 1 nokey LEFT",
            "LMPOP 2 nokey other RIGHT COUNT 3",
            "LMPOP", "LMPOP 1", "LMPOP 1 a", "LMPOP 0 a LEFT", "LMPOP -1 a LEFT",
            "LMPOP abc a LEFT", "LMPOP 2 a LEFT", "LMPOP 1 a MIDDLE", "LMPOP 1 a LEFT COUNT 0",
            "LMPOP 1 a LEFT COUNT -1", "LMPOP 1 a LEFT COUNT abc", "LMPOP 1 a LEFT COUNT",
            "LMPOP 1 a LEFT COUNT 1 COUNT 2", "LMPOP 1 a LEFT FOO", f"LMPOP {LLONG_MAX} a LEFT",
            "LMPOP 2147483648 a LEFT", "LMPOP 3 a b LEFT", f"LMPOP 1 a LEFT COUNT {LLONG_MAX}",
            "LMPOP 1 a LEFT COUNT 9223372036854775808",
        ])
        self.fill("c", *[str(i) for i in range(100)])
        self.check_all(["LMPOP 1 c LEFT COUNT 30", "LMPOP 1 c RIGHT COUNT 80", "EXISTS c"])


# ------------------------------------------------------------------------------------------------
# Errors: wrong type, arity, blocking forms that do not block
# ------------------------------------------------------------------------------------------------


class TestErrors(ListsDiffTest):

    def test_wrongtype(self):
        self.check_all(["SET s x", "RPUSH l a b"])
        self.check_all([
            "LPUSH s a", "RPUSH s a", "LPUSHX s a", "RPUSHX s a", "LPOP s", "RPOP s",
            "LPOP s 0", "LPOP s -1", "LLEN s", "LINDEX s 0", "LINDEX s abc", "LINSERT s BEFORE a b",
            "LINSERT s MIDDLE a b", "LRANGE s 0 1", "LRANGE s a 1", "LREM s 0 a", "LREM s x a",
            "LSET s 0 a", "LSET s x a", "LTRIM s 0 1", "LTRIM s a 1", "LPOS s a",
            "LPOS s a RANK 0", "LPOS s a FOO", "LMOVE s l LEFT RIGHT", "LMOVE l s LEFT RIGHT",
            "LMOVE nokey s LEFT LEFT",
            "RPOPLPUSH s l", "RPOPLPUSH l s", "LMPOP 1 s LEFT", "LMPOP 2 nokey s LEFT",
            "LMPOP 2 l s LEFT", "RPUSH l a b c d", "BLPOP s 0", "BLPOP nokey s 0", "BLPOP l s 0",
            "BRPOP s abc",
            "BLMOVE s l LEFT RIGHT 0", "BLMOVE l s LEFT RIGHT 0", "BLMOVE s l LEFT RIGHT abc",
            "BRPOPLPUSH s l 0", "BLMPOP 0 1 s LEFT", "BLMPOP 0 2 nokey s LEFT", "GET s",
            "LRANGE l 0 -1",
        ])

    def test_blocking_forms_serve_at_once(self):
        self.fill("a", "1", "2", "3")
        self.fill("b", "x")
        self.check_all([
            "BLPOP nokey a 0", "BRPOP b a 0", "EXISTS b", "BLPOP a a 1", "BRPOP a 0.5",
            "RPUSH a p q r", "BLMOVE a b LEFT RIGHT 0", "BRPOPLPUSH a b 0", "LRANGE b 0 -1",
            "BLMPOP 0 2 nokey b RIGHT COUNT 5", "BLMPOP 1 1 a LEFT", "EXISTS a",
        ])

    def test_blocking_forms_in_script(self):
        """In a script BLMPOP (allowed there) answers as if it timed out; the others are
        refused (noscript)."""
        r, _ = self.both("EVAL", "return 1", "0")
        if b"unknown command" in r:
            self.skipTest("lunar has no EVAL")
        self.check_all([
            "EVAL \"return redis.call('blmpop', 0, 1, 'nokey', 'left')\" 0",
            "EVAL \"return redis.call('blpop', 'nokey', 0)\" 0",
            "EVAL \"return redis.call('blmove', 'nokey', 'd', 'left', 'left', 0)\" 0",
            "EVAL \"redis.call('rpush', 'k', 'a'); "
            "return redis.call('blmpop', 0, 1, 'k', 'left')\" 0",
        ], normalize=harness.error_prefix)

    def test_timeout_argument_errors(self):
        self.check_all([
            "BLPOP k abc", "BLPOP k -1", "BLPOP k -0.5", "BLPOP k 1e3x", "BLPOP k ''",
            "BLPOP k ' 1'", "BLPOP k '1 '", "BLPOP k inf", "BLPOP k -inf", "BLPOP k nan",
            "BRPOP k abc", "BRPOP k -1", "BLMOVE k d LEFT RIGHT abc", "BLMOVE k d LEFT RIGHT -1",
            "BLMOVE k d MIDDLE RIGHT abc", "BLMOVE k d LEFT MIDDLE -1", "BRPOPLPUSH k d abc",
            "BRPOPLPUSH k d -2", "BLMPOP abc 1 k LEFT", "BLMPOP -1 1 k LEFT",
            "BLMPOP abc 0 k LEFT", "BLMPOP abc 1 k MIDDLE", "BLMPOP 0 2 k LEFT",
            "BLMPOP abc 1 k LEFT COUNT 0", "BLMPOP 0 1 k LEFT COUNT 1 COUNT 1",
            "BLPOP k 9223372036854775807", "BLPOP k 99999999999999999999",
        ])

    def test_arity(self):
        self.check_all([
            "BLPOP", "BLPOP k", "BRPOP k", "BLMOVE k d LEFT RIGHT", "BLMOVE k d LEFT RIGHT 0 x",
            "BRPOPLPUSH k d", "BRPOPLPUSH k d 0 x", "BLMPOP 0 1 k", "BLMPOP 0 1", "BLMPOP 0",
        ])

    def test_blocking_forms_in_multi(self):
        self.check_all([
            "MULTI", "BLPOP nokey 0", "BRPOP nokey nokey2 0", "BLMOVE nokey d LEFT RIGHT 0",
            "BRPOPLPUSH nokey d 0", "BLMPOP 0 1 nokey LEFT", "BLMPOP 0 1 nokey LEFT COUNT 3",
            "BLPOP nokey abc", "LMOVE nokey d LEFT RIGHT", "LPOP nokey", "LPOP nokey 2",
            "RPUSH k a", "BLPOP k 0", "EXEC",
        ])


# ------------------------------------------------------------------------------------------------
# Encoding, config, metadata, keyspace events
# ------------------------------------------------------------------------------------------------


class TestEncoding(ListsDiffTest):
    """Redis 7.0 encodes every list as a quicklist, short or long, whatever the fill."""

    def tearDown(self):
        self.both("CONFIG", "SET", "list-max-listpack-size", "-2")
        super().tearDown()

    def test_encoding_at_thresholds(self):
        self.check_all(["RPUSH k a", "OBJECT ENCODING k"])
        for i in range(200):
            self.check("RPUSH", "k", "v" * 60 + str(i))
        self.check("OBJECT", "ENCODING", "k")
        self.check("LPOP", "k", "199")
        self.check_all(["OBJECT ENCODING k", "LLEN k"])
        self.check("RPUSH", "b", BIG)
        self.check_all(["OBJECT ENCODING b", "RPUSH b a", "OBJECT ENCODING b", "LPOP b",
                        "OBJECT ENCODING b", "COPY k c", "OBJECT ENCODING c", "LRANGE c 0 -1",
                        "TYPE c", "OBJECT ENCODING nokey"])

    def test_encoding_after_config_set(self):
        for fill in ("1", "3", "0", "-1", "-5", "-6", "128"):
            self.check("CONFIG", "SET", "list-max-listpack-size", fill)
            self.fill("k", *[str(i) for i in range(10)])
            self.check_all(["OBJECT ENCODING k", "LINSERT k AFTER 4 x", "LSET k 2 y",
                            "LREM k 0 7", "LTRIM k 1 -2", "RPOP k 3", "OBJECT ENCODING k"])
            self.check_list("k")
            self.check("RPUSH", "k", BIG, "z", BIG)
            self.check("LINSERT", "k", "BEFORE", "z", BIG)
            self.check_list("k")


def config_map(raw):
    """Normalizer: a CONFIG GET reply as a sorted list of (name, value)."""
    v = parse(raw)
    if isinstance(v, list):
        v = dict(zip(v[0::2], v[1::2]))
    if isinstance(v, dict):
        return sorted(v.items())
    return v


class TestConfig(ListsDiffTest):

    def tearDown(self):
        self.both("CONFIG", "SET", "list-max-listpack-size", "-2", "list-compress-depth", "0")
        super().tearDown()

    def test_config_params(self):
        self.check("CONFIG", "GET", "list-*", normalize=config_map)
        for name, value in [("list-max-listpack-size", "5"), ("list-max-ziplist-size", "-3"),
                            ("list-max-listpack-size", "0"), ("list-max-listpack-size", "-6"),
                            ("list-max-ziplist-size", "2147483647"),
                            ("list-max-listpack-size", "-2147483648"),
                            ("list-compress-depth", "3"), ("list-compress-depth", "0"),
                            ("LIST-MAX-LISTPACK-SIZE", "7")]:
            self.check("CONFIG", "SET", name, value)
            self.check("CONFIG", "GET", "list-*", normalize=config_map)
            self.check("CONFIG", "GET", "list-max-ziplist-size")
            self.check("CONFIG", "GET", "list-max-listpack-size")
        for name, value in [("list-max-listpack-size", "abc"),
                            ("list-max-listpack-size", "2147483648"),
                            ("list-max-listpack-size", "-2147483649"),
                            ("list-max-ziplist-size", "1.5"), ("list-compress-depth", "-1"),
                            ("list-compress-depth", "x"), ("list-compress-depth", "2147483648")]:
            self.check("CONFIG", "SET", name, value)
        self.check("CONFIG", "GET", "list-*", normalize=config_map)


    def test_config_no_memory_units(self):
        """Redis parses these as plain integers: memory units are refused."""
        self.check("CONFIG", "SET", "list-max-listpack-size", "1kb")
        self.check("CONFIG", "SET", "list-compress-depth", "1k")


class TestCommandInfo(ListsDiffTest):

    NAMES = ["lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lindex", "linsert",
             "lrange", "lrem", "lset", "ltrim", "lpos", "lmove", "rpoplpush", "lmpop", "blpop",
             "brpop", "blmove", "brpoplpush", "blmpop"]

    def test_command_info(self):
        def head(raw):  # name arity flags first last step acl-categories
            v = parse(raw)
            return [x[:7] if isinstance(x, list) else x for x in v] if isinstance(v, list) else v

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
        for n in self.NAMES:
            self.check("COMMAND", "INFO", n, normalize=head)
            self.check("COMMAND", "DOCS", n, normalize=docs)


class TestKeyspaceEvents(ListsDiffTest):
    """The keyspace events each write raises (names, keys and order), compared with Redis's."""

    EVENT_COMMANDS = [
        "RPUSH k a b c d e f", "LPUSH k x", "LPUSHX k y", "RPUSHX nokey y", "LPOP k", "RPOP k 2",
        "LPOP k 0", "LMOVE k d LEFT RIGHT", "LMOVE k k RIGHT LEFT", "RPOPLPUSH k d",
        "LINSERT k BEFORE b X", "LINSERT k BEFORE zz X", "LSET k 0 Q", "LTRIM k 0 100",
        "LTRIM k 1 -1", "LREM k 0 X", "LREM k 0 nothing", "LMPOP 2 nokey k RIGHT COUNT 2",
        "LMPOP 1 k LEFT COUNT 10", "RPUSH t a", "LMOVE t t LEFT LEFT", "LMOVE t u LEFT LEFT",
        "RPUSH v a b", "LTRIM v 5 10", "RPUSH w a", "LREM w 0 a", "RPUSH z a", "BLPOP z 0",
        "RPUSH z a b", "BRPOPLPUSH z y 0", "BLMOVE z y LEFT LEFT 0", "RPUSH z 1 2",
        "BLMPOP 0 1 z RIGHT COUNT 5", "SET zz-end 1",
    ]

    def test_events(self):
        self.check_keyevents(self.EVENT_COMMANDS)

    def test_events_of_woken_clients(self):
        """A blocked client served later raises the same events as its command run at once."""
        self.enable_keyevents()
        steps = [("block", 1, "BLPOP", "k", "0"), ("block", 2, "BLMOVE", "a", "b", "LEFT",
                                                     "RIGHT", "0"),
                 ("block", 3, "BLMPOP", "0", "1", "c", "RIGHT", "COUNT", "3"),
                 ("call", 0, "RPUSH", "k", "x", "y"), ("read", 1), ("call", 0, "RPUSH", "a", "v"),
                 ("read", 2), ("call", 0, "RPUSH", "c", "1", "2"), ("read", 3),
                 ("call", 0, "SET", "zz-end", "1")]

        def run(server):
            script = Script(server, 4, 2)
            try:
                script.run(steps)
            finally:
                script.close()
        self.assertEqual(self.keyevents(self.lunar, run), self.keyevents(self.redis, run))


# ------------------------------------------------------------------------------------------------
# Blocking: the same multi-client script against both servers
# ------------------------------------------------------------------------------------------------


def blocked_clients(admin):
    """INFO's blocked_clients, read through `admin`."""
    text = parse(admin.call("INFO", "clients")).decode()
    for line in text.splitlines():
        if line.startswith("blocked_clients:"):
            return int(line.split(":", 1)[1])
    raise AssertionError("INFO clients has no blocked_clients")


def wait_blocked(admin, n, timeout=5.0):
    """Waits until exactly n clients are blocked; raises when that does not happen in time."""
    deadline = time.monotonic() + timeout
    while True:
        b = blocked_clients(admin)
        if b == n:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {n} blocked clients, have {b}")
        time.sleep(0.005)


class Script:
    """Runs steps on numbered clients of one server and records what each step observes:

      ("call", i, *args)    send and read the reply
      ("block", i, *args)   send a command that blocks; wait until the server counts it blocked
      ("read", i)           read client i's pending reply (5 s at most)
      ("quiet", i, secs)    expect no reply from client i for secs ("quiet" is recorded)
      ("close", i)          close client i and wait until the server no longer counts it blocked
      ("kill", i, how)      CLIENT KILL ID / CLIENT UNBLOCK ID [how] of client i from client 0
      ("sleep", secs)
    """

    def __init__(self, server, nclients, resp):
        self.server = server
        self.admin = server.client()
        self.clients = [server.client(resp=resp, timeout=5.0) for _ in range(nclients)]
        self.ids = [parse(c.call("CLIENT", "ID")) for c in self.clients]
        self.blocked = blocked_clients(self.admin)

    def run(self, steps):
        out = []
        for step in steps:
            op, rest = step[0], step[1:]
            if op == "call":
                out.append((op, rest[0], self.clients[rest[0]].call(*rest[1:])))
            elif op == "block":
                self.clients[rest[0]].send(*rest[1:])
                self.blocked += 1
                wait_blocked(self.admin, self.blocked)
                out.append((op, rest[0]))
            elif op == "read":
                c = self.clients[rest[0]]
                c.settimeout(5)
                try:
                    out.append((op, rest[0], c.read_reply()))
                except harness.ConnectionClosed:
                    out.append((op, rest[0], "closed"))
                self.blocked = blocked_clients(self.admin)
            elif op == "quiet":
                c = self.clients[rest[0]]
                c.settimeout(rest[1])
                try:
                    out.append((op, rest[0], c.read_reply()))
                except (socket.timeout, TimeoutError):
                    out.append((op, rest[0], "quiet"))
                c.settimeout(5)
            elif op == "close":
                self.clients[rest[0]].close()
                self.blocked -= 1
                wait_blocked(self.admin, self.blocked)
                out.append((op, rest[0]))
            elif op == "kill":
                i, how = rest
                if how == "KILL":
                    r = self.clients[0].call("CLIENT", "KILL", "ID", str(self.ids[i]))
                else:
                    r = self.clients[0].call("CLIENT", "UNBLOCK", str(self.ids[i]), *how)
                out.append((op, i, how, r))
            elif op == "sleep":
                time.sleep(rest[0])
            else:
                raise ValueError(op)
        return out

    def close(self):
        for c in self.clients + [self.admin]:
            c.close()


class TestBlocking(ListsDiffTest):

    def script(self, steps, nclients=4, resp=None):
        """Runs `steps` against both servers (fresh clients each) and asserts equal transcripts."""
        resp = resp or self.DEFAULT_RESP
        transcripts = []
        for server in (self.lunar, self.redis):
            self.client(server, 2).call("FLUSHALL")
            s = Script(server, nclients, resp)
            try:
                transcripts.append(s.run(steps))
            finally:
                s.close()
        self.assertEqual(transcripts[0], transcripts[1], "lunar (first) vs redis (second)")
        return transcripts[0]

    def test_wakeup_order(self):
        self.script([
            ("block", 1, "BLPOP", "k", "0"), ("block", 2, "BRPOP", "k", "0"),
            ("block", 3, "BLPOP", "other", "k", "0"),
            ("call", 0, "RPUSH", "k", "a", "b"), ("read", 1), ("read", 2), ("quiet", 3, 0.1),
            ("call", 0, "LPUSH", "k", "c", "d", "e"), ("read", 3), ("call", 0, "LRANGE", "k", "0",
                                                                   "-1"),
        ])

    def test_push_several_wakes_several(self):
        self.script([
            ("block", 1, "BRPOP", "k", "0"), ("block", 2, "BLPOP", "k", "0"),
            ("block", 3, "BLMPOP", "0", "1", "k", "LEFT", "COUNT", "2"),
            ("call", 0, "RPUSH", "k", "1", "2", "3", "4", "5"), ("read", 1), ("read", 2),
            ("read", 3), ("call", 0, "LRANGE", "k", "0", "-1"),
        ])

    def test_second_key_and_count(self):
        self.script([
            ("block", 1, "BLPOP", "a", "b", "0"), ("block", 2, "BLMPOP", "0", "2", "a", "b",
                                                     "RIGHT", "COUNT", "5"),
            ("call", 0, "RPUSH", "b", "x"), ("read", 1), ("call", 0, "RPUSH", "b", "y", "z"),
            ("read", 2), ("call", 0, "EXISTS", "a", "b"),
        ])

    def test_timeouts(self):
        start = time.monotonic()
        self.script([
            ("call", 1, "BLPOP", "k", "0.1"), ("call", 1, "BRPOP", "k", "k2", "0.05"),
            ("call", 1, "BLMOVE", "k", "d", "LEFT", "RIGHT", "0.05"),
            ("call", 1, "BRPOPLPUSH", "k", "d", "0.01"),
            ("call", 1, "BLMPOP", "0.05", "2", "k", "k2", "LEFT"),
            ("call", 1, "EXISTS", "d"),
        ])
        self.assertLess(time.monotonic() - start, 5)

    def test_tiny_timeouts(self):
        """Redis rounds a timeout up to whole milliseconds: any positive one times out, a
        negative one that rounds to 0 is no timeout at all."""
        self.script([
            ("call", 1, "BLPOP", "k", "0.001"), ("call", 1, "BRPOP", "k", "1e-400"),
            ("call", 1, "BLMPOP", "0.0000001", "1", "k", "LEFT"),
            ("block", 2, "BLPOP", "k", "-0.0001"), ("quiet", 2, 0.1),
            ("call", 0, "RPUSH", "k", "v"), ("read", 2),
        ])

    def test_timeout_then_push(self):
        self.script([
            ("block", 1, "BLPOP", "k", "0.2"), ("read", 1), ("call", 0, "RPUSH", "k", "a"),
            ("call", 0, "LRANGE", "k", "0", "-1"),
            ("block", 1, "BLPOP", "k2", "0"), ("quiet", 1, 0.3), ("call", 0, "RPUSH", "k2", "z"),
            ("read", 1),
        ])

    def test_blmove_chain(self):
        self.script([
            ("block", 1, "BLMOVE", "a", "b", "LEFT", "RIGHT", "0"),
            ("block", 2, "BRPOPLPUSH", "b", "c", "0"), ("block", 3, "BLPOP", "c", "0"),
            ("call", 0, "RPUSH", "a", "x"), ("read", 1), ("read", 2), ("read", 3),
            ("call", 0, "EXISTS", "a", "b", "c"),
            ("block", 1, "BLMOVE", "r", "r", "RIGHT", "LEFT", "0"),
            ("call", 0, "RPUSH", "r", "1", "2"), ("read", 1), ("call", 0, "LRANGE", "r", "0", "-1"),
        ])

    def test_disconnect_while_blocked(self):
        self.script([
            ("block", 1, "BLPOP", "k", "0"), ("block", 2, "BLPOP", "k", "0"), ("close", 1),
            ("call", 0, "RPUSH", "k", "a", "b"), ("read", 2), ("call", 0, "LRANGE", "k", "0", "-1"),
        ])

    def test_client_kill_and_unblock(self):
        self.script([
            ("block", 1, "BLPOP", "k", "0"), ("kill", 1, "KILL"), ("read", 1),
            ("block", 2, "BLMOVE", "k", "d", "LEFT", "RIGHT", "0"), ("kill", 2, ()), ("read", 2),
            ("block", 2, "BLMPOP", "0", "1", "k", "LEFT"), ("kill", 2, ("TIMEOUT",)), ("read", 2),
            ("block", 3, "BRPOP", "k", "0"), ("kill", 3, ("ERROR",)), ("read", 3),
            ("kill", 3, ("ERROR",)), ("call", 0, "RPUSH", "k", "a"),
            ("call", 0, "LRANGE", "k", "0", "-1"),
        ])

    def test_other_type_while_waiting(self):
        self.script([
            ("block", 1, "BLPOP", "k", "0"), ("call", 0, "SET", "k", "str"), ("quiet", 1, 0.1),
            ("call", 0, "DEL", "k"), ("call", 0, "RPUSH", "k", "a"), ("read", 1),
            ("block", 2, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"),
            ("call", 0, "SET", "dst", "str"), ("call", 0, "RPUSH", "src", "v"), ("read", 2),
            ("call", 0, "LRANGE", "src", "0", "-1"), ("call", 0, "GET", "dst"),
        ])

    def test_multi_exec_wakes(self):
        self.script([
            ("block", 1, "BLPOP", "k", "0"), ("call", 0, "MULTI"),
            ("call", 0, "LPUSH", "k", "a"), ("call", 0, "LPUSH", "k", "b"), ("call", 0, "EXEC"),
            ("read", 1), ("call", 0, "LRANGE", "k", "0", "-1"),
            ("block", 2, "BLPOP", "j", "0"), ("call", 0, "MULTI"), ("call", 0, "RPUSH", "j", "a"),
            ("call", 0, "DEL", "j"), ("call", 0, "EXEC"), ("quiet", 2, 0.1),
            ("call", 0, "MULTI"), ("call", 0, "RPUSH", "j", "x"), ("call", 0, "SET", "j", "s"),
            ("call", 0, "EXEC"), ("quiet", 2, 0.1), ("call", 0, "DEL", "j"),
            ("call", 0, "RPUSH", "j", "y"), ("read", 2),
        ])

    def test_ready_keys_in_one_transaction(self):
        """Two keys made ready by one EXEC: Redis 7.0 serves a client from the key signalled
        first, not from its first key (lunar_ctx_ready_key)."""
        self.script([
            ("block", 1, "BLPOP", "k1", "k2", "0"), ("call", 0, "MULTI"),
            ("call", 0, "RPUSH", "k2", "x"), ("call", 0, "RPUSH", "k1", "y"),
            ("call", 0, "EXEC"), ("read", 1), ("call", 0, "LRANGE", "k1", "0", "-1"),
            ("call", 0, "LRANGE", "k2", "0", "-1"),
        ])

    def test_same_key_twice_and_other_db(self):
        self.script([
            ("block", 1, "BLPOP", "k", "k", "0"), ("call", 2, "SELECT", "1"),
            ("call", 2, "RPUSH", "k", "other-db"), ("quiet", 1, 0.1),
            ("call", 0, "RPUSH", "k", "a"), ("read", 1),
            ("call", 3, "SELECT", "1"), ("block", 3, "BRPOP", "k2", "0"),
            ("call", 0, "RPUSH", "k2", "db0"), ("quiet", 3, 0.1), ("call", 2, "RPUSH", "k2", "z"),
            ("read", 3), ("call", 0, "LRANGE", "k2", "0", "-1"),
        ])

    def test_failed_blmove_passes_the_element_on(self):
        self.script([
            ("call", 0, "SET", "dst", "str"),
            ("block", 1, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"),
            ("block", 2, "BLPOP", "src", "0"), ("call", 0, "RPUSH", "src", "v"), ("read", 1),
            ("read", 2), ("call", 0, "EXISTS", "src"),
        ])

    def test_other_writes_wake(self):
        self.script([
            ("call", 0, "RPUSH", "a", "1", "2", "3", "4"),
            ("block", 1, "BLPOP", "k", "0"), ("call", 0, "LMOVE", "a", "k", "LEFT", "LEFT"),
            ("read", 1), ("block", 1, "BLPOP", "k", "0"), ("call", 0, "RPOPLPUSH", "a", "k"),
            ("read", 1), ("block", 1, "BLPOP", "k", "0"), ("call", 0, "LMPOP", "1", "a", "LEFT"),
            ("quiet", 1, 0.05), ("call", 0, "RPUSH", "tmp", "t"), ("call", 0, "RENAME", "tmp", "k"),
            ("read", 1), ("block", 1, "BRPOP", "k", "0"), ("call", 0, "RPUSH", "c", "c1", "c2"),
            ("call", 0, "COPY", "c", "k"), ("read", 1), ("call", 0, "LRANGE", "k", "0", "-1"),
        ])

    def test_pipelined_after_block(self):
        transcripts = []
        for server in (self.lunar, self.redis):
            self.client(server, 2).call("FLUSHALL")
            s = Script(server, 2, self.DEFAULT_RESP)
            try:
                s.clients[1].send("BLPOP", "k", "0")
                s.clients[1].send("PING")
                wait_blocked(s.admin, 1)
                steps = [("call", 0, "RPUSH", "k", "v"), ("read", 1), ("read", 1)]
                transcripts.append(s.run(steps))
            finally:
                s.close()
        self.assertEqual(transcripts[0], transcripts[1])


# ------------------------------------------------------------------------------------------------
# Propagation: what Lunar hands to listeners vs what Redis writes to its AOF
# ------------------------------------------------------------------------------------------------

RECORDER = os.path.join(harness.build_dir(), "tests", "modules", "prop_recorder.so")


def aof_commands(directory):
    """The commands of a Redis 7.0 AOF directory's incremental file, SELECTs left out."""
    incr = [f for f in os.listdir(os.path.join(directory, "appendonlydir")) if "incr" in f]
    with open(os.path.join(directory, "appendonlydir", incr[0]), "rb") as f:
        data = f.read()
    out, pos = [], 0
    while pos < len(data):
        end = harness.frame_end(data, pos)
        cmd = [x.decode() for x in parse(data[pos:end])]
        if cmd[0].upper() != "SELECT":
            out.append(cmd)
        pos = end
    return out


@unittest.skipIf(harness.lunar_is_redis(), "Lunar modules only")
class TestPropagation(unittest.TestCase):
    """Blocking forms and LMPOP propagate as the non-blocking command Redis 7.0 writes to its
    AOF (LPOP/RPOP key [n], LMOVE, RPOPLPUSH), served at once or after a wait."""

    def test_rewritten_commands(self):
        if not os.path.exists(RECORDER):
            self.skipTest(f"{RECORDER} not built")
        lunar = harness.start_lunar("--loadmodule", RECORDER)
        redis = harness.start_redis("--appendonly", "yes", "--appendfsync", "always",
                                    persistence=True)
        steps = [("call", 0, "RPUSH", "k", "a", "b", "c", "d", "e", "f", "g"),
                 ("call", 0, "BLPOP", "k", "0"), ("call", 0, "BRPOP", "nokey", "k", "0"),
                 ("call", 0, "LMPOP", "1", "k", "LEFT", "COUNT", "2"),
                 ("call", 0, "LMPOP", "2", "nokey", "k", "right"),
                 ("call", 0, "BLMPOP", "0", "1", "k", "LEFT", "COUNT", "10"),
                 ("call", 0, "RPUSH", "k", "a", "b", "c", "d"),
                 ("call", 0, "BLMOVE", "k", "d", "LEFT", "Right", "0"),
                 ("call", 0, "BRPOPLPUSH", "k", "d", "0"), ("call", 0, "LMOVE", "k", "d", "right",
                                                          "left"),
                 ("call", 0, "LPOP", "k", "5"), ("call", 0, "LPOP", "k"),
                 ("block", 1, "BLPOP", "w", "0"), ("block", 2, "BLMOVE", "w", "x", "RIGHT",
                                                      "LEFT", "0"),
                 ("block", 3, "BLMPOP", "0", "1", "w", "LEFT", "COUNT", "5"),
                 ("call", 0, "RPUSH", "w", "1", "2", "3", "4"), ("read", 1), ("read", 2),
                 ("read", 3), ("call", 0, "LPOP", "nokey"), ("call", 0, "BLPOP", "nokey", "0.01"),
                 ("block", 1, "BRPOPLPUSH", "v", "y", "0"), ("call", 0, "SET", "s", "str"),
                 ("block", 2, "BLMOVE", "v", "s", "LEFT", "LEFT", "0"),
                 ("call", 0, "RPUSH", "v", "1", "2"), ("read", 1), ("read", 2)]
        try:
            lunar_script, redis_script = Script(lunar, 4, 2), Script(redis, 4, 2)
            lunar_script.clients[0].call("PROPLOG")
            lunar_script.run(steps)
            redis_script.run(steps)
            recorded = parse(lunar_script.clients[0].call("PROPLOG"))
            log = [x.decode().split(" ")[1:] for x in recorded]
            lunar_script.close()
            redis_script.close()
            self.assertEqual(log, aof_commands(redis.dir))
        finally:
            lunar.stop()
            redis.stop()


# ------------------------------------------------------------------------------------------------
# Seeded random differential test
# ------------------------------------------------------------------------------------------------

KEYS = ["l0", "l1", "l2"]
ELEMENTS = ["a", "b", "c", "1", "10", "-1", "", "a" * 70]


def _rand_elem(rng):
    return BIG if rng.random() < 0.01 else rng.choice(ELEMENTS)


def _rand_index(rng):
    return rng.choice([str(rng.randint(-12, 12)), str(rng.randint(-3, 3)), "0", "-1", "abc",
                       LLONG_MAX, LLONG_MIN])


def _rand_command(rng):
    k = rng.choice(KEYS + ["str"])
    k2 = rng.choice(KEYS)
    e = _rand_elem(rng)
    end = lambda: rng.choice(["LEFT", "RIGHT", "left"])  # noqa: E731
    choices = [
        lambda: [rng.choice(["LPUSH", "RPUSH"]), k] + [_rand_elem(rng)
                                                     for _ in range(rng.randint(1, 5))],
        lambda: [rng.choice(["LPUSHX", "RPUSHX"]), k, e],
        lambda: [rng.choice(["LPOP", "RPOP"]), k] + rng.choice(
            [[], [], ["0"], [str(rng.randint(1, 6))], ["-1"]]),
        lambda: ["LLEN", k], lambda: ["LINDEX", k, _rand_index(rng)],
        lambda: ["LINSERT", k, rng.choice(["BEFORE", "AFTER", "after"]), rng.choice(ELEMENTS), e],
        lambda: ["LRANGE", k, _rand_index(rng), _rand_index(rng)],
        lambda: ["LREM", k, str(rng.randint(-3, 3)), rng.choice(ELEMENTS)],
        lambda: ["LSET", k, _rand_index(rng), e],
        lambda: ["LTRIM", k, str(rng.randint(-8, 3)), str(rng.randint(-3, 12))],
        lambda: ["LPOS", k, rng.choice(ELEMENTS)] + rng.choice(
            [[], ["RANK", str(rng.choice([-2, -1, 1, 2, 3]))], ["COUNT", str(rng.randint(0, 3))],
             ["MAXLEN", str(rng.randint(0, 5))], ["RANK", "-1", "COUNT", "0"]]),
        lambda: ["LMOVE", k, k2, end(), end()], lambda: ["RPOPLPUSH", k, k2],
        lambda: ["LMPOP", "2", k, k2, end()] + rng.choice([[], ["COUNT", str(rng.randint(1, 4))]]),
        lambda: [rng.choice(["BLPOP", "BRPOP"]), k, k2, "0.01"],
        lambda: ["BLMOVE", k, k2, end(), end(), "0.01"],
        lambda: ["BLMPOP", "0.01", "1", k, end(), "COUNT", "2"],
        lambda: ["OBJECT", "ENCODING", k], lambda: ["TYPE", k],
        lambda: ["DEL", k] if rng.random() < 0.3 else ["LLEN", k],
        lambda: ["SET", "str", "v"],
    ]
    return rng.choice(choices)()


class TestRandom(ListsDiffTest):

    def tearDown(self):
        self.both("CONFIG", "SET", "list-max-listpack-size", "-2")
        super().tearDown()

    def test_random(self):
        def change_fill(rng, n):
            if n % 500 == 0:  # small fills make Lunar use many nodes (Redis's replies agree)
                fill = rng.choice(["-2", "-1", "1", "2", "4", "0"])
                self.check("CONFIG", "SET", "list-max-listpack-size", fill)
        seed = self.random_commands(_rand_command, before=change_fill)
        for k in KEYS:
            self.check("LRANGE", k, "0", "-1", msg=f"seed {seed}, final state")


# Every class again in RESP3 (TestRandom mixes both protocols already).
for _cls in [TestPushPop, TestIndexRange, TestLpos, TestMove, TestErrors, TestBlocking]:
    _name = _cls.__name__ + "Resp3"
    globals()[_name] = type(_name, (_cls,), {"DEFAULT_RESP": 3})
del _cls

if __name__ == "__main__":
    harness.main()
