"""Keyspace notifications against redis-server: the same commands of every module run on both
servers with notify-keyspace-events set, and the sequence of messages a pattern subscriber
receives must match message for message. Also checks the config's letters, and that a
subscriber that stops reading is disconnected by client-output-buffer-limit while the server's
memory stays bounded.
"""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import _split_cmd, parse  # noqa: E402

SENTINEL = "notify-test-sentinel"

# Commands per family; each list runs on an empty database.
FAMILIES = {
    "generic": ["SET a 1", "EXPIRE a 100", "PERSIST a", "PEXPIRE a 100000", "RENAME a b",
                "COPY b c", "MOVE c 1", "DEL b", "SET d 1", "UNLINK d", "SET e 1",
                "EXPIRE e 0", "SET f 1", "RENAME f f", "SET g 1", "GETDEL g", "SET h 1",
                "EXPIREAT h 1", "SET i 1", "SWAPDB 0 1", "SWAPDB 0 1", "FLUSHDB"],
    "strings": ["SET s 1", "INCR s", "INCRBY s 5", "DECR s", "INCRBYFLOAT s 1.5", "APPEND s x",
                "SETRANGE s 0 ab", "SET s2 v EX 100", "SETEX s3 100 v", "PSETEX s4 100000 v",
                "SETNX s5 v", "SETNX s5 w", "MSET m1 1 m2 2", "MSETNX m3 1 m4 2", "GETSET s5 z",
                "GETEX s5 EX 100", "GETEX s5 PERSIST", "SETBIT b 7 1", "BITOP OR dst b b",
                "BITFIELD bf SET u8 0 255", "SET s EX 100 KEEPTTL"],
    "lists": ["LPUSH l a b c", "RPUSH l d", "LPUSHX l e", "RPUSHX l f", "LPUSHX nol x",
              "LPOP l", "RPOP l", "LPOP l 2", "LINSERT l BEFORE b x", "LSET l 0 y",
              "LTRIM l 0 1", "LREM l 1 y", "RPUSH l2 1 2 3", "LMOVE l2 l3 LEFT RIGHT",
              "RPOPLPUSH l2 l3", "LMPOP 1 l2 LEFT", "LPOP l", "LPOP l3 5", "BLPOP nol 0.01"],
    "hashes": ["HSET h f v g w", "HSETNX h f x", "HSETNX h k x", "HINCRBY h n 2",
               "HINCRBYFLOAT h fl 1.5", "HDEL h f", "HMSET h a 1", "HDEL h g k n fl a"],
}


class TestNotifications(harness.DiffTest):
    REDIS_ARGS = ("--enable-debug-command", "yes")

    def run_family(self, cmds, flags="KEA"):
        """Runs cmds on each server with notify-keyspace-events=flags and returns, per server,
        the messages a PSUBSCRIBE '__key*__:*' subscriber got (in order)."""
        got = []
        for server in (self.lunar, self.redis):
            c, sub = server.client(), server.client()
            try:
                c.call("CONFIG", "SET", "notify-keyspace-events", flags)
                sub.send("PSUBSCRIBE", "__key*__:*")
                sub.read_reply()
                sub.send("SUBSCRIBE", SENTINEL)
                sub.read_reply()
                replies = []
                for cmd in cmds:
                    if isinstance(cmd, tuple) and cmd[0] == "sleep":
                        time.sleep(cmd[1])
                        continue
                    replies.append(c.call(*_split_cmd(cmd)))
                c.call("PUBLISH", SENTINEL, "end")
                messages = []
                while True:
                    m = parse(sub.read_reply())
                    if m[0] == b"message" and m[1] == SENTINEL.encode():
                        break
                    messages.append(tuple(m))
                got.append((replies, messages))
                c.call("CONFIG", "SET", "notify-keyspace-events", "")
                c.call("FLUSHALL")
            finally:
                c.close()
                sub.close()
        return got

    def check_family(self, name, flags="KEA"):
        (lr, lm), (rr, rm) = self.run_family(FAMILIES[name], flags)
        self.assertEqual(lr, rr, f"{name}: replies differ")
        self.assertEqual(lm, rm, f"{name}: notifications differ")
        return lm

    def test_generic(self):
        self.assertTrue(self.check_family("generic"))

    def test_strings(self):
        self.assertTrue(self.check_family("strings"))

    def test_lists(self):
        self.assertTrue(self.check_family("lists"))

    def test_hashes(self):
        self.assertTrue(self.check_family("hashes"))

    def test_class_filters(self):
        for flags in ("Kg", "E$", "Kl", "Eh", "KEx", "KEg$"):
            for fam in ("generic", "strings", "lists", "hashes"):
                self.check_family(fam, flags)

    def test_new_and_keymiss(self):
        (lr, lm), (rr, rm) = self.run_family(
            ["SET a 1", "GET a", "GET nokey", "LPUSH l x", "HGET noh f", "EXISTS zz", "SET a 2"],
            flags="KEnm")
        self.assertEqual(lr, rr)
        self.assertEqual(lm, rm)
        self.assertTrue(any(m[-1] == b"keymiss" for m in lm))

    def test_expired_by_active_cycle(self):
        # Nobody touches the keys: only the background cycle can expire them.
        (lr, lm), (rr, rm) = self.run_family(
            ["SET a 1 PX 30", "SET b 1 PX 40", ("sleep", 1.0)], flags="Ex")
        self.assertEqual(lr, rr)
        self.assertEqual(sorted(lm), sorted(rm))
        self.assertEqual(len(lm), 2, lm)

    def test_expired_on_access(self):
        # With the background cycle off, only an access can expire the key.
        (lr, lm), (rr, rm) = self.run_family(
            ["DEBUG SET-ACTIVE-EXPIRE 0", "SET a 1 PX 20", "HSET h f v", "PEXPIRE h 20",
             ("sleep", 0.1), "GET a", "HGET h f", "EXISTS a", "DEBUG SET-ACTIVE-EXPIRE 1"],
            flags="KEA")
        self.assertEqual(lr, rr)
        self.assertEqual(lm, rm)
        self.assertEqual(sum(1 for m in lm if m[-1] == b"expired"), 2, lm)

    def test_config_letters(self):
        for v in ("KEA", "AKE", "KEAn", "Ex", "Kgx", "", "Km", "nd$", "glshzxetd", "A", "KEm"):
            self.check("CONFIG", "SET", "notify-keyspace-events", v)
            self.check("CONFIG", "GET", "notify-keyspace-events")
        for bad in ("q", "KEAq", "1"):
            self.check("CONFIG", "SET", "notify-keyspace-events", bad)
        self.check("CONFIG", "SET", "notify-keyspace-events", "")


class TestOutputBufferLimits(harness.DiffTest):
    REDIS_ARGS = ("--enable-debug-command", "yes")

    def test_config(self):
        for v in ("pubsub 10mb 5mb 30", "normal 1 2", "foo 1 2 3", "normal 10 20 x",
                  "normal 10 -20 3", "replica 1gb 2 3 normal 1 1 1", "slave 1 2 3",
                  "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"):
            self.check("CONFIG", "SET", "client-output-buffer-limit", v)
            self.check("CONFIG", "GET", "client-output-buffer-limit")

    def test_slow_subscriber_is_disconnected(self):
        server = self.lunar
        c = server.client()
        c.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 256kb 1")
        # A subscriber with a tiny receive buffer that never reads.
        sub = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sub.connect(("127.0.0.1", server.port))
        sub.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nslow\r\n")
        time.sleep(0.2)
        rss_before = server.rss_kb()
        payload = "x" * 100_000
        sent = 0
        gone = False
        for _ in range(400):  # up to 40 MB
            n = c.call_parsed("PUBLISH", "slow", payload)
            sent += len(payload)
            if n == 0:
                gone = True
                break
        self.assertTrue(gone, "the slow subscriber was never disconnected")
        self.assertEqual(c.call_parsed("PUBSUB", "NUMSUB", "slow"), [b"slow", 0])
        self.assertLess(server.rss_kb() - rss_before, 32 * 1024,
                        "server memory grew past the limit")
        self.assertLess(sent, 40_000_000)
        self.assertNotIn(" sub=1 ", c.call_parsed("CLIENT", "LIST").decode())
        sub.close()
        c.call("CONFIG", "SET", "client-output-buffer-limit",
               "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
        c.close()

    def test_soft_limit_needs_duration(self):
        server = self.lunar
        c = server.client()
        c.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 200kb 3")
        sub = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sub.connect(("127.0.0.1", server.port))
        sub.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nsoft\r\n")
        time.sleep(0.2)

        def pending():
            for line in c.call_parsed("CLIENT", "LIST").decode().splitlines():
                if " sub=1 " in line:
                    field = dict(kv.split("=", 1) for kv in line.split(" ") if "=" in kv)
                    return int(field["obl"]) + int(field["omem"])
            return None
        payload = "y" * 50_000
        # Fill the socket buffers (the kernel's send buffer takes up to tcp_wmem's maximum)
        # until output stays pending past the soft limit.
        for _ in range(400):
            self.assertEqual(c.call_parsed("PUBLISH", "soft", payload), 1)
            if pending() > 300_000:
                time.sleep(0.2)
                if pending() > 300_000:
                    break
        self.assertGreater(pending(), 300_000)
        # Over the soft limit, but not for 3 seconds yet: still connected.
        self.assertEqual(c.call_parsed("PUBLISH", "soft", payload), 1)
        time.sleep(3.5)
        # Past the duration: a write that finds it still over the soft limit closes it (more
        # writes keep it over the limit if the kernel took some of the output meanwhile).
        receivers = []
        for _ in range(100):
            receivers.append(c.call_parsed("PUBLISH", "soft", payload))
            if receivers[-1] == 0:
                break
        self.assertEqual(receivers[-1], 0, receivers)
        self.assertIsNone(pending())
        sub.close()
        c.call("CONFIG", "SET", "client-output-buffer-limit",
               "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
        c.close()


if __name__ == "__main__":
    harness.main()
