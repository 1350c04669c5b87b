#!/usr/bin/python3
"""Lunar vs Redis benchmark (run by `make bench`).

Throughput: starts lunar-server and redis-server with the same settings and no persistence,
runs redis-benchmark against each in turn for every workload in WORKLOADS, without and with
pipelining, and prints requests per second for each and the ratio Lunar/Redis.

Memory (--memory): loads N small string keys into each server through a pipelined SET stream and
prints RSS (/proc/<pid>/status VmRSS) and INFO used_memory before and after.

    /usr/bin/python3 tests/bench/bench.py --build build
    /usr/bin/python3 tests/bench/bench.py --build build -n 50000 --workloads set,get
    /usr/bin/python3 tests/bench/bench.py --build build --memory --keys 1000000

Adding a workload is one row in WORKLOADS: either a redis-benchmark -t test name, or a command
line (redis-benchmark replaces __rand_int__ with a random number when -r is given), optionally
with setup commands run once before it. A workload whose commands a server lacks (its module is
not loaded) is skipped on that server with a message, and its ratio shows as '-'.
"""

import argparse
import csv
import hashlib
import json
import io
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402


@dataclass
class Workload:
    name: str                 # what the table shows and --workloads selects
    test: str = None          # a redis-benchmark -t name (set, get, incr, mset, lpush, ...)
    command: list = None      # or a command line, e.g. ["HSET", "h", "f:__rand_int__", "v"]
    setup: list = field(default_factory=list)  # commands run once before (list of arg lists)
    default: bool = True      # part of the default selection
    needs: list = None        # commands the server must have, else the row is skipped
                              # (default: derived from test / command, see required_commands)
    prefill_list: str = None  # a list key given -n elements before the run (for LPOP/RPOP)
    prefill_zset: tuple = None  # (key, n): a sorted set of n members "m:<12 digits>" scored
                                # by their number, built before the run (for ZRANK/ZRANGE...)
    random: int = None        # -r for this row (default: the --random option)


# The workloads, in table order. A row whose commands the server lacks (a module not loaded) is
# skipped with a message; any other failure shows as an error in the table, not a crash.
# The list rows need the lists module; redis-benchmark's -t tests push to "mylist" and hash to
# "myhash" (HSET myhash element:__rand_int__ ..., so -r spreads the fields: a hashtable).
WORKLOADS = [
    Workload("set", test="set"),
    Workload("get", test="get"),
    Workload("incr", test="incr"),
    Workload("mset", test="mset"),
    Workload("lpush", test="lpush"),
    Workload("rpush", test="rpush"),
    Workload("lpop", test="lpop", prefill_list="mylist"),
    Workload("rpop", test="rpop", prefill_list="mylist"),
    Workload("lrange_100", test="lrange_100"),
    Workload("lrange_300", test="lrange_300"),
    Workload("lrange_500", test="lrange_500", default=False),
    Workload("lrange_600", test="lrange_600"),
    Workload("hset", test="hset"),
    Workload("sadd", test="sadd"),
    Workload("spop", test="spop"),
    Workload("zadd", test="zadd"),
    Workload("zpopmin", test="zpopmin"),
    # A 1M-member sorted set: rank lookups and score ranges at random places. redis-benchmark
    # writes __rand_int__ as 12 zero-padded digits, so the members are named that way.
    Workload("zrank_1m", command=["ZRANK", "bigz", "m:__rand_int__"],
             prefill_zset=("bigz", 1_000_000), random=1_000_000),
    Workload("zrange_1m", command=["ZRANGEBYSCORE", "bigz", "__rand_int__", "+inf", "LIMIT",
                                   "0", "10"], prefill_zset=("bigz", 1_000_000),
             random=1_000_000),
    Workload("ping", test="ping_mbulk", default=False),
    Workload("exists", command=["EXISTS", "key:__rand_int__"], default=False),
    Workload("expire", command=["EXPIRE", "key:__rand_int__", "1000"],
             setup=[["SET", "key:1", "x"]], default=False),
]


# Scripting (issue 5): EVALSHA of cached scripts, loaded by SCRIPT LOAD before the run.
SCRIPT_INCR10 = "for i = 1, 10 do redis.call('INCR', KEYS[1]) end return 1"
SCRIPT_LOOP = "local x = 0 for i = 1, 10000 do x = x + i * 2 - i / 3 end return x"
# Floating-point modulo is a weak spot of LuaJIT's compiled code; measured apart.
SCRIPT_LOOP_MOD = "local x = 0 for i = 1, 10000 do x = (x + i * 3) % 1000003 end return x"
# The 1 KB document comes from a key (redis-benchmark's CSV output cannot carry it as an argument).
SCRIPT_CJSON = ("local t = cjson.decode(redis.call('GET', KEYS[1])) "
                "return string.len(cjson.encode(t))")
JSON_1KB = json.dumps({"id": 12345, "name": "lunar", "tags": [f"tag{i}" for i in range(40)],
                       "nested": {"a": [1, 2.5, True, None], "b": {"c": "x" * 200}},
                       "items": [{"k": i, "v": f"value-{i}"} for i in range(12)]})


def sha1(text):
    return hashlib.sha1(text.encode()).hexdigest()


WORKLOADS += [
    Workload("evalsha_incr10", command=["EVALSHA", sha1(SCRIPT_INCR10), "1", "counter"],
             setup=[["SCRIPT", "LOAD", SCRIPT_INCR10]]),
    Workload("evalsha_loop10k", command=["EVALSHA", sha1(SCRIPT_LOOP), "0"],
             setup=[["SCRIPT", "LOAD", SCRIPT_LOOP]]),
    Workload("evalsha_loopmod10k", command=["EVALSHA", sha1(SCRIPT_LOOP_MOD), "0"],
             setup=[["SCRIPT", "LOAD", SCRIPT_LOOP_MOD]]),
    Workload("evalsha_cjson1k", command=["EVALSHA", sha1(SCRIPT_CJSON), "1", "doc"],
             setup=[["SCRIPT", "LOAD", SCRIPT_CJSON], ["SET", "doc", JSON_1KB]]),
]


def required_commands(wl):
    """The commands a workload runs (an lrange_* test first fills its list with LPUSH)."""
    if wl.needs is not None:
        return wl.needs
    if wl.command:
        return [str(wl.command[0]).upper()]
    if wl.test.startswith("lrange"):
        return ["LPUSH", "LRANGE"]
    cmds = [wl.test.split("_")[0].upper()]
    if wl.prefill_list:
        cmds.append("RPUSH")
    return cmds


def missing_commands(client, cmds):
    """The commands among `cmds` that the server does not have (COMMAND INFO answers nil)."""
    info = harness.parse(client.call("COMMAND", "INFO", *cmds))
    if not isinstance(info, list):
        return []  # cannot tell: let redis-benchmark report whatever happens
    return [c for c, i in zip(cmds, info) if i is None]


def prefill_zset(client, key, n, batch=1000):
    """ZADDs n members "m:%012d" scored by their number, pipelined in batches."""
    for start in range(0, n, batch):
        args = []
        for i in range(start, min(n, start + batch)):
            args += [str(i), f"m:{i:012d}"]
        client.call("ZADD", key, *args)


def prefill_list(client, key, n, batch=1000):
    """RPUSHes n small elements to `key`, pipelined."""
    for start in range(0, n, batch):
        count = min(batch, n - start)
        client.call("RPUSH", key, *(["x"] * count))


# ------------------------------------------------------------------------------------------------
# Throughput
# ------------------------------------------------------------------------------------------------


def run_benchmark(port, wl, args, pipeline):
    """Runs redis-benchmark for one workload; returns (rps, p50 ms) or an error string."""
    argv = [args.redis_benchmark, "-p", str(port), "-c", str(args.clients), "-n", str(args.n),
            "--csv"]
    random = wl.random if wl.random is not None else args.random
    if random:
        argv += ["-r", str(random)]
    if pipeline > 1:
        argv += ["-P", str(pipeline)]
    if args.threads:
        argv += ["--threads", str(args.threads)]
    if wl.test:
        argv += ["-t", wl.test]
    else:
        argv += [str(a) for a in wl.command]
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    text = (p.stderr.decode() + p.stdout.decode()).strip()
    if "unknown command" in text:
        return "unknown command"
    if p.returncode != 0:
        return text.splitlines()[-1].replace("Error from server: ", "")[:40] if text else "failed"
    rows = [r for r in csv.DictReader(io.StringIO(p.stdout.decode())) if r.get("rps")]
    if not rows:
        return (text.splitlines() or ["no output"])[-1][:40]
    # The last row is the workload itself (lrange_* first prints the LPUSH that fills the list).
    r = rows[-1]
    return float(r["rps"]), float(r.get("p50_latency_ms") or 0)


def throughput(server, workloads, args):
    """{(workload name, pipeline): result} for one server."""
    out = {}
    with server.client() as c:
        for wl in workloads:
            missing = missing_commands(c, required_commands(wl))
            if missing:
                why = "skipped: no " + ",".join(missing)
                print(f"  {server.label:5} {wl.name:12} {why} (module not loaded?)",
                      file=sys.stderr, flush=True)
                for pipeline in args.pipelines:
                    out[(wl.name, pipeline)] = why
                continue
            for pipeline in args.pipelines:
                c.call("FLUSHALL")
                for cmd in wl.setup:
                    c.call(*cmd)
                if wl.prefill_list:
                    prefill_list(c, wl.prefill_list, args.n)
                if wl.prefill_zset:
                    prefill_zset(c, *wl.prefill_zset)
                res = run_benchmark(server.port, wl, args, pipeline)
                out[(wl.name, pipeline)] = res
                shown = f"{res[0]:>12,.0f} rps" if isinstance(res, tuple) else res
                print(f"  {server.label:5} {wl.name:12} P={pipeline:<3} {shown}", file=sys.stderr,
                      flush=True)
    return out


def print_throughput(workloads, args, results):
    labels = list(results)
    head = f"{'workload':14}{'pipeline':>9}"
    for l in labels:
        head += f"{l + ' rps':>16}{'p50 ms':>9}"
    if len(labels) == 2:
        head += f"{labels[0] + '/' + labels[1]:>14}"
    print(head)
    print("-" * len(head))
    for wl in workloads:
        for pipeline in args.pipelines:
            line = f"{wl.name:14}{pipeline:>9}"
            vals = []
            for l in labels:
                res = results[l].get((wl.name, pipeline))
                if isinstance(res, tuple):
                    line += f"{res[0]:>16,.0f}{res[1]:>9.3f}"
                    vals.append(res[0])
                else:
                    line += f"{str(res)[:24]:>25}"
                    vals.append(None)
            if len(vals) == 2:
                line += f"{vals[0] / vals[1]:>14.2f}" if None not in vals and vals[1] else \
                        f"{'-':>14}"
            print(line)


# ------------------------------------------------------------------------------------------------
# Memory
# ------------------------------------------------------------------------------------------------


def used_memory(client):
    info = harness.parse(client.call("INFO", "memory"))
    text = info.decode() if isinstance(info, bytes) else str(info)
    for line in text.splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":", 1)[1])
    return None


def load_keys(client, n, value_size, batch=10000):
    """SETs key:<i> -> a value of value_size bytes for i < n, pipelined in batches; returns the
    number of non-OK replies."""
    value = b"v" * value_size
    vhead = b"$%d\r\n%s\r\n" % (len(value), value)
    errors = 0
    for start in range(0, n, batch):
        stop = min(n, start + batch)
        parts = []
        for i in range(start, stop):
            k = b"key:%d" % i
            parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n%s" % (len(k), k, vhead))
        client.send_raw(b"".join(parts))
        for _ in range(stop - start):
            if client.read_reply() != b"+OK\r\n":
                errors += 1
    return errors


def memory(server, args):
    with server.client() as c:
        c.call("FLUSHALL")
        time.sleep(0.2)
        before = (server.rss_kb(), used_memory(c))
        t0 = time.monotonic()
        errors = load_keys(c, args.keys, args.value_size)
        secs = time.monotonic() - t0
        time.sleep(0.2)
        dbsize = harness.parse(c.call("DBSIZE"))
        after = (server.rss_kb(), used_memory(c))
    print(f"  {server.label}: loaded {dbsize} keys in {secs:.1f}s ({errors} errors)",
          file=sys.stderr, flush=True)
    return {"before": before, "after": after, "dbsize": dbsize, "secs": secs, "errors": errors}


def print_memory(results, args):
    def mb(kb):
        return f"{kb / 1024:,.1f}" if kb is not None else "?"

    def mbb(b):
        return f"{b / 1048576:,.1f}" if b is not None else "?"

    print(f"{args.keys:,} keys, {args.value_size}-byte values")
    head = (f"{'server':8}{'keys':>10}{'RSS before':>12}{'RSS after':>12}{'used before':>13}"
            f"{'used after':>12}{'B/key (used)':>14}{'B/key (RSS)':>13}{'load s':>8}")
    print(head + "   (MiB)")
    print("-" * len(head))
    for label, r in results.items():
        (rb, ub), (ra, ua) = r["before"], r["after"]
        n = max(1, r["dbsize"] or 1)
        per_used = f"{(ua - ub) / n:,.1f}" if ua is not None and ub is not None else "?"
        per_rss = f"{(ra - rb) * 1024 / n:,.1f}"
        print(f"{label:8}{r['dbsize']:>10,}{mb(rb):>12}{mb(ra):>12}{mbb(ub):>13}{mbb(ua):>12}"
              f"{per_used:>14}{per_rss:>13}{r['secs']:>8.1f}")
    if len(results) == 2:
        a, b = list(results.values())
        ra = (a["after"][0] - a["before"][0]) / max(1, b["after"][0] - b["before"][0])
        print(f"RSS growth ratio {'/'.join(results)}: {ra:.2f}")


# ------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------


def start(label, args):
    common = list(args.server_args)
    if label == "lunar":
        os.environ["LUNAR_SERVER_BIN"] = args.lunar_bin
        return harness.start_lunar(*common)
    if args.redis_bin:
        os.environ["REDIS_SERVER_BIN"] = args.redis_bin
    return harness.start_redis(*common)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.environ.get("LUNAR_BUILD", "build"),
                    help="build directory holding bin/lunar-server (default: build)")
    ap.add_argument("--lunar-bin", help="server under test (default: <build>/bin/lunar-server)")
    ap.add_argument("--redis-bin", help="reference server (default: redis-server)")
    ap.add_argument("--only", choices=["lunar", "redis"], help="benchmark one server only")
    ap.add_argument("-n", type=int, default=200000, help="requests per run (default 200000)")
    ap.add_argument("-c", "--clients", type=int, default=50, help="connections (default 50)")
    ap.add_argument("-r", "--random", type=int, default=100000,
                    help="keyspace size for __rand_int__ (-r; 0 = one key; default 100000)")
    ap.add_argument("-P", "--pipelines", default="1,16",
                    help="comma-separated pipeline depths (default 1,16)")
    ap.add_argument("--threads", type=int, default=0, help="redis-benchmark --threads")
    ap.add_argument("--workloads", default=None,
                    help="comma-separated workload names, or 'all' (default: "
                    + ",".join(w.name for w in WORKLOADS if w.default) + ")")
    ap.add_argument("--list", action="store_true", help="list the workloads and exit")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per redis-benchmark run")
    ap.add_argument("--memory", action="store_true", help="memory mode instead of throughput")
    ap.add_argument("--keys", type=int, default=1000000, help="keys for --memory (1000000)")
    ap.add_argument("--value-size", type=int, default=10, help="value bytes for --memory (10)")
    ap.add_argument("--server-args", nargs=argparse.REMAINDER, default=[],
                    help="extra args for both servers (must come last)")
    args = ap.parse_args()

    if args.list:
        for w in WORKLOADS:
            what = f"-t {w.test}" if w.test else " ".join(w.command)
            print(f"{w.name:14}{'default' if w.default else '':9}{what}")
        return 0

    args.build = os.path.abspath(args.build)
    os.environ["LUNAR_BUILD"] = args.build
    args.lunar_bin = args.lunar_bin or os.environ.get("LUNAR_SERVER_BIN") or \
        os.path.join(args.build, "bin", "lunar-server")
    args.pipelines = [int(p) for p in args.pipelines.split(",") if p]
    args.redis_benchmark = harness.tool_bin("redis-benchmark")
    labels = [args.only] if args.only else ["lunar", "redis"]
    if "lunar" in labels and not os.path.exists(args.lunar_bin):
        print(f"bench: {args.lunar_bin} not found (build first, or --lunar-bin)", file=sys.stderr)
        return 2
    if not args.memory and not args.redis_benchmark:
        print("bench: redis-benchmark not found (apt-get install redis-tools)", file=sys.stderr)
        return 2

    if args.workloads in (None, ""):
        workloads = [w for w in WORKLOADS if w.default]
    elif args.workloads == "all":
        workloads = list(WORKLOADS)
    else:
        names = args.workloads.split(",")
        by_name = {w.name: w for w in WORKLOADS}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            print(f"bench: unknown workloads {unknown}; --list shows them", file=sys.stderr)
            return 2
        workloads = [by_name[n] for n in names]

    results = {}
    for label in labels:
        server = start(label, args)
        try:
            print(f"{label}: {shlex.join(server.argv)} (pid {server.pid})", file=sys.stderr)
            if args.memory:
                results[label] = memory(server, args)
            else:
                results[label] = throughput(server, workloads, args)
        finally:
            server.stop()
            if not server.alive() and server.proc.returncode not in (0, -15):
                print(f"{label} exited with {server.proc.returncode}:\n{server.log_tail()}",
                      file=sys.stderr)

    print()
    if args.memory:
        print_memory(results, args)
    else:
        print(f"redis-benchmark -c {args.clients} -n {args.n}"
              + (f" -r {args.random}" if args.random else ""))
        print_throughput(workloads, args, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
