"""Busy scripts: -BUSY replies, SCRIPT KILL, -UNKILLABLE, SHUTDOWN NOSAVE, against redis-server.

Each test starts its own lunar and redis servers with busy-reply-threshold (or its old name
lua-time-limit) at 100 ms, runs the same scenario on both and compares the recorded replies.
A scenario: client A sends a long-running EVAL without reading, sleeps past the threshold,
other clients send commands (recorded), SCRIPT KILL or SHUTDOWN NOSAVE ends it, then A's reply
is read. Every read has a timeout, recorded as '<timeout>' (and a closed connection as
'<closed>'), so a server that never answers fails the comparison instead of hanging; a server
left stuck in a loop is killed at the end of the test (SIGTERM, then SIGKILL).
"""

import os
import re
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BUSY = (b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
        b"SHUTDOWN NOSAVE.\r\n")
UNKILLABLE = (b"-UNKILLABLE Sorry the script already executed write commands against the "
              b"dataset. You can either wait the script termination or kill the server in a "
              b"hard way using the SHUTDOWN NOSAVE command.\r\n")
NOTBUSY = b"-NOTBUSY No scripts in execution right now.\r\n"

PAST_THRESHOLD = 0.35   # seconds slept after starting a script (threshold is 100 ms)
READ_TIMEOUT = 3.0

# A loop that ends by itself after `ms` milliseconds of server time (TIME is allowed in
# scripts), so that a server whose SCRIPT KILL does not work still finishes the test.
def timed_loop(ms, before=""):
    return (f"{before}local t0 = redis.call('TIME')\n"
            "local function now(t) return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 end\n"
            f"while now(redis.call('TIME')) - now(t0) < {ms} do end\n"
            "return 'finished'")


def read(client, timeout=READ_TIMEOUT):
    """The next raw reply, or '<timeout>' / '<closed>'."""
    client.settimeout(timeout)
    try:
        return client.read_reply()
    except socket.timeout:
        return "<timeout>"
    except (harness.ConnectionClosed, ConnectionResetError, BrokenPipeError):
        return "<closed>"


def call(client, *args, timeout=READ_TIMEOUT):
    try:
        client.send(*args)
    except OSError:
        return "<closed>"
    return read(client, timeout)


def mask_hello(raw):
    """HELLO's reply with the client id and the module list (Lunar lists its own modules)
    dropped."""
    if isinstance(raw, str) or raw[:1] in (b"-",):
        return raw
    v = harness.parse(raw)
    if isinstance(v, list):
        v = dict(zip(v[0::2], v[1::2]))
    v.pop(b"id", None)
    v.pop(b"modules", None)
    return (raw[:1], sorted(v.items(), key=repr))


class BusyTest(unittest.TestCase):
    """A fresh lunar and redis per test (a test may leave its server stuck or shut down)."""

    THRESHOLD_NAME = "busy-reply-threshold"

    def setUp(self):
        args = (f"--{self.THRESHOLD_NAME}", "100")
        self.redis = harness.start_redis(*args)
        self.addCleanup(self.redis.stop)
        self.lunar = harness.start_lunar(*args)
        self.addCleanup(self.lunar.stop)

    def run_both(self, scenario):
        """scenario(server) -> list of recorded replies, run on each server; asserts equality.
        Returns the redis recording."""
        out = {}
        for server in (self.lunar, self.redis):
            clients = []

            def new_client(resp=2, _server=server, _clients=clients):
                c = _server.client(resp=resp, timeout=READ_TIMEOUT)
                _clients.append(c)
                return c
            try:
                out[server.label] = scenario(server, new_client)
            finally:
                for c in clients:
                    c.close()
        self.assertEqual(out["lunar"], out["redis"],
                         "\nlunar: " + "\n       ".join(map(repr, out["lunar"]))
                         + "\nredis: " + "\n       ".join(map(repr, out["redis"])))
        return out["redis"]

    def kill_scenario(self, script, *, numkeys=0, args=(), cmd="EVAL", resp=2, extra=None,
                      any_line=False):
        """A runs `script`; B sees -BUSY for PING and GET; a connection opened during the
        script sends SCRIPT KILL; A's reply; then the server answers normally again.
        any_line: the loop spans lines, so the line the kill lands on is not compared."""
        def scenario(server, new_client):
            a, b = new_client(resp), new_client()
            rec = []
            if cmd == "EVALSHA":
                sha = call(a, "SCRIPT", "LOAD", script)
                rec.append(sha)
                a.send("EVALSHA", harness.parse(sha), numkeys, *args)
            else:
                a.send(cmd, script, numkeys, *args)
            time.sleep(PAST_THRESHOLD)
            rec += [call(b, "PING"), call(b, "GET", "k"), call(b, "SET", "k", "v")]
            if extra:
                rec += extra(b, new_client)
            late = new_client()  # connected while the script runs
            rec.append(call(late, "SCRIPT", "KILL"))
            killed = read(a)
            if any_line and isinstance(killed, bytes):
                killed = re.sub(rb"@user_script:\d+\.", b"@user_script:*.", killed)
            rec.append(killed)
            rec += [call(b, "PING"), call(late, "PING"), call(a, "PING"), call(b, "GET", "k"),
                    call(b, "SCRIPT", "KILL")]
            return rec
        return self.run_both(scenario)


class TestKill(BusyTest):

    def test_busy_then_kill_empty_loop(self):
        rec = self.kill_scenario("while true do end")
        self.assertEqual(rec[0], BUSY)
        self.assertEqual(rec[3], b"+OK\r\n")
        self.assertTrue(rec[4].startswith(b"-ERR Script killed by user with SCRIPT KILL..."))
        self.assertEqual(rec[-1], NOTBUSY)

    def test_kill_loop_calling_a_function(self):
        self.kill_scenario("local function f(x) return x + 1 end\nlocal i = 0\n"
                           "while true do\n  i = f(i)\nend", any_line=True)

    def test_kill_loop_with_reads(self):
        self.kill_scenario("redis.call('GET', 'x')\nredis.pcall('nosuch')\nwhile true do end")

    def test_kill_resp3_client(self):
        self.kill_scenario("while true do end", resp=3)

    def test_kill_eval_ro(self):
        self.kill_scenario("while true do end", cmd="EVAL_RO")

    def test_kill_no_writes_shebang(self):
        self.kill_scenario("#!lua flags=no-writes\n\nwhile true do end")

    def test_kill_evalsha(self):
        self.kill_scenario("local n = 0\nwhile true do n = n + 1 end", cmd="EVALSHA")

    def test_kill_with_keys_and_args(self):
        self.kill_scenario("local k = KEYS[1]\nwhile true do end", numkeys=1, args=("a", "b"))

    def test_kill_caught_by_lua_pcall(self):
        # Redis 7.0 lets pcall catch the kill error; the script then returns normally.
        self.kill_scenario("local ok, e = pcall(function() while true do end end)\n"
                           "return {'survived', tostring(ok), e}")

    def test_kill_timed_loop(self):
        # The loop spans two lines (the helper and the while), so the kill's line is free.
        self.kill_scenario(timed_loop(3000), any_line=True)

    def test_commands_during_busy_script(self):
        def extra(b, new_client):
            rec = [call(b, "AUTH", "x"), call(b, "AUTH", "default", "x"),
                   mask_hello(call(b, "HELLO")), mask_hello(call(b, "HELLO", "3")),
                   call(b, "PING"), mask_hello(call(b, "HELLO", "2")),
                   call(b, "CLIENT", "SETNAME", "x"), call(b, "SCRIPT", "FLUSH"),
                   call(b, "SCRIPT", "EXISTS", "x"), call(b, "EVAL", "return 1", 0),
                   call(b, "EVALSHA", "x", 0), call(b, "FUNCTION", "KILL"),
                   call(b, "FUNCTION", "STATS"), call(b, "INFO"), call(b, "SHUTDOWN"),
                   call(b, "SHUTDOWN", "SAVE"), call(b, "MULTI"), call(b, "INCR", "k"),
                   call(b, "EXEC"), call(b, "NOSUCH")]
            q = new_client()
            rec.append(call(q, "QUIT"))
            rec.append(read(q, 1.0))
            r3 = new_client(resp=3)  # HELLO 3 during the busy script
            rec.append(call(r3, "PING"))
            return rec
        self.kill_scenario("while true do end", extra=extra)

    def test_kill_script_inside_exec(self):
        # A transaction's earlier write does not make its script unkillable.
        def scenario(server, new_client):
            a, b = new_client(), new_client()
            rec = [call(a, "MULTI"), call(a, "SET", "k", "1"),
                   call(a, "EVAL", "while true do end", 0), call(a, "GET", "k")]
            a.send("EXEC")
            time.sleep(PAST_THRESHOLD)
            rec += [call(b, "PING"), call(b, "SCRIPT", "KILL"), read(a), call(b, "GET", "k")]
            return rec
        self.run_both(scenario)

    def test_script_kill_when_idle(self):
        def scenario(server, new_client):
            a = new_client()
            return [call(a, "SCRIPT", "KILL"), call(a, "EVAL", "return 1", 0),
                    call(a, "SCRIPT", "KILL"), call(new_client(resp=3), "SCRIPT", "KILL")]
        self.assertEqual(self.run_both(scenario)[0], NOTBUSY)

    def test_slow_script_below_threshold_delays_others(self):
        # Under the threshold nothing is answered -BUSY: B's PING waits for the script.
        def scenario(server, new_client):
            a, b = new_client(), new_client()
            rec = [call(a, "CONFIG", "SET", "busy-reply-threshold", "5000")]
            a.send("EVAL", timed_loop(400), 0)
            time.sleep(0.1)
            b.send("PING")
            rec.append(read(a))
            rec.append(read(b))
            return rec
        self.assertEqual(self.run_both(scenario), [b"+OK\r\n", b"$8\r\nfinished\r\n",
                                                   b"+PONG\r\n"])

    def test_script_finishing_by_itself_after_busy(self):
        def scenario(server, new_client):
            a, b = new_client(), new_client()
            a.send("EVAL", timed_loop(700), 0)
            time.sleep(PAST_THRESHOLD)
            rec = [call(b, "PING"), read(a), call(b, "PING"), call(b, "SCRIPT", "KILL")]
            return rec
        self.run_both(scenario)


class TestUnkillable(BusyTest):

    def writer_scenario(self, script):
        """The script wrote: SCRIPT KILL answers -UNKILLABLE (twice), other commands -BUSY,
        SHUTDOWN NOSAVE stops the server and closes every connection."""
        def scenario(server, new_client):
            a, b = new_client(), new_client()
            a.send("EVAL", script, 0)
            time.sleep(PAST_THRESHOLD)
            late = new_client()
            rec = [call(b, "PING"), call(b, "SCRIPT", "KILL"), call(late, "SCRIPT", "KILL"),
                   call(b, "GET", "k"), call(b, "SHUTDOWN"), call(b, "SHUTDOWN", "NOSAVE")]
            rec.append(a.is_closed_by_server(READ_TIMEOUT))
            rec.append(late.is_closed_by_server(READ_TIMEOUT))
            try:
                server.proc.wait(READ_TIMEOUT)
            except Exception:
                pass
            rec.append(server.alive())
            return rec
        return self.run_both(scenario)

    def test_writer_set_then_loop(self):
        rec = self.writer_scenario("redis.call('SET', 'k', 'v')\nwhile true do end")
        self.assertEqual(rec[1], UNKILLABLE)
        self.assertEqual(rec[5], "<closed>")
        self.assertFalse(rec[-1])

    def test_writer_del_missing_key(self):
        # Any write command counts, even one that changed nothing.
        self.writer_scenario("redis.call('DEL', 'nokey')\nwhile true do end")

    def test_writer_pcall_write(self):
        self.writer_scenario("redis.pcall('INCR', 'n')\nlocal i = 0\nwhile true do i = i + 1 end")

    def test_shutdown_nosave_killable_script(self):
        def scenario(server, new_client):
            a, b = new_client(), new_client()
            a.send("EVAL", "while true do end", 0)
            time.sleep(PAST_THRESHOLD)
            rec = [call(b, "SHUTDOWN", "NOSAVE"), a.is_closed_by_server(READ_TIMEOUT)]
            try:
                server.proc.wait(READ_TIMEOUT)
            except Exception:
                pass
            rec.append(server.alive())
            return rec
        self.assertEqual(self.run_both(scenario), ["<closed>", True, False])


FUNCTION_BUSY = (b"-BUSY Redis is busy running a script. You can only call FUNCTION KILL or "
                 b"SHUTDOWN NOSAVE.\r\n")

LOOP_LIB = ("#!lua name=lib\n"
            "redis.register_function('loop', function() while true do end end)\n"
            "redis.register_function('wloop', function() redis.call('SET', 'k', 'v') "
            "while true do end end)\n"
            "redis.register_function{function_name='roloop', callback=function() "
            "while true do end end, flags={'no-writes'}}\n"
            "redis.register_function('args', function(keys, args) local n = #keys + #args "
            "while true do end end)\n")


def mask_stats(raw):
    """FUNCTION STATS with running_script's duration_ms (which varies) masked."""
    if isinstance(raw, str) or raw[:1] == b"-":
        return raw
    return re.sub(rb"(duration_ms\r\n):\d+", rb"\1:*", raw)


class TestFunctionBusy(BusyTest):

    def function_kill_scenario(self, name, numkeys=0, args=(), resp=2):
        def scenario(server, new_client):
            a, b = new_client(resp), new_client()
            rec = [call(a, "FUNCTION", "LOAD", LOOP_LIB)]
            a.send("FCALL", name, numkeys, *args)
            time.sleep(PAST_THRESHOLD)
            late = new_client()
            rec += [call(b, "PING"), call(b, "SCRIPT", "KILL"), mask_stats(call(b, "FUNCTION",
                                                                                 "STATS")),
                    call(b, "FUNCTION", "LIST"), call(b, "EVAL", "return 1", 0),
                    call(late, "FUNCTION", "KILL"), read(a), call(b, "PING"),
                    call(b, "FUNCTION", "KILL"), mask_stats(call(b, "FUNCTION", "STATS"))]
            return rec
        return self.run_both(scenario)

    def test_function_kill(self):
        rec = self.function_kill_scenario("loop")
        self.assertEqual(rec[1], FUNCTION_BUSY)
        self.assertEqual(rec[6], b"+OK\r\n")

    def test_function_kill_no_writes(self):
        self.function_kill_scenario("roloop")

    def test_function_kill_with_args_resp3(self):
        self.function_kill_scenario("args", 2, ("k1", "k2", "a1"), resp=3)

    def test_function_kill_fcall_ro(self):
        def scenario(server, new_client):
            a, b = new_client(), new_client()
            rec = [call(a, "FUNCTION", "LOAD", LOOP_LIB)]
            a.send("FCALL_RO", "roloop", 0)
            time.sleep(PAST_THRESHOLD)
            rec += [call(b, "PING"), mask_stats(call(b, "FUNCTION", "STATS")),
                    call(b, "FUNCTION", "KILL"), read(a)]
            return rec
        self.run_both(scenario)

    def test_function_unkillable(self):
        def scenario(server, new_client):
            a, b = new_client(), new_client()
            rec = [call(a, "FUNCTION", "LOAD", LOOP_LIB)]
            a.send("FCALL", "wloop", 0)
            time.sleep(PAST_THRESHOLD)
            rec += [call(b, "PING"), call(b, "FUNCTION", "KILL"), call(b, "SCRIPT", "KILL"),
                    mask_stats(call(b, "FUNCTION", "STATS")), call(b, "SHUTDOWN", "NOSAVE"),
                    a.is_closed_by_server(READ_TIMEOUT)]
            try:
                server.proc.wait(READ_TIMEOUT)
            except Exception:
                pass
            rec.append(server.alive())
            return rec
        self.run_both(scenario)

    def test_function_kill_during_eval(self):
        def scenario(server, new_client):
            a, b = new_client(), new_client()
            a.send("EVAL", "while true do end", 0)
            time.sleep(PAST_THRESHOLD)
            return [call(b, "FUNCTION", "KILL"), call(b, "FUNCTION", "STATS"),
                    call(b, "SCRIPT", "KILL"), read(a), call(b, "FUNCTION", "KILL")]
        self.run_both(scenario)


class TestLuaTimeLimitAlias(BusyTest):
    """The same with the old config name lua-time-limit."""

    THRESHOLD_NAME = "lua-time-limit"

    def test_busy_then_kill(self):
        self.kill_scenario("while true do end")

    def test_config_get_both_names(self):
        def scenario(server, new_client):
            a = new_client()
            return [call(a, "CONFIG", "GET", "busy-reply-threshold"),
                    call(a, "CONFIG", "GET", "lua-time-limit")]
        self.run_both(scenario)


if __name__ == "__main__":
    harness.main()
