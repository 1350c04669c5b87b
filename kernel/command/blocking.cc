// Blocked clients: see blocking.h for the model.
#include "kernel/command/blocking.h"

#include <climits>
#include <cmath>
#include <list>
#include <map>
#include <string>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/command/propagate.h"
#include "kernel/keyspace/keyspace.h"
#include "kernel/net/client.h"
#include "kernel/server.h"
#include "kernel/util/numbers.h"

namespace lunar {

// What a blocked client waits for. Owned by the client (Client::blocked) while it is blocked.
struct BlockState {
  int db = 0;
  const lunar_type* type = nullptr;  // the awaited type; nullptr = any
  long long deadline_ms = 0;         // 0 = none
  int flags = 0;                     // LUNAR_BLOCK_*
  Command* cmd = nullptr;
  std::vector<std::string> argv;  // the command, copied: the query buffer moves on
  // Where the client sits in each key's line, for O(1) removal.
  std::vector<std::pair<std::string, std::list<Client*>::iterator>> keys;
  std::multimap<long long, Client*>::iterator deadline_it;
  bool has_deadline = false;
  bool blocked_again = false;  // set when a re-run blocks once more
};

namespace blocking {
namespace {

using Line = std::list<Client*>;  // clients waiting on one key, oldest first

struct State {
  std::vector<tsl::robin_map<std::string, Line>> waiting;  // per database index
  std::vector<std::pair<int, std::string>> ready;          // keys queued as ready
  std::multimap<long long, Client*> deadlines;
  std::vector<Client*> to_resume;  // unblocked clients whose pending input must run
  long long blocked = 0;
  uv_timer_t timer;
};
State g;

tsl::robin_map<std::string, Line>& waiting_in(int db) {
  if (g.waiting.size() <= static_cast<size_t>(db)) g.waiting.resize(static_cast<size_t>(db) + 1);
  return g.waiting[static_cast<size_t>(db)];
}

void on_deadline(uv_timer_t*);

// Sets the timer for the earliest deadline (or stops it).
void arm_timer() {
  if (g.deadlines.empty()) {
    uv_timer_stop(&g.timer);
    return;
  }
  long long wait = g.deadlines.begin()->first - now_ms();
  uv_timer_start(&g.timer, on_deadline, wait > 0 ? static_cast<uint64_t>(wait) : 0, 0);
}

// Removes `c` from every line and from the deadlines, and frees its state.
void forget(Client* c) {
  BlockState* b = c->blocked;
  auto& w = waiting_in(b->db);
  for (auto& [key, it] : b->keys) {
    auto line = w.find(key);
    if (line == w.end()) continue;
    line.value().erase(it);
    if (line->second.empty()) w.erase(line);
  }
  if (b->has_deadline) g.deadlines.erase(b->deadline_it);
  delete b;
  c->blocked = nullptr;
  c->flags &= ~kClientBlocked;
  g.blocked--;
}

// The client's reply and pipelined input are handled by resume_unblocked, before the loop
// sleeps (not here: this runs inside another client's command).
void resume_later(Client* c) {
  if (c->flags & kClientPendingResume) return;
  c->flags |= kClientPendingResume;
  g.to_resume.push_back(c);
}

// Ends the block of `c`, which has been answered, and lets its pipelined input run.
void unblock(Client* c) {
  forget(c);
  resume_later(c);
}

void reply_timeout(Client* c) {
  if (c->blocked->flags & LUNAR_BLOCK_TIMEOUT_NULL)
    c->writer.null();
  else
    c->writer.null_array();
}

// Runs the blocked command of `c` again, woken by `key`. True when it served (the client is
// unblocked).
bool rerun(Client* c, const std::string& key) {
  BlockState* b = c->blocked;
  std::vector<lunar_str> av;
  av.reserve(b->argv.size());
  for (const std::string& a : b->argv) av.push_back({a.data(), a.size()});
  b->blocked_again = false;
  Ctx ctx{c, &c->writer, b->db, b->cmd, b->cmd->owner};
  ctx.argc = static_cast<int>(av.size());
  ctx.argv = av.data();
  ctx.flags = LUNAR_CTX_UNBLOCKED;
  ctx.ready_key = {key.data(), key.size()};
  Client* outer = g_server.current_client;
  g_server.current_client = c;
  long long start = now_us();
  long long dirty_before = g_server.stats.dirty;
  propagate::command_starting();
  b->cmd->handler(&ctx, ctx.argc, ctx.argv);
  propagate::command_finished(&ctx, ctx.argc, ctx.argv, g_server.stats.dirty != dirty_before);
  propagate::flush_unit();
  g_server.current_client = outer;
  if (c->blocked && c->blocked->blocked_again) return false;
  b->cmd->calls++;
  b->cmd->usec += now_us() - start;
  unblock(c);
  return true;
}

// Answers every client whose deadline has passed with its timeout reply.
void on_deadline(uv_timer_t*) {
  long long now = now_ms();
  while (!g.deadlines.empty() && g.deadlines.begin()->first <= now) {
    Client* c = g.deadlines.begin()->second;
    reply_timeout(c);
    unblock(c);
  }
  arm_timer();
}

}  // namespace

void init() {
  uv_timer_init(g_server.loop, &g.timer);
  uv_unref(reinterpret_cast<uv_handle_t*>(&g.timer));  // does not keep the loop alive
}

void resume_unblocked() {
  while (!g.to_resume.empty()) {
    std::vector<Client*> batch;
    batch.swap(g.to_resume);
    for (Client* c : batch) {
      c->flags &= ~kClientPendingResume;
      c->process_input();  // runs pipelined commands, then writes the reply
    }
  }
}

int block_on_keys(lunar_ctx* ctx, int nkeys, const lunar_str* keys, const lunar_type* type,
                  long long deadline_ms, int flags) {
  if (nkeys < 1 || !keys || (flags & ~LUNAR_BLOCK_TIMEOUT_NULL)) return LUNAR_EINVAL;
  Client* c = ctx->client;
  if (!c || (ctx->flags & (LUNAR_CTX_MULTI | LUNAR_CTX_SCRIPT)) || !ctx->cmd || !ctx->argv)
    return LUNAR_ESTATE;
  if (ctx->flags & LUNAR_CTX_UNBLOCKED) {
    if (c->blocked) c->blocked->blocked_again = true;
    return LUNAR_OK;
  }
  auto* b = new BlockState();
  b->db = ctx->db;
  b->type = type;
  b->deadline_ms = deadline_ms;
  b->flags = flags;
  b->cmd = ctx->cmd;
  b->argv.reserve(static_cast<size_t>(ctx->argc));
  for (int i = 0; i < ctx->argc; i++) b->argv.emplace_back(ctx->argv[i].ptr, ctx->argv[i].len);
  auto& w = waiting_in(ctx->db);
  for (int i = 0; i < nkeys; i++) {
    std::string key(keys[i].ptr, keys[i].len);
    bool dup = false;
    for (const auto& k : b->keys) dup = dup || k.first == key;
    if (dup) continue;
    Line& line = w[key];
    auto it = line.insert(line.end(), c);
    b->keys.emplace_back(std::move(key), it);
  }
  if (deadline_ms > 0) {
    b->deadline_it = g.deadlines.emplace(deadline_ms, c);
    b->has_deadline = true;
    if (b->deadline_it == g.deadlines.begin()) arm_timer();
  }
  c->blocked = b;
  c->flags |= kClientBlocked;
  g.blocked++;
  return LUNAR_OK;
}

// Redis reads the timeout as a long double of seconds, rounds it up to ms (a value that does
// not fit becomes negative, as the x86 conversion does) and adds the command's time.
int parse_timeout(lunar_ctx* ctx, lunar_str arg, long long* deadline_ms) {
  long double secs;
  if (!string2ld(arg.ptr, arg.len, &secs)) {
    ctx->reply->error(LUNAR_ERR_TIMEOUT_NOT_FLOAT);
    return LUNAR_EINVAL;
  }
  long double ms = ceill(secs * 1000.0L);  // 0.001 s still times out, as in Redis
  long long t = (ms >= -9.2233720368547758e18L && ms < 9.2233720368547758e18L)
                    ? static_cast<long long>(ms)
                    : LLONG_MIN;
  if (t < 0) {
    ctx->reply->error(LUNAR_ERR_TIMEOUT_NEGATIVE);
    return LUNAR_EINVAL;
  }
  if (t > 0) t = t > LLONG_MAX - g_server.cmd_time_ms ? LLONG_MAX : t + g_server.cmd_time_ms;
  *deadline_ms = t;
  return LUNAR_OK;
}

void signal_key(int db, std::string_view key) {
  if (g.blocked == 0 || g.waiting.size() <= static_cast<size_t>(db)) return;
  auto& w = g.waiting[static_cast<size_t>(db)];
  if (w.empty()) return;
  std::string k(key);
  if (!w.count(k)) return;
  for (const auto& r : g.ready)
    if (r.first == db && r.second == k) return;
  g.ready.emplace_back(db, std::move(k));
}

void signal_db(int db) {
  if (g.blocked == 0 || g.waiting.size() <= static_cast<size_t>(db)) return;
  std::vector<std::string> keys;
  for (const auto& [key, line] : g.waiting[static_cast<size_t>(db)]) keys.push_back(key);
  for (const std::string& k : keys)
    if (db_at(db).find(k)) signal_key(db, k);
}

bool has_ready_keys() { return !g.ready.empty(); }

// Keys may become ready while clients are served (BLMOVE pushes): loop until none is left.
void serve_ready_keys() {
  while (!g.ready.empty()) {
    std::vector<std::pair<int, std::string>> batch;
    batch.swap(g.ready);
    for (const auto& [db, key] : batch) {
      auto& w = waiting_in(db);
      auto line = w.find(key);
      if (line == w.end()) continue;
      // Serving changes the line: walk a snapshot, skipping clients gone meanwhile.
      std::vector<long long> ids;
      for (Client* c : line->second) ids.push_back(c->id);
      for (long long id : ids) {
        auto cur = w.find(key);
        if (cur == w.end()) break;
        Client* c = nullptr;
        for (Client* x : cur->second)
          if (x->id == id) c = x;
        if (!c) continue;
        g_server.cmd_time_ms = now_ms();
        Slot* s = lookup_write(db, key);
        if (!s) break;  // the key is gone: the rest keep waiting
        if (c->blocked->type && s->type != c->blocked->type) continue;
        rerun(c, key);
      }
    }
  }
}

bool unblock_client(Client* c, UnblockReason why) {
  if (!c->blocked) return false;
  if (why == UnblockReason::kTimeout)
    reply_timeout(c);
  else
    c->writer.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  unblock(c);
  return true;
}

void client_closed(Client* c) {
  if (c->blocked) forget(c);
  if (c->flags & kClientPendingResume) {
    std::erase(g.to_resume, c);
    c->flags &= ~kClientPendingResume;
  }
}

long long blocked_count() { return g.blocked; }
long long timeout_count() { return static_cast<long long>(g.deadlines.size()); }

long long blocked_count_for(const lunar_module* m) {
  long long n = 0;
  for (Client* c : g_server.clients)
    if (c->blocked && c->blocked->cmd->owner == m) n++;
  return n;
}

}  // namespace blocking
}  // namespace lunar
