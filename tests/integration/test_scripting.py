"""Differential tests of Lua scripting (EVAL, EVALSHA, *_RO, SCRIPT, the redis.* API, the
sandbox) against redis-server 7.0.

Every script runs on both servers and the raw replies are compared byte for byte, in RESP2 and
RESP3 (ScriptTest.ev runs a script under both protocols). Errors raised inside scripts carry
"script: <sha1 of the body>, on @user_script:<line>." so the sha and the line number are
compared too. Multi-key Lua tables iterate in an order the Lua implementation picks (Lua 5.1 in
Redis, LuaJIT in Lunar), so replies built from them are compared order-free (ev_unordered).

Cases where Redis 7.0.15 itself misbehaves are left out: `error({})` (a table without err)
crashes redis-server 7.0.15.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402
import unittest  # noqa: E402


def redis_only(reason):
    """Cases Lunar cannot match yet or by design, with the reason (docs/compatibility.md). They
    still run when the server under test is Redis itself (LUNAR_SERVER_BIN=redis-server)."""
    return unittest.skipUnless(harness.lunar_is_redis(), reason)


LUAJIT = "LuaJIT, not Lua 5.1 (docs/compatibility.md: scripting differences)"
MISSING = "needs commands Lunar does not have yet (see docs/compatibility.md)"

# A Lua helper prepended to scripts that describe a value converted from a reply:
# d(v) renders type and contents, tables with sorted keys (order-free).
DESCRIBE = r"""
local function d(v)
  local t = type(v)
  if t == 'table' then
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = tostring(k) .. '=' .. d(x) end
    table.sort(parts)
    return '{' .. table.concat(parts, ',') .. '}'
  end
  return t .. ':' .. tostring(v)
end
"""

# Like DESCRIBE, but array positions are dropped (for replies whose element order is free).
DESCRIBE_UNORDERED = r"""
local function d(v)
  local t = type(v)
  if t == 'table' then
    local parts = {}
    for k, x in pairs(v) do
      parts[#parts + 1] = (type(k) == 'number' and '' or tostring(k) .. '=') .. d(x)
    end
    table.sort(parts)
    return '{' .. table.concat(parts, ',') .. '}'
  end
  return t .. ':' .. tostring(v)
end
"""


def _order_free(value):
    """A parsed reply with the elements of every aggregate sorted (maps become sorted pairs)."""
    if isinstance(value, dict):
        return ("map", sorted(((repr(k), _order_free(v)) for k, v in value.items())))
    if isinstance(value, set):
        return ("set", sorted(repr(v) for v in value))
    if isinstance(value, list):
        return sorted((_order_free(v) for v in value), key=repr)
    return value


def order_free(raw):
    """Normalizer: RESP type byte plus the reply with every aggregate's order dropped."""
    return raw[:1], _order_free(parse(raw))


def pairs_order_free(raw):
    """Normalizer for map-like replies: RESP3 maps as dicts, RESP2 flat arrays as sorted pairs."""
    v = parse(raw)
    if isinstance(v, list):
        return raw[:1], sorted(zip(v[0::2], v[1::2]), key=repr)
    if isinstance(v, dict):
        return raw[:1], sorted(v.items(), key=repr)
    return raw[:1], v


class ScriptTest(harness.DiffTest):
    """EVAL helpers shared by the classes below."""

    def ev(self, script, *args, numkeys=0, normalize=None, resp=None):
        """EVAL script numkeys args... on both servers, in RESP2 and RESP3 (or only `resp`)."""
        cmd = ("EVAL", script, numkeys) + args
        if resp:
            return self.check(*cmd, resp=resp, normalize=normalize)
        return self.check_both_protocols(*cmd, normalize=normalize)

    def ev_raw(self, script, resp=2):
        """EVAL compared on raw bytes only (for replies too deep for the Python parser)."""
        lr, rr = self.both("EVAL", script, 0, resp=resp)
        self._compare(("EVAL", script, 0), resp, lr, rr, None, None)

    def evs(self, scripts, **kw):
        for s in scripts:
            self.ev(s, **kw)

    def ev_unordered(self, script, *args, numkeys=0):
        return self.ev(script, *args, numkeys=numkeys, normalize=order_free)

    def describe(self, expr, setresp=None, resp=None):
        """Runs `return d(<expr>)` (see DESCRIBE) after redis.setresp(setresp) when given."""
        pre = f"redis.setresp({setresp})\n" if setresp else ""
        # The leading comment names the case in failure messages (which show the start).
        return self.ev(f"-- {pre.strip()} d({expr})" + DESCRIBE + pre + f"return d({expr})",
                       resp=resp)


# ------------------------------------------------------------------------------------------------
# Lua -> RESP
# ------------------------------------------------------------------------------------------------


class TestLuaToResp(ScriptTest):

    def test_numbers_truncate_to_integers(self):
        self.evs(["return 3", "return 3.99", "return -3.99", "return 0.5", "return -0.5",
                  "return -0", "return 0", "return 1.9999", "return -1.9999",
                  "return 123456789012345", "return 9007199254740993",
                  "return -9007199254740992", "return 2^62", "return -(2^62)",
                  "return {0.5, -0.5, 1.9999, -1.9999, 7.0}"])

    def test_huge_and_special_numbers(self):
        # Out-of-range doubles convert like a C cast on x86-64 (LLONG_MIN): Redis's observed reply.
        self.evs(["return 1e30", "return -1e30", "return 2^63", "return -(2^63)",
                  "return 1/0", "return -1/0", "return 0/0", "return math.huge"])

    def test_strings(self):
        self.evs(['return "hello"', 'return ""', 'return "a\\0b"', 'return "3.99"',
                  'return "a\\r\\nb"', 'return string.rep("x", 100000)',
                  'return string.char(0, 1, 2, 255, 254)'])

    def test_booleans_and_nil(self):
        self.evs(["return true", "return false", "return nil", "return",
                  "return {true, false, 1}", "return {false}", "return {1, false, 2}"])

    def test_booleans_under_setresp3(self):
        self.evs(["redis.setresp(3) return true", "redis.setresp(3) return false",
                  "redis.setresp(3) return nil", "redis.setresp(3) return {1, true, false, 2}",
                  "redis.setresp(2) return false", "redis.setresp(2) return true"])

    def test_arrays_stop_at_first_nil(self):
        self.evs(["return {1, 2, nil, 4}", "return {nil, 1}", "return {[1]=1, [3]=3}",
                  "return {[2]=2}", "return {1, 2, n=3}", "return {n=3}", "return {}",
                  "return {{}, {{}}}", "return {1, {2, {3, {4, {5}}}}, 'x'}"])

    def test_ok_and_err_tables(self):
        self.evs(['return {ok="fine"}', 'return {ok=""}', 'return {ok="-x"}',
                  'return {err="My Error"}', 'return {err="ERR2 My Error"}',
                  'return {err="WRONGTYPE custom"}', 'return {err=""}', 'return {err="-dash"}',
                  'return {ok="a", err="b"}', 'return {double=3.5, ok="y"}',
                  'return {ok=5}', 'return {err=5}', 'return {ok={}}',
                  'return {1, {err="inner"}, {ok="fine"}}', 'return {{ok="+x"}}',
                  'return {{err="-My Error"}}'])

    def test_newlines_in_status_and_error(self):
        # CR and LF in status and error strings are replaced by spaces.
        self.evs(['return {err="My\\r\\nError"}', 'return {ok="a\\r\\nb"}',
                  'return redis.status_reply("a\\nb")', 'return redis.error_reply("a\\rb")',
                  'error("a\\nb")'])

    def test_double(self):
        for pre in ("", "redis.setresp(3) ", "redis.setresp(2) "):
            self.evs([pre + s for s in [
                "return {double=3.5}", "return {double=3}", "return {double=-0.25}",
                "return {double=1/0}", "return {double=-1/0}", "return {double=1e300}",
                "return {double=0.1}", 'return {double="abc"}', 'return {double="3.5"}',
                "return {1, {double=2.5}}"]])

    def test_double_nan(self):
        self.ev("return {double=0/0}")

    def test_map(self):
        for pre in ("", "redis.setresp(3) "):
            self.evs([pre + s for s in [
                "return {map={a=1}}", "return {map={}}", "return {map={a={1,2}}}",
                "return {map={x={map={y=1}}}}", "return {map={[1]='a'}}",
                "return {map={a=true}}", "return {map={a=false}}", "return {map=5}",
                "return {1, {map={k='v'}}}"]])
            self.ev(pre + "return {map={a=1, b='x', c={1}}}", normalize=pairs_order_free)

    def test_set(self):
        for pre in ("", "redis.setresp(3) "):
            self.evs([pre + s for s in [
                "return {set={a=true}}", "return {set={}}", "return {set={a=false}}",
                "return {set={[1]=true}}", "return {set=5}", "return {1, {set={m=true}}}"]])
            self.ev(pre + "return {set={a=1, b='x', c=true}}", normalize=order_free)

    def test_big_number(self):
        for pre in ("", "redis.setresp(3) "):
            self.evs([pre + s for s in [
                'return {big_number="123"}', 'return {big_number="-1234567890123456789012"}',
                'return {big_number=12}',
                'return {1, {big_number="9"}}']])

    def test_verbatim_string(self):
        for pre in ("", "redis.setresp(3) "):
            self.evs([pre + s for s in [
                'return {verbatim_string={format="txt", string="hi"}}',
                'return {verbatim_string={format="mkd", string="a\\r\\nb"}}',
                'return {verbatim_string={format="txt", string=""}}',
                'return {verbatim_string={string="a"}}', 'return {verbatim_string="x"}',
                'return {1, {verbatim_string={format="txt", string="z"}}}']])

    def test_large_return(self):
        self.ev("local t = {} for i = 1, 20000 do t[i] = i end return t")
        self.ev("local t = {} for i = 1, 5000 do t[i] = 'v' .. i end return t")

    def test_deep_nesting(self):
        self.ev("local t = {1} for i = 1, 100 do t = {t, i} end return t")
        self.ev_raw("local t = {1} for i = 1, 1000 do t = {t} end return t", resp=2)
        self.ev_raw("local t = {1} for i = 1, 1000 do t = {t} end return t", resp=3)

    def test_nesting_beyond_lua_stack_limit(self):
        # Redis 7.0 writes 7995 levels of arrays, then "-ERR reached lua stack limit" inside.
        self.ev_raw("local t = {1} for i = 1, 10000 do t = {t} end return t")

    def test_script_body_with_binary_bytes(self):
        self.check_both_protocols("EVAL", b'return "a\x00b"', 0)
        self.check_both_protocols("EVAL", b"return 1 -- \x00\xff", 0)
        self.check_both_protocols("EVAL", "return 1 " + "-" * 2 + " x" * 50000, 0)

    def test_many_call_arguments(self):
        self.ev("local t = {} for i = 1, 7000 do t[i] = i end "
                "return redis.call('RPUSH', 'biglist', unpack(t))", resp=2)
        self.ev("local t = {} for i = 1, 100000 do t[i] = i end "
                "return redis.call('RPUSH', 'biglist2', unpack(t))", resp=2)
        self.ev("return {redis.call('LRANGE', 'biglist', 0, 2), "
                "#redis.call('LRANGE', 'biglist', 0, -1)}")

    def test_binary_args_round_trip(self):
        blob = bytes(range(256)) * 4
        self.check_both_protocols("EVAL", "return ARGV[1]", 0, blob)
        self.check_both_protocols("EVAL", "redis.call('SET', KEYS[1], ARGV[1]) "
                                  "return redis.call('GET', KEYS[1])", 1, b"k\x00\xff", blob)
        self.check_both_protocols("EVAL", "return {#ARGV[1], ARGV[1]}", 0, b"")
        self.check("GET", b"k\x00\xff")


# ------------------------------------------------------------------------------------------------
# RESP -> Lua
# ------------------------------------------------------------------------------------------------


class TestRespToLua(ScriptTest):

    def setUp(self):
        super().setUp()
        self.setup_both([("SET", "str", "x"), ("SADD", "s", "a"), ("ZADD", "z", "1.5", "m"),
                         ("HSET", "h", "f", "v"), ("RPUSH", "l", "a", "b"),
                         ("SADD", "s3", "a", "b", "c"), ("HSET", "h3", "f1", "1", "f2", "2"),
                         ("SET", "num", "10")])

    CALLS = [
        '"PING"', '"ECHO", "hi"', '"GET", "str"', '"GET", "nokey"', '"INCR", "cnt"',
        '"SMEMBERS", "s"', '"ZSCORE", "z", "m"', '"ZSCORE", "z", "nomember"',
        '"ZINCRBY", "z", "0", "m"', '"HGETALL", "h"', '"SISMEMBER", "s", "a"',
        '"ZRANGE", "z", 0, -1, "WITHSCORES"', '"HRANDFIELD", "h", -1, "WITHVALUES"',
        '"LPOP", "nolist", 2', '"SET", "q", "1", "GET"', '"OBJECT", "ENCODING", "str"',
        '"LPOS", "nolist", "a"', '"EXISTS", "str"', '"LRANGE", "l", 0, -1',
        '"LRANGE", "nolist", 0, -1', '"TYPE", "str"', '"SET", "q2", "v"', '"MGET", "str", "nokey"',
        '"ZRANDMEMBER", "z", 1, "WITHSCORES"', '"ZPOPMIN", "nozset"', '"ZMSCORE", "z", "m", "x"',
        '"INCRBYFLOAT", "num", "0.5"', '"HINCRBYFLOAT", "h", "g", "1.25"', '"STRLEN", "str"',
        '"BLMPOP", 0, 1, "nolist", "LEFT"', '"BZMPOP", 0, 1, "nozset", "MIN"',
        '"PUBLISH", "ch", "m"', '"ZSCAN", "z", 0', '"HSCAN", "h", 0', '"SSCAN", "s", 0',
        '"DBSIZE"', '"SET", "q3", "v", "NX"',
    ]

    def test_describe_each_reply_type(self):
        for call in self.CALLS:
            for setresp in (2, 3):
                self.describe(f"redis.call({call})", setresp=setresp, resp=2)

    # Commands whose modules or features Lunar's default build may lack (streams, LOLWUT):
    # kept apart so their failures read as missing commands, not conversion bugs.
    OUTSIDE_CORE = ['"XREAD", "STREAMS", "nostream", "0"',
                    '"LOLWUT", "VERSION", "5", "1", "1", "1"']

    @redis_only(MISSING)
    def test_replies_of_commands_outside_lunar_core(self):
        for call in self.OUTSIDE_CORE:
            for setresp in (2, 3):
                self.describe(f"redis.call({call})", setresp=setresp, resp=2)
                self.ev(f"redis.setresp({setresp}) return redis.call({call})")
        self.ev("redis.setresp(3) local r = redis.call('LOLWUT', 'VERSION', '5', '1', '1', '1') "
                "return {type(r), type(r.verbatim_string), r.verbatim_string.format}")

    def test_round_trip_each_reply_type(self):
        # The converted value returned as is: RESP -> Lua -> RESP.
        for call in self.CALLS:
            for pre in ("", "redis.setresp(3) "):
                self.ev(pre + f"return redis.call({call})")

    def test_round_trip_unordered(self):
        for call in ['"SMEMBERS", "s3"', '"HGETALL", "h3"', '"SUNION", "s3", "s"',
                     '"HKEYS", "h3"', '"KEYS", "*"', '"CONFIG", "GET", "maxmemory*"']:
            for pre in ("", "redis.setresp(3) "):
                self.ev(pre + f"return redis.pcall({call})", normalize=order_free)
                self.ev(f"-- {pre}d({call})" + DESCRIBE_UNORDERED + pre
                        + f"return d(redis.pcall({call}))")

    def test_setresp3_types_inside_lua(self):
        self.evs([
            "redis.setresp(3) local r = redis.call('ZSCORE', 'z', 'm') "
            "return {type(r), type(r.double), tostring(r.double)}",
            "redis.setresp(3) local r = redis.call('HGETALL', 'h') return {type(r.map), r.map.f}",
            "redis.setresp(3) local r = redis.call('SMEMBERS', 's') "
            "return {type(r.set), tostring(r.set.a)}",
            "redis.setresp(3) return tostring(redis.call('GET', 'nokey') == nil)",
            "redis.setresp(2) return tostring(redis.call('GET', 'nokey') == false)",
            "return type(redis.call('GET', 'nokey'))",
            "return redis.call('PING').ok",
            "local r = redis.pcall('INCR', 'str') return {type(r), r.err}",
        ])

    def test_numbers_and_doubles_from_replies(self):
        self.evs([
            "return redis.call('INCRBY', 'big', '9007199254740993')",
            "return tostring(redis.call('INCRBY', 'big2', '9223372036854775807'))",
            "return redis.call('INCRBY', 'big3', '9223372036854775807')",
        ], resp=2)
        for score in ("0.1", "inf", "-inf", "1e300", "-0.0", "3", "1.5e-10", "123456789.125"):
            self.ev(f"redis.call('ZADD', 'zz', '{score}', 'm') redis.setresp(3) "
                    "return redis.call('ZSCORE', 'zz', 'm')")
            self.ev(f"redis.call('ZADD', 'zz', '{score}', 'm') redis.setresp(3) "
                    "return tostring(redis.call('ZSCORE', 'zz', 'm').double)")

    def test_null_inside_arrays(self):
        # A RESP3 null in an array becomes nil, which ends the Lua array; RESP2's is false.
        self.evs(["redis.setresp(3) return redis.call('MGET', 'str', 'nokey', 'str')",
                  "return redis.call('MGET', 'str', 'nokey', 'str')",
                  "return #redis.call('MGET', 'str', 'nokey', 'str')"])

    @redis_only(LUAJIT + ": # of a table with a hole is another border")
    def test_length_of_array_with_null(self):
        self.ev("redis.setresp(3) return #redis.call('MGET', 'str', 'nokey', 'str')")

    def test_info_is_verbatim_under_setresp3(self):
        self.ev("redis.setresp(3) local r = redis.call('INFO', 'keyspace') "
                "return {type(r), type(r.verbatim_string), r.verbatim_string.format}")
        self.ev("local r = redis.call('INFO', 'keyspace') return type(r)")

    def test_time_inside_script(self):
        # TIME is allowed; its reply converts to two strings.
        self.ev("local t = redis.call('TIME') return {#t, type(t[1]), type(t[2])}")


# ------------------------------------------------------------------------------------------------
# redis.call / redis.pcall errors
# ------------------------------------------------------------------------------------------------


class TestCallErrors(ScriptTest):

    def test_call_argument_errors(self):
        self.evs([
            "return redis.call()", "return redis.call('nosuch')", "return redis.call('GET')",
            "return redis.call('GET', 'a', 'b')", "return redis.call('GET', {})",
            "return redis.call('GET', nil)", "return redis.call('GET', true)",
            "return redis.call(5)", "return redis.call({})", "return redis.call(nil)",
            "return redis.call('SET', 'a', function() end)",
        ])

    def test_pcall_argument_errors(self):
        self.evs([
            "return redis.pcall()", "return redis.pcall('nosuch')", "return redis.pcall('GET')",
            "return redis.pcall('GET', {})", "return redis.pcall('ECHO')",
            "local r = redis.pcall('nosuch') return r.err",
            "local r = redis.pcall('GET', {}) return r.err",
        ])

    def test_number_arguments(self):
        self.evs([
            "redis.call('SET', 'a', 1.5) return redis.call('GET', 'a')",
            "redis.call('SET', 'a', 1e20) return redis.call('GET', 'a')",
            "redis.call('SET', 'a', -0) return redis.call('GET', 'a')",
            "redis.call('SET', 'a', 3.99) return redis.call('GET', 'a')",
            "redis.call('SET', 'a', 0.1) return redis.call('GET', 'a')",
            "redis.call('SET', 'a', -17) return redis.call('GET', 'a')",
            "redis.call('SET', 'a', 2^53) return redis.call('GET', 'a')",
            "redis.call('SET', 'a', 1/3) return redis.call('GET', 'a')",
            "return redis.call('GET', 5)", "return redis.call('ECHO', 1.5)",
            "return redis.call('ECHO', 123456789012)", "return redis.call('ECHO', '')",
            "return redis.call('INCRBY', 'n', 2.0)",
        ])

    def test_command_errors_raise(self):
        self.evs([
            "redis.call('SET', 'lst', 'x') return redis.call('LPUSH', 'lst', 'y')",
            "redis.call('SET', 's', 'x') return redis.call('INCR', 's')",
            "return redis.call('SELECT', 100)",
            "return redis.call('SET', 'a', 'b', 'EX', 0)",
            "return redis.call('OBJECT', 'FREQ', 'x')",
            "local x = 1\nlocal y = 2\nredis.call('nosuch')\nreturn 1",
            "local function f()\n  local r = redis.call('INCR', 's')\n  return r\nend\n"
            "redis.call('SET', 's', 'x')\nlocal v = f()\nreturn v",
        ])

    @redis_only(LUAJIT)
    def test_error_line_through_tail_call(self):
        # The error's line is where redis.call ran (line 2), though f was reached by a tail call
        # (docs/compatibility.md lists this as a LuaJIT difference in Lunar).
        self.ev("local function f()\n  return redis.call('INCR', 's')\nend\n"
                "redis.call('SET', 's', 'x')\nreturn f()")

    def test_pcall_returns_error_tables(self):
        self.evs([
            "redis.call('SET', 's', 'x') return redis.pcall('INCR', 's')",
            "redis.call('SET', 's', 'x') local r = redis.pcall('INCR', 's') "
            "return {type(r), r.err}",
            "redis.call('SET', 'lst', 'x') return redis.pcall('LPUSH', 'lst', 'y')",
            "return {redis.pcall('nosuch'), 'after'}",
        ])

    def test_pcall_error_table_fields(self):
        # Redis 7.0 adds ignore_error_stats_update=true to the table redis.pcall returns.
        self.evs([
            "local r = redis.pcall('nosuch') local t = {} for k in pairs(r) do t[#t+1] = k end "
            "table.sort(t) return t",
            "redis.call('SET', 's', 'x') local r = redis.pcall('INCR', 's') local t = {} "
            "for k in pairs(r) do t[#t+1] = k end table.sort(t) return t",
            "local r = redis.error_reply('x') local t = {} for k in pairs(r) do t[#t+1] = k end "
            "table.sort(t) return t",
            "local r = redis.status_reply('x') local t = {} for k in pairs(r) do t[#t+1] = k end "
            "table.sort(t) return t",
        ])

    def test_lua_pcall_of_redis_call(self):
        self.evs([
            "local ok, e = pcall(redis.call, 'nosuch') return {tostring(ok), type(e), e}",
            "local ok, e = pcall(redis.call, 'GET') return {tostring(ok), type(e), e}",
            "redis.call('SET', 's', 'x') local ok, e = pcall(redis.call, 'INCR', 's') "
            "return {tostring(ok), type(e), e}",
            "local ok, e = pcall(redis.call, 'nosuch') return e.err",
            "local ok, e = pcall(error, 'x') return e",
            "local ok, e = pcall(error, {err='X y'}) return e.err",
        ])

    def test_noscript_commands(self):
        cmds = ["'CONFIG', 'GET', 'maxmemory'", "'BLPOP', 'nolist', 0", "'BRPOP', 'nolist', 0",
                "'BZPOPMIN', 'nz', 0", "'BZPOPMAX', 'nz', 0",
                "'BLMOVE', 'a', 'b', 'LEFT', 'LEFT', 0", "'BRPOPLPUSH', 'a', 'b', 0",
                "'SUBSCRIBE', 'c'", "'PSUBSCRIBE', 'c'", "'UNSUBSCRIBE'",
                "'MULTI'", "'EXEC'", "'DISCARD'", "'WATCH', 'x'", "'UNWATCH'",
                "'EVAL', 'return 1', 0", "'EVALSHA', 'x', 0", "'SCRIPT', 'FLUSH'",
                "'SCRIPT', 'LOAD', 'return 1'", "'FUNCTION', 'LIST'", "'FCALL', 'f', 0",
                "'SHUTDOWN'", "'HELLO'", "'AUTH', 'x'", "'CLIENT', 'INFO'",
                "'CLIENT', 'SETNAME', 'x'", "'RESET'", "'QUIT'", "'DEBUG', 'SLEEP', 0"]
        for c in cmds:
            self.ev(f"return redis.pcall({c})", resp=2)
            self.ev(f"return redis.call({c})", resp=2)

    @redis_only(MISSING)
    def test_noscript_commands_outside_lunar_core(self):
        # Commands Lunar's default build may not have (persistence, replication, ACL).
        for c in ["'WAIT', 0, 0", "'SAVE'", "'MONITOR'", "'ACL', 'WHOAMI'", "'SYNC'"]:
            self.ev(f"return redis.pcall({c})", resp=2)
            self.ev(f"return redis.call({c})", resp=2)

    @redis_only(MISSING)
    def test_stream_blocking_options_refused(self):
        self.evs([
            "return redis.pcall('XREAD', 'BLOCK', '0', 'STREAMS', 'nx', '$')",
            "return redis.pcall('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 'nx', '>')",
            "return redis.call('XREAD', 'STREAMS', 'nx', '0')",
        ])

    def test_blocking_commands_do_not_block(self):
        self.evs([
            "return redis.call('BLMPOP', 0, 1, 'nl', 'LEFT')",
            "return redis.call('BZMPOP', 0, 1, 'nz', 'MIN')",
            "redis.call('RPUSH', 'bl', 'a') return redis.call('BLMPOP', 0, 1, 'bl', 'LEFT')",
        ])


# ------------------------------------------------------------------------------------------------
# Script errors: compile, runtime, error(), error_reply/status_reply
# ------------------------------------------------------------------------------------------------


class TestScriptErrors(ScriptTest):

    def test_syntax_errors(self):
        self.evs(["return 1 +", "return a b", "return +", "local = 1", "return 'abc",
                  "end", "if true then", "x = = 1", "return 1\nreturn 2",
                  "local a = 1\n\nlocal b = (\n", "return {1, 2", "return \"a\nb\""])

    def test_runtime_errors_with_line_numbers(self):
        self.evs([
            "local t = nil; return t.x", "return 1 + {}", "return #nil", "return nosuch()",
            "local t = {} t.x.y = 1", "return ('x'):bad()", "local v = math.floor('x') return v",
            "local v = string.rep() return v", "local v = cjson.encode() return v",
            "local a = 1\nlocal b = 2\nlocal c = nil\nreturn c.d",
            "local function f()\n  error('deep')\nend\nlocal function g() f() end\ng()",
            "return tonumber({}) + 1", "return 'a' .. {}", "return 1 < 'x'",
        ])

    def test_errors_in_tail_calls(self):
        # A C function called in tail position: Redis still names it in the message
        # (docs/compatibility.md: LuaJIT drops the caller's frame on tail calls).
        self.evs(["return math.floor('x')", "return string.rep()", "return cjson.encode()",
                  "return math.random(0)", "return bit.band()", "return cjson.decode('[1,')"])

    @redis_only(LUAJIT + ": a chain of tail calls leaves no frame to name the line")
    def test_errors_in_chained_tail_calls(self):
        self.evs(["local function f()\n  return tonumber()\nend\nreturn f()"])

    def test_error_function(self):
        self.evs([
            "error('boom')", "error('boom', 0)", "error('boom', 2)", "error()", "error(nil)",
            "error(5)", "error(true)", "error({err='X custom'})", "error({err=5})",
            "error(redis.error_reply('MY code'))", "error(redis.error_reply('ERR'))",
            "error({err='ERR with code'})", "error('')",
        ])

    def test_error_and_status_reply(self):
        self.evs([
            "return redis.error_reply('My Error')", "return redis.error_reply('-My Error')",
            "return redis.error_reply('ERR x')", "return redis.error_reply('')",
            "return redis.status_reply('Fine')", "return redis.status_reply('')",
            "return redis.error_reply()", "return redis.status_reply()",
            "return redis.error_reply(1)", "return redis.status_reply({})",
            "return redis.error_reply('a', 'b')", "return redis.status_reply('a', 'b')",
            "return redis.error_reply('e1').err", "return redis.status_reply('s1').ok",
            "return {redis.error_reply('e1'), redis.status_reply('s1'), 3}",
            "return {redis.error_reply('My Error')}", "return {{err='My Error'}}",
        ])

    @redis_only(LUAJIT)
    def test_lua51_lexer(self):
        # Lua 5.1's lexer: no \x, \u{} or \z escapes (the letter is kept), no goto, no 64-bit
        # integer literals, no // operator, no '#' line at the start (LuaJIT accepts these).
        self.evs(["#comment\nreturn 1", 'return "\\x41"', 'return "\\u{41}"', 'return "a\\z   b"', "goto x",
                  "return 5 // 2", "return 1LL", "return 1ULL", "return 0x1p4", "return 0x10",
                  "local a <const> = 1 return a", "::label:: return 1", "return 1i"])

    def test_errors_with_shebang_lines(self):
        self.evs(["#!lua\nreturn x +", "#!lua\nerror('boom')", "#!lua\n\nerror('boom')",
                  "#!lua\nredis.call('nosuch')"])

    def test_loadstring_errors(self):
        self.evs([
            "local f, e = loadstring('return +') return e",
            "local f = loadstring('return 5') return f()",
            "local f = loadstring('x = 5') return f()",
            "local f = loadstring('error(\"in chunk\")') return f()",
        ])


# ------------------------------------------------------------------------------------------------
# EVAL / EVALSHA / SCRIPT
# ------------------------------------------------------------------------------------------------

SHA_RETURN_1 = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"   # sha1("return 1")


class TestScriptCommands(ScriptTest):

    def setUp(self):
        super().setUp()
        self.check("SCRIPT", "FLUSH")

    def test_eval_arity(self):
        self.check_all([("EVAL",), ("EVAL", "return 1"), ("EVALSHA",), ("EVALSHA", "x"),
                        ("EVAL_RO", "return 1"), ("EVALSHA_RO", "x")])

    def test_numkeys(self):
        for cmd in ("EVAL", "EVAL_RO"):
            self.check_all([
                (cmd, "return 1", -1), (cmd, "return 1", 1), (cmd, "return 1", 2, "a"),
                (cmd, "return 1", "x"), (cmd, "return 1", "1.5"), (cmd, "return 1", ""),
                (cmd, "return 1", "99999999999999999999"), (cmd, "return 1", " 0"),
                (cmd, "return 1", "0 "), (cmd, "return 1", "+0"), (cmd, "return 1", "00"),
                (cmd, "return 1", "-0"), (cmd, "return 1", "-9223372036854775808"),
                (cmd, "return 1", "9223372036854775807"),
            ])
        self.check("SCRIPT", "LOAD", "return 1")
        self.check_all([("EVALSHA", SHA_RETURN_1, -1), ("EVALSHA", SHA_RETURN_1, 1),
                        ("EVALSHA", SHA_RETURN_1, "x"), ("EVALSHA_RO", SHA_RETURN_1, -1)])

    def test_numkeys_checked_before_noscript(self):
        self.check_all([("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", -1),
                        ("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", 5),
                        ("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "x")])

    def test_keys_and_argv(self):
        s = "return {#KEYS, #ARGV, KEYS[1], KEYS[2], ARGV[1], ARGV[2]}"
        self.ev(s, "a", "b", "c", "d", numkeys=2)
        self.ev(s, "a", "b", "c", "d", numkeys=0)
        self.ev(s, "a", "b", "c", "d", numkeys=4)
        self.ev(s)
        self.ev("return {type(KEYS), type(ARGV), #KEYS + #ARGV}")
        self.ev("return KEYS", "k1", "k2", numkeys=2)
        self.ev("return ARGV", "k1", "a1", "", "a3", numkeys=1)
        self.ev("KEYS[1] = 'changed' return KEYS[1]", "a", numkeys=1)
        self.ev("return KEYS", numkeys=0)

    def test_undeclared_keys_allowed(self):
        self.ev("redis.call('SET', 'undeclared', 'v') return redis.call('GET', 'undeclared')")
        self.check("GET", "undeclared")

    def test_evalsha(self):
        self.check_all([
            ("EVALSHA", SHA_RETURN_1, 0), ("EVALSHA", SHA_RETURN_1.upper(), 0),
            ("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", 0), ("EVALSHA", "abc", 0),
            ("EVALSHA", "x" * 41, 0), ("EVALSHA", "", 0),
            ("EVALSHA_RO", SHA_RETURN_1, 0),
            ("SCRIPT", "LOAD", "return 1"),
            ("EVALSHA", SHA_RETURN_1, 0), ("EVALSHA", SHA_RETURN_1.upper(), 0),
            ("EVALSHA", SHA_RETURN_1[:20].upper() + SHA_RETURN_1[20:], 0),
            ("EVALSHA_RO", SHA_RETURN_1, 0), ("EVALSHA", SHA_RETURN_1 + "0", 0),
        ])
        self.check_resp3("EVALSHA", SHA_RETURN_1, 0)

    def test_eval_caches_script(self):
        self.check_all([("SCRIPT", "EXISTS", SHA_RETURN_1), ("EVAL", "return 1", 0),
                        ("SCRIPT", "EXISTS", SHA_RETURN_1), ("EVALSHA", SHA_RETURN_1, 0)])

    def test_failed_compile_not_cached(self):
        # sha1("return +")
        self.check_all([("EVAL", "return +", 0), ("SCRIPT", "LOAD", "return +")])
        sha = self.check("EVAL", "return redis.sha1hex('return +')", 0)
        self.check("SCRIPT", "EXISTS", sha)
        self.check("EVALSHA", sha, 0)

    def test_runtime_error_script_stays_cached(self):
        self.check("EVAL", "error('x')", 0)
        sha = self.check("EVAL", "return redis.sha1hex(\"error('x')\")", 0)
        self.check("SCRIPT", "EXISTS", sha)
        self.check("EVALSHA", sha, 0)

    def test_script_load_sha_equals_sha1hex(self):
        for body in ("return 1", "return redis.call('PING')", "", "#!lua\nreturn 2",
                     "return 'é'", "-- comment"):
            sha = self.check("SCRIPT", "LOAD", body)
            lua = body.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
            self.check("EVAL", f"return redis.sha1hex('{lua}')", 0)
            mine = parse(self._call(self.lunar, 2, ["EVAL", f"return redis.sha1hex('{lua}')", 0]))
            self.assertEqual(sha, mine, f"SCRIPT LOAD sha vs redis.sha1hex of {body!r}")
            self.check("EVALSHA", sha, 0)
            self.check("SCRIPT", "EXISTS", sha)

    def test_script_exists(self):
        self.check("SCRIPT", "LOAD", "return 1")
        self.check("SCRIPT", "LOAD", "return 2")
        self.check_both_protocols("SCRIPT", "EXISTS", SHA_RETURN_1, SHA_RETURN_1.upper(),
                                  "nope", "ffffffffffffffffffffffffffffffffffffffff",
                                  "7f923f79fe76194c868d7e1d0820de36700eb649", "")
        self.check_all([("SCRIPT", "EXISTS"), ("SCRIPT", "EXISTS", SHA_RETURN_1)])

    def test_script_load_errors(self):
        self.check_all([("SCRIPT", "LOAD"), ("SCRIPT", "LOAD", "a", "b"),
                        ("SCRIPT", "LOAD", "return +"), ("SCRIPT", "LOAD", "#!lua flags=x\n1"),
                        ("SCRIPT", "LOAD", "#!js\nreturn 1"), ("SCRIPT", "LOAD", "#!lua"),
                        ("SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 1")])

    def test_script_flush(self):
        self.check_all([
            ("SCRIPT", "LOAD", "return 1"), ("SCRIPT", "FLUSH"),
            ("SCRIPT", "EXISTS", SHA_RETURN_1), ("EVALSHA", SHA_RETURN_1, 0),
            ("SCRIPT", "LOAD", "return 1"), ("SCRIPT", "FLUSH", "ASYNC"),
            ("SCRIPT", "EXISTS", SHA_RETURN_1),
            ("SCRIPT", "LOAD", "return 1"), ("SCRIPT", "FLUSH", "sync"),
            ("SCRIPT", "EXISTS", SHA_RETURN_1), ("SCRIPT", "FLUSH", "async"),
            ("SCRIPT", "FLUSH", "bad"), ("SCRIPT", "FLUSH", "SYNC", "ASYNC"),
            ("SCRIPT", "FLUSH", "SYNC", "SYNC"),
        ])

    def test_script_flush_resets_lua_state(self):
        # Functions loaded with SCRIPT LOAD vanish after FLUSH; a new EVAL works.
        self.check_all([("EVAL", "return 1", 0), ("SCRIPT", "FLUSH"), ("EVAL", "return 2", 0)])

    def test_script_subcommands(self):
        self.check_all([("SCRIPT",), ("SCRIPT", "NOSUCH"), ("SCRIPT", "KILL"),
                        ("SCRIPT", "KILL", "x"), ("SCRIPT", "DEBUG", "bad"),
                        ("SCRIPT", "DEBUG"), ("SCRIPT", "help", "x")])
        self.check("SCRIPT", "HELP")
        self.check_resp3("SCRIPT", "HELP")

    def test_script_kill_not_busy_resp3(self):
        self.check_resp3("SCRIPT", "KILL")

    def test_eval_in_multi(self):
        c = {s.label: s.client() for s in (self.lunar, self.redis)}
        try:
            replies = {}
            for label, cl in c.items():
                replies[label] = cl.pipeline([
                    ("MULTI",), ("EVAL", "return redis.call('INCR', KEYS[1])", 1, "m"),
                    ("EVAL", "return {err='in tx'}", 0), ("EVAL", "error('boom')", 0),
                    ("EXEC",)])
            self.assertEqual(replies["lunar"], replies["redis"])
        finally:
            for cl in c.values():
                cl.close()


class TestDatabases(ScriptTest):

    def test_script_runs_in_callers_db(self):
        for s in (self.lunar, self.redis):
            for cl in (self.client(s, 2), self.client(s, 3)):
                cl.call("SELECT", "3")
        self.check_all(["SET dbk v3"])
        self.ev("return redis.call('GET', 'dbk')")
        self.ev("redis.call('SELECT', 1) redis.call('SET', 'dbk', 'v1') "
                "return redis.call('GET', 'dbk')")
        self.check_all(["GET dbk"])  # the caller stays in db 3
        self.ev("return redis.call('GET', 'dbk')")  # a new script starts in the caller's db

    def test_select_inside_script(self):
        self.ev("redis.call('SELECT', 1) redis.call('SET', 'dbk', 'v') "
                "return redis.call('GET', 'dbk')")
        self.check_all(["GET dbk", "SELECT 1", "GET dbk", "SELECT 0"])
        self.ev("return redis.call('SELECT', 100)")
        self.ev("return redis.pcall('SELECT', 'x')")


class TestFrozenTime(ScriptTest):
    """Key expiry uses the time the script started: a key set to expire in 1 ms is still there
    20 ms later inside the same script."""

    def test_expiry_frozen_during_script(self):
        self.ev("redis.call('SET', 'k', 'v', 'PX', 1) local t0 = redis.call('TIME') "
                "local function now(t) return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 end "
                "while now(redis.call('TIME')) - now(t0) < 20 do end "
                "return {redis.call('GET', 'k'), redis.call('EXISTS', 'k'), "
                "redis.call('PTTL', 'k')}", resp=2)

    def test_time_advances_between_calls(self):
        # TIME itself is not frozen in 7.0: a later call inside the script reads a later time.
        self.ev("local a = redis.call('TIME') local b a = a[1] * 1000000 + a[2] "
                "repeat b = redis.call('TIME') b = b[1] * 1000000 + b[2] until b > a "
                "return 'advanced'", resp=2)


class TestOom(ScriptTest):
    """maxmemory reached: writes inside scripts fail with -OOM; a shebang script without
    allow-oom or no-writes is refused before it runs."""

    @redis_only("maxmemory is not enforced yet (the performance and memory issue)")
    def test_scripts_over_maxmemory(self):
        self.check("SET", "pre", "v")
        self.check("CONFIG", "SET", "maxmemory", "1")
        self.addCleanup(self.both, "CONFIG", "SET", "maxmemory", "0")
        self.evs([
            "return redis.call('SET', 'a', 'b')", "return redis.pcall('SET', 'a', 'b')",
            "return redis.call('GET', 'pre')", "return redis.call('DEL', 'nokey')",
            "#!lua\nreturn redis.call('GET', 'pre')",
            "#!lua flags=no-writes\nreturn redis.call('GET', 'pre')",
            "#!lua flags=allow-oom\nreturn redis.call('SET', 'a', 'b')",
            "#!lua flags=allow-oom\nreturn redis.call('GET', 'pre')", "return 1",
            "local x = redis.call('GET', 'pre') return redis.call('SET', 'a', 'b')",
        ])
        self.check("EVAL_RO", "return redis.call('GET', 'pre')", 0)


class TestInteractions(ScriptTest):

    def test_keyspace_events_from_script(self):
        self.check_keyevents([("EVAL", "redis.call('SET', 'a', '1') redis.call('EXPIRE', 'a', 100) "
                               "redis.call('DEL', 'a') redis.call('LPUSH', 'l', 'x') "
                               "redis.call('SET', 'zz-end', '1')", 0)])

    def test_script_write_breaks_watch(self):
        for s in (self.lunar, self.redis):
            w, o = s.client(), s.client()
            try:
                self.assertEqual(w.call("WATCH", "wk"), b"+OK\r\n")
                o.call("EVAL", "redis.call('SET', 'wk', '1')", 0)
                replies = w.pipeline([("MULTI",), ("PING",), ("EXEC",)])
                self.assertEqual(replies, [b"+OK\r\n", b"+QUEUED\r\n", b"*-1\r\n"], s.label)
                self.assertEqual(w.call("WATCH", "wk"), b"+OK\r\n")
                o.call("EVAL", "return redis.call('GET', 'wk')", 0)
                replies = w.pipeline([("MULTI",), ("PING",), ("EXEC",)])
                self.assertEqual(replies, [b"+OK\r\n", b"+QUEUED\r\n", b"*1\r\n+PONG\r\n"],
                                 s.label)
            finally:
                w.close()
                o.close()

    def test_script_sees_and_sets_expiry(self):
        self.ev("redis.call('SET', 'e', 'v', 'EX', 100) return redis.call('TTL', 'e')")
        self.check("TTL", "e")
        self.ev("return redis.call('PERSIST', 'e')", resp=2)
        self.check("TTL", "e")


class TestRandom(ScriptTest):
    """math.random: Redis's own PRNG, state kept across scripts; identical sequences on freshly
    started servers. One test only, so it runs on fresh servers."""

    def test_random_sequences(self):
        s = "return {math.random(100), math.random(100), tostring(math.random())}"
        self.ev(s, resp=2)
        self.ev(s, resp=2)
        self.ev("math.randomseed(42) return {math.random(100), math.random(1, 1000), "
                "tostring(math.random()), math.random(5, 5)}", resp=2)
        self.ev("math.randomseed(42) return math.random(1000000)", resp=2)
        self.evs(["local v = math.random(0) return v", "local v = math.random(5, 1) return v",
                  "local v = math.random(1, 2, 3) return v", "return type(math.random())"])


# ------------------------------------------------------------------------------------------------
# The redis.* API
# ------------------------------------------------------------------------------------------------


class TestRedisApi(ScriptTest):

    def test_sha1hex(self):
        self.evs(["return redis.sha1hex('')", "return redis.sha1hex('abc')",
                  "return redis.sha1hex()", "return redis.sha1hex(1)", "return redis.sha1hex(1.5)",
                  "return redis.sha1hex({})", "return redis.sha1hex('a', 'b')",
                  "return redis.sha1hex(nil)", "return redis.sha1hex(string.rep('x', 100000))",
                  "return redis.sha1hex('a\\0b')"])

    def test_log(self):
        self.evs([
            "redis.log(redis.LOG_WARNING, 'x') return 1", "redis.log() return 1",
            "redis.log(redis.LOG_WARNING) return 1", "redis.log(99, 'x') return 1",
            "redis.log(-1, 'x') return 1", "redis.log('a', 'x') return 1",
            "redis.log(redis.LOG_NOTICE, 'x', {}) return 1",
            "redis.log(redis.LOG_DEBUG, 'a', 'b', 3) return 1",
            "return redis.pcall(redis.log)",
            "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}",
        ])

    def test_setresp(self):
        self.evs(["redis.setresp(4) return 1", "redis.setresp() return 1",
                  "redis.setresp('3') return 1", "redis.setresp(3, 4) return 1",
                  "redis.setresp('x') return 1", "redis.setresp(1) return 1",
                  "redis.setresp(2.5) return 1", "return redis.setresp(2)"])

    def test_set_repl(self):
        self.evs([
            "redis.set_repl(99) return 1", "redis.set_repl() return 1",
            "redis.set_repl('x') return 1", "redis.set_repl(redis.REPL_ALL) return 1",
            "redis.set_repl(redis.REPL_NONE) return 1", "redis.set_repl(-1) return 1",
            "redis.set_repl(1, 2) return 1", "return redis.set_repl(redis.REPL_AOF)",
            "return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, "
            "redis.REPL_ALL}",
        ])

    def test_replicate_commands(self):
        self.evs(["return redis.replicate_commands()",
                  "return type(redis.replicate_commands())"])

    def test_version(self):
        self.evs(["return redis.REDIS_VERSION", "return redis.REDIS_VERSION_NUM",
                  "return type(redis.REDIS_VERSION_NUM)"])
        # The number encodes the string as 0x00MMmmpp.
        for s in (self.lunar, self.redis):
            v = parse(self._call(s, 2, ["EVAL", "return {redis.REDIS_VERSION, "
                                        "redis.REDIS_VERSION_NUM}", 0]))
            self.assertIsInstance(v, list, f"{s.label}: {v!r}")
            major, minor, patch = (int(x) for x in v[0].split(b"."))
            self.assertEqual(v[1], (major << 16) | (minor << 8) | patch, s.label)

    def test_debugger_stubs(self):
        self.evs(["return redis.breakpoint()", "return redis.debug('x')",
                  "return {type(redis.breakpoint), type(redis.debug)}",
                  "return redis.debug()", "return redis.debug('a', {}, 3)"])

    def test_acl_check_cmd(self):
        self.evs([
            "return redis.acl_check_cmd('GET', 'a')", "return redis.acl_check_cmd('nosuch')",
            "return redis.acl_check_cmd()", "return redis.acl_check_cmd('GET')",
            "return redis.acl_check_cmd({})", "return redis.acl_check_cmd('SET', 'a', 'b')",
            "return redis.acl_check_cmd('get', 'a')", "return redis.acl_check_cmd(5)",
        ])

    def test_api_listing(self):
        self.ev("local t = {} for k, v in pairs(redis) do t[#t + 1] = k .. ':' .. type(v) end "
                "table.sort(t) return t")


# ------------------------------------------------------------------------------------------------
# Read-only scripts: EVAL_RO, EVALSHA_RO, shebang flags
# ------------------------------------------------------------------------------------------------


class TestReadOnly(ScriptTest):

    def test_eval_ro(self):
        self.check_all([
            ("EVAL_RO", "return redis.call('SET', 'a', 'b')", 0),
            ("EVAL_RO", "return redis.call('GET', 'a')", 0),
            ("EVAL_RO", "return redis.pcall('SET', 'a', 'b')", 0),
            ("EVAL_RO", "return redis.call('SET', KEYS[1], 'b')", 1, "a"),
            ("EVAL_RO", "local r = redis.pcall('DEL', 'a') return r.err", 0),
            ("EVAL_RO", "return redis.call('PUBLISH', 'c', 'm')", 0),
            ("EVAL_RO", "return redis.call('nosuch')", 0),
            ("EVAL_RO", "return redis.call('EXPIRE', 'a', 10)", 0),
            ("GET", "a"),
        ])
        self.check_resp3("EVAL_RO", "return redis.call('SET', 'a', 'b')", 0)

    def test_evalsha_ro(self):
        sha = self.check("SCRIPT", "LOAD", "return redis.call('SET', 'a', 'b')")
        self.check_all([("EVALSHA_RO", sha, 0), ("GET", "a"), ("EVALSHA", sha, 0),
                        ("GET", "a")])

    def test_shebang(self):
        self.evs([
            "#!lua flags=no-writes\nreturn redis.call('SET', 'a', 'b')",
            "#!lua flags=no-writes\nreturn redis.call('GET', 'a')",
            "#!lua flags=no-writes\nreturn redis.pcall('SET', 'a', 'b')",
            "#!lua flags=no-writes\nreturn redis.pcall('nosuch')",
            "#!lua flags=x\nreturn 1", "#!lua flags=no-writes,x\nreturn 1",
            "#!lua\nreturn 1", "#!js\nreturn 1", "#!lua name=x\nreturn 1",
            "#!lua flags=\nreturn 1",
            "#!lua flags=allow-oom,no-writes,allow-stale,no-cluster,allow-cross-slot-keys\n"
            "return 1",
            "#!lua flags=no-writes", "#!lua", "#!", "#!lua  flags=no-writes\nreturn 1",
            "#!lua flags=no-writes extra\nreturn 1", "#! lua\nreturn 1", "#!LUA\nreturn 1",
            "#!lua flags=NO-WRITES\nreturn 1", "#!lua\nreturn redis.call('SET', 'a', 'b')",
            "#!lua flags=no-writes,no-writes\nreturn 1", "#!lua flags=,no-writes\nreturn 1",
            "#!lua flags=no-writes,\nreturn 1", "#!lua flags=no-writes\r\nreturn 1",
            "#!lua\n#!lua\nreturn 1", "#!lua flags=no-writes\nreturn #KEYS",
            "#!lua flags=allow-cross-slot-keys\nreturn 1",
        ])
        self.ev("#!lua flags=no-writes\nreturn redis.call('SET', KEYS[1], 'b')", "a", numkeys=1)

    def test_shebang_with_ro_commands(self):
        self.check_all([
            ("EVAL_RO", "#!lua\nreturn redis.call('SET', 'a', 'b')", 0),
            ("EVAL_RO", "#!lua\nreturn 1", 0),
            ("EVAL_RO", "#!lua flags=no-writes\nreturn 1", 0),
            ("EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('SET', 'a', 'b')", 0),
            ("EVAL_RO", "#!lua flags=x\nreturn 1", 0),
            ("GET", "a"),
        ])


# ------------------------------------------------------------------------------------------------
# The sandbox
# ------------------------------------------------------------------------------------------------


class TestSandbox(ScriptTest):

    def test_globals_read_only(self):
        self.evs([
            "x = 1", "_G.x = 1", "function f() end", "rawset(_G, 'x', 1) return 1",
            "setmetatable(_G, nil) return 1", "setmetatable(_G, {}) return 1",
            "KEYS = 1", "ARGV = {}", "_G._G = 1", "redis = nil", "cjson = 1",
            "local t = getmetatable(_G); t.__newindex = nil; x = 5; return x",
            "return pcall(function() x = 1 end)",
            "local ok, e = pcall(function() x = 1 end) return e",
            "local f = loadstring('x = 5') return f()",
        ])

    def test_library_tables_read_only(self):
        self.evs([
            "redis.call = nil", "redis.x = 1", "local t = redis; t.call = 1 return 1",
            "cjson.encode = nil", "math.x = 1", "string.x = 1", "table.insert = nil",
            "coroutine.x = 1", "bit.x = 1", "struct.x = 1", "cmsgpack.x = 1",
            "setmetatable(redis, nil) return 1", "rawset(redis, 'call', 1) return 1",
            "rawset(math, 'x', 1) return 1",
        ])

    def test_string_metatable(self):
        self.evs([
            "local mt = getmetatable(''); mt.__index = nil; return 1",
            "local mt = getmetatable(''); return type(mt.__index)",
            "getmetatable('').__index.upper = nil return 1",
            "return ('abc'):upper()",
            "getmetatable('').__add = function() return 1 end return 1",
        ])

    def test_nonexistent_globals(self):
        self.evs([
            "return nosuch", "return _G.nosuch", "return _G['nosuch']", "return nosuch.x",
            "nosuch()", "return rawget(_G, 'nosuch')",
            "return pcall(function() return nosuch end)",
            "return select(2, pcall(function() return nosuch end))",
            "local x = 5; return x", "local _G = 5 return _G",
        ])

    def test_absent_globals(self):
        for name in ("io", "os", "package", "require", "dofile", "loadfile", "print",
                     "setfenv", "getfenv", "debug", "module", "newproxy", "jit", "ffi", "utf8"):
            self.ev(f"return type({name})", resp=2)
        self.ev("return type(os.clock)", resp=2)

    def test_present_globals(self):
        for name in ("loadstring", "load", "gcinfo", "collectgarbage",
                     "coroutine", "unpack", "table.getn", "math.pow", "string.gfind", "bit",
                     "cjson", "cmsgpack", "struct", "_G", "rawset", "rawget", "setmetatable",
                     "xpcall", "bit.band", "math.mod", "table.foreach", "math.ldexp",
                     "select", "__redis__err__handler", "table.unpack", "math.log10",
                     "table.setn", "table.maxn", "string.format", "bit.tohex", "KEYS", "ARGV"):
            self.ev(f"return type({name})", resp=2)
        self.ev("return _VERSION", resp=2)

    def test_global_listing(self):
        for lib in ("_G", "string", "table", "math", "redis", "cjson", "bit", "struct",
                    "cmsgpack", "coroutine"):
            # string.dump is left out: Lunar does not have it (LuaJIT bytecode is unchecked).
            self.ev(f"local t = {{}} for k, v in pairs({lib}) do if k ~= 'dump' then "
                    f"t[#t + 1] = k .. ':' .. type(v) end end table.sort(t) return t", resp=2)

    def test_string_dump_absent(self):
        c = self.lunar.client()
        if harness.lunar_is_redis():
            self.assertEqual(parse(c.call("EVAL", "return type(string.dump)", "0")), b"function")
        else:
            self.assertEqual(parse(c.call("EVAL", "return type(string.dump)", "0")), b"nil")
        c.close()

    def test_bytecode_refused(self):
        self.evs([
            "local f, e = loadstring('\\27Lua') return {type(f), type(e)}",
            "local f, e = loadstring('\\27LJ\\2' .. string.rep('x', 40)) return {type(f), type(e)}",
            "local f, e = loadstring('\\27LJ\\1\\0') return type(f)",
            "local f, e = load('return 5') return e",
            "local f, e = load(function() return nil end) return type(f)",
        ])

    def test_allowed_library_calls(self):
        self.evs([
            "return cjson.encode({1, 2, 3})", "return cjson.decode('[1,2,3]')",
            "return cjson.encode({a = 1})", "return cjson.decode('{\"a\":5}').a",
            "return cmsgpack.unpack(cmsgpack.pack({1, 2, 3}))",
            "return {cmsgpack.unpack(cmsgpack.pack(1, 'a'))}",
            "return struct.unpack('>I2', struct.pack('>I2', 258))",
            "return bit.band(0xff, 0x0f)", "return bit.tohex(255)", "return bit.bxor(5, 3)",
            "return string.format('%5.2f|%d|%s', 3.14159, 42, 'x')",
            "return tostring(1e100)",
            "return tostring(1/3)", "return tostring(-0)", "return tostring(2^53)",
            "return tostring(12345678901234567890)", "return tostring(0.1)",
            "return string.format('%.17g', 0.1)", "return table.concat({1, 2, 3}, ',')",
            "return {string.byte('abc', 1, -1)}",
            "return select('#', 1, 2, 3)", "return {unpack({1, 2, 3})}",
            "local co = coroutine.wrap(function() coroutine.yield(1) return 2 end) "
            "return {co(), co()}",
            "return tostring(tonumber('0x10'))", "return tostring(tonumber('  12  '))",
            "return tostring(tonumber('1e2'))", "return tostring(tonumber('z', 36))",
            "return math.floor(-3.5)", "return math.fmod(7, 3)", "return math.max(1, 5, 3)",
            "return string.find('hello', 'l+')", "return {string.find('hello', 'l+')}",
            "return string.gsub('hello', 'l', 'L')", "return ('%d'):format(3)",
            "return #'abc'", "return -2^63 == math.floor(-2^63)",
        ])

    @redis_only(LUAJIT + ": %q writes \\0, string.rep takes a separator")
    def test_luajit_library_details(self):
        self.evs(["return string.format('%q', 'a\\0b\\n')", "return string.rep('ab', 3, ',')",
                  "return type(loadstring(string.dump(function() return 1 end)))"])

    def test_cjson_errors_and_edges(self):
        self.evs([
            "return cjson.decode('{')", "return cjson.encode(function() end)",
            "return cjson.encode({[1] = 1, [3] = 3})", "return cjson.encode(cjson.null)",
            "return cjson.encode('a\"b')", "return cjson.decode('null') == cjson.null",
            "return cjson.encode(0.1)", "return cjson.encode(1e300)",
            "return cjson.encode({})", "return cjson.decode('[]')",
        ])



# Scripts exercising cjson, cmsgpack, struct and bit, one per "====" line (Lua source as is).
LIBRARY_CASES = r"""
return cjson.encode({1, "a", true, false, cjson.null, 1.5, -0.1, 1e20, 123456789012345678})
====
return cjson.encode("a/b\\c\"d\n\t\1\127é")
====
return cjson.encode({[1]=1, [2]=2, [4]=4})
====
return cjson.encode({[1]=1, [20]=20})
====
return cjson.encode(1/0)
====
return cjson.encode(0/0)
====
return cjson.encode(3.14159265358979)
====
return cjson.encode(0.1 + 0.2)
====
return cjson.encode({{{{{{{{{{{}}}}}}}}}}})
====
local t = {} local c = t for i = 1, 1001 do c[1] = {} c = c[1] end return cjson.encode(t)
====
return cjson.decode('"\\u00e9\\u20ac\\ud83d\\ude00"')
====
return cjson.decode('[1, 2.5, -3e2, "x", true, false, null]')
====
return cjson.decode('{"a": [1, {"b": null}]}').a[2].b == cjson.null
====
return cjson.decode('[1,')
====
return cjson.decode('nul')
====
return cjson.decode('')
====
return cjson.decode('{"a":1}x')
====
return cjson.decode('[1e999]')
====
return tostring(cjson.decode('123456789012345678'))
====
return cjson.decode("'a'")
====
return cjson.decode('{1:2}')
====
return cjson.decode('"\\x"')
====
return cjson.decode()
====
return cjson.encode()
====
return cjson.encode(1, 2)
====
return cjson.decode('[' .. string.rep('[', 1100) .. string.rep(']', 1100) .. ']')
====
return cjson.encode({[true]=1})
====
return cjson.encode({[1.5]=1})
====
return cjson.encode({[10]=1, [11]=2, [12]=3})
====
return cjson.decode('0x10')
====
return cjson.decode('Infinity')
====
return cjson.decode('NaN')
====
return tostring(cjson.decode('-0'))
====
return cmsgpack.pack(1, -1, 127, 128, 255, 256, 65535, 65536, -32, -33, -128, -129,
  -32768, -32769, 2^32, -2^31-1, 2^53)
====
return cmsgpack.pack(1.5, -0.25, 1e300, "x", string.rep("a", 31), string.rep("b", 32),
  true, false, nil)
====
return cmsgpack.pack({1, 2, 3}, {a=1})
====
return {cmsgpack.unpack(cmsgpack.pack(1, -1, 127, 128, 65536, -129, 2^32, 1.5, "x", true, false))}
====
return cmsgpack.unpack(string.char(0xc1))
====
return cmsgpack.unpack('')
====
return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}
====
return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}
====
return cmsgpack.pack(string.rep("x", 70000)):len()
====
return cmsgpack.pack()
====
return struct.pack('>i4<h!4Bc3', -2, 7, 255, 'abc')
====
return {struct.unpack('>i4<h', struct.pack('>i4<h', -2, 7))}
====
return struct.size('>i4hd')
====
return struct.pack('z', 'abc')
====
return {struct.unpack('s', 'ab\0cd')}
====
return struct.pack('q', 1)
====
return struct.pack('X')
====
return struct.unpack('>i4', 'ab')
====
return struct.pack('i17', 1)
====
return {struct.unpack('d', struct.pack('d', 1.5))}
====
return bit.tohex(-1)
====
return {bit.lshift(1, 40), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(1, 33),
  bit.bswap(0x12345678), bit.tobit(2^32 + 5), bit.bnot(0)}
====
return bit.band()
====
return bit.tohex(255, -4)
"""


class TestLibraries(ScriptTest):
    """cjson, cmsgpack, struct and bit: results and error texts as Redis 7.0's builds."""

    def test_library_cases(self):
        # `return f(...)` becomes `local r = {f(...)} return r[1]` (same reply: EVAL uses the
        # first result): error texts are then not affected by tail calls, tested on their own in
        # TestScriptErrors.test_errors_in_tail_calls.
        for script in LIBRARY_CASES.strip().split("\n====\n"):
            if script.startswith("return "):
                script = "local r = {" + script[len("return "):] + "}\nreturn r[1]"
            self.ev(script, resp=2)


def stats_lines(raw):
    """Normalizer for INFO errorstats / commandstats: the errorstat lines, and per command its
    calls, rejected_calls and failed_calls (timings dropped)."""
    v = parse(raw)
    if not isinstance(v, bytes):
        return raw
    out = []
    for line in v.decode().splitlines():
        if line.startswith("errorstat_"):
            out.append(line)
        elif line.startswith("cmdstat_"):
            name, fields = line.split(":", 1)
            kept = [f for f in fields.split(",") if f.split("=")[0] in
                    ("calls", "rejected_calls", "failed_calls")]
            out.append(name + ":" + ",".join(kept))
    return sorted(out)


class TestStats(ScriptTest):
    """Errors and calls made by scripts in INFO errorstats and commandstats."""

    def test_error_and_command_stats(self):
        self.check("CONFIG", "RESETSTAT")
        self.evs(["return redis.pcall('nosuch')", "redis.call('nosuch')",
                  "return {err='MY err'}", "error('x')", "return redis.error_reply('E2 y')",
                  "local r = redis.pcall('nosuch') return 1",
                  "redis.call('SET', 's', 'x') return redis.pcall('INCR', 's')",
                  "return redis.call('GET', 's')", "return redis.pcall('GET')",
                  "return redis.pcall('BLPOP', 'l', 0)", "return +", "x = 1"], resp=2)
        self.check_all([("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", 0),
                        ("EVAL", "return 1", -1), ("EVAL_RO", "redis.call('DEL', 'a')", 0)])
        self.check("INFO", "errorstats", normalize=stats_lines)
        self.check("INFO", "commandstats", normalize=stats_lines)


SCRIPT_MEMORY_FIELDS = ("used_memory_lua", "used_memory_vm_eval", "used_memory_lua_human",
                        "used_memory_scripts_eval", "number_of_cached_scripts",
                        "number_of_functions", "number_of_libraries", "used_memory_vm_functions",
                        "used_memory_vm_total", "used_memory_vm_total_human",
                        "used_memory_functions", "used_memory_scripts",
                        "used_memory_scripts_human")


def script_memory(raw):
    """Normalizer for INFO memory: which scripting fields are there, in order, and the exact
    values of the three counters (the byte counts are the implementation's own)."""
    v = parse(raw)
    if not isinstance(v, bytes):
        return raw
    out = []
    for line in v.decode().splitlines():
        name, _, value = line.partition(":")
        if name in SCRIPT_MEMORY_FIELDS:
            out.append(line if name.startswith("number_of_") else name)
    return out


class TestInfoMemory(ScriptTest):

    def test_script_counters(self):
        self.check_all([("SCRIPT", "FLUSH"), ("FUNCTION", "FLUSH")])
        self.check("INFO", "memory", normalize=script_memory)
        self.check_all([("SCRIPT", "LOAD", "return 1"), ("EVAL", "return 2", 0),
                        ("EVAL", "return +", 0), ("EVAL", "return 2", 0),
                        ("FUNCTION", "LOAD", "#!lua name=l1\n"
                         "redis.register_function('a', function() end)\n"
                         "redis.register_function('b', function() end)")])
        self.check("INFO", "memory", normalize=script_memory)
        self.check_all([("SCRIPT", "FLUSH"), ("FUNCTION", "FLUSH")])
        self.check("INFO", "memory", normalize=script_memory)


# ------------------------------------------------------------------------------------------------
# Functions: FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS, FCALL, FCALL_RO
# ------------------------------------------------------------------------------------------------

LIB = ("#!lua name=mylib\n"
       "redis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)\n"
       "redis.register_function{function_name='ro', callback=function(keys, args) "
       "return redis.call('GET', keys[1]) end, flags={'no-writes'}}\n"
       "redis.register_function('w', function(keys, args) "
       "return redis.call('SET', keys[1], args[1]) end)\n"
       "redis.register_function{function_name='described', callback=function() return 'd' end, "
       "description='a description', flags={'allow-oom', 'allow-stale', 'no-cluster', "
       "'allow-cross-slot-keys'}}\n")


def _kv(v):
    return dict(zip(v[0::2], v[1::2])) if isinstance(v, list) else dict(v)


def function_list(raw):
    """Normalizer for FUNCTION LIST: libraries and their functions compared order-free (Redis
    lists them in hash-table order), each entry's container type kept (array vs map)."""
    v = parse(raw)
    if not isinstance(v, list):
        return raw
    libs = []
    for lib in v:
        d = _kv(lib)
        fns = d.get(b"functions") or []
        d[b"functions"] = sorted((repr(sorted(((k, repr(x)) for k, x in _kv(f).items())))
                                  for f in fns))
        libs.append((type(lib).__name__, sorted(((k, repr(x)) for k, x in d.items()))))
    return raw[:1], sorted(libs, key=repr)


class TestFunctions(ScriptTest):

    def setUp(self):
        super().setUp()
        self.check("FUNCTION", "FLUSH")

    def load(self, code, replace=False):
        return self.check("FUNCTION", "LOAD", *(["REPLACE"] if replace else []), code)

    def test_load_and_call(self):
        self.load(LIB)
        self.check_all([
            ("FUNCTION", "LOAD", LIB), ("FUNCTION", "LOAD", "REPLACE", LIB),
            ("FUNCTION", "LOAD", "replace", LIB), ("FUNCTION", "LOAD", "REPLACE"),
            ("FCALL", "f1", 1, "k", "a"), ("FCALL", "F1", 1, "k", "a"),
            ("FCALL", "nosuch", 0), ("FCALL", "f1", -1), ("FCALL", "f1", 5),
            ("FCALL", "f1", "x"), ("FCALL", "f1"), ("FCALL",), ("FCALL_RO", "ro"),
            ("FCALL_RO", "ro", 1, "k"), ("FCALL_RO", "w", 1, "k", "v"),
            ("FCALL", "w", 1, "k", "v"), ("FCALL_RO", "ro", 1, "k"), ("FCALL", "ro", 1, "k"),
            ("FCALL", "described", 0), ("FCALL_RO", "nosuch", 0),
        ])
        self.check_resp3("FCALL", "f1", 2, "k1", "k2", "a1")

    def test_list(self):
        self.load(LIB)
        self.load("#!lua name=other\nredis.register_function('o', function() return 1 end)")
        for resp in (2, 3):
            for args in ([], ["WITHCODE"], ["LIBRARYNAME", "my*"], ["LIBRARYNAME", "x"],
                         ["libraryname", "*lib", "withcode"], ["WITHCODE", "LIBRARYNAME", "o*"]):
                self.check("FUNCTION", "LIST", *args, resp=resp, normalize=function_list)
        self.check_all([("FUNCTION", "LIST", "bad"), ("FUNCTION", "LIST", "LIBRARYNAME"),
                        ("FUNCTION", "LIST", "WITHCODE", "WITHCODE"),
                        ("FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b")])

    def test_delete_and_flush(self):
        self.load(LIB)
        self.check_all([
            ("FUNCTION", "DELETE", "nosuch"), ("FUNCTION", "DELETE"),
            ("FUNCTION", "DELETE", "mylib"), ("FCALL", "f1", 0), ("FUNCTION", "LIST"),
            ("FUNCTION", "DELETE", "mylib"),
            ("FUNCTION", "LOAD", LIB), ("FUNCTION", "FLUSH", "bad"),
            ("FUNCTION", "FLUSH", "ASYNC"), ("FUNCTION", "LIST"),
            ("FUNCTION", "LOAD", LIB), ("FUNCTION", "FLUSH", "sync"), ("FUNCTION", "LIST"),
            ("FUNCTION", "FLUSH", "SYNC", "ASYNC"),
        ])

    def test_load_errors(self):
        for code in [
            "return 1", "#!lua\nreturn 1", "#!lua name=x\nreturn 1",
            "#!lua name=mylib\nredis.register_function('f1', function() end)",
            "#!lua name=y\nredis.call('PING')",
            "#!lua name=y\nredis.register_function('bad name', function() end)",
            "#!lua name=y\nredis.register_function('g')",
            "#!lua name=y\nredis.register_function('g', 5)",
            "#!lua name=y\nredis.register_function{function_name='g', callback=function() end,"
            " flags={'bad'}}",
            "#!lua name=z foo=bar\nreturn 1", "#!js name=z\nreturn 1", "#!lua name=z\nreturn +",
            "#!lua name=z\nerror('x')", "#!lua name=z\nx=1",
            "#!lua name=z\nreturn redis.setresp(3)", "#!lua name=bad-name\nreturn 1",
            "#!lua name=\nreturn 1", "#!lua name=a name=b\nreturn 1",
            "#!lua name=z\nlocal a = math.random()",
            "#!lua name=z\nredis.register_function('f', function() end)\n"
            "redis.register_function('f', function() end)",
            "#!lua name=z\nredis.register_function('', function() end)",
            "#!lua name=z\nredis.register_function('a-b', function() end)",
            "#!lua name=z\nredis.register_function{function_name='g'}",
            "#!lua name=z\nredis.register_function{callback=function() end}",
            "#!lua name=z\nredis.register_function{function_name='g', callback=function() end,"
            " flags='no-writes'}",
            "#!lua name=z\nredis.register_function{function_name='g', callback=function() end,"
            " bad=1}",
            "#!lua name=z\nredis.register_function('g', function() end, 1)",
            "#!lua name=z\nredis.register_function()",
            "#!lua name=z\nlocal t = {} for k in pairs(redis) do t[#t+1] = k end",
        ]:
            self.load(code)
        self.load(LIB)
        self.check("FUNCTION", "LOAD", "#!lua name=other\n"
                   "redis.register_function('f1', function() end)")

    def test_load_environment(self):
        for code in ["redis.log(redis.LOG_NOTICE, 'x')",
                     "local f = redis.register_function; f('g', function() end)",
                     "redis.register_function{function_name='g', callback=function() end, "
                     "description=5}",
                     "redis.register_function(5, function() end)"]:
            self.load("#!lua name=env\n" + code
                      + "\nredis.register_function('f', function() return 1 end)",
                      replace=True)
            self.check("FCALL", "f", 0)

    def test_function_errors(self):
        self.load("#!lua name=e\n"
                  "redis.register_function('e', function() error('boom') end)\n"
                  "redis.register_function('e2', function() return redis.call('nosuch') end)\n"
                  "redis.register_function('e3', function() return x end)\n"
                  "local function h() return 1 end\n"
                  "redis.register_function('e4', function() return h() end)\n"
                  "redis.register_function('e5', function() y = 1 end)\n"
                  "redis.register_function('e6', function() return redis.error_reply('E6 x') "
                  "end)\n"
                  "redis.register_function('e7', function() redis.setresp(3) return "
                  "{double=1.5} end)\n"
                  "redis.register_function('e8', function(k, a) return {#k, #a} end)\n"
                  "redis.register_function('e9', function() "
                  "return redis.call('SET', 'a', 'b') end)\n")
        for name in ("e", "e2", "e3", "e4", "e5", "e6", "e7"):
            self.check_both_protocols("FCALL", name, 0)
        self.check_both_protocols("FCALL", "e8", 2, "a", "b", "c")
        self.check_all([("FCALL_RO", "e9", 0), ("FCALL", "e9", 0)])

    def test_load_timeout(self):
        # Code run at load time is stopped after 500 ms.
        self.load("#!lua name=t\nwhile true do end")
        self.load("#!lua name=t\nlocal i = 0\nwhile true do i = i + 1 end")
        self.check("FUNCTION", "LIST")

    def test_runtime_environment(self):
        self.load("#!lua name=env\n"
                  "redis.register_function('v', function() return {redis.REDIS_VERSION, "
                  "type(redis.call), type(cjson), type(math.random), type(KEYS), "
                  "type(redis.register_function)} end)\n"
                  "redis.register_function('g', function() local t = {} for k in pairs(_G) do "
                  "t[#t + 1] = k end table.sort(t) return t end)\n"
                  "redis.register_function('r', function() local t = {} for k in pairs(redis) "
                  "do t[#t + 1] = k end table.sort(t) return t end)\n"
                  "redis.register_function('s', function() local ok, e = pcall(function() "
                  "z = 1 end) return e end)\n")
        for name in ("v", "g", "r", "s"):
            self.check("FCALL", name, 0)

    def test_stats_and_kill_idle(self):
        self.load(LIB)
        self.check_both_protocols("FUNCTION", "STATS")
        self.check_all([("FUNCTION", "KILL"), ("FUNCTION", "STATS", "x"),
                        ("FUNCTION", "KILL", "x"), ("FUNCTION", "NOSUCH"), ("FUNCTION",)])
        self.check("FUNCTION", "HELP")

    def test_dump_restore(self):
        self.load(LIB)
        # Redis's payload is restored on both servers (Lunar must read Redis's format).
        payload = parse(self._call(self.redis, 2, ["FUNCTION", "DUMP"]))
        self.check_all([
            ("FUNCTION", "FLUSH"), ("FUNCTION", "RESTORE", payload),
            ("FUNCTION", "RESTORE", payload), ("FUNCTION", "RESTORE", payload, "APPEND"),
            ("FUNCTION", "RESTORE", payload, "REPLACE"),
            ("FUNCTION", "RESTORE", payload, "FLUSH"), ("FUNCTION", "RESTORE", payload, "bad"),
            ("FUNCTION", "RESTORE", "garbage"), ("FUNCTION", "RESTORE", payload[:-3]),
            ("FUNCTION", "RESTORE"), ("FUNCTION", "DUMP", "x"), ("FCALL", "f1", 1, "k", "a"),
        ])
        self.check("FUNCTION", "LIST", normalize=function_list)
        # Lunar's own dump restores in Lunar.
        own = parse(self._call(self.lunar, 2, ["FUNCTION", "DUMP"]))
        self.assertIsInstance(own, bytes, f"Lunar FUNCTION DUMP: {own!r}")
        self._call(self.lunar, 2, ["FUNCTION", "FLUSH"])
        r = self._call(self.lunar, 2, ["FUNCTION", "RESTORE", own])
        self.assertEqual(r, b"+OK\r\n", "Lunar cannot restore its own FUNCTION DUMP")
        self._call(self.redis, 2, ["FUNCTION", "FLUSH"])
        self._call(self.redis, 2, ["FUNCTION", "RESTORE", payload])
        self.check("FUNCTION", "LIST", normalize=function_list)
        self.check_all([("FUNCTION", "FLUSH"), ("FUNCTION", "DUMP")])


if __name__ == "__main__":
    harness.main()
