"""Redis's own tools against Lunar: redis-cli (commands, stdin, --pipe, RESP3) gives the same
output as against redis-server, and redis-benchmark completes with sane numbers and leaves the
data it should.
"""

import csv
import io
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402

REDIS_CLI = harness.tool_bin("redis-cli")
REDIS_BENCHMARK = harness.tool_bin("redis-benchmark")


def run_tool(argv, stdin=None, timeout=120):
    """Runs a tool; returns (exit code, stdout bytes, stderr bytes)."""
    p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


@unittest.skipUnless(REDIS_CLI, "redis-cli not installed")
class TestRedisCli(harness.DiffTest):

    def cli(self, server, *args, stdin=None):
        return run_tool([REDIS_CLI, "-p", str(server.port)] + list(args), stdin=stdin)

    def same(self, *args, stdin=None):
        """Asserts redis-cli prints the same (exit code, stdout) for both servers."""
        lo = self.cli(self.lunar, *args, stdin=stdin)
        ro = self.cli(self.redis, *args, stdin=stdin)
        self.assertEqual(lo[:2], ro[:2], f"redis-cli {' '.join(args)}\n  lunar stderr: {lo[2]!r}")
        return lo[1]

    def test_ping(self):
        self.assertEqual(self.same("ping"), b"PONG\n")
        self.same("ping", "hello")
        self.same("--no-raw", "ping", "hello")

    def test_set_get(self):
        self.assertEqual(self.same("set", "a", "hello world"), b"OK\n")
        self.assertEqual(self.same("get", "a"), b"hello world\n")
        self.same("--no-raw", "get", "a")
        self.same("get", "nokey")
        self.same("--no-raw", "get", "nokey")
        self.same("del", "a", "b")
        self.same("-n", "3", "set", "x", "in-db-3")
        self.same("-n", "3", "get", "x")
        self.same("get", "x")

    def test_errors(self):
        self.same("nosuchcommand", "a", "b")
        self.same("get")
        self.same("--no-raw", "expire", "a", "abc")

    def test_stdin_commands(self):
        self.same(stdin=b"set a 1\nget a\nincr a\nexists a b\nfoo\nget a\n")
        self.same("-x", "set", "fromstdin", stdin=b"payload\n")
        self.same("get", "fromstdin")

    def test_resp3(self):
        self.same("-3", "get", "nokey")
        self.same("-3", "config", "get", "maxmemory")
        self.same("-3", "--no-raw", "config", "get", "maxmemory")
        self.same("-3", "set", "a", "1")
        self.same("-3", "--no-raw", "incr", "a")

    def test_pipe(self):
        lines = []
        for i in range(10000):
            lines.append(harness.encode_command("SET", f"pipe:{i}", f"value-{i}"))
        lines.append(harness.encode_command("INCR", "pipe:0"))        # an error reply
        lines.append(b"SET inline-key inline-value\r\n")
        data = b"".join(lines)
        out = self.same("--pipe", stdin=data)
        self.assertIn(b"errors: 1, replies: 10002", out)
        self.check("DBSIZE")
        self.check("GET", "pipe:9999")
        self.check("GET", "inline-key")


@unittest.skipUnless(REDIS_BENCHMARK, "redis-benchmark not installed")
class TestRedisBenchmark(harness.DiffTest):

    N = 20000
    TESTS = ["SET", "GET", "INCR", "MSET (10 keys)"]

    def bench(self, *extra):
        """Runs redis-benchmark against lunar; returns {test name: rps}."""
        code, out, err = run_tool([REDIS_BENCHMARK, "-p", str(self.lunar.port), "-t",
                                   "set,get,incr,mset", "-n", str(self.N), "-c", "20", "--csv",
                                   *extra], timeout=240)
        self.assertEqual(code, 0, f"redis-benchmark failed: {err.decode()}\n{out.decode()}")
        rows = list(csv.DictReader(io.StringIO(out.decode())))
        result = {r["test"]: float(r["rps"]) for r in rows}
        self.assertEqual(sorted(result), sorted(self.TESTS), out.decode())
        for name, rps in result.items():
            self.assertGreater(rps, 1000, f"{name}: {rps} rps is not sane")
            self.assertLess(rps, 50_000_000, f"{name}: {rps} rps is not sane")
        return result

    def check_data(self):
        c = self.client(self.lunar, 2)
        self.assertEqual(parse(c.call("GET", "counter:__rand_int__")), str(self.N).encode())
        self.assertEqual(parse(c.call("DBSIZE")), 2)
        self.assertEqual(c.call("EXISTS", "key:__rand_int__"), b":1\r\n")
        self.assertEqual(c.call("PING"), b"+PONG\r\n")

    def test_plain(self):
        r = self.bench("-q")
        print(f"\n    lunar rps (-c 20): {r}", end=" ")
        self.check_data()

    def test_pipelined(self):
        r = self.bench("-P", "16")
        print(f"\n    lunar rps (-P 16): {r}", end=" ")
        self.check_data()


if __name__ == "__main__":
    harness.main()
