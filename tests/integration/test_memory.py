"""MEMORY USAGE / DOCTOR / MALLOC-STATS / PURGE / HELP against redis-server.

Byte counts are each server's own accounting: replies are compared by shape, errors and help
texts byte for byte, and Lunar's counts must follow the value's size."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402


class TestMemory(harness.DiffTest):

    def test_errors_and_help(self):
        self.check_all(["SET k v", "MEMORY USAGE nosuch", "MEMORY USAGE k SAMPLES x",
                        "MEMORY USAGE k SAMPLES -1", "MEMORY USAGE k foo",
                        "MEMORY USAGE k SAMPLES", "MEMORY USAGE", "MEMORY HELP", "MEMORY PURGE",
                        "MEMORY NOSUCH", "MEMORY", "MEMORY DOCTOR extra"])
        for resp in (2, 3):
            self.check_shape("MEMORY", "USAGE", "k", "SAMPLES", "0", resp=resp)
            self.check_shape("MEMORY", "DOCTOR", resp=resp)

    def test_usage_follows_the_value(self):
        c = self.lunar.client()
        c.call("DEL", "small", "big", "list")
        c.call("SET", "small", "x")
        c.call("SET", "big", "x" * 10000)
        small = parse(c.call("MEMORY", "USAGE", "small"))
        big = parse(c.call("MEMORY", "USAGE", "big"))
        self.assertGreater(small, 0)
        self.assertGreaterEqual(big - small, 10000 - 64)
        c.call("RPUSH", "list", *(["y" * 100] * 100))
        self.assertGreater(parse(c.call("MEMORY", "USAGE", "list")), 100 * 100)
        c.close()


if __name__ == "__main__":
    harness.main()
