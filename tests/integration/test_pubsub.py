"""Differential tests of the pubsub module against redis-server.

Pub/sub needs several connections at once, so these tests drive "twins": one connection to each
server, used in lockstep. Every command goes to both sides, and every frame read from one side
(replies, confirmations, messages: RESP2 arrays or RESP3 push frames) is compared with the frame
read at the same point from the other. Where Redis's own order is a hash-table order (UNSUBSCRIBE
with no arguments, PUBSUB CHANNELS, several patterns matching one message) the frames are
compared as multisets. A twin's PING proves nothing else was pending: both sides must answer it
with the same frame next.

TestPubsubResp2 and TestPubsubResp3 run the same scenarios in each protocol; the classes below
them cover protocol-specific behaviour, errors, metadata, disconnects and memory.
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402

FRAME_TIMEOUT = 3.0  # seconds a twin waits for a frame before the test fails


class Twin:
    """One connection to Lunar and one to Redis with the same protocol."""

    def __init__(self, test, resp):
        self.resp = resp
        self.lunar = test.lunar.client(resp=resp, timeout=FRAME_TIMEOUT)
        self.redis = test.redis.client(resp=resp, timeout=FRAME_TIMEOUT)
        test.addCleanup(self.close)

    def send(self, *args):
        self.lunar.send(*args)
        self.redis.send(*args)

    def read(self, n):
        """n raw frames from each side: (lunar_frames, redis_frames)."""
        return ([self.lunar.read_reply() for _ in range(n)],
                [self.redis.read_reply() for _ in range(n)])

    def close(self):
        self.lunar.close()
        self.redis.close()


def _fmt_frames(frames):
    return "\n".join("      " + harness.readable(f).replace("\n", "\n      ") for f in frames)


class PubsubDiffTest(harness.DiffTest):
    """Twin helpers, and a clean pub/sub state before every test."""

    RESP = 2

    def setUp(self):
        super().setUp()
        self.wait_no_subscriptions()

    def wait_no_subscriptions(self, timeout=3.0):
        """Waits until neither server has any channel, pattern or shard channel left (twins of
        the previous test are closed asynchronously). Fails when one never gets there."""
        deadline = time.monotonic() + timeout
        for server in (self.lunar, self.redis):
            c = self.client(server, 2)
            while True:
                state = (parse(c.call("PUBSUB", "CHANNELS")), parse(c.call("PUBSUB", "NUMPAT")),
                         parse(c.call("PUBSUB", "SHARDCHANNELS")))
                if state == ([], 0, []):
                    break
                if time.monotonic() > deadline:
                    self.fail(f"{server.label} kept subscriptions (channels, numpat, shard): "
                              f"{state!r}")
                time.sleep(0.01)

    def twin(self, resp=None):
        return Twin(self, resp or self.RESP)

    def frames(self, t, n, unordered=False, what=""):
        """Reads n frames from each side of twin t and asserts they are equal (as multisets
        when unordered). Returns Lunar's frames, parsed."""
        lf, rf = t.read(n)
        same = sorted(lf) == sorted(rf) if unordered else lf == rf
        if not same:
            self.fail(f"\nRESP{t.resp}> {what} ({n} frames{', any order' if unordered else ''})\n"
                      f"  lunar:\n{_fmt_frames(lf)}\n  redis:\n{_fmt_frames(rf)}")
        return [parse(f) for f in lf]

    def do(self, t, *args, frames=1, unordered=False):
        """Sends a command on twin t and compares the next `frames` frames of both sides."""
        t.send(*args)
        return self.frames(t, frames, unordered, harness._fmt_cmd(args))

    def unsubscribe_all(self, t, cmd, n):
        """Sends (P|S)UNSUBSCRIBE without arguments on twin t and compares its n confirmations:
        Redis walks the client's subscriptions in hash order, so the names are compared as a
        set, the kinds and the counts (which only go down) as sequences."""
        t.send(cmd)
        lf, rf = t.read(n)
        lp, rp = [parse(f) for f in lf], [parse(f) for f in rf]
        for i in (0, 2):
            self.assertEqual([x[i] for x in lp], [x[i] for x in rp], f"{cmd}: {lp!r} {rp!r}")
        self.assertEqual(sorted(x[1] for x in lp), sorted(x[1] for x in rp), cmd)
        self.assertEqual(type(lp[0]), type(rp[0]), "push frame vs array")

    def quiet(self, t):
        """Asserts neither side of twin t has an unread frame: PING must be answered next."""
        reply = self.do(t, "PING")[0]
        self.assertIn(reply, ("PONG", [b"pong", b""]), "a frame was pending before PING's reply")


# ------------------------------------------------------------------------------------------------
# Scenarios run in RESP2 and in RESP3
# ------------------------------------------------------------------------------------------------


class PubsubScenarios:
    """Tests shared by the RESP2 and RESP3 classes (self.RESP picks the subscribers' protocol)."""

    def test_subscribe_confirmations_and_counts(self):
        s = self.twin()
        self.do(s, "SUBSCRIBE", "a", "b", "a", frames=3)
        self.do(s, "PSUBSCRIBE", "p*", "a", "p*", frames=3)
        # Shard channels are counted on their own.
        self.do(s, "SSUBSCRIBE", "x", "y", "x", frames=3)
        self.do(s, "SSUBSCRIBE", "a", frames=1)
        self.do(s, "SUBSCRIBE", b"bin\x00\xff\r\n", "", frames=2)
        self.do(s, "UNSUBSCRIBE", "b", "never", "b", frames=3)
        self.do(s, "PUNSUBSCRIBE", "nope", "p*", frames=2)
        self.do(s, "SUNSUBSCRIBE", "y", "zz", frames=2)
        self.quiet(s)
        # No arguments: every subscription of the kind, in Redis's hash order.
        self.unsubscribe_all(s, "UNSUBSCRIBE", 3)
        self.do(s, "UNSUBSCRIBE")  # nothing left: one confirmation with a null name
        self.do(s, "PUNSUBSCRIBE")
        self.do(s, "PUNSUBSCRIBE")
        self.unsubscribe_all(s, "SUNSUBSCRIBE", 2)
        self.do(s, "SUNSUBSCRIBE")
        self.quiet(s)

    def test_unsubscribe_all_counts_down(self):
        s = self.twin()
        self.do(s, "SUBSCRIBE", "c1", "c2", "c3", "c4", frames=4)
        self.do(s, "PSUBSCRIBE", "x*", "y*", frames=2)
        self.unsubscribe_all(s, "UNSUBSCRIBE", 4)
        self.unsubscribe_all(s, "PUNSUBSCRIBE", 2)
        self.quiet(s)

    def test_messages_channels_patterns_shards(self):
        s1, s2, s3, p = self.twin(), self.twin(), self.twin(), self.twin(2)
        self.do(s1, "SUBSCRIBE", "news", frames=1)
        self.do(s1, "PSUBSCRIBE", "n*", frames=1)
        self.do(s2, "PSUBSCRIBE", "ne?s", frames=1)
        self.do(s2, "SUBSCRIBE", "news", "sport", frames=2)
        self.do(s3, "SSUBSCRIBE", "news", frames=1)
        # Channel subscribers first, then the patterns' subscribers.
        self.do(p, "PUBLISH", "news", "hello")
        self.frames(s1, 2, what="message then pmessage")
        self.frames(s2, 2, what="message then pmessage")
        self.quiet(s3)  # shard subscribers do not see PUBLISH
        self.do(p, "SPUBLISH", "news", "shard hello")
        self.frames(s3, 1, what="smessage")
        self.quiet(s1)
        self.quiet(s2)
        self.do(p, "PUBLISH", "sport", b"\x00binary\r\n")
        self.frames(s2, 1)
        for ch in ("nope", "nothing-here"):
            self.do(p, "PUBLISH", ch, "x")
            self.frames(s1, 1, what="pmessage n*")
        self.do(p, "SPUBLISH", "nothing", "x")
        self.do(p, "SPUBLISH", "sport", "x")  # a channel, not a shard channel
        for s in (s1, s2, s3):
            self.quiet(s)

    def test_publish_counts_many_subscribers(self):
        subs = [self.twin() for _ in range(4)]
        p = self.twin(2)
        for i, s in enumerate(subs):
            self.do(s, "SUBSCRIBE", "ch", frames=1)
            if i % 3:
                self.do(s, "PSUBSCRIBE", *["c?", "*"][: i % 3], frames=i % 3)
        self.do(p, "PUBSUB", "NUMSUB", "ch", "c?", "zz")
        self.do(p, "PUBSUB", "NUMPAT")
        self.do(p, "PUBLISH", "ch", "m1")  # 4 + patterns
        for i, s in enumerate(subs):
            self.frames(s, 1 + i % 3, unordered=True)
        self.do(p, "PUBLISH", "cx", "m2")
        for i, s in enumerate(subs):
            self.frames(s, i % 3, unordered=True)
        for s in subs:
            self.quiet(s)

    def test_several_patterns_match_one_client(self):
        s, p = self.twin(), self.twin(2)
        self.do(s, "PSUBSCRIBE", "*", "a*", "*b", "a?b", "ab", frames=5)
        self.do(s, "SUBSCRIBE", "ab", frames=1)
        self.do(p, "PUBLISH", "ab", "m")
        self.frames(s, 1, what="message first")
        self.frames(s, 4, unordered=True, what="one pmessage per pattern")
        self.do(p, "PUBLISH", "axb", "m")
        self.frames(s, 4, unordered=True)
        self.quiet(s)

    def test_pattern_edge_cases(self):
        patterns = ["h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-c]llo", "h\\*llo", "h\\?llo",
                    "*", "[", "a[", "\\", "x\\", "h[\\]]llo", "[z-a]", "H*", "h**o", "*[0-9]",
                    "h[!e]llo", "?", ""]
        channels = ["hello", "hallo", "hbllo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo",
                    "[", "a[", "\\", "x\\", "h]llo", "m", "z", "Hello", "hello5", "h!llo", "",
                    "h\\llo"]
        s, p = self.twin(), self.twin(2)
        self.do(s, "PSUBSCRIBE", *patterns, frames=len(patterns))
        self.do(p, "PUBSUB", "NUMPAT")
        for ch in channels:
            n = self.do(p, "PUBLISH", ch, "m")[0]
            self.frames(s, n, unordered=True, what=f"PUBLISH {ch!r}")
        self.quiet(s)
        self.do(s, "PUNSUBSCRIBE", *patterns[:5], frames=5)
        self.do(p, "PUBSUB", "NUMPAT")

    def test_pubsub_introspection(self):
        a, b = self.twin(), self.twin()
        self.do(a, "SUBSCRIBE", "news.1", "news.2", "other", frames=3)
        self.do(b, "SUBSCRIBE", "news.1", "Zed", frames=2)
        self.do(a, "PSUBSCRIBE", "news.*", frames=1)
        self.do(b, "PSUBSCRIBE", "news.*", "x", frames=2)
        self.do(a, "SSUBSCRIBE", "s.1", "s.2", frames=2)
        self.do(b, "SSUBSCRIBE", "s.1", "t", frames=2)
        for resp in (2, 3):
            self.check("PUBSUB", "CHANNELS", resp=resp, normalize=harness.sorted_array)
            self.check("PUBSUB", "CHANNELS", "news.*", resp=resp, normalize=harness.sorted_array)
            self.check("PUBSUB", "CHANNELS", "[nZ]*", resp=resp, normalize=harness.sorted_array)
            self.check("PUBSUB", "CHANNELS", "x", resp=resp)  # pattern names are not channels
            self.check("PUBSUB", "NUMSUB", resp=resp)
            self.check("PUBSUB", "NUMSUB", "news.1", "news.2", "news.*", "nope", "news.1",
                       resp=resp)
            self.check("PUBSUB", "NUMPAT", resp=resp)
            self.check("PUBSUB", "SHARDCHANNELS", resp=resp, normalize=harness.sorted_array)
            self.check("PUBSUB", "SHARDCHANNELS", "s.?", resp=resp,
                       normalize=harness.sorted_array)
            self.check("PUBSUB", "SHARDNUMSUB", "s.1", "s.2", "t", "news.1", resp=resp)
            self.check("PUBSUB", "SHARDNUMSUB", resp=resp)
        self.do(b, "UNSUBSCRIBE", "news.1", "Zed", frames=2)
        self.unsubscribe_all(b, "PUNSUBSCRIBE", 2)
        self.do(a, "SUNSUBSCRIBE", "s.1", frames=1)
        self.check("PUBSUB", "CHANNELS", normalize=harness.sorted_array)
        self.check("PUBSUB", "NUMSUB", "news.1", "Zed")
        self.check("PUBSUB", "NUMPAT")
        self.check("PUBSUB", "SHARDCHANNELS", normalize=harness.sorted_array)
        self.check("PUBSUB", "SHARDNUMSUB", "s.1", "s.2", "t")

    def test_message_order_from_one_publisher(self):
        s, p = self.twin(), self.twin(2)
        self.do(s, "SUBSCRIBE", "seq", frames=1)
        self.do(s, "PSUBSCRIBE", "nomatch*", frames=1)
        n = 500
        cmds = [("PUBLISH", "seq", str(i)) for i in range(n)]
        for c in (p.lunar, p.redis):
            self.assertEqual(c.pipeline(cmds), [b":1\r\n"] * n)
        for c in (s.lunar, s.redis):
            got = [parse(c.read_reply()) for _ in range(n)]
            self.assertEqual([m[2] for m in got], [str(i).encode() for i in range(n)])
            self.assertTrue(all(m[:2] == [b"message", b"seq"] for m in got))
        self.quiet(s)

    def test_reset_while_subscribed(self):
        s, p = self.twin(), self.twin(2)
        self.do(s, "SUBSCRIBE", "a", frames=1)
        self.do(s, "PSUBSCRIBE", "a*", frames=1)
        self.do(s, "SSUBSCRIBE", "a", frames=1)
        self.do(s, "RESET")
        self.do(p, "PUBLISH", "a", "m")
        self.do(p, "SPUBLISH", "a", "m")
        self.do(p, "PUBSUB", "NUMSUB", "a")
        self.do(p, "PUBSUB", "NUMPAT")
        self.do(s, "GET", "k")  # a normal client again
        self.quiet(s)
        self.do(s, "SUBSCRIBE", "b", frames=1)  # counts start again from 1
        self.do(s, "UNSUBSCRIBE")

    def test_subscribe_in_multi(self):
        s = self.twin()
        self.do(s, "MULTI")
        self.do(s, "SSUBSCRIBE", "k")
        self.do(s, "EXEC")  # SSUBSCRIBE is refused in a transaction
        self.do(s, "MULTI")
        self.do(s, "SUBSCRIBE", "k")
        self.do(s, "EXEC")  # SUBSCRIBE is not
        self.quiet(s)
        self.do(s, "UNSUBSCRIBE")


class TestPubsubResp2(PubsubScenarios, PubsubDiffTest):
    RESP = 2


class TestPubsubResp3(PubsubScenarios, PubsubDiffTest):
    RESP = 3


# ------------------------------------------------------------------------------------------------
# Protocol-specific behaviour
# ------------------------------------------------------------------------------------------------


class TestSubscribedMode(PubsubDiffTest):

    def test_resp2_restriction(self):
        for sub in (("SUBSCRIBE", "a"), ("PSUBSCRIBE", "a*"), ("SSUBSCRIBE", "a")):
            s = self.twin(2)
            self.do(s, *sub)
            for cmd in (("GET", "k"), ("SET", "k", "v"), ("PUBLISH", "a", "m"),
                        ("PUBSUB", "NUMPAT"), ("SELECT", "0"), ("NOSUCHCOMMAND",)):
                self.do(s, *cmd)
            self.do(s, "PING")
            self.do(s, "PING", "hi")
            self.do(s, "SUBSCRIBE", "more")
            self.do(s, "UNSUBSCRIBE", "more")
            self.do(s, "PUNSUBSCRIBE")
            self.do(s, "SUNSUBSCRIBE")
            self.do(s, "UNSUBSCRIBE")  # now unsubscribed from everything
            self.do(s, "GET", "k")
            self.do(s, "PING")
            s.close()

    def test_resp3_allows_everything(self):
        s = self.twin(3)
        self.do(s, "SUBSCRIBE", "a")
        self.do(s, "PSUBSCRIBE", "b*")
        self.do(s, "SET", "k", "v")
        self.do(s, "GET", "k")
        self.do(s, "PING")
        self.do(s, "PING", "hi")
        self.do(s, "PUBSUB", "NUMSUB", "a")
        # A subscriber that publishes to itself gets the message before PUBLISH's reply.
        self.do(s, "PUBLISH", "a", "self", frames=2)
        self.do(s, "PUBLISH", "bb", "self", frames=2)
        self.do(s, "PUBLISH", "zz", "nobody")
        self.do(s, "SSUBSCRIBE", "a")
        self.do(s, "SPUBLISH", "a", "self", frames=2)
        self.quiet(s)

    def test_mixed_protocol_receivers(self):
        r2, r3, p = self.twin(2), self.twin(3), self.twin(3)
        self.do(r2, "SUBSCRIBE", "mix")
        self.do(r3, "SUBSCRIBE", "mix")
        self.do(r2, "PSUBSCRIBE", "m*")
        self.do(r3, "SSUBSCRIBE", "mix")
        self.do(p, "PUBLISH", "mix", "v")
        self.frames(r2, 2)
        self.frames(r3, 1)
        self.do(p, "SPUBLISH", "mix", "w")
        self.frames(r3, 1)
        self.quiet(r2)
        self.quiet(r3)


class TestDisconnect(PubsubDiffTest):

    def wait_until(self, server, args, want, timeout=3.0):
        c = self.client(server, 2)
        deadline = time.monotonic() + timeout
        while parse(c.call(*args)) != want:
            if time.monotonic() > deadline:
                self.fail(f"{server.label}: {args} never became {want!r}")
            time.sleep(0.01)

    def test_disconnected_subscriber_leaves_nothing(self):
        gone, stay = self.twin(), self.twin()
        self.do(gone, "SUBSCRIBE", "c", "d", frames=2)
        self.do(gone, "PSUBSCRIBE", "c*", frames=1)
        self.do(gone, "SSUBSCRIBE", "c", frames=1)
        self.do(stay, "SUBSCRIBE", "d", frames=1)
        gone.close()
        for server in (self.lunar, self.redis):
            self.wait_until(server, ("PUBSUB", "NUMSUB", "c"), [b"c", 0])
            self.wait_until(server, ("PUBSUB", "NUMPAT"), 0)
        self.check("PUBSUB", "NUMSUB", "c", "d")
        self.check("PUBSUB", "SHARDNUMSUB", "c")
        self.check("PUBSUB", "CHANNELS")
        self.check("PUBLISH", "c", "m")
        self.check("SPUBLISH", "c", "m")
        self.check("PUBLISH", "d", "m")
        self.frames(stay, 1)
        self.quiet(stay)

    def test_slow_subscriber_over_output_limit(self):
        # A subscriber that never reads is disconnected by the pubsub output buffer limit while
        # messages are being delivered to it (through a channel and two patterns); the
        # subscriptions it leaves are dropped and the other subscriber still gets everything.
        slow, fast = self.twin(2), self.twin(2)
        self.do(slow, "SUBSCRIBE", "flood", frames=1)
        self.do(slow, "PSUBSCRIBE", "f*", "*d", frames=2)
        self.do(fast, "SUBSCRIBE", "flood", frames=1)
        msg = b"x" * 100000
        for server in (self.lunar, self.redis):
            c = self.client(server, 2)
            self.assertEqual(c.call("CONFIG", "SET", "client-output-buffer-limit",
                                    "pubsub 256kb 0 0"), b"+OK\r\n")
            self.addCleanup(c.call, "CONFIG", "SET", "client-output-buffer-limit",
                            "pubsub 32mb 8mb 60")
            fast_c = fast.lunar if server is self.lunar else fast.redis
            for _ in range(100):
                n = parse(c.call("PUBLISH", "flood", msg))
                self.assertIn(n, (1, 4))
                self.assertEqual(parse(fast_c.read_reply()), [b"message", b"flood", msg])
            self.wait_until(server, ("PUBSUB", "NUMPAT"), 0)
            self.wait_until(server, ("PUBSUB", "NUMSUB", "flood"), [b"flood", 1])
        for c in (slow.lunar, slow.redis):
            self.assertTrue(c.is_closed_by_server(), "the slow subscriber was not disconnected")
        self.check("PUBLISH", "flood", "last")
        self.frames(fast, 1)

    def test_client_kill_of_subscriber(self):
        s = self.twin()
        self.do(s, "SUBSCRIBE", "killed", frames=1)
        for server in (self.lunar, self.redis):
            c = self.client(server, 2)
            self.assertEqual(parse(c.call("CLIENT", "KILL", "TYPE", "pubsub")), 1)
            self.wait_until(server, ("PUBSUB", "NUMSUB", "killed"), [b"killed", 0])
        self.check("PUBLISH", "killed", "m")


# ------------------------------------------------------------------------------------------------
# Errors, metadata, notifications, memory
# ------------------------------------------------------------------------------------------------


class TestErrorsAndMetadata(PubsubDiffTest):

    def test_arity_and_subcommand_errors(self):
        for resp in (2, 3):
            for cmd in (("SUBSCRIBE",), ("PSUBSCRIBE",), ("SSUBSCRIBE",), ("PUBLISH", "a"),
                        ("PUBLISH", "a", "b", "c"), ("SPUBLISH", "a"), ("SPUBLISH", "a", "b", "c"),
                        ("PUBSUB",), ("PUBSUB", "FOO"), ("PUBSUB", "foo", "bar"),
                        ("PUBSUB", "CHANNELS", "a", "b"), ("PUBSUB", "channels", "a", "b", "c"),
                        ("PUBSUB", "ShardChannels", "a", "b"), ("PUBSUB", "NUMPAT", "x"),
                        ("PUBSUB", "HELP", "x"), ("PUBSUB", "HELP"), ("pubsub", "help"),
                        ("PUBSUB", "CHANNELS"), ("PUBSUB", "NUMSUB")):
                self.check(*cmd, resp=resp)

    def test_unsubscribe_without_subscriptions(self):
        for resp in (2, 3):
            for cmd in (("UNSUBSCRIBE",), ("PUNSUBSCRIBE",), ("SUNSUBSCRIBE",),
                        ("UNSUBSCRIBE", "x"), ("PUNSUBSCRIBE", "x*"), ("SUNSUBSCRIBE", "x")):
                self.check(*cmd, resp=resp)
            self.check("PUBLISH", "x", "y", resp=resp)
            self.check("SPUBLISH", "x", "y", resp=resp)

    NAMES = ("subscribe", "unsubscribe", "psubscribe", "punsubscribe", "publish", "ssubscribe",
             "sunsubscribe", "spublish", "pubsub")

    @staticmethod
    def _info_entry(e):
        """A COMMAND INFO entry with subcommands sorted by name and key specs without their
        flags (Lunar's command table has no key-spec flags: Redis says not_key here)."""
        e = list(e)
        e[8] = sorted(tuple(sorted((k, v) for k, v in dict(spec).items() if k != b"flags"))
                      for spec in e[8])
        e[9] = sorted((TestErrorsAndMetadata._info_entry(s) for s in e[9]), key=lambda s: s[0])
        return e

    def test_command_info(self):
        lr, rr = self.both("COMMAND", "INFO", *self.NAMES, resp=3)
        self.assertEqual([self._info_entry(e) for e in parse(lr)],
                         [self._info_entry(e) for e in parse(rr)])

    def test_command_docs(self):
        keep = (b"summary", b"since", b"group", b"complexity")

        def norm(raw):
            out = {}
            for name, d in parse(raw).items():
                out[name] = {k: v for k, v in d.items() if k in keep}
                for sub, sd in d.get(b"subcommands", {}).items():
                    out[sub] = {k: v for k, v in sd.items() if k in keep}
            return out
        self.check("COMMAND", "DOCS", *self.NAMES, resp=3, normalize=norm)

    def test_keyspace_notifications_use_the_publisher(self):
        s = self.twin()
        for server in (self.lunar, self.redis):
            c = self.client(server, 2)
            self.assertEqual(c.call("CONFIG", "SET", "notify-keyspace-events", "KEA"), b"+OK\r\n")
            self.addCleanup(c.call, "CONFIG", "SET", "notify-keyspace-events", "")
        self.do(s, "SUBSCRIBE", "__keyspace@0__:k", frames=1)
        self.do(s, "PSUBSCRIBE", "__keyevent@0__:*", frames=1)
        self.check("SET", "k", "v")
        self.frames(s, 2, what="keyspace then keyevent")
        self.check("DEL", "k")
        self.frames(s, 2)
        self.check("SET", "other", "v")
        self.frames(s, 1)
        self.quiet(s)


class TestInfoStats(PubsubDiffTest):

    def stats(self, server):
        text = self.client(server, 2).call_parsed("INFO", "stats").decode()
        return [l for l in text.splitlines() if l.startswith("pubsub")]

    def test_info_counts_subscriptions(self):
        t, u = self.twin(), self.twin()
        self.do(t, "SUBSCRIBE", "a", "b", frames=2)
        self.do(u, "SUBSCRIBE", "b", "c", frames=2)
        self.do(t, "PSUBSCRIBE", "p*", "q*", frames=2)
        self.do(u, "PSUBSCRIBE", "p*", frames=1)
        self.do(u, "SSUBSCRIBE", "s1", frames=1)
        self.assertEqual(self.stats(self.lunar), self.stats(self.redis))
        self.assertIn("pubsub_channels:3", self.stats(self.lunar))
        self.do(u, "UNSUBSCRIBE", "c", frames=1)
        self.assertEqual(self.stats(self.lunar), self.stats(self.redis))


class TestMemory(PubsubDiffTest):
    """Lunar only: unsubscribing and disconnecting give the registry's memory back."""

    def used_memory(self, c):
        info = c.call_parsed("INFO", "memory")
        return int(re.search(rb"used_memory:(\d+)", info).group(1))

    def test_subscriptions_are_freed(self):
        if harness.lunar_is_redis():
            self.skipTest("Lunar's own memory accounting")
        admin = self.client(self.lunar, 2)
        n, m = 5000, 1000
        names = [f"channel:{i:06d}:" + "x" * 40 for i in range(n)]

        def cycle(unsubscribe):
            """Subscribes a new client to n channels, m patterns and m shard channels; then
            unsubscribes it (or just disconnects it). Returns used_memory while subscribed."""
            c = self.lunar.client(resp=2, timeout=FRAME_TIMEOUT)
            c.send("SUBSCRIBE", *names)
            c.send("PSUBSCRIBE", *names[:m])
            c.send("SSUBSCRIBE", *names[:m])
            for _ in range(n + 2 * m):
                c.read_reply()
            grown = self.used_memory(admin)
            if unsubscribe:
                c.send("UNSUBSCRIBE")
                c.send("PUNSUBSCRIBE")
                c.send("SUNSUBSCRIBE")
                for _ in range(n + 2 * m):
                    c.read_reply()
            c.close()
            self.wait_no_subscriptions()
            return grown

        cycle(True)  # warm-up: allocator and buffer growth are not leaks
        base = self.used_memory(admin)
        grown = cycle(False)
        after_disconnect = self.used_memory(admin)
        cycle(True)
        after_unsubscribe = self.used_memory(admin)
        self.assertGreater(grown - base, n * 50, "subscriptions should count in used_memory")
        for after in (after_disconnect, after_unsubscribe):
            self.assertLess(after - base, 64 * 1024, f"leak: base {base}, after {after}")

if __name__ == "__main__":
    harness.main()
