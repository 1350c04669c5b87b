#!/usr/bin/python3
"""Regenerates the command table of docs/compatibility.md.

Starts redis-server (the list of Redis 7.0 commands and their groups) and lunar-server with every
shipped module (what Lunar implements, and which module has it), and rewrites the part of
docs/compatibility.md between the BEGIN/END markers. Statuses of commands Lunar has are 'done'
unless PARTIAL below says what is missing.

    /usr/bin/python3 scripts/compat_table.py [--build build]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import harness  # noqa: E402

# Commands Lunar has that lack something; shown as 'partial' with the note.
PARTIAL = {
    "script|debug": "NO only: the Lua debugger (LDB) is not implemented",
    "memory": "STATS not yet",
    "slowlog": "commands inside MULTI/EXEC and scripts are not logged one by one",
    "memory|usage": "Lunar's own byte accounting; SAMPLES accepted (sizes are exact)",
    "memory|malloc-stats": "no allocator statistics (glibc malloc)",
    "object|refcount": "always 1 (values are never shared)",
    "object|freq": "needs an LFU maxmemory policy, which eviction (not yet) would bring",
    "shutdown": "NOSAVE/SAVE accepted; saving arrives with the persistence modules",
    "flushall": "ASYNC frees synchronously",
    "flushdb": "ASYNC frees synchronously",
    "config|rewrite": "rewrites the TOML file the server started with",
    "command": "tips empty; key specs derived from first/last/step",
    "command|info": "tips empty; key specs derived from first/last/step",
    "command|docs": "no arguments, history or doc_flags",
    "command|getkeys": "keys from first/last/step only (LMPOP/BLMPOP's numkeys keys not found)",
    "command|getkeysandflags": "keys from first/last/step only; one key spec per command",
    "info": "fields of absent subsystems (scripting, replication, latencystats) fixed",
    "zscan": "returns the whole sorted set in one call (cursor 0), like a small one in Redis",
    "zintercard": "COMMAND GETKEYS cannot find its numkeys keys",
    "sintercard": "COMMAND GETKEYS cannot find its numkeys keys",
    "ltrim": "an LTRIM that removes nothing is still propagated (Redis only raises the event)",
    "unlink": "frees synchronously",
    "debug": "SLEEP, POPULATE, SET-ACTIVE-EXPIRE, HELP only; allowed without "
             "enable-debug-command",
}

BEGIN = "<!-- BEGIN COMMAND TABLE (scripts/compat_table.py) -->"
END = "<!-- END COMMAND TABLE -->"


def pairs(lst):
    return dict(zip(lst[::2], lst[1::2]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(harness.SOURCE_DIR, "build"))
    args = ap.parse_args()
    os.environ["LUNAR_BUILD"] = os.path.abspath(args.build)
    with harness.start_redis() as r, harness.start_lunar() as l:
        rc, lc = r.client(), l.client()
        docs = pairs(rc.call_parsed("COMMAND", "DOCS"))
        redis_cmds = {}
        for name, d in docs.items():
            d = pairs(d)
            redis_cmds[name.decode()] = d.get(b"group", b"").decode()
            for sub, sd in pairs(d.get(b"subcommands", [])).items():
                redis_cmds[sub.decode()] = pairs(sd).get(b"group", b"").decode()
        owner = {}
        for m in lc.call_parsed("MODULE", "LIST"):
            mname = pairs(m)[b"name"].decode()
            listed = lc.call_parsed("COMMAND", "LIST", "FILTERBY", "MODULE", mname)
            if isinstance(listed, list):
                for c in listed:
                    owner[c.decode()] = mname
        lunar_cmds = set()
        for entry in lc.call_parsed("COMMAND"):
            lunar_cmds.add(entry[0].decode())
            for sub in entry[9] if len(entry) > 9 else []:
                lunar_cmds.add(sub[0].decode())
    rows = []
    for name in sorted(redis_cmds, key=lambda n: (redis_cmds[n], n)):
        top = name.split("|")[0]
        if name in lunar_cmds:
            status = "partial" if name in PARTIAL else "done"
            where = owner.get(top, "kernel")
        else:
            status, where = "not yet", ""
        note = PARTIAL.get(name, "")
        rows.append(f"| {name.upper()} | {redis_cmds[name]} | {status} | {where} | {note} |")
    done = sum(1 for r in rows if "| done |" in r)
    partial = sum(1 for r in rows if "| partial |" in r)
    table = [BEGIN,
             f"{done} done, {partial} partial, {len(rows) - done - partial} not yet, "
             f"of {len(rows)} Redis 7.0 commands and subcommands.", "",
             "| command | group | status | module | missing |", "|---|---|---|---|---|"]
    table += rows + [END]
    path = os.path.join(harness.SOURCE_DIR, "docs", "compatibility.md")
    text = open(path).read() if os.path.exists(path) else BEGIN + "\n" + END + "\n"
    a, b = text.index(BEGIN), text.index(END) + len(END)
    open(path, "w").write(text[:a] + "\n".join(table) + text[b:])
    print(f"wrote {path}: {done} done, {partial} partial")


if __name__ == "__main__":
    main()
