// Command table, metadata parsing and the dispatcher.
#include "kernel/command/command.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "kernel/command/blocking.h"
#include "kernel/command/propagate.h"
#include "kernel/command/slowlog.h"
#include "kernel/net/client.h"
#include "kernel/server.h"
#include "kernel/tx/tx.h"
#include "kernel/util/numbers.h"

namespace lunar {

CommandTable g_commands;

// ---------------------------------------------------------------------------------------------
// Flags and ACL categories
// ---------------------------------------------------------------------------------------------
namespace {
struct FlagName {
  const char* name;
  uint64_t bit;
};
// COMMAND INFO order.
constexpr FlagName kFlagNames[] = {
    {"write", kCmdWrite},
    {"readonly", kCmdReadonly},
    {"denyoom", kCmdDenyOom},
    {"module", kCmdModule},
    {"admin", kCmdAdmin},
    {"pubsub", kCmdPubsub},
    {"noscript", kCmdNoscript},
    {"blocking", kCmdBlocking},
    {"loading", kCmdLoading},
    {"stale", kCmdStale},
    {"skip_monitor", kCmdSkipMonitor},
    {"skip_slowlog", kCmdSkipSlowlog},
    {"asking", kCmdAsking},
    {"fast", kCmdFast},
    {"no_auth", kCmdNoAuth},
    {"may_replicate", kCmdMayReplicate},
    {"no_mandatory_keys", kCmdNoMandatoryKeys},
    {"protected", kCmdProtected},
    {"no_async_loading", kCmdNoAsyncLoading},
    {"no_multi", kCmdNoMulti},
    {"movablekeys", kCmdMovableKeys},
    {"allow_busy", kCmdAllowBusy},
};

enum AclBit {
  kAclKeyspace, kAclRead, kAclWrite, kAclSet, kAclSortedSet, kAclList, kAclHash, kAclString,
  kAclBitmap, kAclHyperloglog, kAclGeo, kAclStream, kAclPubsub, kAclAdmin, kAclFast, kAclSlow,
  kAclBlocking, kAclDangerous, kAclConnection, kAclTransaction, kAclScripting,
};

template <typename F>
bool for_each_word(const char* s, F&& f) {
  if (!s) return true;
  const char* p = s;
  while (*p) {
    while (*p == ' ') p++;
    const char* start = p;
    while (*p && *p != ' ') p++;
    if (p > start && !f(std::string_view(start, p - start))) return false;
  }
  return true;
}
}  // namespace

const std::vector<std::string>& acl_category_names() {
  static const std::vector<std::string> names = {
      "keyspace", "read",   "write",  "set",      "sortedset",  "list",        "hash",
      "string",   "bitmap", "hyperloglog", "geo", "stream",     "pubsub",      "admin",
      "fast",     "slow",   "blocking", "dangerous", "connection", "transaction", "scripting"};
  return names;
}

bool parse_command_flags(const char* s, uint64_t* out, std::string* bad) {
  *out = 0;
  return for_each_word(s, [&](std::string_view w) {
    for (const auto& f : kFlagNames) {
      if (w == f.name) {
        *out |= f.bit;
        return true;
      }
    }
    *bad = std::string(w);
    return false;
  });
}

bool parse_acl_categories(const char* s, uint64_t* out, std::string* bad) {
  *out = 0;
  const auto& names = acl_category_names();
  return for_each_word(s, [&](std::string_view w) {
    if (!w.empty() && w[0] == '@') w.remove_prefix(1);
    for (size_t i = 0; i < names.size(); i++) {
      if (w == names[i]) {
        *out |= 1ull << i;
        return true;
      }
    }
    *bad = std::string(w);
    return false;
  });
}

uint64_t implicit_acl_categories(uint64_t flags, uint64_t acl) {
  if (flags & kCmdWrite) acl |= 1ull << kAclWrite;
  if ((flags & kCmdReadonly) && !(acl & (1ull << kAclScripting))) acl |= 1ull << kAclRead;
  if (flags & kCmdAdmin) acl |= (1ull << kAclAdmin) | (1ull << kAclDangerous);
  if (flags & kCmdPubsub) acl |= 1ull << kAclPubsub;
  if (flags & kCmdFast) acl |= 1ull << kAclFast;
  if (flags & kCmdBlocking) acl |= 1ull << kAclBlocking;
  if (!(acl & (1ull << kAclFast))) acl |= 1ull << kAclSlow;
  return acl;
}

bool parse_key_flags(const char* s, std::vector<std::string>* out, std::string* bad) {
  static const char* const kKnown[] = {"RO",     "RW",     "OW",     "RM",         "access",
                                       "update", "insert", "delete", "not_key",    "incomplete",
                                       "variable_flags"};
  out->clear();
  return for_each_word(s, [&](std::string_view w) {
    for (const char* k : kKnown) {
      if (w == k) {
        out->emplace_back(w);
        return true;
      }
    }
    *bad = std::string(w);
    return false;
  });
}

std::vector<std::string_view> command_flag_names(uint64_t flags) {
  std::vector<std::string_view> out;
  // Redis keeps may_replicate and protected out of COMMAND INFO.
  flags &= ~(kCmdMayReplicate | kCmdProtected);
  for (const auto& f : kFlagNames)
    if (flags & f.bit) out.emplace_back(f.name);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------
static std::string lower(std::string_view s) {
  std::string r(s);
  for (char& ch : r) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  return r;
}

Command* Command::find_sub(std::string_view sub) const {
  for (const auto& c : subcommands) {
    if (c->name.size() == sub.size() && strncasecmp(c->name.data(), sub.data(), sub.size()) == 0)
      return c.get();
  }
  return nullptr;
}

int CommandTable::add(std::unique_ptr<Command> cmd) {
  size_t bar = cmd->name.find('|');
  if (bar != std::string::npos) {
    Command* parent = find(std::string_view(cmd->name).substr(0, bar));
    if (!parent) return LUNAR_EINVAL;
    std::string sub = cmd->name.substr(bar + 1);
    if (parent->find_sub(sub)) return LUNAR_EEXIST;
    cmd->fullname = parent->name + "|" + sub;
    cmd->name = sub;
    cmd->parent = parent;
    parent->subcommands.push_back(std::move(cmd));
    return LUNAR_OK;
  }
  cmd->name = lower(cmd->name);
  cmd->fullname = cmd->name;
  if (cmds_.count(cmd->name)) return LUNAR_EEXIST;
  generation_++;
  std::string key = cmd->name;
  cmds_.emplace(std::move(key), std::move(cmd));
  return LUNAR_OK;
}

void CommandTable::remove(std::string_view name) {
  cmds_.erase(lower(name));
  generation_++;
}

Command* CommandTable::find(std::string_view name) const {
  char buf[64];
  if (name.size() >= sizeof buf || name.empty()) return nullptr;
  size_t slot = (name.size() * 7 + static_cast<unsigned char>(name[0]) * 3 +
                 static_cast<unsigned char>(name.back())) & 15;
  CacheEntry& e = cache_[slot];
  if (e.generation == generation_ && e.name == name) return e.cmd;
  for (size_t i = 0; i < name.size(); i++)
    buf[i] = static_cast<char>(tolower(static_cast<unsigned char>(name[i])));
  auto it = cmds_.find(std::string(buf, name.size()));
  Command* found = it == cmds_.end() ? nullptr : it->second.get();
  e.name.assign(name);
  e.cmd = found;
  e.generation = generation_;
  return found;
}

Command* CommandTable::lookup(int argc, const lunar_str* argv) const {
  Command* c = find(sv(argv[0]));
  if (!c || c->subcommands.empty() || argc < 2) return c;
  return c->find_sub(sv(argv[1]));
}

void register_table(const KernelCommand* rows, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const KernelCommand& r = rows[i];
    auto c = std::make_unique<Command>();
    c->name = r.name;
    c->handler = r.handler;
    c->arity = r.arity;
    std::string bad;
    if (!parse_command_flags(r.flags, &c->flags, &bad) ||
        !parse_acl_categories(r.acl, &c->acl, &bad) ||
        !parse_key_flags(r.key_flags, &c->key_flags, &bad)) {
      std::fprintf(stderr, "lunar: bad flag '%s' in kernel command '%s'\n", bad.c_str(), r.name);
      std::abort();
    }
    c->acl = implicit_acl_categories(c->flags, c->acl);
    c->first_key = r.first_key;
    c->last_key = r.last_key;
    c->key_step = r.key_step;
    c->summary = r.summary ? r.summary : "";
    c->since = r.since ? r.since : "";
    c->group = r.group ? r.group : "";
    c->complexity = r.complexity ? r.complexity : "";
    if (g_commands.add(std::move(c)) != LUNAR_OK) {
      std::fprintf(stderr, "lunar: cannot register kernel command '%s'\n", r.name);
      std::abort();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reply helpers
// ---------------------------------------------------------------------------------------------
// INFO errorstats: errors are counted by their code (the first word), at most 128 codes.
void count_error_reply(std::string_view text) {
  g_server.stats.total_error_replies++;
  std::string_view code = text.substr(0, text.find(' '));
  auto it = g_server.error_codes.find(code);
  if (it != g_server.error_codes.end()) {
    it.value()++;
  } else if (g_server.error_codes.size() < 128) {
    g_server.error_codes.emplace(std::string(code), 1);
  }
}

void reply_error(Ctx* ctx, std::string_view text) { ctx->reply->error(text); }

void reply_errorf(Ctx* ctx, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (n >= static_cast<int>(sizeof buf)) n = sizeof buf - 1;
  ctx->reply->error(std::string_view(buf, n));
}

void reply_ok(Ctx* ctx) { ctx->reply->simple("OK"); }
void reply_syntax_error(Ctx* ctx) { ctx->reply->error(LUNAR_ERR_SYNTAX); }

void reply_unknown_subcommand(Ctx* ctx, const lunar_str& sub, const char* container) {
  reply_errorf(ctx, "ERR unknown subcommand '%.128s'. Try %s HELP.",
               std::string(sv(sub)).c_str(), container);
}

void reply_wrong_arity(Ctx* ctx, std::string_view fullname) {
  reply_errorf(ctx, "ERR wrong number of arguments for '%.*s' command",
               static_cast<int>(fullname.size()), fullname.data());
}

void reply_lines(Ctx* ctx, const char* const* lines, size_t n) {
  ctx->reply->aggregate(Agg::kArray, static_cast<long>(n));
  for (size_t i = 0; i < n; i++) ctx->reply->simple(lines[i]);
}

bool arg_is(const lunar_str& a, std::string_view kw) {
  return a.len == kw.size() && strncasecmp(a.ptr, kw.data(), a.len) == 0;
}

bool arg_ll_or_reply(Ctx* ctx, const lunar_str& a, long long* out) {
  if (string2ll(a.ptr, a.len, out)) return true;
  ctx->reply->error(LUNAR_ERR_NOT_INTEGER);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------------
static void reject_unknown(Ctx* ctx, int argc, const lunar_str* argv) {
  std::string args;
  for (int i = 1; i < argc && args.size() < 128; i++) {
    int room = 128 - static_cast<int>(args.size());
    int take = static_cast<int>(argv[i].len) < room ? static_cast<int>(argv[i].len) : room;
    args += '\'';
    args.append(argv[i].ptr, take);
    args += "' ";
  }
  std::string name(sv(argv[0]).substr(0, 128));
  reply_errorf(ctx, "ERR unknown command '%s', with args beginning with: %s", name.c_str(),
               args.c_str());
}

bool call_internal(Client* c, int db, int argc, const lunar_str* argv, ReplySink* sink) {
  Command* cmd = g_commands.lookup(argc, argv);
  if (!cmd || !cmd->handler || (cmd->arity > 0 && argc != cmd->arity) || argc < -cmd->arity)
    return false;
  NullSink discard;
  Ctx ctx{c, sink ? sink : &discard, db, cmd, cmd->owner};
  cmd->handler(&ctx, argc, argv);
  return true;
}

// Refuses a command before it runs. In MULTI the transaction is marked to abort; a refused EXEC
// answers -EXECABORT with the reason instead (Redis 7.0, in MULTI or not).
static void reject(Ctx* ctx, Command* cmd, std::string_view text) {
  cmd->rejected_calls++;
  if (cmd->name == "exec" && !cmd->parent) {
    tx::abort_exec(ctx->client, text, ctx->reply);
    return;
  }
  tx::flag_rejected(ctx->client);
  reply_error(ctx, text);
}

// RESP2 clients with subscriptions may only run these.
static bool allowed_when_subscribed(const Command* cmd) {
  static const char* const kAllowed[] = {"subscribe",   "unsubscribe",  "psubscribe",
                                         "punsubscribe", "ssubscribe", "sunsubscribe",
                                         "ping",        "quit",         "reset"};
  for (const char* n : kAllowed)
    if (cmd->name == n && !cmd->parent) return true;
  return false;
}

void call_command(Client* c, int argc, const lunar_str* argv) {
  Ctx ctx{c, &c->writer, c->db, nullptr, nullptr};
  Command* cmd = g_commands.find(sv(argv[0]));
  if (!cmd) {
    tx::flag_rejected(c);
    reject_unknown(&ctx, argc, argv);
    return;
  }
  if (!cmd->subcommands.empty() && argc >= 2) {
    Command* sub = cmd->find_sub(sv(argv[1]));
    if (!sub) {
      std::string upper = cmd->name;
      for (char& ch : upper) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
      tx::flag_rejected(c);
      reply_unknown_subcommand(&ctx, argv[1], upper.c_str());
      return;
    }
    cmd = sub;
  }
  if ((cmd->arity > 0 && argc != cmd->arity) || argc < -cmd->arity || !cmd->handler) {
    char text[256];
    std::snprintf(text, sizeof text, "ERR wrong number of arguments for '%s' command",
                  cmd->fullname.c_str());
    reject(&ctx, cmd, text);
    return;
  }
  if (!(c->flags & kClientAuthenticated) && !g_server.settings.requirepass.empty() &&
      !(cmd->flags & kCmdNoAuth)) {
    reject(&ctx, cmd, "NOAUTH Authentication required.");
    return;
  }
  if (c->resp == 2 && c->pubsub() && !allowed_when_subscribed(cmd)) {
    char text[256];
    std::snprintf(text, sizeof text,
                  "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
                  "/ RESET are allowed in this context",
                  cmd->fullname.c_str());
    reject(&ctx, cmd, text);
    return;
  }
  if (g_server.busy_reply) {
    // A script is busy and this runs from inside it: no propagation unit of its own.
    if (!(cmd->flags & kCmdAllowBusy)) {
      reject(&ctx, cmd, g_server.busy_reply);
      return;
    }
    ctx.cmd = cmd;
    ctx.module = cmd->owner;
    ctx.argc = argc;
    ctx.argv = argv;
    cmd->handler(&ctx, argc, argv);
    cmd->calls++;
    c->last_cmd = cmd->fullname;
    return;
  }
  if (tx::should_queue(c, cmd)) {
    tx::queue(c, cmd, argc, argv, ctx.reply);
    return;
  }
  ctx.cmd = cmd;
  ctx.module = cmd->owner;
  ctx.argc = argc;
  ctx.argv = argv;
  long long start = now_us();
  g_server.cmd_time_ms = start / 1000;
  g_server.current_client = c;
  long long errors_before = g_server.stats.total_error_replies;
  long long counted_before = g_server.stats.counted_error_replies;
  long long dirty_before = g_server.stats.dirty;
  size_t out_before = c->out.size();
  propagate::command_starting();
  int rc = cmd->handler(&ctx, argc, argv);
  propagate::command_finished(&ctx, argc, argv, g_server.stats.dirty != dirty_before);
  long long dur = now_us() - start;
  if (rc != LUNAR_OK && c->out.size() == out_before)
    reply_error(&ctx, "ERR command failed");
  cmd->calls++;
  cmd->usec += dur;
  if (!(cmd->flags & kCmdSkipSlowlog)) slowlog::record(c, argc, argv, dur);
  // Failed: it replied an error of its own, or one a script's call already counted.
  long long errors_base = std::max(errors_before, g_server.errors_attributed);
  if (g_server.stats.total_error_replies > errors_base ||
      g_server.stats.counted_error_replies != counted_before)
    cmd->failed_calls++;
  g_server.errors_attributed = g_server.stats.total_error_replies;
  g_server.stats.total_commands_processed++;
  g_server.current_client = nullptr;
  c->last_cmd = cmd->fullname;
  propagate::flush_unit();
  if (blocking::has_ready_keys()) blocking::serve_ready_keys();
}

}  // namespace lunar
