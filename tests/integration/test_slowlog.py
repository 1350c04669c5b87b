"""SLOWLOG GET / LEN / RESET / HELP against redis-server.

With slowlog-log-slower-than 0 every command is logged; entries are compared with their id,
time, duration and client address blanked (each server's own), so what is compared is which
commands were logged, in which order, with which (truncated) arguments and client name."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402


def entries(raw):
    v = parse(raw)
    if not isinstance(v, list):
        return raw
    return [[e[3], e[5]] for e in v]


class TestSlowlog(harness.DiffTest):

    def setUp(self):
        super().setUp()
        self.check("CONFIG", "SET", "slowlog-log-slower-than", "0")
        self.check("CONFIG", "SET", "slowlog-max-len", "128")
        self.check("SLOWLOG", "RESET")

    def tearDown(self):
        self.both("CONFIG", "SET", "slowlog-log-slower-than", "10000")
        super().tearDown()

    def test_entries(self):
        self.check_all(["SET a b", "CLIENT SETNAME tester", "GET a",
                        ("SET", "long", "x" * 300),
                        ("RPUSH", "many", *[str(i) for i in range(40)])])
        self.check("SLOWLOG", "GET", normalize=entries)
        self.check("SLOWLOG", "GET", "2", normalize=entries)
        self.check("SLOWLOG", "GET", "-1", normalize=entries)
        self.check("SLOWLOG", "GET", "0", normalize=entries)
        self.check("SLOWLOG", "LEN")
        self.check("SLOWLOG", "GET", "3", resp=3, normalize=entries)

    def test_errors_and_limits(self):
        self.check_all(["SLOWLOG GET -2", "SLOWLOG GET x", "SLOWLOG GET 1 2", "SLOWLOG LEN x",
                        "SLOWLOG RESET x", "SLOWLOG NOSUCH", "SLOWLOG", "SLOWLOG HELP"])
        self.check("CONFIG", "SET", "slowlog-max-len", "3")
        self.check_all(["SET a 1", "SET a 2", "SET a 3", "SET a 4"])
        self.check("SLOWLOG", "LEN")
        self.check("SLOWLOG", "GET", "-1", normalize=entries)
        self.check("CONFIG", "SET", "slowlog-log-slower-than", "-1")
        self.check("SLOWLOG", "RESET")
        self.check_all(["SET a 5", "SLOWLOG LEN"])


if __name__ == "__main__":
    harness.main()
