"""Differential tests of the sort module (SORT, SORT_RO) against redis-server.

Raw replies are compared with Redis 7.0's in RESP2 (TestX) and RESP3 (TestXResp3). SORT ...
STORE builds its list through the SDK (the list type's from_elements).
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402


class SortDiffTest(harness.DiffTest):

    def setup_data(self):
        self.check_all([
            "RPUSH l 3 10 -1 2.5 7 0 1e3 -inf",
            "RPUSH la banana apple Cherry date apple2 ''",
            "SADD s 5 3 9 -2 4.5 100",
            "SADD sa pear fig kiwi Apple",
            "ZADD z 1 30 2 10 3 -5 4 7 5 2",
            "ZADD za 3 b 1 c 2 a 4 d",
            "RPUSH ids 1 2 3 4 5",
            "MSET w_1 50 w_2 -3 w_3 9.5 w_4 x10 w_5 7",
            "MSET n_1 one n_2 two n_3 three n_5 five",
            "HSET h_1 f 4 g alpha", "HSET h_2 f 1 g gamma", "HSET h_3 f 3 g beta",
            "HSET h_4 g delta", "SET h_5 notahash",
        ])


class TestSort(SortDiffTest):

    def test_numeric_and_alpha(self):
        self.setup_data()
        self.check_all([
            "SORT l", "SORT l DESC", "SORT l ASC", "SORT l DESC ASC", "SORT s", "SORT s DESC",
            "SORT z", "SORT z DESC", "SORT la ALPHA", "SORT la ALPHA DESC", "SORT sa ALPHA",
            "SORT sa alpha desc", "SORT za ALPHA", "SORT za ALPHA DESC", "SORT l ALPHA",
            "SORT_RO l", "SORT_RO z DESC", "SORT_RO sa ALPHA", "sort ids Desc",
        ])

    def test_numeric_edge_values(self):
        self.check_all([
            "RPUSH e 1 ' 2' 0x10 inf -inf 1e308 '' 3 3.0 03",
            "SORT e", "SORT e DESC",
            "RPUSH bad 1 2 x", "SORT bad", "SORT bad ALPHA", "SORT bad LIMIT 0 1",
            "RPUSH big 1e400", "SORT big",
            "RPUSH nan nan", "SORT nan",
            "RPUSH trail '1 '", "SORT trail",
            ("RPUSH", "nul", b"5\x00x", "4"), ("SORT", "nul"),
        ])

    def test_limit(self):
        self.setup_data()
        for args in ["0 3", "2 2", "-1 2", "-5 -1", "3 -1", "0 0", "7 5", "8 1", "100 10",
                     "0 100", "-100 -100", "1 9223372036854775807", "9223372036854775807 1"]:
            self.check_all([f"SORT l LIMIT {args}", f"SORT l LIMIT {args} DESC",
                            f"SORT la LIMIT {args} ALPHA", f"SORT z LIMIT {args}",
                            f"SORT nokey LIMIT {args}", f"SORT s LIMIT {args}"])
        self.check_all([
            "SORT l LIMIT 1", "SORT l LIMIT", "SORT l LIMIT x 1", "SORT l LIMIT 1 x",
            "SORT l LIMIT 1.5 2", "SORT l LIMIT 0 1 LIMIT 2 2",
            "SORT l LIMIT 99999999999999999999 1",
        ])

    def test_by(self):
        self.setup_data()
        self.check_all([
            "SORT ids BY w_*", "SORT ids BY w_* DESC",
            "DEL w_4", "SORT ids BY w_*", "SORT ids BY w_* DESC", "SORT ids BY w_* LIMIT 1 2",
            "SORT ids BY n_* ALPHA", "SORT ids BY n_* ALPHA DESC",
            "SORT ids BY h_*->f", "SORT ids BY h_*->f DESC", "SORT ids BY h_*->g ALPHA",
            "SORT ids BY h_*->g ALPHA DESC", "SORT ids BY h_*->nofield",
            "SORT ids BY h_*-> ", "SORT ids BY h_*->", "SORT ids BY *_w", "SORT ids BY w_*_*",
            "SET 1_w 3", "SET 2_w 1", "SORT ids BY *_w",
            "SORT s BY w_*", "SORT z BY w_*", "SORT ids BY l",
        ])
        # a BY key that is not a string (or a hash for ->) counts as missing
        self.check_all(["RPUSH w_1 x", "SORT ids BY w_*", "SORT ids BY h_*->f ALPHA"])
        self.check_all(["SET w_2 abc", "SORT ids BY w_*", "SORT ids BY w_* ALPHA"])

    def test_by_nosort(self):
        self.setup_data()
        self.check_all([
            "SORT l BY nosort", "SORT l BY nosort DESC", "SORT l BY nosort LIMIT 2 3",
            "SORT l BY nosort LIMIT 2 3 DESC", "SORT l BY nosort LIMIT -1 100 DESC",
            "SORT l BY nosort ALPHA", "SORT l BY nosort LIMIT 50 2",
            "SORT z BY nosort", "SORT z BY nosort DESC", "SORT z BY nosort LIMIT 1 2",
            "SORT z BY nosort LIMIT 1 2 DESC", "SORT za BY nosort LIMIT 3 10",
            "SORT za BY nosort GET # GET h_*->g", "SORT za BY # ", "SORT_RO z BY nosort",
            "SORT bad BY nosort",
        ])
        # a set keeps its own order: compare as multisets
        for cmd in ["SORT s BY nosort", "SORT s BY nosort DESC", "SORT sa BY nosort ALPHA",
                    "SORT s BY nosort LIMIT 0 100"]:
            lv, rv = self.both_parsed(*cmd.split())
            self.assertEqual(sorted(lv), sorted(rv), cmd)
        lv, rv = self.both_parsed("SORT", "s", "BY", "nosort", "LIMIT", "0", "3")
        self.assertEqual(len(lv), 3)
        self.assertTrue(set(lv) <= set(parse(self.both("SMEMBERS", "s")[0])))

    def test_get(self):
        self.setup_data()
        self.check_all([
            "SORT ids GET #", "SORT ids GET w_*", "SORT ids GET # GET w_* GET n_* GET h_*->g",
            "SORT ids DESC GET h_*->f GET #", "SORT ids GET nokey_*", "SORT ids GET h_*->zz",
            "SORT ids GET constant", "SORT ids GET h_*", "SORT ids BY w_* GET n_*",
            "SORT ids LIMIT 1 2 GET # GET #", "SORT nokey GET #", "SORT z GET # GET w_*",
            "SORT ids BY nosort GET w_*", "SORT ids GET", "SORT ids GET # BY",
            "SORT ids GET w_*->", "SORT_RO ids GET n_* GET #",
            "HSET a->b1 f x", "SET a->b2 y", "SORT ids GET a->b*", "SORT ids GET a->b*->f",
            "HSET h_1 f->g deep", "SORT ids GET h_*->f->g", "SORT ids GET *", "SET 3 three",
            "SORT ids GET * GET ##", "SORT ids GET **", "SET 3* x", "SORT ids GET **",
        ])

    def test_errors(self):
        self.setup_data()
        self.check_all([
            "SORT", "SORT_RO", "SORT l foo", "SORT l ASC foo", "SORT l BY", "SORT l STORE",
            "SORT_RO l STORE dst", "SORT_RO l STORE", "SORT l LIMIT x y foo",
            "SORT l foo LIMIT x 1", "SORT l LIMIT x 1 foo",
            "SET str v", "SORT str", "SORT_RO str", "SORT str foo", "SORT str LIMIT x 1",
            "SORT h_1", "SORT h_1 BY nosort", "SORT nokey", "SORT nokey DESC ALPHA",
            "SORT nokey BY nosort", "SORT bad BY w_*",
        ])
        self.check_all(["SORT l STORE d foo", "SORT str STORE d", "SORT l STORE d LIMIT x 1"])

    def test_store_events(self):
        self.check_keyevents(["RPUSH l 3 1 2", "SORT l STORE d", "SORT nokey STORE d",
                              "SORT nokey STORE d", "SET zz-end 1"])

    def test_store(self):
        self.check_all([
            "RPUSH l 3 1 2", "SADD s b a c", "ZADD z 1 x 2 y", "SET w_1 10", "SET w_2 5",
            "SORT l STORE d", "LRANGE d 0 -1", "TYPE d", "OBJECT ENCODING d",
            "SORT l DESC LIMIT 0 2 STORE d", "LRANGE d 0 -1",
            "SORT s ALPHA STORE d", "LRANGE d 0 -1", "SORT s BY nosort STORE d", "LRANGE d 0 -1",
            "SORT l BY w_* GET # GET w_* STORE d", "LRANGE d 0 -1",
            "SORT l GET nokey_* STORE d", "LRANGE d 0 -1",
            "SET d x", "EXPIRE d 100", "SORT z STORE d", "LRANGE d 0 -1", "TTL d",
            "SORT nokey STORE d", "EXISTS d", "SORT nokey STORE d", "SORT l STORE l",
            "LRANGE l 0 -1", "SORT_RO l STORE d",
        ])

    def test_command_info(self):
        lv, rv = self.both_parsed("COMMAND", "INFO", "sort", "sort_ro", resp=2)
        for a, b in zip(lv, rv):
            self.assertEqual(a[:8], b[:8])   # name arity flags keys acl categories tips
            self.assertEqual(a[8][0], b[8][0])  # the first key spec (Lunar has only that one)

    def test_keyspace_stats(self):
        """The sorted key and every BY/GET lookup count as keyspace hits or misses."""
        self.setup_data()
        for cmd in ["SORT ids BY w_* GET h_*->f GET # GET n_*", "SORT nokey BY w_*",
                    "SORT ids BY nosort GET h_*->g", "SORT_RO ids BY h_*->g ALPHA LIMIT 0 2"]:
            self.both("CONFIG", "RESETSTAT")
            self.check(*cmd.split())
            stats = []
            for server in (self.lunar, self.redis):
                info = self.client(server, 2).call("INFO", "stats").decode()
                stats.append([line for line in info.split("\r\n")
                              if line.startswith(("keyspace_hits:", "keyspace_misses:"))])
            self.assertEqual(stats[0], stats[1], cmd)


class TestRandom(SortDiffTest):

    def test_random(self):
        seed = int(os.environ.get("LUNAR_TEST_SEED", "20261126"))
        rng = random.Random(seed)
        values = ["0", "1", "-1", "2.5", "10", "007", "1e2", "-inf", "x", "ab", "B", ""]
        for n in range(300):
            kind = rng.choice(["RPUSH", "SADD", "ZADD"])
            self.both("DEL", "k")
            elems = [rng.choice(values[:8]) if rng.random() < 0.8 else rng.choice(values)
                     for _ in range(rng.randint(0, 8))]
            if kind == "ZADD":
                args = []
                for e in elems:
                    args += [str(rng.randint(-3, 3)), e]
                if args:
                    self.check("ZADD", "k", *args)
            elif elems:
                self.check(kind, "k", *elems)
            for e in set(elems):
                if rng.random() < 0.7:
                    self.both("SET", "w_" + e, rng.choice(values[:8]))
            cmd = ["SORT_RO" if rng.random() < 0.3 else "SORT", "k"]
            opts = []
            if rng.random() < 0.4:
                opts.append(["BY", rng.choice(["w_*", "nosort", "w_*"])])
            if rng.random() < 0.4:
                opts.append(["LIMIT", str(rng.randint(-2, 9)), str(rng.randint(-2, 9))])
            if rng.random() < 0.3:
                opts.append([rng.choice(["ASC", "DESC"])])
            if rng.random() < 0.3 and not any(o[0] == "BY" and o[1] == "w_*" for o in opts):
                opts.append(["ALPHA"])
            for _ in range(rng.randint(0, 2)):
                opts.append(["GET", rng.choice(["#", "w_*", "nokey_*"])])
            rng.shuffle(opts)
            for o in opts:
                cmd += o
            if kind == "SADD" and "nosort" in cmd:
                lv, rv = self.both_parsed(*cmd, resp=rng.choice([2, 3]))
                if isinstance(lv, list) and "LIMIT" not in cmd:
                    self.assertEqual(sorted(lv, key=repr), sorted(rv, key=repr), cmd)
                else:
                    self.assertEqual(type(lv), type(rv), cmd)
                continue
            self.check(*cmd, resp=rng.choice([2, 3]), msg=f"seed {seed}, command #{n}")
            self.both("FLUSHALL")


for _cls in [TestSort]:
    _name = _cls.__name__ + "Resp3"
    globals()[_name] = type(_name, (_cls,), {"DEFAULT_RESP": 3})
del _cls

if __name__ == "__main__":
    harness.main()
