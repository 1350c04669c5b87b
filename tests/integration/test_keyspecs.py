"""Differential tests of key specifications (COMMAND INFO's 9th element, COMMAND
GETKEYSANDFLAGS) against redis-server.

Lunar describes a command's keys with one range (first, last, step) and one set of key spec
flags, so COMMAND INFO shows at most one key spec. Redis 7.0 gives some commands several key
specs (a source and a destination with different flags), and finds the keys of others through
a count argument (keynum) or a keyword, which a range cannot express. KNOWN_DIFFERENCES names
those commands with the reason; a command Lunar has that is not listed there must show exactly
Redis's key spec flags. For a listed command that Lunar gives keys, its one key spec must carry
the flags of Redis's first key spec. An entry that no longer differs fails the test, so the
list stays true.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import parse  # noqa: E402

_SEVERAL = "several key specs in Redis"
_KEYNUM = "keys found through a count argument (keynum spec), not expressible as a range"
_KEYWORD = "keys found after a keyword, not expressible as a range"

# Commands of Redis 7.0 whose key specs Lunar cannot reproduce, with the reason. Lunar keeps
# the first key spec's flags for every key of the command.
KNOWN_DIFFERENCES = {
    # Several key specs (Lunar shows one with the flags of the first).
    "bitop": f"{_SEVERAL}: OW update destkey, RO access source keys",
    "blmove": f"{_SEVERAL}: RW access delete source, RW insert destination",
    "brpoplpush": f"{_SEVERAL}: RW access delete source, RW insert destination",
    "copy": f"{_SEVERAL}: RO access source, OW update destination",
    "georadius": f"{_SEVERAL}: RO access key, OW update STORE and STOREDIST keys",
    "georadiusbymember": f"{_SEVERAL}: RO access key, OW update STORE and STOREDIST keys",
    "geosearchstore": f"{_SEVERAL}: OW update destination, RO access source",
    "lmove": f"{_SEVERAL}: RW access delete source, RW insert destination",
    "migrate": f"{_SEVERAL}: the key argument, then the KEYS keyword's keys (incomplete)",
    "pfmerge": f"{_SEVERAL}: RW access insert destkey, RO access source keys",
    "rename": f"{_SEVERAL}: RW access delete key, OW update newkey",
    "renamenx": f"{_SEVERAL}: RW access delete key, OW insert newkey",
    "rpoplpush": f"{_SEVERAL}: RW access delete source, RW insert destination",
    "sdiffstore": f"{_SEVERAL}: OW update destination, RO access source keys",
    "sinterstore": f"{_SEVERAL}: RW update destination, RO access source keys",
    "smove": f"{_SEVERAL}: RW access delete source, RW insert destination",
    "sort": f"{_SEVERAL}: RO access key, BY/GET patterns, OW update STORE key",
    "sort_ro": f"{_SEVERAL}: RO access key, BY/GET patterns",
    "sunionstore": f"{_SEVERAL}: OW update destination, RO access source keys",
    "zdiffstore": f"{_SEVERAL}: OW update destination, then a keynum spec",
    "zinterstore": f"{_SEVERAL}: OW update destination, then a keynum spec",
    "zrangestore": f"{_SEVERAL}: OW update dst, RO access src",
    "zunionstore": f"{_SEVERAL}: OW update destination, then a keynum spec",
    # Keys Lunar cannot locate with a range (the command registers no keys).
    "blmpop": _KEYNUM,
    "bzmpop": _KEYNUM,
    "eval": _KEYNUM,
    "eval_ro": _KEYNUM,
    "evalsha": _KEYNUM,
    "evalsha_ro": _KEYNUM,
    "fcall": _KEYNUM,
    "fcall_ro": _KEYNUM,
    "lmpop": _KEYNUM,
    "sintercard": _KEYNUM,
    "zdiff": _KEYNUM,
    "zinter": _KEYNUM,
    "zintercard": _KEYNUM,
    "zmpop": _KEYNUM,
    "zunion": _KEYNUM,
    "xread": f"{_KEYWORD} (STREAMS)",
    "xreadgroup": f"{_KEYWORD} (STREAMS)",
}

# Calls whose COMMAND GETKEYSANDFLAGS reply must equal Redis's byte for byte.
GETKEYSANDFLAGS_SAME = [
    ("GET", "k"),
    ("DEL", "a", "b", "c"),
    ("UNLINK", "a"),
    ("EXISTS", "a", "b"),
    ("TOUCH", "a"),
    ("TYPE", "a"),
    ("EXPIRE", "k", "10"),
    ("TTL", "k"),
    ("PERSIST", "k"),
    ("MOVE", "k", "1"),
    ("OBJECT", "ENCODING", "k"),
    ("WATCH", "a", "b"),
    ("APPEND", "k", "v"),
    ("SETNX", "k", "v"),
    ("SETEX", "k", "10", "v"),
    ("GETDEL", "k"),
    ("GETEX", "k", "PERSIST"),
    ("INCR", "k"),
    ("MSET", "a", "1", "b", "2"),
    ("MSETNX", "a", "1", "b", "2"),
    ("MGET", "a", "b"),
    ("LCS", "a", "b"),
    ("SETBIT", "k", "1", "1"),
    ("LPUSH", "l", "x", "y"),
    ("RPOP", "l"),
    ("LRANGE", "l", "0", "-1"),
    ("LREM", "l", "0", "x"),
    ("LSET", "l", "0", "x"),
    ("LLEN", "l"),
    ("BLPOP", "a", "b", "0"),
    ("HSET", "h", "f", "v"),
    ("HSETNX", "h", "f", "v"),
    ("HGET", "h", "f"),
    ("HDEL", "h", "f"),
    ("HLEN", "h"),
    ("HINCRBY", "h", "f", "1"),
]

# Calls where Redis gives keys flags that Lunar's single key spec cannot: the key names must be
# the same and Lunar's flags those of its key spec, for every key.
GETKEYSANDFLAGS_DIFFERENT = [
    ("RENAME", "a", "b"),          # OW update for newkey (a second key spec)
    ("RENAMENX", "a", "b"),        # OW insert for newkey
    ("COPY", "a", "b"),            # OW update for destination
    ("LMOVE", "a", "b", "LEFT", "RIGHT"),  # RW insert for destination
    ("RPOPLPUSH", "a", "b"),       # RW insert for destination
    ("BITOP", "AND", "d", "a", "b"),       # RO access for the source keys
    ("SET", "k", "v"),             # variable_flags resolved per call: OW update without GET
    ("SET", "k", "v", "GET"),      # RW access update (variable_flags dropped)
    ("BITFIELD", "k", "GET", "u8", "0"),   # RO access when only GET is used
]


# For tests of Lunar's single key spec, which a redis-vs-redis run (LUNAR_SERVER_BIN pointing at
# redis-server) cannot pass.
_LUNAR_ONLY = unittest.skipIf(harness.lunar_is_redis(), "Lunar's single key spec")


def _commands(client):
    """{full name: COMMAND entry} for every command and subcommand of a server (RESP2)."""
    out = {}

    def walk(entry):
        out[entry[0].decode()] = entry
        for sub in entry[9]:
            walk(sub)
    for entry in client.call_parsed("COMMAND"):
        walk(entry)
    return out


def _spec_flags(entry):
    """The flags of each key spec of a COMMAND INFO entry (RESP2: specs are flat lists)."""
    flags = []
    for spec in entry[8]:
        fields = dict(zip(spec[::2], spec[1::2]))
        flags.append(list(fields[b"flags"]))
    return flags


class TestKeySpecs(harness.DiffTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.lunar.client() as lc, cls.redis.client() as rc:
            cls.lunar_cmds = _commands(lc)
            cls.redis_cmds = _commands(rc)
        cls.common = sorted(set(cls.lunar_cmds) & set(cls.redis_cmds))

    def test_lunar_has_keyed_commands(self):
        keyed = [n for n in self.common if self.lunar_cmds[n][3] > 0]
        # The kernel's keyed commands alone (DEL, EXPIRE, OBJECT ENCODING...) are more than 20.
        self.assertGreater(len(keyed), 20, keyed)

    @_LUNAR_ONLY
    def test_first_key_spec_flags(self):
        """Every command with keys in Lunar has one key spec with the flags of Redis's first."""
        diffs = []
        for name in self.common:
            lunar = self.lunar_cmds[name]
            if lunar[3] <= 0:
                continue
            lf, rf = _spec_flags(lunar), _spec_flags(self.redis_cmds[name])
            if len(lf) != 1 or not rf or lf[0] != rf[0]:
                diffs.append(f"{name}: lunar {lf}, redis {rf}")
        self.assertEqual(diffs, [], "key spec flags differ:\n" + "\n".join(diffs))

    def test_all_key_specs_outside_known_differences(self):
        """Commands not in KNOWN_DIFFERENCES have Redis's key specs, no more, no fewer (with or
        without keys in Lunar)."""
        diffs = []
        for name in self.common:
            if name in KNOWN_DIFFERENCES:
                continue
            lf, rf = _spec_flags(self.lunar_cmds[name]), _spec_flags(self.redis_cmds[name])
            if lf != rf:
                diffs.append(f"{name}: lunar {lf}, redis {rf}")
        self.assertEqual(diffs, [], "key specs differ:\n" + "\n".join(diffs))

    @_LUNAR_ONLY
    def test_known_differences_still_differ(self):
        """An entry of KNOWN_DIFFERENCES for a command Lunar has must still be a difference."""
        stale = []
        for name in self.common:
            if name in KNOWN_DIFFERENCES:
                lf, rf = _spec_flags(self.lunar_cmds[name]), _spec_flags(self.redis_cmds[name])
                if lf == rf:
                    stale.append(name)
        self.assertEqual(stale, [], "no longer differ; remove from KNOWN_DIFFERENCES")

    def test_known_differences_are_redis_commands(self):
        missing = sorted(n for n in KNOWN_DIFFERENCES if n not in self.redis_cmds)
        self.assertEqual(missing, [])

    @_LUNAR_ONLY
    def test_flags_resp3(self):
        """In RESP3 the flags are a set, the same as those of one of Redis's key specs (RESP3
        sends the key specs as a set of maps, in no order; harness.parse freezes them)."""
        names = [n for n in self.common if self.lunar_cmds[n][3] > 0]
        with self.lunar.client(resp=3) as lc, self.redis.client(resp=3) as rc:
            for name in names:
                lv = [dict(s) for s in parse(lc.call("COMMAND", "INFO", name))[0][8]]
                rv = [dict(s) for s in parse(rc.call("COMMAND", "INFO", name))[0][8]]
                self.assertEqual(len(lv), 1, name)
                self.assertIsInstance(lv[0][b"flags"], frozenset, name)
                self.assertIn(lv[0][b"flags"], [s[b"flags"] for s in rv], name)

    def test_getkeysandflags(self):
        for cmd in GETKEYSANDFLAGS_SAME:
            if cmd[0].lower() not in self.lunar_cmds:
                continue
            for resp in (2, 3):
                self.check("COMMAND", "GETKEYSANDFLAGS", *cmd, resp=resp)

    @_LUNAR_ONLY
    def test_getkeysandflags_known_differences(self):
        for cmd in GETKEYSANDFLAGS_DIFFERENT:
            name = cmd[0].lower()
            if name not in self.lunar_cmds:
                continue
            lv, rv = self.both_parsed("COMMAND", "GETKEYSANDFLAGS", *cmd)
            self.assertEqual([k for k, _ in lv], [k for k, _ in rv], cmd)
            spec = _spec_flags(self.lunar_cmds[name])[0]
            self.assertEqual([f for _, f in lv], [spec] * len(lv), cmd)
            self.assertNotEqual(lv, rv, f"{cmd} now matches Redis: move it to "
                                        "GETKEYSANDFLAGS_SAME")

    def test_getkeys_matches_for_known_differences(self):
        """The key names (COMMAND GETKEYS) are the same even where the flags are not."""
        for cmd in GETKEYSANDFLAGS_DIFFERENT:
            if cmd[0].lower() in self.lunar_cmds:
                self.check("COMMAND", "GETKEYS", *cmd)


if __name__ == "__main__":
    harness.main()
