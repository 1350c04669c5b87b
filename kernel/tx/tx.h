// Transactions: MULTI / EXEC / DISCARD and optimistic locking with WATCH / UNWATCH, with Redis
// 7.0's semantics.
//
// In MULTI a client's commands are checked (unknown, arity, no_multi) and copied into its queue;
// a rejected one marks the transaction so that EXEC answers -EXECABORT. EXEC runs the queue with
// nothing in between (commands run one at a time on the loop thread), each command with
// LUNAR_CTX_MULTI so that blocking commands answer at once. Clients woken by the transaction's
// writes are served after EXEC, by the dispatcher.
//
// WATCH records (db, key) per client in a per-database index; every write signal to a watched key
// (signal_modified: commands of any module, expiry, RENAME, RESTORE...) and every flush or swap
// of its database marks the watching clients dirty, and their EXEC answers a null array.
#pragma once
#include <lunar/lunar.h>

#include <string_view>

namespace lunar {

class Client;
class ReplySink;
struct Command;

namespace tx {

// True when `c` is inside MULTI and `cmd` must be queued rather than run (everything except
// EXEC, DISCARD, MULTI, WATCH, QUIT and RESET).
bool should_queue(const Client* c, const Command* cmd);
// Queues the command and replies +QUEUED, or rejects a no_multi command (marking the
// transaction). Call after should_queue.
void queue(Client* c, Command* cmd, int argc, const lunar_str* argv, ReplySink* reply);
// A command was rejected while `c` is in MULTI (unknown, arity, auth): EXEC will abort.
void flag_rejected(Client* c);
// EXEC itself was rejected while in MULTI (e.g. its arity): answers -EXECABORT with the reason
// (`error` without its "ERR " code) and discards the transaction.
void abort_exec(Client* c, std::string_view error, ReplySink* reply);
// The number of queued commands and the bytes they hold (CLIENT LIST multi= / multi-mem=);
// -1 commands when not in MULTI.
long long queued_count(const Client* c);
size_t queued_bytes(const Client* c);

// A write to `key` in `db`: clients watching it will fail their EXEC.
void touch_key(int db, std::string_view key);
// Called before database `db` is emptied (replaced_with = -1) or swapped with `replaced_with`.
void touch_db(int db, int replaced_with);

// RESET and disconnection: discards the transaction and every watch of `c`.
void reset_client(Client* c);

// Registers MULTI, EXEC, DISCARD, WATCH, UNWATCH.
void register_tx_commands();

}  // namespace tx
}  // namespace lunar
