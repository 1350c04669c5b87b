"""Propagation: what a listener module (tests/modules/prop_recorder.c) receives for writes —
single commands as sent, nothing for reads or failed writes, MULTI/EXEC blocks wrapped so they
replay atomically, each in its database, and blocked clients' writes after the write that woke
them."""

import os
import time
import unittest

import harness

RECORDER = os.path.join(harness.build_dir(), "tests", "modules", "prop_recorder.so")


@unittest.skipIf(harness.lunar_is_redis(), "Lunar modules only")
class TestPropagation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.start_lunar("--loadmodule", RECORDER)

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
        return [x.decode() for x in self.c.call_parsed("PROPLOG")]

    def test_single_write(self):
        self.c.call("SET", "a", "1")
        self.assertEqual(self.log(), ["0: SET a 1"])

    def test_reads_and_failed_writes_do_not_propagate(self):
        self.c.call("SET", "a", "x")
        self.log()
        self.c.call("GET", "a")
        self.c.call("INCR", "a")  # an error: nothing changed
        self.c.call("DEL", "nokey")
        self.assertEqual(self.log(), [])

    def test_database_is_recorded(self):
        self.c.call("SELECT", "3")
        self.c.call("SET", "a", "1")
        self.c.call("SELECT", "0")
        self.assertEqual(self.log(), ["3: SET a 1"])

    def test_transaction_is_wrapped(self):
        for cmd in (("MULTI",), ("SET", "a", "1"), ("GET", "a"), ("INCR", "a"), ("EXEC",)):
            self.c.call(*cmd)
        self.assertEqual(self.log(), ["0: MULTI", "0: SET a 1", "0: INCR a", "0: EXEC"])

    def test_transaction_with_one_write_or_none(self):
        for cmd in (("MULTI",), ("SET", "a", "1"), ("GET", "a"), ("EXEC",)):
            self.c.call(*cmd)
        self.assertEqual(self.log(), ["0: SET a 1"])
        for cmd in (("MULTI",), ("GET", "a"), ("EXEC",)):
            self.c.call(*cmd)
        self.assertEqual(self.log(), [])

    def test_aborted_and_discarded_transactions(self):
        for cmd in (("MULTI",), ("SET", "a", "1"), ("NOSUCH",), ("EXEC",),
                    ("MULTI",), ("SET", "b", "1"), ("DISCARD",)):
            self.c.call(*cmd)
        self.assertEqual(self.log(), [])

    def test_script_effects_are_wrapped(self):
        # A script propagates the writes it made as it called them, not itself, between MULTI and EXEC; its own
        # SELECT stays inside it.
        self.c.call("EVAL", "redis.call('set', KEYS[1], 'v') redis.call('get', KEYS[1]) "
                            "redis.call('select', 2) redis.call('incr', 'n') return 1", "1", "k")
        self.assertEqual(self.log(), ["0: MULTI", "0: set k v", "2: incr n", "0: EXEC"])
        self.c.call("EVAL", "return redis.call('set', 'a', '1')", "0")
        self.assertEqual(self.log(), ["0: set a 1"])
        self.c.call("EVAL", "return redis.call('get', 'a')", "0")
        self.assertEqual(self.log(), [])

    def test_script_cache_and_set_repl(self):
        self.c.call("SCRIPT", "LOAD", "return redis.call('set', 'x', '1')")
        self.c.call("SCRIPT", "FLUSH")
        self.assertEqual(self.log(), [])
        self.c.call("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'a', '1') "
                            "redis.set_repl(redis.REPL_ALL) redis.call('set', 'b', '2')", "0")
        self.assertEqual(self.log(), ["0: set b 2"])

    def test_functions_propagate_load_and_effects(self):
        code = ("#!lua name=plib\nredis.register_function('w', function(keys) "
                "redis.call('set', keys[1], '1') return redis.call('incr', keys[1]) end)")
        self.c.call("FUNCTION", "LOAD", "REPLACE", code)
        self.assertEqual(self.log(), ["0: FUNCTION LOAD REPLACE " + code])
        self.c.call("FCALL", "w", "1", "fk")
        self.assertEqual(self.log(), ["0: MULTI", "0: set fk 1", "0: incr fk", "0: EXEC"])
        self.c.call("FUNCTION", "DELETE", "plib")
        self.assertEqual(self.log(), ["0: FUNCTION DELETE plib"])

    def test_woken_client_after_waker(self):
        waiter = self.server.client()
        waiter.send("BLPOP", "q", "0")
        time.sleep(0.2)
        self.c.call("RPUSH", "q", "x", "y")
        self.assertEqual(harness.parse(waiter.read_reply()), [b"q", b"x"])
        log = self.log()
        self.assertEqual(log[0], "0: RPUSH q x y")
        self.assertEqual(len(log), 2, log)
        self.assertEqual(log[1], "0: LPOP q")
        waiter.close()


if __name__ == "__main__":
    harness.main()
