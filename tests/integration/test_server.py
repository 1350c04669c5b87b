"""Differential tests of the kernel's server and connection commands against redis-server:
PING ECHO SELECT DBSIZE FLUSHDB FLUSHALL TIME CONFIG CLIENT HELLO RESET QUIT AUTH COMMAND INFO,
and the unknown-command / wrong-arity errors.
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402


def fields(line):
    """'k=v k=v' (CLIENT LIST / CLIENT INFO line) -> ordered list of (k, v)."""
    if isinstance(line, bytes):
        line = line.decode()
    return [tuple(kv.split("=", 1)) for kv in line.strip().split(" ") if kv]


def hello_norm(raw):
    """A HELLO reply without its volatile or Lunar-specific fields (id, modules); errors and
    other replies unchanged."""
    v = parse(raw)
    if isinstance(v, list) and len(v) == 14:
        v = dict(zip(v[0::2], v[1::2]))
    if isinstance(v, dict):
        return raw[:1], {k: x for k, x in v.items() if k not in (b"id", b"modules")}
    return raw


# Fields of CLIENT LIST/INFO whose values are deterministic for a fresh, idle connection.
STABLE_CLIENT_FIELDS = ["name", "flags", "db", "sub", "psub", "ssub", "multi", "user", "redir",
                        "resp", "cmd"]


class TestBasics(harness.DiffTest):

    def test_ping(self):
        self.check_all(["PING", "PING hello", ("PING", ""), ("PING", b"\x00\xff"), "PING a b",
                        "ping", "PiNg x"])

    def test_echo(self):
        self.check_all(["ECHO hello", ("ECHO", ""), ("ECHO", b"bin\r\n\x00"), ("ECHO", "x" * 10000),
                        "ECHO", "ECHO a b"])

    def test_select(self):
        self.check_all(["SELECT 0", "SELECT 15", "SET k 15", "SELECT 1", "GET k", "SELECT 15",
                        "GET k", "SELECT 16", "SELECT -1", "SELECT abc", "SELECT 1.0", "SELECT",
                        "SELECT 1 2", "SELECT 99999999999999999999", "SELECT ''", "GET k",
                        "SELECT 0"])

    def test_dbsize(self):
        self.check_all(["DBSIZE", "SET a 1", "SET b 1", "DBSIZE", "SELECT 1", "DBSIZE", "SELECT 0",
                        "DBSIZE x"])

    def test_flush(self):
        self.check_all([
            "SET a 1", "SELECT 1", "SET b 1", "FLUSHDB", "DBSIZE", "SELECT 0", "DBSIZE",
            "SET c 1", "FLUSHDB ASYNC", "DBSIZE", "SET c 1", "FLUSHDB SYNC", "DBSIZE",
            "FLUSHDB async", "FLUSHDB foo", "FLUSHDB SYNC ASYNC",
            "SET a 1", "SELECT 2", "SET a 1", "FLUSHALL", "DBSIZE", "SELECT 0", "DBSIZE",
            "SET a 1", "FLUSHALL ASYNC", "DBSIZE", "SET a 1", "FLUSHALL SYNC", "DBSIZE",
            "FLUSHALL sync", "FLUSHALL foo", "FLUSHALL SYNC foo",
        ])

    def test_time(self):
        self.check_shape("TIME")
        lv, rv = self.both_parsed("TIME")
        for v in (lv, rv):
            self.assertEqual(len(v), 2)
            self.assertTrue(v[0].isdigit() and v[1].isdigit(), v)
            self.assertLess(int(v[1]), 1000000)
        self.assertLess(abs(int(lv[0]) - int(rv[0])), 2)
        self.assertLess(abs(int(lv[0]) - time.time()), 5)
        self.check("TIME", "x")


class TestConfig(harness.DiffTest):

    @staticmethod
    def as_dict(raw):
        """CONFIG GET reply as {name: value} (pair order is hash order in Redis)."""
        v = parse(raw)
        if isinstance(v, list):
            return dict(zip(v[0::2], v[1::2]))
        return v

    def cget(self, *args):
        return self.check("CONFIG", "GET", *args, normalize=self.as_dict)

    def test_get(self):
        for name in ["maxmemory", "maxmemory-policy", "databases", "proto-max-bulk-len", "timeout",
                     "requirepass", "hz", "maxclients", "client-query-buffer-limit", "bind",
                     "nosuchparam", "MAXMEMORY", "MaxMemory-Policy"]:
            self.cget(name)

    def test_get_patterns(self):
        for pat in ["maxmemory*", "max*", "*policy", "hz", "h?", "proto-max-bulk-?en",
                    "[m]axmemory", "maxmemory-[ps]*", "*nosuch*", "databases", "DATA*"]:
            self.cget(pat)

    def test_get_multiple(self):
        self.cget("maxmemory", "hz")
        self.cget("maxmemory", "maxmemory")
        self.cget("maxmemory*", "maxmemory")
        self.cget("nosuch", "hz", "nosuch2")

    def test_get_errors(self):
        self.check_all(["CONFIG GET", "CONFIG", "CONFIG foo", "CONFIG HELP extra"])

    def test_set(self):
        self.check_all([
            "CONFIG SET maxmemory 10mb", "CONFIG GET maxmemory",
            "CONFIG SET maxmemory 1gb maxmemory-policy allkeys-lru",
            "CONFIG GET maxmemory", "CONFIG GET maxmemory-policy",
            "CONFIG SET maxmemory 0", "CONFIG SET MAXMEMORY 100", "CONFIG GET maxmemory",
            "CONFIG SET maxmemory-policy noeviction", "CONFIG SET maxmemory 0",
            "CONFIG SET hz 20", "CONFIG GET hz", "CONFIG SET hz 10",
            "CONFIG SET timeout 0", "CONFIG SET proto-max-bulk-len 512mb",
            "CONFIG GET proto-max-bulk-len",
        ])

    def test_set_errors(self):
        self.check_all([
            "CONFIG SET", "CONFIG SET maxmemory", "CONFIG SET maxmemory 1 hz",
            "CONFIG SET nosuch 1", "CONFIG SET maxmemory 1 nosuch 1",
            "CONFIG SET maxmemory 10 maxmemory 20", "CONFIG SET maxmemory abc",
            "CONFIG SET maxmemory -1", "CONFIG SET maxmemory-policy nosuch",
            "CONFIG SET databases 3", "CONFIG SET hz abc",
            "CONFIG SET maxmemory 100 maxmemory-policy bad", "CONFIG GET maxmemory",
            "CONFIG SET port abc",
        ])


class TestClient(harness.DiffTest):

    def test_id(self):
        lv, rv = self.both_parsed("CLIENT", "ID")
        self.assertIsInstance(lv, int)
        self.assertGreater(lv, 0)
        with self.lunar.client(resp=self.DEFAULT_RESP) as c:
            self.assertGreater(parse(c.call("CLIENT", "ID")), lv)
        self.check("CLIENT", "ID", "x")

    def test_name(self):
        with self.lunar.client(resp=self.DEFAULT_RESP) as lc, \
             self.redis.client(resp=self.DEFAULT_RESP) as rc:
            for cmd in [("CLIENT", "GETNAME"), ("CLIENT", "SETNAME", "myname"),
                        ("CLIENT", "GETNAME"), ("CLIENT", "SETNAME", "has space"),
                        ("CLIENT", "SETNAME", "new\nline"), ("CLIENT", "SETNAME", "caf\xe9"),
                        ("CLIENT", "GETNAME"), ("CLIENT", "SETNAME", ""), ("CLIENT", "GETNAME"),
                        ("CLIENT", "SETNAME"), ("CLIENT", "SETNAME", "a", "b"),
                        ("CLIENT", "GETNAME", "x")]:
                lr, rr = lc.call(*cmd), rc.call(*cmd)
                self.assertEqual(lr, rr, f"{cmd}: lunar {lr!r} redis {rr!r}")

    def _client_line(self, server, *setup):
        with server.client(resp=self.DEFAULT_RESP) as c:
            for cmd in setup:
                c.call(*cmd)
            info = parse(c.call("CLIENT", "INFO"))
            lst = parse(c.call("CLIENT", "LIST"))
            lst_id = parse(c.call("CLIENT", "LIST", "ID", parse(c.call("CLIENT", "ID"))))
        return info, lst, lst_id

    def test_list_and_info(self):
        for setup in [(), (("CLIENT", "SETNAME", "x"), ("SELECT", "3"))]:
            li, ll, lid = self._client_line(self.lunar, *setup)
            ri, rl, rid = self._client_line(self.redis, *setup)
            for lv, rv, what in [(li, ri, "CLIENT INFO"), (lid, rid, "CLIENT LIST ID")]:
                self.assertIsInstance(lv, (bytes, str), f"lunar {what}: {lv!r}")
                self.assertTrue(lv.endswith(b"\n" if isinstance(lv, bytes) else "\n"),
                                f"lunar {what} must end with a newline: {lv!r}")
                lf, rf = fields(lv), fields(rv)
                self.assertEqual([k for k, _ in lf], [k for k, _ in rf], f"{what} field names")
                ld, rd = dict(lf), dict(rf)
                for k in STABLE_CLIENT_FIELDS:
                    if k == "cmd":
                        continue  # client|info vs client|list
                    self.assertEqual(ld.get(k), rd.get(k), f"{what} field {k}")
            # CLIENT LIST: one line per client, same field names
            for line in (ll.decode() if isinstance(ll, bytes) else ll).splitlines():
                self.assertEqual([k for k, _ in fields(line)],
                                 [k for k, _ in fields(rid.decode().splitlines()[0])])
        self.check("CLIENT", "LIST", "TYPE", "normal", normalize=harness.error_or_type)
        self.check_all(["CLIENT LIST TYPE foo", "CLIENT LIST ID abc", "CLIENT LIST foo",
                        "CLIENT LIST ID 999999", "CLIENT INFO x"])

    def test_kill(self):
        self.check_all(["CLIENT KILL 1.2.3.4:5", "CLIENT KILL ID 999999", "CLIENT KILL ID abc",
                        "CLIENT KILL ID 0", "CLIENT KILL foo bar", "CLIENT KILL ID",
                        "CLIENT KILL ADDR 1.2.3.4:5", "CLIENT KILL TYPE foo",
                        "CLIENT KILL TYPE pubsub", "CLIENT KILL USER nosuchuser",
                        "CLIENT KILL SKIPME maybe", "CLIENT KILL", "CLIENT KILL a b c"])
        for server in (self.lunar, self.redis):
            with server.client() as victim, server.client() as killer:
                vid = parse(victim.call("CLIENT", "ID"))
                self.assertEqual(killer.call("CLIENT", "KILL", "ID", vid), b":1\r\n", server.label)
                self.assertTrue(victim.is_closed_by_server(), f"{server.label}: victim open")
                self.assertEqual(killer.call("CLIENT", "KILL", "ID", vid), b":0\r\n", server.label)
                # old form by address
                with server.client() as v2:
                    info = dict(fields(parse(v2.call("CLIENT", "INFO"))))
                    self.assertEqual(killer.call("CLIENT", "KILL", info["addr"]), b"+OK\r\n",
                                     server.label)
                    self.assertTrue(v2.is_closed_by_server(), f"{server.label}: v2 open")
                # SKIPME: killing oneself by ID with SKIPME yes does nothing
                kid = parse(killer.call("CLIENT", "ID"))
                self.assertEqual(killer.call("CLIENT", "KILL", "ID", kid, "SKIPME", "yes"),
                                 b":0\r\n", server.label)
                self.assertEqual(killer.call("PING"), b"+PONG\r\n", server.label)
                self.assertEqual(killer.call("CLIENT", "KILL", "ID", kid, "SKIPME", "no"),
                                 b":1\r\n", server.label)
                self.assertTrue(killer.is_closed_by_server(), f"{server.label}: self-kill")

    def _reply_session(self, server):
        """Replies seen by a client that plays with CLIENT REPLY; ends with a PING sentinel."""
        with server.client() as c:
            c.send_raw(b"".join(harness.encode_command(*a) for a in [
                ("CLIENT", "REPLY", "OFF"), ("SET", "a", "1"), ("GET", "a"),
                ("CLIENT", "REPLY", "ON"), ("GET", "a"),
                ("CLIENT", "REPLY", "SKIP"), ("GET", "a"), ("ECHO", "after-skip"),
                ("CLIENT", "REPLY", "SKIP"), ("CLIENT", "REPLY", "SKIP"), ("ECHO", "x"),
                ("ECHO", "y"),
                ("CLIENT", "REPLY", "foo"), ("CLIENT", "REPLY"), ("CLIENT", "REPLY", "ON", "x"),
                ("CLIENT", "REPLY", "OFF"), ("CLIENT", "REPLY", "SKIP"), ("ECHO", "z"),
                ("CLIENT", "REPLY", "ON"),
                ("PING", "sentinel")]))
            out = []
            while True:
                r = c.read_reply()
                out.append(r)
                if r == b"$8\r\nsentinel\r\n":
                    return out

    def test_reply(self):
        self.assertEqual(self._reply_session(self.lunar), self._reply_session(self.redis))

    def test_no_evict(self):
        self.check_all(["CLIENT NO-EVICT ON", "CLIENT NO-EVICT OFF", "CLIENT NO-EVICT on",
                        "CLIENT NO-EVICT foo", "CLIENT NO-EVICT", "CLIENT NO-EVICT ON x"])

    def test_errors(self):
        self.check_all(["CLIENT", "CLIENT foo", "CLIENT foo bar", "client SETNAME"])


class TestHello(harness.DiffTest):

    HELLO_KEYS = ["server", "version", "proto", "id", "mode", "role", "modules"]

    def hello_pair(self, *args):
        """HELLO on fresh connections to both servers; returns both parsed replies."""
        out = []
        for s in (self.lunar, self.redis):
            with s.client() as c:
                out.append(parse(c.call("HELLO", *args)))
        return out

    def test_hello_shapes(self):
        for args, proto in [((), 2), (("2",), 2), (("3",), 3)]:
            lv, rv = self.hello_pair(*args)
            for v in (lv, rv):
                m = v if isinstance(v, dict) else dict(zip(v[0::2], v[1::2]))
                keys = [k.decode() if isinstance(k, bytes) else k for k in m]
                self.assertEqual(keys, self.HELLO_KEYS, f"HELLO {args}: {v!r}")
                self.assertEqual(m.get(b"proto", m.get("proto")), proto)
            self.assertEqual(type(lv), type(rv), f"HELLO {args}: {lv!r} vs {rv!r}")
            lm = lv if isinstance(lv, dict) else dict(zip(lv[0::2], lv[1::2]))
            rm = rv if isinstance(rv, dict) else dict(zip(rv[0::2], rv[1::2]))
            for k in lm:
                if k not in (b"id", b"server", b"version", b"modules"):
                    self.assertEqual(lm[k], rm.get(k), f"HELLO {args} field {k}")
            self.assertEqual(harness.shape({k: v for k, v in lm.items() if k != b"modules"}),
                             harness.shape({k: v for k, v in rm.items() if k != b"modules"}),
                             f"HELLO {args}")
            self.assertIsInstance(lm[b"modules"], list)

    def test_hello_modules(self):
        """HELLO's modules field lists loaded modules with Redis's per-module shape. Lunar lists
        its own modules (Redis has none loaded here), so only the shape is compared."""
        lv, rv = self.hello_pair("3")
        self.assertEqual(rv.get(b"modules"), [])
        mods = lv.get(b"modules")
        self.assertTrue(mods, "Lunar lists its loaded modules")
        for m in mods:
            self.assertEqual(sorted(m.keys()), [b"args", b"name", b"path", b"ver"])

    def test_hello_switches_protocol(self):
        for s in (self.lunar, self.redis):
            with s.client() as c:
                c.call("HELLO", "3")
                self.assertEqual(c.call("GET", "nokey"), b"_\r\n", s.label)
                self.assertEqual(c.call("CLIENT", "GETNAME"), b"_\r\n", s.label)
                c.call("HELLO", "2")
                self.assertEqual(c.call("GET", "nokey"), b"$-1\r\n", s.label)

    def test_hello_setname_auth(self):
        for s in (self.lunar, self.redis):
            with s.client() as c:
                r = c.call("HELLO", "3", "SETNAME", "hn")
                self.assertTrue(r.startswith(b"%7\r\n"), f"{s.label}: {r!r}")
                self.assertEqual(c.call("CLIENT", "GETNAME"), b"$2\r\nhn\r\n", s.label)
                # default user has nopass: any password is accepted
                r = c.call("HELLO", "2", "AUTH", "default", "whatever")
                self.assertTrue(r.startswith(b"*14\r\n"), f"{s.label}: {r!r}")

    def test_hello_errors(self):
        cmds = [("HELLO", "4"), ("HELLO", "1"), ("HELLO", "0"), ("HELLO", "abc"),
                ("HELLO", "-1"), ("HELLO", "3", "AUTH"), ("HELLO", "3", "AUTH", "default"),
                ("HELLO", "3", "SETNAME"), ("HELLO", "3", "foo"), ("HELLO", "3", "SETNAME", "a b"),
                ("HELLO", "3", "AUTH", "nosuchuser", "pw"), ("HELLO", "AUTH", "default", "x"),
                ("HELLO", "4", "AUTH", "default", "x"), ("HELLO", "3", "SETNAME", "x", "foo")]
        for cmd in cmds:
            with self.lunar.client() as lc, self.redis.client() as rc:
                lr, rr = lc.call(*cmd), rc.call(*cmd)
                if lr[:1] in b"-!" or rr[:1] in b"-!":
                    self.assertEqual(lr, rr, f"{cmd}")
                else:
                    self.assertEqual(harness.raw_shape(lr), harness.raw_shape(rr), f"{cmd}")
                # the connection keeps its protocol after an error
                self.assertEqual(lc.call("GET", "nokey"), rc.call("GET", "nokey"), f"{cmd}")


class TestResetQuit(harness.DiffTest):

    def _session(self, server, cmds):
        with server.client() as c:
            return [c.call(*cmd) for cmd in cmds]

    def test_reset(self):
        cmds = [("SELECT", "4"), ("CLIENT", "SETNAME", "n"), ("SET", "k", "v"),
                ("RESET",), ("GET", "k"), ("CLIENT", "GETNAME"), ("DBSIZE",),
                ("SELECT", "4"), ("GET", "k"), ("RESET", "x"), ("reset",)]
        for first in ((), (("HELLO", "3"),)):
            ls = self._session(self.lunar, first + tuple(cmds))
            rs = self._session(self.redis, first + tuple(cmds))
            self.assertEqual(ls[len(first):], rs[len(first):], f"after {first}")

    def test_reset_after_reply_off(self):
        for s in (self.lunar, self.redis):
            with s.client() as c:
                c.send("CLIENT", "REPLY", "OFF")
                self.assertEqual(c.call("RESET"), b"+RESET\r\n", s.label)
                self.assertEqual(c.call("PING"), b"+PONG\r\n", s.label)

    def test_quit(self):
        for s in (self.lunar, self.redis):
            with s.client() as c:
                self.assertEqual(c.call("QUIT"), b"+OK\r\n", s.label)
                self.assertTrue(c.is_closed_by_server(), f"{s.label}: QUIT left it open")
            with s.client() as c:
                # pipelined commands after QUIT are not executed
                c.send_raw(harness.encode_command("QUIT") + harness.encode_command("SET", "q", "1"))
                self.assertEqual(c.read_all_until_close(), b"+OK\r\n", s.label)
            with s.client() as c:
                self.assertEqual(c.call("QUIT", "extra"), b"+OK\r\n", s.label)
        self.check("EXISTS", "q")


class TestAuthNoPass(harness.DiffTest):

    def test_auth_without_password(self):
        self.check_all(["AUTH foo", "AUTH default foo", "AUTH nosuch foo", "AUTH", "AUTH a b c"])


class TestAuth(harness.DiffTest):
    PASSWORD = "s3cret"
    LUNAR_ARGS = ("--requirepass", "s3cret")
    REDIS_ARGS = ("--requirepass", "s3cret")

    def test_auth_required(self):
        cmds = [("GET", "a"), ("PING",), ("SET", "a", "1"), ("NOSUCH",), ("ECHO",), ("AUTH",),
                ("AUTH", "wrong"), ("AUTH", "default", "wrong"), ("AUTH", "nosuch", "s3cret"),
                ("HELLO", "3"), ("HELLO", "3", "AUTH", "default", "wrong"), ("HELLO",),
                ("AUTH", "s3cret"), ("GET", "a"), ("AUTH", "wrong"), ("GET", "a"),
                ("AUTH", "default", "s3cret"), ("PING",)]
        for resp_first in (False, True):
            out = []
            for s in (self.lunar, self.redis):
                with harness.Client(s.port) as c:
                    replies = []
                    if resp_first:
                        replies.append(c.call("HELLO", "3", "AUTH", "default", "s3cret"))
                    replies += [c.call(*cmd) for cmd in cmds]
                    out.append(replies)
            for cmd, lr, rr in zip(cmds, out[0][-len(cmds):], out[1][-len(cmds):]):
                if cmd[0] == "HELLO":
                    lr, rr = hello_norm(lr), hello_norm(rr)
                self.assertEqual(lr, rr, f"{cmd}: lunar {lr!r} redis {rr!r}")
            self.assertEqual(hello_norm(out[0][0]), hello_norm(out[1][0]))

    def test_auth_then_works(self):
        self.check_all(["SET a 1", "GET a", "CONFIG GET requirepass"])

    def test_reset_deauthenticates(self):
        for s in (self.lunar, self.redis):
            with s.client() as c:
                self.assertEqual(c.call("RESET"), b"+RESET\r\n", s.label)
                self.assertTrue(c.call("GET", "a").startswith(b"-NOAUTH"), s.label)


class TestCommand(harness.DiffTest):

    KERNEL_COMMANDS = ["get", "set", "del", "exists", "expire", "ttl", "ping", "echo", "select",
                       "config", "client", "command", "info", "keys", "scan", "rename", "copy",
                       "move", "swapdb", "object", "flushall", "dbsize", "hello", "auth", "quit",
                       "reset", "type", "unlink", "touch", "persist", "time", "randomkey"]

    def test_count(self):
        lv, rv = self.both_parsed("COMMAND", "COUNT")
        self.assertIsInstance(lv, int)
        self.assertGreater(lv, 20)
        self.check("COMMAND", "COUNT", "x")

    def test_info_exact_head(self):
        """name, arity, flags, first/last/step and ACL categories of kernel commands match."""
        for name in self.KERNEL_COMMANDS:
            lv, rv = self.both_parsed("COMMAND", "INFO", name)
            self.assertEqual(len(lv), 1, f"COMMAND INFO {name}: {lv!r}")
            self.assertIsNotNone(lv[0], f"COMMAND INFO {name}: lunar does not know it")
            lh, rh = lv[0][:7], rv[0][:7]
            self.assertEqual(lh[:2], rh[:2], f"COMMAND INFO {name} name/arity")
            self.assertEqual(sorted(lh[2], key=repr), sorted(rh[2], key=repr),
                             f"COMMAND INFO {name} flags")
            self.assertEqual(lh[3:6], rh[3:6], f"COMMAND INFO {name} key positions")
            self.assertEqual(sorted(lh[6], key=repr), sorted(rh[6], key=repr),
                             f"COMMAND INFO {name} ACL categories")

    def test_info_shapes(self):
        for name in ["get", "set", "config", "ping"]:
            lv, rv = self.both_parsed("COMMAND", "INFO", name)
            self.assertEqual(len(lv[0]), len(rv[0]), f"COMMAND INFO {name} entry length")
            self.assertEqual(harness.shape(lv[0][:6]), harness.shape(rv[0][:6]))
        self.check_all(["COMMAND INFO nosuchcmd", "COMMAND INFO get nosuchcmd GET"],
                       normalize=lambda r: [x is None for x in parse(r)])
        self.check("COMMAND", "INFO", "nosuchcmd")

    def test_getkeys(self):
        self.check_all([
            "COMMAND GETKEYS GET a", "COMMAND GETKEYS SET a b", "COMMAND GETKEYS set a b EX 10",
            "COMMAND GETKEYS DEL a b c", "COMMAND GETKEYS MSET a 1 b 2",
            "COMMAND GETKEYS RENAME a b", "COMMAND GETKEYS COPY a b DB 1",
            "COMMAND GETKEYS EXISTS a a", "COMMAND GETKEYS OBJECT ENCODING k",
            "COMMAND GETKEYS GET", "COMMAND GETKEYS PING", "COMMAND GETKEYS NOSUCH a",
            "COMMAND GETKEYS SET a", "COMMAND GETKEYS MSET a", "COMMAND GETKEYS",
            "COMMAND GETKEYS ECHO a", "COMMAND GETKEYS CONFIG GET x",
        ])

    def test_list(self):
        lv, rv = self.both_parsed("COMMAND", "LIST")
        self.assertIsInstance(lv, list)
        self.assertTrue(all(isinstance(x, bytes) for x in lv))
        missing = {c.encode() for c in self.KERNEL_COMMANDS} - set(lv)
        self.assertFalse(missing, f"COMMAND LIST lacks {missing}")
        lv, rv = self.both_parsed("COMMAND", "LIST", "FILTERBY", "PATTERN", "ping")
        self.assertEqual(lv, rv)
        lv, rv = self.both_parsed("COMMAND", "LIST", "FILTERBY", "PATTERN", "get*")
        self.assertIn(b"get", lv)
        self.check_all(["COMMAND LIST FILTERBY", "COMMAND LIST FILTERBY foo bar",
                        "COMMAND LIST foo", "COMMAND LIST FILTERBY PATTERN nosuch*"],
                       normalize=harness.error_or_type)

    def test_command_all(self):
        lv, rv = self.both_parsed("COMMAND")
        self.assertIsInstance(lv, list)
        self.assertEqual(len(lv), parse(self.both("COMMAND", "COUNT")[0]))
        self.assertEqual({len(e) for e in lv}, {len(rv[0])})

    def test_docs(self):
        for name in ["get", "set", "ping"]:
            lv, rv = self.both_parsed("COMMAND", "DOCS", name)
            lm = lv if isinstance(lv, dict) else dict(zip(lv[0::2], lv[1::2]))
            rm = rv if isinstance(rv, dict) else dict(zip(rv[0::2], rv[1::2]))
            self.assertEqual(list(lm), list(rm), f"COMMAND DOCS {name}")
            ld, rd = lm[name.encode()], rm[name.encode()]
            ld = ld if isinstance(ld, dict) else dict(zip(ld[0::2], ld[1::2]))
            rd = rd if isinstance(rd, dict) else dict(zip(rd[0::2], rd[1::2]))
            for k in (b"summary", b"since", b"group", b"complexity"):
                self.assertEqual(type(ld.get(k)), type(rd.get(k)), f"DOCS {name} {k}")
            self.assertEqual(ld.get(b"group"), rd.get(b"group"), f"DOCS {name} group")
        self.check("COMMAND", "DOCS", "nosuchcmd")

    def test_errors(self):
        self.check_all(["COMMAND foo", "COMMAND COUNT x", "COMMAND GETKEYS"])
        self.check_all(["COMMAND INFO", "COMMAND DOCS"], normalize=harness.error_or_type)


class TestInfo(harness.DiffTest):

    SECTIONS = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu",
                "keyspace"]

    def test_default_sections(self):
        self.check("INFO", normalize=lambda r: list(harness.info_fields(r)))
        self.check("INFO", "default", normalize=lambda r: list(harness.info_fields(r)))

    def test_section_fields(self):
        for sec in self.SECTIONS:
            self.check("INFO", sec, normalize=harness.info_fields)

    def test_reply_type(self):
        self.check("INFO", "server", normalize=lambda r: r[:1])

    def test_keyspace(self):
        self.check_all(["INFO keyspace", "SET a 1", "SET b 1", "EXPIRE b 1000", "SELECT 3",
                        "SET c 1", "SELECT 0", "INFO keyspace", "FLUSHALL", "INFO keyspace"],
                       normalize=self.no_avg_ttl)

    @staticmethod
    def no_avg_ttl(raw):
        """INFO keyspace with the avg_ttl values (time-dependent) masked."""
        v = parse(raw)
        if isinstance(v, bytes):
            return raw[:1], re.sub(rb"avg_ttl=\d+", b"avg_ttl=N", v)
        return raw

    def test_unknown_and_multi(self):
        self.check("INFO", "nosuchsection")
        self.check("INFO", "keyspace", "nosuch")
        self.check("INFO", "server", "clients", normalize=harness.info_fields)
        self.check("INFO", "SERVER", normalize=harness.info_fields)
        self.check("INFO", "everything", normalize=lambda r: list(harness.info_fields(r))[:9])

    def test_version(self):
        lv, rv = self.both_parsed("INFO", "server")
        lf = dict(l.split(":", 1) for l in lv.decode().splitlines() if ":" in l)
        rf = dict(l.split(":", 1) for l in rv.decode().splitlines() if ":" in l)
        for k in ("redis_version", "redis_mode", "arch_bits", "tcp_port"):
            self.assertIn(k, lf)
        self.assertEqual(lf["redis_mode"], rf["redis_mode"])
        self.assertEqual(int(lf["tcp_port"]), self.lunar.port)


class TestErrors(harness.DiffTest):

    def test_unknown_command(self):
        self.check_all([
            "FOO", "foo a b", "foo a b c d e", ("foo", ""), ("foo", "x" * 200),
            ("foo", "x" * 100, "y" * 100), ("x" * 200,), ("foo\r\nbar", "a\nb"),
            ("foo", "it's"), ("", "a"), ("CONFIG_GET", "x"), (b"\xff\x00", b"\xfe"),
        ])

    def test_wrong_arity(self):
        self.check_all([
            "GET", "GET a b", "SET a", "DEL", "EXPIRE a", "PING a b", "ECHO", "SELECT",
            "KEYS", "SCAN", "RENAME a", "TYPE", "DBSIZE a", "TTL", "OBJECT", "CONFIG",
            "CLIENT", "COMMAND GETKEYS", "get", "GeT",
        ])

    def test_unknown_subcommand(self):
        self.check_all([
            "CONFIG foo", "CONFIG foo a", "CLIENT foo", "OBJECT foo", "COMMAND foo",
            "CONFIG GETX a",
        ])

    def test_connection_survives_errors(self):
        self.check_all(["FOO", "SET a 1", "GET", "GET a"])


for _cls in [TestBasics, TestConfig, TestClient, TestErrors, TestInfo]:
    _name = _cls.__name__ + "Resp3"
    globals()[_name] = type(_name, (_cls,), {"DEFAULT_RESP": 3})
del _cls

if __name__ == "__main__":
    harness.main()
