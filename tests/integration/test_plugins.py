"""Lua plugins: the shipped plugins (plugins/ratelimit.lua, plugins/fencedlock.lua) loaded from
the config, their commands' metadata as COMMAND shows it, their behaviour, how plugin commands
run (keys and args, errors, read-only commands, MULTI, propagation of their effects), and the
plugins that must stop startup with a message naming the file and the Lua error."""

import os
import subprocess
import tempfile
import time
import unittest

import harness

PLUGIN_DIR = os.path.join(harness.SOURCE_DIR, "plugins")
RECORDER = os.path.join(harness.build_dir(), "tests", "modules", "prop_recorder.so")
CONFIG = f'[plugins]\ndir = "{PLUGIN_DIR}"\nload = ["ratelimit", "fencedlock"]\n'
PLUGIN_COMMANDS = [b"ratelimit", b"lock.acquire", b"lock.release", b"lock.extend", b"lock.owner"]

# A test plugin: echoes what its handler receives, fails in the ways scripts fail.
PROBE = r"""
lunar.register_command{
  name = 'probe.echo', arity = -2, flags = {'readonly', 'fast'},
  first_key = 1, last_key = -1, key_step = 2,
  handler = function(keys, args) return {keys, args} end,
}
lunar.register_command{
  name = 'probe.fail', arity = 1,
  handler = function(keys, args)
    error('boom')
  end,
}
lunar.register_command{
  name = 'probe.callfail', arity = 1, flags = {'write'},
  handler = function(keys, args)
    redis.call('INCR', 'probe:str')
    return 1
  end,
}
lunar.register_command{
  name = 'probe.rowrite', arity = 2, flags = {'readonly'}, first_key = 1,
  handler = function(keys, args)
    return redis.call('SET', keys[1], 'x')
  end,
}
lunar.register_command{
  name = 'probe.errreply', arity = 1,
  handler = function() return redis.error_reply('MYERR custom failure') end,
}
lunar.register_command{
  name = 'probe.twowrites', arity = 3, flags = {'write'}, first_key = 1, last_key = 2,
  handler = function(keys)
    redis.call('SET', keys[1], 'a')
    redis.call('SET', keys[2], 'b')
    return redis.status_reply('DONE')
  end,
}
lunar.register_command{
  name = 'probe.select', arity = 1, flags = {'write'},
  handler = function()
    redis.call('SELECT', '5')
    return redis.call('SET', 'probe:db5', '1')
  end,
}
"""


def run_startup(config_text, dir_, extra=(), timeout=20, cwd=None):
    """Writes config_text to dir_/lunar.toml and runs the server on it expecting it to stop at
    startup; returns (rc, output). A server that does start is stopped and reported as rc None."""
    conf = os.path.join(dir_, "lunar.toml")
    with open(conf, "w") as f:
        f.write(config_text)
    argv = [harness.lunar_bin(), conf, "--port", str(harness.free_port()), "--save", "",
            "--appendonly", "no"] + list(extra)
    try:
        p = subprocess.run(argv, cwd=cwd or dir_, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode("utf-8", "replace")
    return p.returncode, p.stdout.decode("utf-8", "replace")


def write(dir_, name, text):
    path = os.path.join(dir_, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def as_map(flat):
    return dict(zip(flat[::2], flat[1::2]))


@unittest.skipIf(harness.lunar_is_redis(), "Lunar plugins only")
class PluginServerTest(unittest.TestCase):
    """One server with both shipped plugins and the probe plugin (by path, from a temp dir)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="plugins-", dir=harness.session_dir())
        probe = write(cls.tmp, "probe.lua", PROBE)
        config = CONFIG.replace('"fencedlock"]', f'"fencedlock", "{probe}"]')
        cls.server = harness.start_lunar(config_text=config)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.c = self.server.client()
        self.c.call("FLUSHALL")

    def tearDown(self):
        self.c.close()

    def call(self, *args):
        return harness.parse(self.c.call(*args))


class TestMetadata(PluginServerTest):
    def test_command_info(self):
        info = self.call("COMMAND", "INFO", "ratelimit", "lock.owner", "LOCK.ACQUIRE")
        self.assertEqual(info[0][:6], [b"ratelimit", -5, ["write", "denyoom", "noscript"],
                                       1, 1, 1])
        self.assertEqual(sorted(info[0][6]), ["@slow", "@write"])
        self.assertEqual(info[0][7], [])  # tips
        spec = as_map(info[0][8][0])
        self.assertEqual(spec[b"flags"], ["RW", "access", "update"])
        self.assertEqual(as_map(as_map(spec[b"begin_search"])[b"spec"]), {b"index": 1})
        self.assertEqual(info[0][9], [])  # subcommands
        self.assertEqual(info[1][:6], [b"lock.owner", 2, ["readonly", "noscript", "fast"],
                                       1, 1, 1])
        self.assertEqual(sorted(info[1][6]), ["@fast", "@read"])
        self.assertEqual(as_map(info[1][8][0])[b"flags"], ["RO", "access"])
        self.assertEqual(info[2][:3], [b"lock.acquire", 3, ["write", "denyoom", "noscript"]])

    def test_command_info_resp3_matches_a_native_command_shape(self):
        with self.server.client(resp=3) as c3:
            mine = harness.parse(c3.call("COMMAND", "INFO", "lock.release"))[0]
            native = harness.parse(c3.call("COMMAND", "INFO", "getdel"))[0]
        self.assertEqual([type(x) for x in mine], [type(x) for x in native])
        self.assertEqual(mine[2], {"write", "noscript", "fast"})

    def test_command_docs(self):
        docs = as_map(self.call("COMMAND", "DOCS", "ratelimit"))
        d = as_map(docs[b"ratelimit"])
        self.assertEqual(d[b"group"], b"module")
        self.assertEqual(d[b"since"], b"0.1.0")
        self.assertEqual(d[b"complexity"], b"O(1)")
        self.assertIn(b"GCRA", d[b"summary"])
        d = as_map(as_map(self.call("COMMAND", "DOCS", "lock.extend"))[b"lock.extend"])
        self.assertIn(b"lease", d[b"summary"])

    def test_command_count_and_list(self):
        count = self.call("COMMAND", "COUNT")
        names = self.call("COMMAND", "LIST")
        self.assertEqual(count, len([n for n in names if b"|" not in n]))
        for n in PLUGIN_COMMANDS:
            self.assertIn(n, names)
        with harness.start_lunar() as plain, plain.client() as pc:
            plain_count = harness.parse(pc.call("COMMAND", "COUNT"))
        # The two shipped plugins add five commands, the probe seven.
        self.assertEqual(count, plain_count + 5 + 7)
        self.assertEqual(sorted(self.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "lock.*")),
                         sorted(PLUGIN_COMMANDS[1:]))
        self.assertEqual(len(self.call("COMMAND")), count)

    def test_getkeys(self):
        self.assertEqual(self.call("COMMAND", "GETKEYS", "RATELIMIT", "k", "1", "2", "3"), [b"k"])
        self.assertEqual(self.call("COMMAND", "GETKEYS", "probe.echo", "a", "1", "b", "2"),
                         [b"a", b"b"])

    def test_arity_errors_are_the_native_text(self):
        for args, name in ((("RATELIMIT", "k", "1", "2"), "ratelimit"),
                           (("LOCK.ACQUIRE", "k"), "lock.acquire"),
                           (("lock.owner", "k", "extra"), "lock.owner"),
                           (("LOCK.EXTEND", "k", "1"), "lock.extend")):
            self.assertEqual(self.c.call(*args),
                             b"-ERR wrong number of arguments for '%s' command\r\n"
                             % name.encode())
        # Above the optional quantity, RATELIMIT answers the same text itself.
        self.assertEqual(self.c.call("RATELIMIT", "k", "1", "2", "3", "1", "extra"),
                         b"-ERR wrong number of arguments for 'ratelimit' command\r\n")

    def test_commandstats_count_plugin_commands(self):
        self.c.call("CONFIG", "RESETSTAT")
        self.c.call("LOCK.OWNER", "k")
        self.c.call("LOCK.OWNER", "k")
        stats = self.c.call("INFO", "commandstats").decode()
        self.assertIn("cmdstat_lock.owner:calls=2,", stats)


class TestRateLimit(PluginServerTest):
    def test_burst_then_limited(self):
        # 1 per 60 s with a burst of 2: three at once, then 60 s to wait.
        self.assertEqual(self.call("RATELIMIT", "rl", "2", "1", "60"), [0, 3, 2, -1, 60])
        self.assertEqual(self.call("RATELIMIT", "rl", "2", "1", "60"), [0, 3, 1, -1, 120])
        self.assertEqual(self.call("RATELIMIT", "rl", "2", "1", "60"), [0, 3, 0, -1, 180])
        self.assertEqual(self.call("RATELIMIT", "rl", "2", "1", "60"), [1, 3, 0, 60, 180])
        self.assertEqual(self.call("RATELIMIT", "rl", "2", "1", "60"), [1, 3, 0, 60, 180])
        # The key holds the TAT and expires when the limit is full again.
        pttl = self.call("PTTL", "rl")
        self.assertTrue(179000 < pttl <= 180000, pttl)
        self.assertEqual(self.call("TYPE", "rl"), "string")

    def test_redis_cell_example(self):
        # redis-cell's README: 15 burst, 30 per 60 s.
        self.assertEqual(self.call("RATELIMIT", "user123", "15", "30", "60", "1"),
                         [0, 16, 15, -1, 2])

    def test_recovers_with_time(self):
        # 2 per second, no burst: one at a time, 500 ms apart.
        self.assertEqual(self.call("RATELIMIT", "fast", "0", "2", "1"), [0, 1, 0, -1, 1])
        self.assertEqual(self.call("RATELIMIT", "fast", "0", "2", "1"), [1, 1, 0, 1, 1])
        time.sleep(0.6)
        self.assertEqual(self.call("RATELIMIT", "fast", "0", "2", "1")[0], 0)
        time.sleep(0.6)
        self.assertIsNone(self.call("GET", "fast"))  # expired: the limit is full again

    def test_quantity(self):
        # A limit of 5 (burst 4), 1 per 10 s.
        self.assertEqual(self.call("RATELIMIT", "q", "4", "1", "10", "3"), [0, 5, 2, -1, 30])
        limited = self.call("RATELIMIT", "q", "4", "1", "10", "3")
        self.assertEqual(limited, [1, 5, 2, 10, 30])  # one more slot after 10 s
        self.assertEqual(self.call("RATELIMIT", "q", "4", "1", "10", "2"), [0, 5, 0, -1, 50])
        # quantity 0 only looks; more than the limit can never pass (retry_after -1).
        self.assertEqual(self.call("RATELIMIT", "q", "4", "1", "10", "0"), [0, 5, 0, -1, 50])
        self.assertEqual(self.call("RATELIMIT", "q2", "4", "1", "10", "6"), [1, 5, 5, -1, 0])
        self.assertIsNone(self.call("GET", "q2"))

    def test_bad_arguments(self):
        cases = [
            (("x", "1", "1"), b"-ERR max_burst must be an integer >= 0\r\n"),
            (("-1", "1", "1"), b"-ERR max_burst must be an integer >= 0\r\n"),
            (("1", "0", "1"), b"-ERR count_per_period must be an integer >= 1\r\n"),
            (("1", "1.5", "1"), b"-ERR count_per_period must be an integer >= 1\r\n"),
            (("1", "1", "0"), b"-ERR period must be an integer >= 1 (seconds)\r\n"),
            (("1", "1", ""), b"-ERR period must be an integer >= 1 (seconds)\r\n"),
            (("1", "1", "1", "-2"), b"-ERR quantity must be an integer >= 0\r\n"),
            (("1", "1", "1", "many"), b"-ERR quantity must be an integer >= 0\r\n"),
        ]
        for args, err in cases:
            self.assertEqual(self.c.call("RATELIMIT", "bad", *args), err, args)
        self.assertEqual(self.call("EXISTS", "bad"), 0)

    def test_wrong_type(self):
        self.c.call("RPUSH", "l", "x")
        self.assertEqual(self.c.call("RATELIMIT", "l", "1", "1", "1"),
                         b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")

    def test_resp3(self):
        with self.server.client(resp=3) as c3:
            self.assertEqual(c3.call("RATELIMIT", "r3", "1", "1", "10"),
                             b"*5\r\n:0\r\n:2\r\n:1\r\n:-1\r\n:10\r\n")


class TestFencedLock(PluginServerTest):
    def test_tokens_increase_across_releases(self):
        self.assertEqual(self.call("LOCK.ACQUIRE", "res", "10000"), 1)
        self.assertIsNone(self.call("LOCK.ACQUIRE", "res", "10000"))
        self.assertEqual(self.call("LOCK.OWNER", "res"), 1)
        self.assertEqual(self.call("LOCK.RELEASE", "res", "1"), 1)
        self.assertIsNone(self.call("LOCK.OWNER", "res"))
        self.assertEqual(self.call("LOCK.RELEASE", "res", "1"), 0)  # already free
        self.assertEqual(self.call("LOCK.ACQUIRE", "res", "10000"), 2)
        self.assertEqual(self.call("LOCK.RELEASE", "res", "2"), 1)
        self.assertEqual(self.call("LOCK.ACQUIRE", "res", "10000"), 3)
        # Tokens are per key.
        self.assertEqual(self.call("LOCK.ACQUIRE", "other", "10000"), 1)

    def test_only_the_holder_releases_or_extends(self):
        token = self.call("LOCK.ACQUIRE", "res", "10000")
        self.assertEqual(self.call("LOCK.RELEASE", "res", str(token + 1)), 0)
        self.assertEqual(self.call("LOCK.EXTEND", "res", str(token + 1), "10000"), 0)
        self.assertEqual(self.call("LOCK.OWNER", "res"), token)
        self.assertEqual(self.call("LOCK.RELEASE", "nolock", "1"), 0)
        self.assertEqual(self.call("LOCK.EXTEND", "nolock", "1", "100"), 0)
        self.assertEqual(self.call("LOCK.RELEASE", "res", str(token)), 1)

    def test_expiry_lets_another_acquire_with_a_bigger_token(self):
        first = self.call("LOCK.ACQUIRE", "res", "100")
        self.assertIsNone(self.call("LOCK.ACQUIRE", "res", "100"))
        time.sleep(0.25)
        self.assertIsNone(self.call("LOCK.OWNER", "res"))
        with self.server.client() as other:
            second = harness.parse(other.call("LOCK.ACQUIRE", "res", "10000"))
        self.assertGreater(second, first)
        # The late first holder can neither release nor extend the new holder's lock.
        self.assertEqual(self.call("LOCK.RELEASE", "res", str(first)), 0)
        self.assertEqual(self.call("LOCK.EXTEND", "res", str(first), "10000"), 0)
        self.assertEqual(self.call("LOCK.OWNER", "res"), second)

    def test_an_expired_holder_cannot_extend(self):
        token = self.call("LOCK.ACQUIRE", "res", "100")
        time.sleep(0.25)
        self.assertEqual(self.call("LOCK.EXTEND", "res", str(token), "10000"), 0)
        self.assertEqual(self.call("LOCK.RELEASE", "res", str(token)), 0)

    def test_extend_keeps_the_lock(self):
        token = self.call("LOCK.ACQUIRE", "res", "200")
        time.sleep(0.1)
        self.assertEqual(self.call("LOCK.EXTEND", "res", str(token), "5000"), 1)
        time.sleep(0.3)
        self.assertEqual(self.call("LOCK.OWNER", "res"), token)
        self.assertIsNone(self.call("LOCK.ACQUIRE", "res", "100"))

    def test_state_is_one_hash(self):
        self.call("LOCK.ACQUIRE", "res", "10000")
        self.call("LOCK.RELEASE", "res", "1")
        self.assertEqual(self.call("TYPE", "res"), "hash")
        self.assertEqual(as_map(self.call("HGETALL", "res")), {b"fence": b"1"})
        self.assertEqual(self.call("TTL", "res"), -1)
        self.assertEqual(self.call("DBSIZE"), 1)

    def test_bad_arguments(self):
        ttl_err = b"-ERR ttl_ms must be a positive integer (milliseconds)\r\n"
        token_err = b"-ERR token must be a positive integer\r\n"
        self.assertEqual(self.c.call("LOCK.ACQUIRE", "res", "0"), ttl_err)
        self.assertEqual(self.c.call("LOCK.ACQUIRE", "res", "1s"), ttl_err)
        self.assertEqual(self.c.call("LOCK.RELEASE", "res", "abc"), token_err)
        self.assertEqual(self.c.call("LOCK.EXTEND", "res", "0", "100"), token_err)
        self.assertEqual(self.c.call("LOCK.EXTEND", "res", "1", "-5"), ttl_err)
        self.assertEqual(self.call("EXISTS", "res"), 0)
        self.c.call("SET", "str", "x")
        self.assertEqual(self.c.call("LOCK.ACQUIRE", "str", "100"),
                         b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")


class TestRunningPluginCommands(PluginServerTest):
    def test_keys_and_args(self):
        self.assertEqual(self.call("probe.echo", "a", "1", "b", "2", "c"),
                         [[b"a", b"b", b"c"], [b"a", b"1", b"b", b"2", b"c"]])
        self.assertEqual(self.call("PROBE.ECHO", "only"), [[b"only"], [b"only"]])

    def test_errors_are_formatted_as_script_errors(self):
        self.assertEqual(self.c.call("probe.fail"),
                         b"-ERR probe.lua:10: boom script: probe.fail, on @probe.lua:10.\r\n")
        self.c.call("SET", "probe:str", "x")
        self.assertEqual(self.c.call("probe.callfail"),
                         b"-ERR value is not an integer or out of range script: probe.callfail, "
                         b"on @probe.lua:16.\r\n")
        self.assertEqual(self.c.call("probe.errreply"), b"-MYERR custom failure\r\n")

    def test_a_command_without_the_write_flag_cannot_write(self):
        reply = self.c.call("probe.rowrite", "k")
        self.assertTrue(reply.startswith(
            b"-ERR Write commands are not allowed from read-only scripts."), reply)
        self.assertEqual(self.call("EXISTS", "k"), 0)

    def test_select_inside_stays_inside(self):
        self.assertEqual(self.call("probe.select"), "OK")
        self.assertEqual(self.call("EXISTS", "probe:db5"), 0)  # still in db 0
        self.c.call("SELECT", "5")
        self.assertEqual(self.call("EXISTS", "probe:db5"), 1)
        self.c.call("FLUSHDB")
        self.c.call("SELECT", "0")

    def test_runs_in_the_callers_database(self):
        self.c.call("SELECT", "3")
        self.assertEqual(self.call("LOCK.ACQUIRE", "res", "10000"), 1)
        self.assertEqual(self.call("EXISTS", "res"), 1)
        self.c.call("FLUSHDB")
        self.c.call("SELECT", "0")
        self.assertEqual(self.call("EXISTS", "res"), 0)

    def test_writes_are_visible_to_other_clients(self):
        token = self.call("LOCK.ACQUIRE", "res", "10000")
        with self.server.client() as other:
            self.assertEqual(harness.parse(other.call("LOCK.OWNER", "res")), token)
            self.assertEqual(harness.parse(other.call("HGET", "res", "holder")),
                             str(token).encode())
            self.assertIsNone(harness.parse(other.call("LOCK.ACQUIRE", "res", "100")))

    def test_multi(self):
        for cmd in (("MULTI",), ("LOCK.ACQUIRE", "res", "10000"), ("LOCK.OWNER", "res"),
                    ("RATELIMIT", "rl", "0", "1", "10")):
            self.assertIn(self.c.call(*cmd), (b"+OK\r\n", b"+QUEUED\r\n"))
        self.assertEqual(self.call("EXEC"), [1, 1, [0, 1, 0, -1, 10]])
        # An arity error while queuing aborts the transaction, as for native commands.
        self.c.call("MULTI")
        self.assertEqual(self.c.call("LOCK.RELEASE", "res"),
                         b"-ERR wrong number of arguments for 'lock.release' command\r\n")
        self.assertTrue(self.c.call("EXEC").startswith(b"-EXECABORT"))
        self.assertEqual(self.call("LOCK.OWNER", "res"), 1)

    def test_watch_sees_plugin_writes(self):
        self.c.call("WATCH", "res")
        with self.server.client() as other:
            other.call("LOCK.ACQUIRE", "res", "10000")
        self.c.call("MULTI")
        self.c.call("GET", "x")
        self.assertEqual(self.c.call("EXEC"), b"*-1\r\n")

    def test_not_callable_from_scripts(self):
        reply = self.c.call("EVAL", "return redis.call('lock.owner', KEYS[1])", "1", "res")
        self.assertTrue(reply.startswith(b"-ERR This Redis command is not allowed from script"),
                        reply)
        # A plugin's redis.call cannot reach another plugin command either.
        reply = self.c.call("EVAL", "return redis.pcall('ratelimit', 'k', 1, 1, 1)", "0")
        self.assertTrue(reply.startswith(b"-ERR This Redis command is not allowed from script"),
                        reply)

    def test_eval_scripts_have_no_lunar_table(self):
        reply = self.c.call("EVAL", "return lunar", "0")
        self.assertIn(b"nonexistent global variable 'lunar'", reply)


@unittest.skipIf(harness.lunar_is_redis(), "Lunar plugins only")
class TestPropagation(unittest.TestCase):
    """A plugin command propagates the writes its redis.call calls made, not itself."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="plugins-", dir=harness.session_dir())
        probe = write(cls.tmp, "probe.lua", PROBE)
        config = CONFIG.replace('"fencedlock"]', f'"fencedlock", "{probe}"]')
        cls.server = harness.start_lunar("--loadmodule", RECORDER, config_text=config)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.c = self.server.client()
        self.c.call("FLUSHALL")
        self.log()

    def tearDown(self):
        self.c.close()

    def log(self):
        return [x.decode() for x in harness.parse(self.c.call("PROPLOG"))]

    def test_effects_only(self):
        self.c.call("RATELIMIT", "rl", "1", "1", "10")
        log = self.log()
        self.assertEqual(len(log), 1, log)
        self.assertRegex(log[0], r"^0: SET rl \d{16} PX 10000$")
        self.c.call("LOCK.ACQUIRE", "res", "5000")
        log = self.log()
        self.assertEqual(len(log), 1, log)
        self.assertRegex(log[0], r"^0: HSET res fence 1 holder 1 expires \d{13}$")

    def test_reads_and_refusals_propagate_nothing(self):
        self.c.call("RATELIMIT", "rl", "0", "1", "10")
        self.log()
        self.c.call("RATELIMIT", "rl", "0", "1", "10")  # limited: nothing written
        self.c.call("LOCK.OWNER", "res")
        self.c.call("LOCK.RELEASE", "res", "7")
        self.c.call("RATELIMIT", "rl", "x", "1", "10")
        self.c.call("RATELIMIT", "rl", "5", "1", "10", "0")  # quantity 0 only looks
        self.assertEqual(self.log(), [])

    def test_several_writes_are_wrapped(self):
        self.c.call("probe.twowrites", "a", "b")
        self.assertEqual(self.log(), ["0: MULTI", "0: SET a a", "0: SET b b", "0: EXEC"])

    def test_select_inside_a_plugin(self):
        self.c.call("probe.select")
        self.assertEqual(self.log(), ["5: SET probe:db5 1"])
        self.c.call("SELECT", "5")
        self.c.call("FLUSHDB")


@unittest.skipIf(harness.lunar_is_redis(), "Lunar plugins only")
class TestBusy(unittest.TestCase):
    """A plugin command that runs too long is a busy script: others get BUSY, FUNCTION KILL
    stops it."""

    def test_busy_plugin(self):
        tmp = tempfile.mkdtemp(prefix="plugins-", dir=harness.session_dir())
        spin = write(tmp, "spin.lua", "lunar.register_command{name = 'spin', arity = 1, "
                                      "handler = function() while true do end end}\n")
        config = f'busy-reply-threshold = 50\n[plugins]\nload = ["{spin}"]\n'
        with harness.start_lunar(config_text=config) as s:
            runner = s.client()
            runner.send("SPIN")
            time.sleep(0.3)
            with s.client() as other:
                self.assertEqual(other.call("PING"),
                                 b"-BUSY Redis is busy running a script. You can only call "
                                 b"FUNCTION KILL or SHUTDOWN NOSAVE.\r\n")
                self.assertEqual(other.call("FUNCTION", "KILL"), b"+OK\r\n")
                reply = runner.read_reply()
                self.assertTrue(reply.startswith(b"-ERR Script killed by user"), reply)
                self.assertIn(b"script: spin, on @spin.lua:1.", reply)
                self.assertEqual(other.call("PING"), b"+PONG\r\n")
            self.assertIn("Slow script detected", s.log_tail(50))
            self.assertIn("Script name is: spin.", s.log_tail(50))
            runner.close()


@unittest.skipIf(harness.lunar_is_redis(), "Lunar plugins only")
class TestLoading(unittest.TestCase):
    """Where plugins are found, and the plugins that must stop startup."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="plugins-", dir=harness.session_dir())

    def start(self, config_text):
        return harness.start_lunar(config_text=config_text)

    def refused(self, plugin_text, expected, name="broken"):
        """Loads plugin_text as plugins/<name>.lua; startup must fail naming the file and
        `expected`."""
        path = write(self.tmp, f"plugins/{name}.lua", plugin_text)
        rc, out = run_startup(f'[plugins]\ndir = "plugins"\nload = ["{name}"]\n', self.tmp)
        self.assertIsNotNone(rc, "the server started:\n" + out)
        self.assertNotEqual(rc, 0, out)
        self.assertIn(f"Plugin '{name}' ({path}) failed to load: ", out)
        self.assertIn(expected, out)
        return out

    def test_syntax_error(self):
        self.refused("lunar.register_command{\n  name = 'x',\n  arity = = 1,\n}\n",
                     "broken.lua:3: unexpected symbol near '='")

    def test_runtime_error_while_loading(self):
        self.refused("local t = nil\nlocal x = t.field\n",
                     "broken.lua:2: attempt to index local 't' (a nil value)")

    def test_missing_handler(self):
        self.refused("lunar.register_command{name = 'x', arity = 1}\n",
                     "broken.lua:1: 'handler' of command 'x' must be a function (keys, args)")

    def test_missing_name_and_arity(self):
        self.refused("lunar.register_command{handler = function() end, arity = 1}\n",
                     "broken.lua:1: lunar.register_command: 'name' is required")
        self.refused("lunar.register_command{name = 'x', handler = function() end}\n",
                     "broken.lua:1: 'arity' of command 'x' is required")

    def test_unknown_flag(self):
        self.refused("\nlunar.register_command{name = 'x', handler = function() end, arity = 1,\n"
                     "  flags = {'write', 'wrte'}}\n",
                     "broken.lua:2: unknown flag 'wrte' in command 'x'")

    def test_refused_flag_category_group_field(self):
        base = "lunar.register_command{name = 'x', handler = function() end, arity = 2, %s}\n"
        self.refused(base % "flags = {'blocking'}",
                     "flag 'blocking' is not available to plugin commands ('x')")
        self.refused(base % "acl_categories = {'@sting'}",
                     "unknown ACL category 'sting' in command 'x'")
        self.refused(base % "group = 'misc'", "unknown group 'misc' in command 'x'")
        self.refused(base % "frist_key = 1", "unknown field 'frist_key' in command 'x'")
        self.refused(base % "first_key = 1, key_flags = 'RW accss'",
                     "unknown key spec flag 'accss' in command 'x'")
        self.refused(base % "first_key = 2", "the keys of command 'x' lie beyond its arity")
        self.refused(base % "arity = 1.5", "'arity' of command 'x' must be an integer")

    def test_duplicate_command_name(self):
        self.refused("lunar.register_command{name = 'GET', handler = function() end, arity = 2}\n",
                     "broken.lua:1: command 'get' already exists")
        # Two plugins registering the same name: the second one fails.
        write(self.tmp, "plugins/one.lua",
              "lunar.register_command{name = 'dup', handler = function() end, arity = 1}\n")
        write(self.tmp, "plugins/two.lua",
              "\n\nlunar.register_command{name = 'DUP', handler = function() end, arity = 1}\n")
        rc, out = run_startup('[plugins]\ndir = "plugins"\nload = ["one", "two"]\n', self.tmp)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("two.lua) failed to load: two.lua:3: command 'dup' already exists", out)

    def test_no_command(self):
        self.refused("local x = 1\n", "it registered no command")

    def test_missing_file(self):
        rc, out = run_startup('[plugins]\nload = ["/nonexistent/nope.lua"]\n', self.tmp)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("Plugin '/nonexistent/nope.lua' (/nonexistent/nope.lua): can't open the "
                      "plugin file: No such file or directory", out)

    def test_sandbox_applies_while_loading(self):
        self.refused("os.exit(1)\n", "nonexistent global variable 'os'")
        self.refused("newglobal = 1\n", "Attempt to modify a readonly table")
        self.refused("\nredis.call('SET', 'a', 'b')\n",
                     "broken.lua:2: ERR redis.call is not available here")

    def test_bad_plugins_table(self):
        rc, out = run_startup('[plugins]\ndir = 3\n', self.tmp)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("lunar.toml:2: 'plugins.dir' must be a directory (relative to the config "
                      "file)", out)
        rc, out = run_startup('[plugins]\nlaod = []\n', self.tmp)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("lunar.toml:2: 'plugins.laod' is unknown; [plugins] has 'load' and 'dir'",
                      out)

    def test_paths_relative_to_the_config_file(self):
        write(self.tmp, "sub/mine.lua",
              "lunar.register_command{name = 'mine', arity = 1, handler = function() "
              "return 'mine' end}\n")
        write(self.tmp, "top.lua",
              "lunar.register_command{name = 'top', arity = 1, handler = function() "
              "return 'top' end}\n")
        write(self.tmp, "pdir/named.lua",
              "lunar.register_command{name = 'named', arity = 1, handler = function() "
              "return 'named' end}\n")
        config = (f'[plugins]\ndir = "{self.tmp}/pdir"\n'
                  f'load = ["{self.tmp}/sub/mine.lua", "named", "{self.tmp}/top.lua"]\n')
        with self.start(config) as s, s.client() as c:
            self.assertEqual(c.call("MINE"), b"$4\r\nmine\r\n")
            self.assertEqual(c.call("TOP"), b"$3\r\ntop\r\n")
            self.assertEqual(c.call("NAMED"), b"$5\r\nnamed\r\n")
        # The same, relative to the config file (the server runs from another folder).
        rc, out = run_startup('[plugins]\nload = ["sub/mine.lua", "top.lua", "nosuch.lua"]\n',
                              self.tmp, cwd=harness.session_dir())
        self.assertNotEqual(rc, 0, out)
        self.assertIn(f"Plugin 'sub/mine.lua' loaded from {self.tmp}/sub/mine.lua", out)
        self.assertIn(f"Plugin 'top.lua' loaded from {self.tmp}/top.lua", out)
        self.assertIn(f"Plugin 'nosuch.lua' ({self.tmp}/nosuch.lua): can't open", out)

    @unittest.skipUnless(os.path.realpath(os.path.join(harness.build_dir(), "..", "plugins"))
                         == os.path.realpath(PLUGIN_DIR),
                         "the build folder is not directly inside the source tree")
    def test_default_dir_is_the_source_plugins_folder(self):
        with self.start('[plugins]\nload = ["fencedlock"]\n') as s, s.client() as c:
            self.assertEqual(c.call("LOCK.ACQUIRE", "k", "1000"), b":1\r\n")
            self.assertTrue(c.call("RATELIMIT", "k", "1", "1", "1").startswith(
                b"-ERR unknown command"))
            self.assertIn(os.path.realpath(os.path.join(PLUGIN_DIR, "fencedlock.lua")),
                          s.log_tail(200))


if __name__ == "__main__":
    harness.main()
