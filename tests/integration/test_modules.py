"""Module loading: the out-of-tree example module (loaded at startup and with MODULE LOAD), its
value type under the generic commands, unload rules, and modules the loader must refuse."""

import os
import subprocess
import unittest

import harness

BUILD = harness.build_dir()
RING = os.path.join(BUILD, "examples", "module", "ring.so")
BAD = os.path.join(BUILD, "tests", "modules")


def startup_output(*args, timeout=10):
    """Runs lunar-server with args expecting it to stop at startup; returns (rc, output)."""
    p = subprocess.run([harness.lunar_bin(), "--port", str(harness.free_port())] + list(args),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace")


@unittest.skipIf(harness.lunar_is_redis(), "Lunar modules only")
class TestExampleModule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.start_lunar("--loadmodule", RING)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.c = self.server.client()
        self.c.call("FLUSHALL")

    def tearDown(self):
        self.c.close()

    def test_commands_and_type(self):
        c = self.c
        self.assertEqual(c.call("RING.PUSH", "r", "3", "a", "b"), b":2\r\n")
        self.assertEqual(c.call("RING.PUSH", "r", "3", "c", "d"), b":3\r\n")
        self.assertEqual(c.call_parsed("RING.RANGE", "r"), [b"b", b"c", b"d"])
        self.assertEqual(c.call("RING.RANGE", "missing"), b"*0\r\n")
        self.assertEqual(c.call("TYPE", "r"), b"+ring\r\n")
        self.assertEqual(c.call("OBJECT", "ENCODING", "r"), b"$4\r\nring\r\n")
        self.assertEqual(c.call("RING.PUSH", "r", "0", "x"),
                         b"-ERR capacity must be an integer between 1 and 1000000\r\n")
        self.assertEqual(c.call("RING.PUSH", "r"),
                         b"-ERR wrong number of arguments for 'ring.push' command\r\n")

    def test_wrongtype_both_ways(self):
        c = self.c
        c.call("SET", "s", "v")
        self.assertTrue(c.call("RING.PUSH", "s", "2", "x").startswith(b"-WRONGTYPE"))
        c.call("RING.PUSH", "r", "2", "x")
        self.assertTrue(c.call("GET", "r").startswith(b"-WRONGTYPE"))

    def test_generic_commands_use_type_callbacks(self):
        c = self.c
        c.call("RING.PUSH", "r", "2", "x", "y")
        self.assertEqual(c.call("COPY", "r", "r2"), b":1\r\n")
        c.call("RING.PUSH", "r", "2", "z")
        self.assertEqual(c.call_parsed("RING.RANGE", "r2"), [b"x", b"y"])   # a deep copy
        self.assertEqual(c.call_parsed("RING.RANGE", "r"), [b"y", b"z"])
        self.assertEqual(c.call("RENAME", "r2", "r3"), b"+OK\r\n")
        self.assertEqual(c.call_parsed("RING.RANGE", "r3"), [b"x", b"y"])
        self.assertEqual(c.call("DEL", "r", "r3"), b":2\r\n")

    def test_unload_refused_while_keys_exist(self):
        c = self.c
        c.call("RING.PUSH", "r", "2", "x")
        reply = c.call("MODULE", "UNLOAD", "ring")
        self.assertTrue(reply.startswith(b"-ERR Error unloading module"), reply)
        self.assertIn(b"ring", reply)
        self.assertEqual(c.call("RING.RANGE", "r"), b"*1\r\n$1\r\nx\r\n")

    def test_module_list(self):
        mods = self.c.call_parsed("MODULE", "LIST")
        names = [dict(zip(m[::2], m[1::2]))[b"name"] for m in mods]
        self.assertIn(b"ring", names)
        self.assertIn(b"strings", names)


@unittest.skipIf(harness.lunar_is_redis(), "Lunar modules only")
class TestRuntimeLoad(unittest.TestCase):
    def test_load_use_unload_reload(self):
        with harness.start_lunar() as s, s.client() as c:
            self.assertEqual(c.call("MODULE", "LOAD", RING), b"+OK\r\n")
            self.assertEqual(c.call("RING.PUSH", "r", "1", "a"), b":1\r\n")
            self.assertTrue(c.call("MODULE", "LOAD", RING).startswith(b"-ERR"))  # already loaded
            c.call("DEL", "r")
            self.assertEqual(c.call("MODULE", "UNLOAD", "ring"), b"+OK\r\n")
            self.assertTrue(c.call("RING.PUSH", "r", "1", "a").startswith(b"-ERR unknown command"))
            self.assertEqual(c.call("MODULE", "LOAD", RING), b"+OK\r\n")
            self.assertEqual(c.call("RING.PUSH", "r", "1", "a"), b":1\r\n")
            self.assertEqual(c.call("MODULE", "UNLOAD", "nosuch"),
                             b"-ERR Error unloading module: no such module with that name\r\n")

    def test_refused_modules_at_runtime_leave_server_running(self):
        with harness.start_lunar() as s, s.client() as c:
            for name in ("bad_abi", "failing_init", "bad_flag", "does_not_exist"):
                reply = c.call("MODULE", "LOAD", os.path.join(BAD, name + ".so"))
                self.assertEqual(
                    reply, b"-ERR Error loading the extension. Please check the server logs.\r\n")
            self.assertTrue(c.call("BADFLAG.CMD").startswith(b"-ERR unknown command"))
            self.assertEqual(c.call("PING"), b"+PONG\r\n")
            log = s.log_tail(100)
            self.assertIn("built for Lunar ABI 99.0", log)
            self.assertIn("this server provides ABI 1.", log)
            self.assertIn("refusing to start", log)
            self.assertIn("teleport", log)


@unittest.skipIf(harness.lunar_is_redis(), "Lunar modules only")
class TestStartupRefusals(unittest.TestCase):
    def test_abi_mismatch_stops_startup_naming_both_versions(self):
        rc, out = startup_output("--loadmodule", os.path.join(BAD, "bad_abi.so"))
        self.assertNotEqual(rc, 0)
        self.assertIn("built for Lunar ABI 99.0", out)
        self.assertIn("this server provides ABI 1.", out)

    def test_failing_init_stops_startup_with_its_message(self):
        rc, out = startup_output("--loadmodule", os.path.join(BAD, "failing_init.so"))
        self.assertNotEqual(rc, 0)
        self.assertIn("refusing to start", out)
        self.assertIn("failed to initialize", out)

    def test_missing_module_file(self):
        rc, out = startup_output("--loadmodule", "/nonexistent/x.so")
        self.assertNotEqual(rc, 0)
        self.assertIn("/nonexistent/x.so", out)


if __name__ == "__main__":
    harness.main()
