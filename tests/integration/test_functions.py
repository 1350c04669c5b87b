"""Differential tests of FUNCTION and FCALL against redis-server (RESP2 and RESP3).

Libraries are loaded with the same code into both servers; every reply is compared raw.
"""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

LIB = """#!lua name=lib
redis.register_function('set', function(keys, args) return redis.call('set', keys[1], args[1]) end)
redis.register_function{function_name='ro', callback=function(keys, args)
  return redis.call('set', keys[1], args[1]) end, flags={'no-writes', 'allow-oom'}, description='d'}
redis.register_function('get', function(keys, args) return redis.call('get', keys[1]) end)
redis.register_function{function_name='rget', callback=function(keys, args)
  return redis.call('get', keys[1]) end, flags={'no-writes'}}
redis.register_function('err', function(keys, args) return redis.call('nosuch') end)
redis.register_function('boom', function(keys, args) error('boom') end)
redis.register_function('echo', function(keys, args) return {keys, args, #keys, #args} end)
redis.register_function('types', function(keys, args)
  redis.setresp(3)
  return {redis.call('hgetall', 'h'), redis.call('zscore', 'z', 'a'), {double=1.5},
          {map={a=1}}, {set={x=true}}, true, false}
end)
"""


class TestFunctions(harness.DiffTest):

    def setUp(self):
        super().setUp()
        self.check("FUNCTION", "FLUSH")

    def load(self, code, *opts):
        return self.check("FUNCTION", "LOAD", *opts, code)

    def test_load_and_call(self):
        self.load(LIB)
        for resp in (2, 3):
            self.check_all([
                "FCALL set 1 k v", "FCALL get 1 k", "FCALL_RO rget 1 k", "FCALL ro 1 k v",
                "FCALL_RO set 1 k v", "FCALL err 0", "FCALL boom 0", "FCALL echo 2 a b c d",
                "FCALL echo 0", "FCALL nosuch 0", "FCALL set -1", "FCALL set x",
                "FCALL set 5 a", "FCALL",
                "HSET h f v", "ZADD z 1.5 a", "FCALL types 0",
            ], resp=resp)

    def test_list_stats_delete(self):
        self.load(LIB)
        self.check("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('o1', "
                   "function() return 1 end)")
        # Redis lists a library's functions in hash order: compare libraries of one function.
        self.check("FUNCTION", "LOAD", "#!lua name=one\nredis.register_function{function_name="
                   "'f1', callback=function() return 1 end, flags={'no-writes', 'no-cluster'}, "
                   "description='the one'}")
        for resp in (2, 3):
            self.check_all([
                "FUNCTION LIST LIBRARYNAME one", "FUNCTION LIST LIBRARYNAME one WITHCODE",
                "FUNCTION LIST WITHCODE LIBRARYNAME oth*", "FUNCTION LIST LIBRARYNAME nomatch",
                "FUNCTION LIST foo", "FUNCTION LIST LIBRARYNAME", "FUNCTION LIST WITHCODE WITHCODE",
                "FUNCTION LIST LIBRARYNAME a LIBRARYNAME b", "FUNCTION STATS",
            ], resp=resp)
        self.check_all(["FUNCTION DELETE lib", "FUNCTION DELETE lib", "FCALL set 1 k v",
                        "FUNCTION STATS", "FUNCTION DELETE", "FUNCTION FLUSH foo",
                        "FUNCTION FLUSH ASYNC", "FUNCTION FLUSH SYNC", "FUNCTION LIST",
                        "FUNCTION KILL", "FUNCTION HELP", "FUNCTION NOSUCH"])

    def test_load_errors(self):
        bad = [
            "return 1",
            "#!lua\nreturn 1",
            "#!lua name=x\nreturn 1",
            "#!lua name=x foo=bar\nreturn 1",
            "#!lua2 name=x\nreturn 1",
            "#!lua name=a-b\nreturn 1",
            "#!lua name=x\nreturn 1 +",
            "#!lua name=x\nx = 1",
            "#!lua name=x\nredis.call('ping')",
            "#!lua name=x\nlocal a = string",
            "#!lua name=x\nlocal a = redis.setresp",
            "#!lua name=x\nerror('boom')",
            "#!lua name=x\nredis.register_function('f', function() end, {'no-writes'})",
            "#!lua name=x\nredis.register_function('f')",
            "#!lua name=x\nredis.register_function(1, function() end)",
            "#!lua name=x\nredis.register_function('f', 'notfn')",
            "#!lua name=x\nredis.register_function('f-g', function() end)",
            "#!lua name=x\nredis.register_function('', function() end)",
            "#!lua name=x\nredis.register_function{callback=function() end}",
            "#!lua name=x\nredis.register_function{function_name='f'}",
            "#!lua name=x\nredis.register_function{function_name='f', callback=5}",
            "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, "
            "flags='no-writes'}",
            "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, "
            "flags={'bad'}}",
            "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, "
            "foo=1}",
            "#!lua name=x\nredis.register_function('f', function() end) "
            "redis.register_function('f', function() end)",
            "#!lua name=x\nwhile true do end",
        ]
        for code in bad:
            self.load(code)
        self.check("FUNCTION", "LOAD", "REPLACE")
        self.check("FUNCTION", "LOAD", "foo", "bar")
        self.check("FUNCTION", "LIST")

    def test_load_time_api(self):
        # Only register_function, log and the constants exist while a library loads.
        self.load("#!lua name=api\nredis.log(redis.LOG_WARNING, 'loading', redis.REDIS_VERSION)\n"
                  "local v = redis.REDIS_VERSION_NUM\n"
                  "redis.register_function('f', function() return redis.call('ping') end)")
        self.check_all(["FCALL f 0", "FUNCTION LIST"])

    def test_replace_and_collisions(self):
        self.load(LIB)
        self.load(LIB)  # exists
        self.load("#!lua name=lib2\nredis.register_function('set', function() return 1 end)")
        self.load("#!lua name=lib\nredis.register_function('only', function() return 2 end)",
                  "REPLACE")
        self.check_all(["FCALL only 0", "FCALL set 1 k v", "FUNCTION LIST",
                        "FUNCTION STATS"])
        self.load("#!lua name=lib2\nredis.register_function('set', function() return 1 end)")
        self.check_all(["FCALL set 1 k v", "FUNCTION LIST LIBRARYNAME lib2"])

    def test_dump_restore(self):
        one = "#!lua name=lib\nredis.register_function('f', function() return 1 end)"
        self.load(one)
        payload_l, payload_r = self.both("FUNCTION", "DUMP")
        self.assertEqual(payload_l, payload_r)
        payload = harness.parse(payload_r)
        self.check_all([
            ("FUNCTION", "RESTORE", payload), ("FUNCTION", "RESTORE", payload, "APPEND"),
            ("FUNCTION", "RESTORE", payload, "REPLACE"), ("FUNCTION", "RESTORE", payload, "BAD"),
            ("FUNCTION", "RESTORE", payload[:-1] + b"x"), ("FUNCTION", "RESTORE", b"short"),
            ("FUNCTION", "RESTORE", payload, "FLUSH", "x"), ("FUNCTION", "FLUSH"),
            ("FUNCTION", "RESTORE", payload), ("FCALL", "f", "0"), ("FUNCTION", "DELETE", "lib"),
            ("FUNCTION", "LOAD", "#!lua name=lib2\nredis.register_function('f', "
                                 "function() return 2 end)"),
            ("FUNCTION", "RESTORE", payload), ("FUNCTION", "RESTORE", payload, "REPLACE"),
            ("FUNCTION", "RESTORE", payload, "FLUSH"), ("FCALL", "f", "0"), ("FUNCTION", "LIST"),
        ])

    def test_sandbox_of_functions(self):
        self.load("#!lua name=sb\n"
                  "redis.register_function('g', function() x = 1 end)\n"
                  "redis.register_function('r', function() return y end)\n"
                  "redis.register_function('m', function() return {math.random(100), "
                  "string.upper('a'), type(cjson)} end)\n"
                  "redis.register_function('rs', function() return rawset(_G, 'z', 1) end)")
        self.check_all(["FCALL g 0", "FCALL r 0", "FCALL m 0", "FCALL rs 0"])

    def test_function_kill(self):
        """A busy function: others get the FUNCTION variant of -BUSY, SCRIPT KILL refuses it,
        FUNCTION KILL ends it (both servers, same replies)."""
        for srv in (self.lunar, self.redis):
            c = srv.client()
            c.call("CONFIG", "SET", "busy-reply-threshold", "100")
            c.call("FUNCTION", "LOAD", "REPLACE",
                   "#!lua name=busy\nredis.register_function('spin', function() "
                   "local i = 0 while true do i = i + 1 end end)")
            c.close()
        replies = {}
        for name, srv in (("lunar", self.lunar), ("redis", self.redis)):
            runner = srv.client()
            out = {}
            t = threading.Thread(target=lambda: out.setdefault("r", runner.call("FCALL", "spin",
                                                                                  "0")))
            t.start()
            time.sleep(0.4)
            other = srv.client()
            got = [other.call("PING"), other.call("SCRIPT", "KILL"),
                   other.call("FUNCTION", "STATS")[0:2], other.call("FUNCTION", "KILL")]
            t.join(10)
            self.assertFalse(t.is_alive(), f"{name}: the function was not killed")
            got.append(out.get("r"))
            got.append(other.call("PING"))
            replies[name] = got
            runner.close()
            other.close()
        self.assertEqual(replies["lunar"], replies["redis"])


if __name__ == "__main__":
    harness.main()
