"""Differential tests of transactions (MULTI / EXEC / DISCARD / WATCH / UNWATCH) against
redis-server: every error path, RESP2 and RESP3 replies, and WATCH invalidation by other
clients, expiry, FLUSHDB/FLUSHALL, SWAPDB, RENAME, RESTORE-like replacement and DEL.

Scenarios that involve several connections run as scripts of (connection, command) steps sent
in the same order to both servers; every reply is compared.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import _split_cmd  # noqa: E402


class TxTest(harness.DiffTest):

    def script(self, steps, conns=2, resp=2):
        """Runs [(conn_index, "CMD args") | ("sleep", seconds)] on fresh connections of both
        servers and compares each reply."""
        lc = [self.lunar.client(resp=resp) for _ in range(conns)]
        rc = [self.redis.client(resp=resp) for _ in range(conns)]
        try:
            for who, cmd in steps:
                if who == "sleep":
                    time.sleep(cmd)
                    continue
                args = _split_cmd(cmd)
                a, b = lc[who].call(*args), rc[who].call(*args)
                self._compare(args, resp, a, b, None, f"(connection {who})")
        finally:
            for c in lc + rc:
                c.close()


class TestMulti(TxTest):

    def test_basic(self):
        for resp in (2, 3):
            self.script([(0, "MULTI"), (0, "SET a 1"), (0, "INCR a"), (0, "GET a"),
                         (0, "EXEC"), (0, "GET a")], resp=resp)

    def test_empty(self):
        self.script([(0, "MULTI"), (0, "EXEC"), (0, "MULTI"), (0, "DISCARD"), (0, "PING")])

    def test_errors_without_multi(self):
        self.script([(0, "EXEC"), (0, "DISCARD"), (0, "EXEC x"), (0, "DISCARD x"),
                     (0, "MULTI x")])

    def test_nested_multi_does_not_abort(self):
        self.script([(0, "MULTI"), (0, "MULTI"), (0, "SET a 1"), (0, "EXEC"), (0, "GET a")])

    def test_unknown_command_aborts(self):
        self.script([(0, "MULTI"), (0, "SET a 1"), (0, "NOSUCHCMD x"), (0, "SET b 1"),
                     (0, "EXEC"), (0, "EXISTS a b"), (0, "EXEC")])

    def test_arity_error_aborts(self):
        self.script([(0, "MULTI"), (0, "SET a"), (0, "SET b 1"), (0, "EXEC"),
                     (0, "EXISTS b")])

    def test_unknown_subcommand_aborts(self):
        self.script([(0, "MULTI"), (0, "CONFIG NOSUCH"), (0, "SET b 1"), (0, "EXEC"),
                     (0, "EXISTS b")])

    def test_no_multi_command_aborts(self):
        self.script([(0, "MULTI"), (0, "SET a 1"), (0, "SHUTDOWN"), (0, "EXEC"),
                     (0, "EXISTS a")])

    def test_exec_arity_inside_multi(self):
        self.script([(0, "MULTI"), (0, "SET a 1"), (0, "EXEC x"), (0, "EXEC"),
                     (0, "EXISTS a")])

    def test_runtime_errors_do_not_abort(self):
        for resp in (2, 3):
            self.script([(0, "FLUSHALL"), (0, "MULTI"), (0, "SET a x"), (0, "INCR a"),
                         (0, "SET b 2"), (0, "INCRBY b x"), (0, "INCR b"), (0, "EXEC"),
                         (0, "MGET a b")], resp=resp)

    def test_watch_inside_multi(self):
        self.script([(0, "MULTI"), (0, "WATCH a"), (0, "SET a 1"), (0, "EXEC"),
                     (0, "GET a")])

    def test_discard(self):
        self.script([(0, "MULTI"), (0, "SET a 1"), (0, "DISCARD"), (0, "EXISTS a"),
                     (0, "EXEC")])

    def test_select_inside_multi(self):
        self.script([(0, "MULTI"), (0, "SELECT 1"), (0, "SET a 1"), (0, "EXEC"),
                     (0, "GET a"), (0, "SELECT 0"), (0, "GET a"), (0, "SELECT 1"),
                     (0, "DEL a")])

    def test_queued_replies_and_other_client(self):
        # Another client's commands run between queuing and EXEC.
        self.script([(0, "MULTI"), (0, "GET a"), (1, "SET a 1"), (0, "EXEC")])

    def test_quit_and_reset_inside_multi(self):
        self.script([(0, "MULTI"), (0, "SET a 1"), (0, "RESET"), (0, "EXEC"),
                     (0, "EXISTS a")])

    def test_ping_and_echo(self):
        for resp in (2, 3):
            self.script([(0, "MULTI"), (0, "PING"), (0, "ECHO hi"), (0, "PING x"),
                         (0, "EXEC")], resp=resp)


class TestWatch(TxTest):
    REDIS_ARGS = ("--enable-debug-command", "yes")

    def test_unmodified(self):
        self.script([(0, "SET k 1"), (0, "WATCH k"), (0, "MULTI"), (0, "INCR k"),
                     (0, "EXEC"), (0, "GET k")])

    def test_modified_by_other_client(self):
        for resp in (2, 3):
            self.script([(0, "SET k 1"), (0, "WATCH k"), (1, "SET k 2"), (0, "MULTI"),
                         (0, "INCR k"), (0, "EXEC"), (0, "GET k")], resp=resp)

    def test_modified_by_self_before_multi(self):
        self.script([(0, "WATCH k"), (0, "SET k 2"), (0, "MULTI"), (0, "PING"),
                     (0, "EXEC")])

    def test_modified_while_queuing(self):
        self.script([(0, "WATCH k"), (0, "MULTI"), (0, "PING"), (1, "SET k 3"),
                     (0, "EXEC")])

    def test_missing_key_created(self):
        self.script([(0, "WATCH nokey"), (1, "SET nokey 1"), (0, "MULTI"), (0, "PING"),
                     (0, "EXEC")])

    def test_deleted(self):
        self.script([(0, "SET k 1"), (0, "WATCH k"), (1, "DEL k"), (0, "MULTI"),
                     (0, "PING"), (0, "EXEC")])

    def test_del_of_missing_key_is_no_change(self):
        self.script([(0, "WATCH nokey"), (1, "DEL nokey"), (0, "MULTI"), (0, "PING"),
                     (0, "EXEC")])

    def test_expire_command(self):
        self.script([(0, "SET k 1"), (0, "WATCH k"), (1, "EXPIRE k 100"), (0, "MULTI"),
                     (0, "PING"), (0, "EXEC")])

    def test_key_expires_after_watch(self):
        self.script([(0, "SET k 1"), (0, "PEXPIRE k 50"), (0, "WATCH k"), ("sleep", 0.15),
                     (0, "MULTI"), (0, "PING"), (0, "EXEC")])

    def test_key_already_expired_when_watched(self):
        self.script([(0, "DEBUG SET-ACTIVE-EXPIRE 0"), (0, "SET k 1"), (0, "PEXPIRE k 20"),
                     ("sleep", 0.1), (0, "WATCH k"), (0, "MULTI"), (0, "PING"), (0, "EXEC"),
                     (0, "DEBUG SET-ACTIVE-EXPIRE 1")])

    def test_unwatch(self):
        self.script([(0, "WATCH k"), (1, "SET k 1"), (0, "UNWATCH"), (0, "MULTI"),
                     (0, "PING"), (0, "EXEC")])

    def test_exec_clears_watches(self):
        self.script([(0, "WATCH k"), (0, "MULTI"), (0, "PING"), (0, "EXEC"), (1, "SET k 1"),
                     (0, "MULTI"), (0, "PING"), (0, "EXEC")])

    def test_failed_exec_clears_watches(self):
        self.script([(0, "WATCH k"), (1, "SET k 1"), (0, "MULTI"), (0, "EXEC"),
                     (1, "SET k 2"), (0, "MULTI"), (0, "PING"), (0, "EXEC")])

    def test_discard_clears_watches(self):
        self.script([(0, "WATCH k"), (0, "MULTI"), (0, "DISCARD"), (1, "SET k 1"),
                     (0, "MULTI"), (0, "PING"), (0, "EXEC")])

    def test_flushdb_existing_key(self):
        self.script([(0, "SET k 1"), (0, "WATCH k"), (1, "FLUSHDB"), (0, "MULTI"),
                     (0, "PING"), (0, "EXEC")])

    def test_flushall_missing_key_is_no_change(self):
        self.script([(0, "WATCH nokey"), (1, "FLUSHALL"), (0, "MULTI"), (0, "PING"),
                     (0, "EXEC")])

    def test_flush_other_db(self):
        self.script([(0, "SET k 1"), (0, "WATCH k"), (1, "SELECT 1"), (1, "FLUSHDB"),
                     (0, "MULTI"), (0, "PING"), (0, "EXEC")])

    def test_swapdb(self):
        self.script([(0, "SELECT 1"), (0, "SET k 1"), (0, "SELECT 0"), (0, "WATCH k"),
                     (1, "SWAPDB 0 1"), (0, "MULTI"), (0, "PING"), (0, "EXEC"),
                     (0, "SWAPDB 0 1"), (0, "SELECT 1"), (0, "FLUSHDB")])

    def test_swapdb_both_missing(self):
        self.script([(0, "WATCH k"), (1, "SWAPDB 0 1"), (0, "MULTI"), (0, "PING"),
                     (0, "EXEC"), (0, "SWAPDB 0 1")])

    def test_rename_source_and_destination(self):
        self.script([(0, "SET a 1"), (0, "WATCH b"), (1, "RENAME a b"), (0, "MULTI"),
                     (0, "PING"), (0, "EXEC"), (0, "WATCH b"), (1, "RENAME b c"),
                     (0, "MULTI"), (0, "PING"), (0, "EXEC")])

    def test_restore_replace(self):
        # Each server restores its own DUMP payload over the watched key.
        probe = self.lunar.client()
        has_restore = probe.call_parsed("COMMAND", "INFO", "restore") != [None]
        probe.close()
        if not has_restore:
            self.skipTest("RESTORE comes with the RDB module")
        replies = []
        for server in (self.lunar, self.redis):
            a, b = server.client(), server.client()
            try:
                a.call("SET", "src", "v")
                payload = a.call_parsed("DUMP", "src")
                replies.append([a.call("SET", "k", "1"), a.call("WATCH", "k"),
                                b.call("RESTORE", "k", "0", payload, "REPLACE"),
                                a.call("MULTI"), a.call("PING"), a.call("EXEC")])
            finally:
                a.close()
                b.close()
        self.assertEqual(replies[0], replies[1])
        self.assertEqual(replies[1][-1], b"*-1\r\n")

    def test_watch_several_keys(self):
        self.script([(0, "WATCH a b c"), (1, "SET c 1"), (0, "MULTI"), (0, "PING"),
                     (0, "EXEC"), (0, "WATCH a a"), (0, "MULTI"), (0, "PING"), (0, "EXEC")])

    def test_watch_in_other_db_only(self):
        self.script([(0, "WATCH k"), (1, "SELECT 1"), (1, "SET k 1"), (0, "MULTI"),
                     (0, "PING"), (0, "EXEC"), (1, "DEL k")])

    def test_watch_arity(self):
        self.script([(0, "WATCH"), (0, "UNWATCH x")])


class TestClientListInMulti(TxTest):

    def test_flags_and_counters(self):
        c, other = self.lunar.client(), self.lunar.client()
        try:
            my_id = c.call_parsed("CLIENT", "ID")
            c.call("MULTI")
            c.call("SET", "a", "1")
            c.call("GET", "a")

            def my_line():
                lines = other.call_parsed("CLIENT", "LIST").decode().splitlines()
                return [l for l in lines if l.startswith(f"id={my_id} ")][0]
            self.assertIn(" flags=x ", my_line())
            self.assertIn(" multi=2 ", my_line())
            self.assertIn(" multi-mem=49 ", my_line())
            c.call("DISCARD")
            self.assertIn(" multi=-1 ", my_line())
            self.assertIn(" flags=N ", my_line())
            c.call("WATCH", "a")
            other.call("SET", "a", "2")
            self.assertIn(" flags=d ", my_line())
        finally:
            c.close()
            other.close()


if __name__ == "__main__":
    harness.main()
