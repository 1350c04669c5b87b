"""Differential tests of the RESP request parser against redis-server: pipelines split at every
byte, inline commands, protocol errors (and that the connection closes after them), limits, and
that the server keeps serving other clients afterwards.

Each case sends raw bytes on a fresh connection to both servers followed by a sentinel
command, and compares the transcripts: every reply up to the sentinel's, or up to the close.
"""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import encode_command as enc  # noqa: E402

SENTINEL = b"__sentinel__"
SENTINEL_REPLY = b"$12\r\n__sentinel__\r\n"


def transcript(server, data, sentinel=True, chunks=None, pause=0.0, resp=2, timeout=10.0):
    """Sends data (optionally split at the given offsets, pausing between parts), then an ECHO
    sentinel; returns (replies, closed): the raw replies before the sentinel's, and whether the
    server closed the connection instead of answering the sentinel. Without a sentinel, reads
    until the server closes or stays silent for 2 s."""
    c = server.client(resp=resp, timeout=timeout)
    try:
        tail = enc("ECHO", SENTINEL) if sentinel else b""
        payload = data + tail
        cuts = [0] + list(chunks or []) + [len(data)]
        for a, b in zip(cuts, cuts[1:]):
            if a < b:
                c.send_raw(payload[a:b])
                if pause:
                    time.sleep(pause)
        if tail:
            c.send_raw(tail)
        replies = []
        if not sentinel:
            c.settimeout(2.0)
        while True:
            try:
                r = c.read_reply()
            except (harness.ConnectionClosed, ConnectionResetError):
                return replies, True
            except socket.timeout:
                if sentinel:
                    raise
                return replies, False
            if sentinel and r == SENTINEL_REPLY:
                return replies, False
            replies.append(r)
    finally:
        c.close()


class ProtoTest(harness.DiffTest):

    def compare(self, data, check_serving=True, **kw):
        """Asserts both servers produce the same transcript for data; returns lunar's."""
        lt = transcript(self.lunar, data, **kw)
        rt = transcript(self.redis, data, **kw)
        if lt != rt:
            self.fail(f"\nrequest: {data[:300]!r}{'...' if len(data) > 300 else ''}"
                      f" ({len(data)} bytes)\n"
                      f"  lunar: closed={lt[1]} {[r[:200] for r in lt[0]]}\n"
                      f"  redis: closed={rt[1]} {[r[:200] for r in rt[0]]}")
        if check_serving:
            self.assert_serving()
        return lt

    def assert_serving(self):
        """Both servers still answer a new client."""
        for s in (self.lunar, self.redis):
            self.assertTrue(s.alive(), f"{s.label} died:\n{s.log_tail()}")
            with s.client(timeout=5) as c:
                self.assertEqual(c.call("PING"), b"+PONG\r\n", s.label)


class TestPipelines(ProtoTest):

    PIPELINE = b"".join([
        enc("SET", "k", "v1"), enc("GET", "k"), enc("MSET", "a", "1", "b", "22"),
        enc("ECHO", b"bin\r\n\x00\xff"), enc("ECHO", ""), b"PING\r\n", enc("INCR", "a"),
        b"ECHO inline\r\n", enc("DEL", "k", "a", "b"), enc("GET", "k"),
        enc("NOSUCHCMD", "x"), enc("GET"), enc("ECHO", "x" * 300),
    ])

    def test_pipeline_whole(self):
        replies, closed = self.compare(self.PIPELINE)
        self.assertFalse(closed)
        self.assertEqual(len(replies), 13)

    def test_pipeline_split_at_every_byte(self):
        for cut in range(1, len(self.PIPELINE)):
            self.compare(self.PIPELINE, chunks=[cut], pause=0.001, check_serving=False)
        self.assert_serving()

    def test_pipeline_byte_by_byte(self):
        data = enc("SET", "k", "hello") + b"GET k\r\n" + enc("ECHO", b"a\r\nb")
        self.compare(data, chunks=list(range(1, len(data))), pause=0.001)

    def test_big_pipeline(self):
        data = b"".join(enc("SET", f"key:{i}", f"v{i}") for i in range(5000))
        data += b"".join(enc("GET", f"key:{i}") for i in range(0, 5000, 7))
        data += enc("DBSIZE")
        replies, closed = self.compare(data)
        self.assertEqual(len(replies), 5000 + len(range(0, 5000, 7)) + 1)

    def test_big_argument(self):
        big = os.urandom(3 * 1024 * 1024)
        lt = self.compare(enc("SET", "big", big) + enc("STRLEN", "big") + enc("GET", "big"))
        self.assertEqual(lt[0][2], b"$%d\r\n%s\r\n" % (len(big), big))

    def test_big_argument_split(self):
        big = b"x" * 200000
        data = enc("SET", "big", big) + enc("STRLEN", "big")
        self.compare(data, chunks=[3, 10, 12, 100, 65536, 131072, len(data) - 3], pause=0.01)

    def test_many_arguments(self):
        args = []
        for i in range(50000):
            args += [f"k{i}", "v"]
        self.compare(enc("MSET", *args) + enc("DBSIZE") + enc("EXISTS", *[f"k{i}" for i in
                                                                          range(0, 50000, 3)]))

    def test_big_multibulk_count_waits(self):
        # A huge count is accepted; the server waits for the arguments (no error, no close).
        for s in (self.lunar, self.redis):
            with s.client() as c:
                c.send_raw(b"*1000000\r\n$4\r\nECHO\r\n$1\r\nx\r\n")
                c.settimeout(0.3)
                with self.assertRaises(socket.timeout, msg=s.label):
                    c.read_reply()
        self.assert_serving()

    def test_partial_command_gets_no_reply(self):
        for s in (self.lunar, self.redis):
            with s.client() as c:
                c.send_raw(b"*2\r\n$4\r\nECHO\r\n$5\r\nhel")
                c.settimeout(0.3)
                with self.assertRaises(socket.timeout, msg=s.label):
                    c.read_reply()
                c.settimeout(5)
                c.send_raw(b"lo\r\n")
                self.assertEqual(c.read_reply(), b"$5\r\nhello\r\n", s.label)

    def test_resp3_pipeline(self):
        data = enc("GET", "nokey") + enc("CONFIG", "GET", "maxmemory") + enc("PING")
        self.compare(data, resp=3)
        self.compare(data, resp=3, chunks=list(range(1, len(data), 3)), pause=0.001)


class TestInline(ProtoTest):

    def test_inline_basic(self):
        for data in [b"PING\r\n", b"PING\n", b"ping\r\n", b"  PING  \r\n", b"PING hello\r\n",
                     b"SET a b\r\nGET a\r\n", b"ECHO   many   spaces  \r\n", b"\r\n\r\nPING\r\n",
                     b"\n\nPING\n", b"ECHO a\tb\r\n", b"GET\r\n", b"NOSUCH x y\r\n",
                     b"SET a b\nGET a\n"]:
            self.compare(data)

    def test_inline_quotes(self):
        for data in [
            b'SET k "a b"\r\nGET k\r\n', b"SET k 'a b'\r\nGET k\r\n",
            b'ECHO "a\\"b"\r\n', b"ECHO 'a\\'b'\r\n", b'ECHO "\\x41\\x42"\r\n',
            b'ECHO "\\n\\r\\t\\b\\a\\\\"\r\n', b'ECHO "\\z"\r\n', b'ECHO ""\r\n', b"ECHO ''\r\n",
            b'ECHO "\\xzz"\r\n', b'ECHO "\\xff\\x00"\r\n', b"ECHO 'a\\nb'\r\n",
            b'ECHO "a" "b"\r\n', b'ECHO "a"  \r\n', b"ECHO \"it's\"\r\n", b"ECHO 'say \"hi\"'\r\n",
            b'ECHO a"b"c\r\n', b"ECHO a'b'\r\n",
        ]:
            self.compare(data)

    def test_inline_unbalanced_quotes(self):
        for data in [b'SET k "abc\r\n', b"SET k 'abc\r\n", b'ECHO "a"b\r\n', b"ECHO 'a'b\r\n",
                     b'ECHO "a\\"\r\n', b'PING\r\nECHO "x\r\nPING\r\n']:
            replies, closed = self.compare(data)
            self.assertTrue(closed, f"{data!r}: connection should close")
            self.assertTrue(replies and replies[-1].startswith(b"-ERR Protocol error"), replies)

    def test_too_big_inline(self):
        for data in [b"ECHO " + b"a" * (70 * 1024), b"a" * (64 * 1024 + 1)]:
            replies, closed = self.compare(data, sentinel=False)
            self.assertTrue(closed)
        # Just under the limit with its newline is fine.
        self.compare(b"ECHO " + b"a" * (60 * 1024) + b"\r\n")

    def test_mixed_inline_and_multibulk(self):
        data = b"SET a 1\r\n" + enc("INCR", "a") + b"GET a\r\n" + enc("GET", "a") + b"PING\n"
        self.compare(data)
        self.compare(data, chunks=list(range(1, len(data))), pause=0.001)


class TestProtocolErrors(ProtoTest):

    CLOSING = [
        b"*abc\r\n", b"*1\r\n$abc\r\n", b"*1\r\nfoo\r\n", b"*1\r\n:1\r\n",
        b"*2\r\n$4\r\nECHO\r\n+x\r\n", b"*1\r\n$-2\r\n", b"*1\r\n$-1\r\n",
        b"*1\r\n$4 \r\nPING\r\n", b"*3000000000\r\n", b"*9223372036854775808\r\n",
        b"*1\r\n$536870913\r\n", b"*1\r\n$99999999999999999999\r\n", b"*1a\r\n", b"* 1\r\n",
        b"*1\r\n$\r\n", b"*1\r\n$1a\r\n", b"*+1\r\n$4\r\nPING\r\n", b"*01\r\n$4\r\nPING\r\n",
        b"*1\r\n$04\r\nPING\r\n", b"*1\r\n$+4\r\nPING\r\n", b"*\r\n",
        b"PING\r\n*x\r\nPING\r\n", enc("SET", "a", "1") + b"*1\r\n$x\r\n" + enc("GET", "a"),
    ]
    NOT_CLOSING = [
        b"*-1\r\nPING\r\n", b"*0\r\nPING\r\n", b"*-5\r\nPING\r\n", b"*1\r\n$0\r\n\r\n",
        b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
    ]
    WAITING = [b"*1\r\n$536870912\r\n", b"*2\r\n$4\r\nECHO\r\n", b"*1\r\n$4\r\nPI"]

    def test_closing_errors(self):
        for data in self.CLOSING:
            replies, closed = self.compare(data)
            self.assertTrue(closed, f"{data!r} should close the connection")
            self.assertTrue(replies and replies[-1].startswith(b"-ERR Protocol error"),
                            f"{data!r}: {replies}")

    def test_not_closing(self):
        for data in self.NOT_CLOSING:
            replies, closed = self.compare(data)
            self.assertFalse(closed)

    def test_waiting(self):
        for data in self.WAITING:
            for s in (self.lunar, self.redis):
                with s.client() as c:
                    c.send_raw(data)
                    c.settimeout(0.3)
                    with self.assertRaises(socket.timeout, msg=f"{s.label} {data!r}"):
                        c.read_reply()
        self.assert_serving()

    def test_bulk_without_crlf(self):
        # The two bytes after a bulk payload must be CRLF... Redis does not check them; the
        # reply (or protocol error) must match.
        self.compare(b"*2\r\n$4\r\nECHO\r\n$1\r\nxAB*1\r\n$4\r\nPING\r\n")

    def test_split_errors(self):
        for data in [b"*1\r\n$abc\r\n", b"*abc\r\n", b"*1\r\nfoo\r\n"]:
            self.compare(data, chunks=list(range(1, len(data))), pause=0.002)

    def test_too_big_count_string(self):
        for data in [b"*" + b"1" * (70 * 1024), b"*1\r\n$" + b"1" * (70 * 1024)]:
            replies, closed = self.compare(data, sentinel=False)
            self.assertTrue(closed)

    def test_errors_do_not_affect_others(self):
        with self.lunar.client() as lc, self.redis.client() as rc:
            lc.call("SET", "x", "1")
            rc.call("SET", "x", "1")
            for data in self.CLOSING:
                self.compare(data)
            self.assertEqual(lc.call("GET", "x"), rc.call("GET", "x"))


class TestProtoMaxBulkLen(ProtoTest):
    LUNAR_ARGS = ("--proto-max-bulk-len", "1mb")
    REDIS_ARGS = ("--proto-max-bulk-len", "1mb")

    def test_limit(self):
        self.check("CONFIG", "GET", "proto-max-bulk-len")
        ok = b"x" * (1024 * 1024)
        replies, closed = self.compare(enc("SET", "a", ok) + enc("STRLEN", "a"))
        self.assertFalse(closed)
        replies, closed = self.compare(b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1048577\r\n",
                                       sentinel=False)
        self.assertTrue(closed)
        self.check_all(["CONFIG SET proto-max-bulk-len 2mb", "CONFIG GET proto-max-bulk-len"])
        replies, closed = self.compare(enc("SET", "a", ok + b"y") + enc("STRLEN", "a"))
        self.assertFalse(closed)
        self.check_all(["CONFIG SET proto-max-bulk-len 1mb", "CONFIG SET proto-max-bulk-len 100",
                        "CONFIG GET proto-max-bulk-len"])
        self.check("APPEND", "a", "zz")
        self.check("SETRANGE", "a", "2097152", "x")


class TestUnauthenticated(ProtoTest):
    PASSWORD = "pw"
    LUNAR_ARGS = ("--requirepass", "pw")
    REDIS_ARGS = ("--requirepass", "pw")

    def raw_transcript(self, server, data):
        """Everything the server sends within 1 s of data, and whether it closed."""
        with harness.Client(server.port) as c:
            c.send_raw(data)
            c.settimeout(1.0)
            got = b""
            while True:
                try:
                    chunk = c.sock.recv(65536)
                except socket.timeout:
                    return got, False
                except ConnectionResetError:
                    return got, True
                if not chunk:
                    return got, True
                got += chunk

    def test_unauthenticated_limits(self):
        for data in [b"*20\r\n", b"*10\r\n$4\r\nAUTH\r\n", b"*2\r\n$4\r\nAUTH\r\n$20000\r\n",
                     b"*1\r\n$16384\r\n", b"*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n", b"PING\r\n"]:
            lt = self.raw_transcript(self.lunar, data)
            rt = self.raw_transcript(self.redis, data)
            self.assertEqual(lt, rt, f"{data!r}")
        self.assert_serving()

if __name__ == "__main__":
    harness.main()
