// Transactions and WATCH: see tx.h for the model.
#include "kernel/tx/tx.h"

#include <string>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/command/propagate.h"
#include "kernel/keyspace/keyspace.h"
#include "kernel/net/client.h"
#include "kernel/server.h"

namespace lunar {

// A client's transaction: its queue while in MULTI and the keys it watches.
struct TxState {
  std::vector<std::vector<std::string>> queue;  // copied arguments; resolved again at EXEC
  size_t queue_bytes = 0;
  bool rejected = false;  // a command was refused while queuing: EXEC aborts
  struct Watched {
    int db;
    std::string key;
    bool expired;  // the key was already logically expired when watched
  };
  std::vector<Watched> watched;
};

namespace tx {
namespace {

// Clients watching each key, per database index.
std::vector<tsl::robin_map<std::string, std::vector<Client*>>> g_watchers;
long long g_watch_count = 0;  // (client, key) pairs

tsl::robin_map<std::string, std::vector<Client*>>& watchers_in(int db) {
  if (g_watchers.size() <= static_cast<size_t>(db)) g_watchers.resize(static_cast<size_t>(db) + 1);
  return g_watchers[static_cast<size_t>(db)];
}

TxState* state_of(Client* c) {
  if (!c->tx) c->tx = new TxState();
  return c->tx;
}

// True when `key` exists in `db` with an expiry already passed (not yet deleted).
bool key_is_expired(int db, std::string_view key) {
  if (db < 0) return false;
  Slot* s = db_at(db).find(key);
  return s && s->expire_ms >= 0 && s->expire_ms <= now_ms();
}

bool key_exists(int db, std::string_view key) { return db >= 0 && db_at(db).find(key); }

TxState::Watched* find_watch(Client* c, int db, std::string_view key) {
  if (!c->tx) return nullptr;
  for (auto& w : c->tx->watched)
    if (w.db == db && w.key == key) return &w;
  return nullptr;
}

void watch_key(Client* c, int db, std::string_view key) {
  if (find_watch(c, db, key)) return;
  state_of(c)->watched.push_back({db, std::string(key), key_is_expired(db, key)});
  watchers_in(db)[std::string(key)].push_back(c);
  g_watch_count++;
}

void unwatch_all(Client* c) {
  if (!c->tx) return;
  for (const auto& w : c->tx->watched) {
    auto& m = watchers_in(w.db);
    auto it = m.find(w.key);
    if (it == m.end()) continue;
    std::erase(it.value(), c);
    if (it->second.empty()) m.erase(it);
    g_watch_count--;
  }
  c->tx->watched.clear();
  c->flags &= ~kClientDirtyCas;
}

void discard(Client* c) {
  if (c->tx) {
    c->tx->queue.clear();
    c->tx->queue_bytes = 0;
    c->tx->rejected = false;
  }
  c->flags &= ~kClientMulti;
}

// Redis 7.0: a watched key that was live when watched and has expired since fails EXEC even if
// no one has deleted it yet.
bool watched_key_expired(Client* c) {
  if (!c->tx) return false;
  for (const auto& w : c->tx->watched)
    if (!w.expired && key_is_expired(w.db, w.key)) return true;
  return false;
}

bool in_multi_or_reply(Ctx* ctx, const char* error) {
  if (ctx->client->flags & kClientMulti) return true;
  reply_error(ctx, error);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------
int multi_cmd(Ctx* ctx, int, const lunar_str*) {
  Client* c = ctx->client;
  if (c->flags & kClientMulti) {
    reply_error(ctx, "ERR MULTI calls can not be nested");
    return LUNAR_OK;
  }
  state_of(c);
  c->flags |= kClientMulti;
  reply_ok(ctx);
  return LUNAR_OK;
}

int discard_cmd(Ctx* ctx, int, const lunar_str*) {
  if (!in_multi_or_reply(ctx, "ERR DISCARD without MULTI")) return LUNAR_OK;
  discard(ctx->client);
  unwatch_all(ctx->client);
  reply_ok(ctx);
  return LUNAR_OK;
}

// Runs one queued command as part of EXEC; its reply is one element of EXEC's array.
void run_queued(Client* c, ReplySink* reply, const std::vector<std::string>& args) {
  std::vector<lunar_str> argv;
  argv.reserve(args.size());
  for (const std::string& a : args) argv.push_back({a.data(), a.size()});
  int argc = static_cast<int>(argv.size());
  Command* cmd = g_commands.lookup(argc, argv.data());
  if (!cmd || !cmd->handler) {  // unloaded since it was queued
    reply->error("ERR command no longer exists");
    return;
  }
  Ctx ctx{c, reply, c->db, cmd, cmd->owner};
  ctx.argc = argc;
  ctx.argv = argv.data();
  ctx.flags = LUNAR_CTX_MULTI;
  g_server.cmd_time_ms = now_ms();
  long long errors_before = g_server.stats.total_error_replies;
  size_t out_before = c->out.size();
  long long start = now_us();
  long long dirty_before = g_server.stats.dirty;
  propagate::command_starting();
  int rc = cmd->handler(&ctx, argc, argv.data());
  propagate::command_finished(&ctx, argc, argv.data(), g_server.stats.dirty != dirty_before);
  if (rc != LUNAR_OK && c->out.size() == out_before) reply->error("ERR command failed");
  cmd->calls++;
  cmd->usec += now_us() - start;
  if (g_server.stats.total_error_replies != errors_before) cmd->failed_calls++;
  g_server.stats.total_commands_processed++;
}

// EXEC: -EXECABORT when a command was refused while queuing; a null array when a watched key
// changed (or expired); else the array of every queued command's reply.
int exec_cmd(Ctx* ctx, int, const lunar_str*) {
  Client* c = ctx->client;
  if (!in_multi_or_reply(ctx, "ERR EXEC without MULTI")) return LUNAR_OK;
  TxState* t = c->tx;
  if (t->rejected) {
    reply_error(ctx, "EXECABORT Transaction discarded because of previous errors.");
    discard(c);
    unwatch_all(c);
    return LUNAR_OK;
  }
  if ((c->flags & kClientDirtyCas) || watched_key_expired(c)) {
    ctx->reply->null_array();
    discard(c);
    unwatch_all(c);
    return LUNAR_OK;
  }
  unwatch_all(c);
  std::vector<std::vector<std::string>> queue;
  queue.swap(t->queue);
  t->queue_bytes = 0;
  ctx->reply->aggregate(Agg::kArray, static_cast<long>(queue.size()));
  for (const auto& args : queue) run_queued(c, ctx->reply, args);
  c->flags &= ~kClientMulti;
  return LUNAR_OK;
}

int watch_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  Client* c = ctx->client;
  if (c->flags & kClientMulti) {
    reply_error(ctx, "ERR WATCH inside MULTI is not allowed");
    return LUNAR_OK;
  }
  for (int i = 1; i < argc; i++) watch_key(c, ctx->db, sv(argv[i]));
  reply_ok(ctx);
  return LUNAR_OK;
}

int unwatch_cmd(Ctx* ctx, int, const lunar_str*) {
  unwatch_all(ctx->client);
  reply_ok(ctx);
  return LUNAR_OK;
}

// Metadata as Redis 7.0's COMMAND INFO / COMMAND DOCS show it.
const KernelCommand kTxCommands[] = {
    {"multi", multi_cmd, 1, "noscript loading stale fast allow_busy", 0, 0, 0, "transaction",
     "Mark the start of a transaction block", "1.2.0", "transactions", "O(1)"},
    {"exec", exec_cmd, 1, "noscript loading stale skip_slowlog", 0, 0, 0, "transaction",
     "Execute all commands issued after MULTI", "1.2.0", "transactions",
     "Depends on commands in the transaction"},
    {"discard", discard_cmd, 1, "noscript loading stale fast allow_busy", 0, 0, 0, "transaction",
     "Discard all commands issued after MULTI", "2.0.0", "transactions",
     "O(N), when N is the number of queued commands"},
    {"watch", watch_cmd, -2, "noscript loading stale fast allow_busy", 1, -1, 1, "transaction",
     "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0",
     "transactions", "O(1) for every key.", "RO"},
    {"unwatch", unwatch_cmd, 1, "noscript loading stale fast allow_busy", 0, 0, 0, "transaction",
     "Forget about all watched keys", "2.2.0", "transactions", "O(1)"},
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Dispatcher and keyspace hooks
// ---------------------------------------------------------------------------------------------
bool should_queue(const Client* c, const Command* cmd) {
  if (!(c->flags & kClientMulti)) return false;
  const std::string& name = cmd->parent ? cmd->parent->name : cmd->name;
  return name != "exec" && name != "discard" && name != "multi" && name != "watch" &&
         name != "quit" && name != "reset";
}

void queue(Client* c, Command* cmd, int argc, const lunar_str* argv, ReplySink* reply) {
  if (cmd->flags & kCmdNoMulti) {
    flag_rejected(c);
    reply->error("ERR Command not allowed inside a transaction");
    return;
  }
  TxState* t = state_of(c);
  std::vector<std::string> args;
  args.reserve(static_cast<size_t>(argc));
  for (int i = 0; i < argc; i++) {
    args.emplace_back(argv[i].ptr, argv[i].len);
    t->queue_bytes += argv[i].len + sizeof(void*);  // as Redis counts multi-mem
  }
  t->queue.push_back(std::move(args));
  c->last_cmd = cmd->fullname;
  reply->simple("QUEUED");
}

void flag_rejected(Client* c) {
  if (c->flags & kClientMulti) state_of(c)->rejected = true;
}

void abort_exec(Client* c, std::string_view error, ReplySink* reply) {
  if (error.substr(0, 4) == "ERR ") error.remove_prefix(4);
  reply->error("EXECABORT Transaction discarded because of: " + std::string(error));
  discard(c);
  unwatch_all(c);
}

long long queued_count(const Client* c) {
  if (!(c->flags & kClientMulti)) return -1;
  return c->tx ? static_cast<long long>(c->tx->queue.size()) : 0;
}

size_t queued_bytes(const Client* c) { return c->tx ? c->tx->queue_bytes : 0; }

void touch_key(int db, std::string_view key) {
  if (g_watch_count == 0 || g_watchers.size() <= static_cast<size_t>(db)) return;
  auto& m = g_watchers[static_cast<size_t>(db)];
  auto it = m.find(std::string(key));
  if (it == m.end()) return;
  for (Client* c : it->second) {
    TxState::Watched* w = find_watch(c, db, key);
    // A key that was already expired when watched and is now gone has not logically changed.
    if (w && w->expired && !key_exists(db, key)) {
      w->expired = false;
      continue;
    }
    c->flags |= kClientDirtyCas;
  }
}

void touch_db(int db, int replaced_with) {
  if (g_watch_count == 0 || g_watchers.size() <= static_cast<size_t>(db)) return;
  for (auto& [key, clients] : g_watchers[static_cast<size_t>(db)]) {
    bool in_emptied = key_exists(db, key);
    bool in_replacement = key_exists(replaced_with, key);
    if (!in_emptied && !in_replacement) continue;
    for (Client* c : clients) {
      TxState::Watched* w = find_watch(c, db, key);
      if (w && w->expired) {
        if (!in_replacement) {
          w->expired = false;  // an expired key deleted: no logical change
          continue;
        }
        if (key_is_expired(replaced_with, key)) continue;  // stays expired
      } else if (w && !in_emptied && key_is_expired(replaced_with, key)) {
        w->expired = true;  // a missing key replaced by an expired one
        continue;
      }
      c->flags |= kClientDirtyCas;
    }
  }
}

void reset_client(Client* c) {
  if (!c->tx) return;
  discard(c);
  unwatch_all(c);
  delete c->tx;
  c->tx = nullptr;
}

void register_tx_commands() { register_table(kTxCommands); }

}  // namespace tx
}  // namespace lunar
