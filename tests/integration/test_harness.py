"""Self-tests of the harness's RESP framing and parsing (no server needed), so that a framing bug
in the harness never passes for a server bug."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import frame_end, parse, Error, Push, Verbatim, Attributed  # noqa: E402

SAMPLES = [
    (b"+OK\r\n", "OK"),
    (b"-ERR bad\r\n", Error("ERR bad")),
    (b":-42\r\n", -42),
    (b"$5\r\nhe\r\no\r\n", b"he\r\no"),
    (b"$0\r\n\r\n", b""),
    (b"$-1\r\n", None),
    (b"*-1\r\n", None),
    (b"_\r\n", None),
    (b"#t\r\n", True),
    (b"#f\r\n", False),
    (b",3.25\r\n", 3.25),
    (b",inf\r\n", float("inf")),
    (b"(12345678901234567890123\r\n", 12345678901234567890123),
    (b"!9\r\nSYNTAX ab\r\n", Error("SYNTAX ab")),
    (b"=7\r\ntxt:abc\r\n", Verbatim(b"abc")),
    (b"*0\r\n", []),
    (b"*2\r\n$1\r\na\r\n*2\r\n:1\r\n*0\r\n", [b"a", [1, []]]),
    (b"%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*1\r\n_\r\n", {"a": 1, b"b": [None]}),
    (b"~2\r\n:1\r\n:2\r\n", {1, 2}),
    (b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nx\r\n", Push([b"message", b"ch", b"x"])),
    (b"|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n", Attributed({"ttl": 3600}, b"v")),
    (b"*2\r\n|1\r\n+a\r\n:1\r\n:5\r\n:6\r\n", [Attributed({"a": 1}, 5), 6]),
    (b"$?\r\n;3\r\nabc\r\n;2\r\nde\r\n;0\r\n", b"abcde"),
    (b"*?\r\n:1\r\n*?\r\n:2\r\n.\r\n.\r\n", [1, [2]]),
    (b"%1\r\n*2\r\n:1\r\n:2\r\n+v\r\n", {(1, 2): "v"}),
]


class TestFraming(unittest.TestCase):

    def test_samples(self):
        for raw, value in SAMPLES:
            self.assertEqual(frame_end(raw), len(raw), raw)
            self.assertEqual(parse(raw), value, raw)
            self.assertEqual(type(parse(raw)), type(value), raw)

    def test_incomplete_at_every_byte(self):
        for raw, _ in SAMPLES:
            for cut in range(len(raw)):
                self.assertIsNone(frame_end(raw[:cut]), (raw, cut))

    def test_concatenated(self):
        stream = b"".join(raw for raw, _ in SAMPLES)
        pos = 0
        for raw, _ in SAMPLES:
            end = frame_end(stream, pos)
            self.assertEqual(stream[pos:end], raw)
            pos = end
        self.assertEqual(pos, len(stream))

    def test_garbage(self):
        with self.assertRaises(harness.ProtocolError):
            frame_end(b"?x\r\n")

    def test_encode(self):
        self.assertEqual(harness.encode_command("SET", b"k\x00", 12, 1.5),
                         b"*4\r\n$3\r\nSET\r\n$2\r\nk\x00\r\n$2\r\n12\r\n$3\r\n1.5\r\n")

    def test_shape(self):
        self.assertEqual(harness.raw_shape(b"*2\r\n$1\r\n1\r\n$2\r\n23\r\n"), ["bulk", "bulk"])
        self.assertEqual(harness.info_fields(b"$20\r\n# Server\r\na:1\r\nb:2\r\n\r\n"),
                         {"Server": ["a", "b"]})


class TestServerLifecycle(unittest.TestCase):

    def test_redis_starts_and_stops(self):
        with harness.start_redis() as s:
            with harness.Client(s.port) as c:
                self.assertEqual(c.call("PING"), b"+PONG\r\n")
                self.assertEqual(c.call("CONFIG", "GET", "save"), b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n")
            with s.client(resp=3) as c:
                self.assertEqual(c.call("GET", "nokey"), b"_\r\n")
            pid = s.pid
        self.assertFalse(os.path.exists(f"/proc/{pid}") and
                         open(f"/proc/{pid}/stat").read().split()[2] != "Z")

    def test_start_failure_is_reported(self):
        with self.assertRaises(harness.ServerError):
            harness.start_redis("--no-such-option", "x")


if __name__ == "__main__":
    harness.main()
