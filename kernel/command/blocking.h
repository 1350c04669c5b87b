// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ... of any module), the SDK's
// lunar_block_on_keys.
//
// A command that finds nothing to serve blocks its client on keys; the kernel keeps a copy of
// its arguments. Any write to a waited-on key (signal_modified) queues the key as ready; after
// the top-level command, MULTI/EXEC block or script that wrote it has finished, every client
// waiting on a ready key whose value now has the awaited type has its command run again, in the
// order the clients blocked. The command either serves (and the client is unblocked, its
// pipelined input resumes) or blocks again, keeping its place and deadline. Deadlines are kept in
// one ordered map driven by one libuv timer.
#pragma once
#include <lunar/lunar.h>

#include <string_view>

namespace lunar {

class Client;

namespace blocking {

// Starts the deadline timer and the resume hook on the server's loop (once, at startup).
void init();
// Lets clients unblocked since the last call write their reply and run their pipelined input
// (before_sleep calls it).
void resume_unblocked();
// The SDK call: see lunar_api::block_on_keys.
int block_on_keys(lunar_ctx* ctx, int nkeys, const lunar_str* keys, const lunar_type* type,
                  long long deadline_ms, int flags);
// The SDK call: see lunar_api::parse_timeout.
int parse_timeout(lunar_ctx* ctx, lunar_str arg, long long* deadline_ms);

// A write happened to key `key` of database `db`: queue it if a client waits on it.
void signal_key(int db, std::string_view key);
// Database `db` changed wholesale (SWAPDB, FLUSHDB): queue every waited-on key that exists.
void signal_db(int db);
// True when some key is queued as ready.
bool has_ready_keys();
// Serves the clients waiting on ready keys (called after a top-level command).
void serve_ready_keys();

enum class UnblockReason { kTimeout, kError };
// CLIENT UNBLOCK: answers the blocked command with its timeout reply or an -UNBLOCKED error.
// False when `c` is not blocked.
bool unblock_client(Client* c, UnblockReason why);
// Forgets a closing client (no reply).
void client_closed(Client* c);
// Clients currently blocked (INFO blocked_clients).
long long blocked_count();
// Blocked clients with a deadline (INFO clients_in_timeout_table).
long long timeout_count();
// Blocked clients running a command of module `m` (MODULE UNLOAD refuses while any).
long long blocked_count_for(const lunar_module* m);

}  // namespace blocking
}  // namespace lunar
