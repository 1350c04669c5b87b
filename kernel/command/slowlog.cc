#include "kernel/command/slowlog.h"

#include <deque>
#include <string>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/net/client.h"
#include "kernel/server.h"
#include "kernel/util/numbers.h"

namespace lunar::slowlog {
namespace {

// As Redis: at most 32 arguments and 128 bytes of each are kept.
constexpr int kMaxArgs = 32;
constexpr size_t kMaxArgLen = 128;

struct Entry {
  long long id;
  long long time_s;
  long long duration_us;
  std::vector<std::string> args;
  std::string addr, name;
};

std::deque<Entry> g_log;  // newest first
long long g_next_id = 0;

void trim() {
  long long max = g_server.settings.slowlog_max_len;
  while (static_cast<long long>(g_log.size()) > max) g_log.pop_back();
}

int get_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc > 3) {
    reply_errorf(ctx,
                 "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try SLOWLOG "
                 "HELP.",
                 static_cast<int>(argv[1].len), argv[1].ptr);
    return LUNAR_OK;
  }
  long long count = 10;
  if (argc == 3 && (!string2ll(argv[2].ptr, argv[2].len, &count) || count < -1)) {
    reply_error(ctx, "ERR count should be greater than or equal to -1");
    return LUNAR_OK;
  }
  size_t n = count == -1 || static_cast<size_t>(count) > g_log.size() ? g_log.size()
                                                                     : static_cast<size_t>(count);
  ReplySink* r = ctx->reply;
  r->aggregate(Agg::kArray, static_cast<long>(n));
  for (size_t i = 0; i < n; i++) {
    const Entry& e = g_log[i];
    r->aggregate(Agg::kArray, 6);
    r->integer(e.id);
    r->integer(e.time_s);
    r->integer(e.duration_us);
    r->aggregate(Agg::kArray, static_cast<long>(e.args.size()));
    for (const std::string& a : e.args) r->bulk(a);
    r->bulk(e.addr);
    r->bulk(e.name);
  }
  return LUNAR_OK;
}

int len_cmd(Ctx* ctx, int, const lunar_str*) {
  ctx->reply->integer(static_cast<long long>(g_log.size()));
  return LUNAR_OK;
}

int reset_cmd(Ctx* ctx, int, const lunar_str*) {
  g_log.clear();
  reply_ok(ctx);
  return LUNAR_OK;
}

int help_cmd(Ctx* ctx, int, const lunar_str*) {
  static const char* const kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  reply_lines(ctx, kLines);
  return LUNAR_OK;
}

const KernelCommand kCommands[] = {
    {"slowlog", nullptr, -2, "", 0, 0, 0, "", "A container for slow log commands", "2.2.12",
     "server", "Depends on subcommand."},
    {"slowlog|get", get_cmd, -2, "admin loading stale", 0, 0, 0, "dangerous",
     "Get the slow log's entries", "2.2.12", "server",
     "O(N) where N is the number of entries returned"},
    {"slowlog|len", len_cmd, 2, "admin loading stale", 0, 0, 0, "dangerous",
     "Get the slow log's length", "2.2.12", "server", "O(1)"},
    {"slowlog|reset", reset_cmd, 2, "admin loading stale", 0, 0, 0, "dangerous",
     "Clear all entries from the slow log", "2.2.12", "server",
     "O(N) where N is the number of entries in the slowlog"},
    {"slowlog|help", help_cmd, 2, "loading stale", 0, 0, 0, "",
     "Show helpful text about the different subcommands", "6.2.0", "server", "O(1)"},
};

}  // namespace

void record(const Client* c, int argc, const lunar_str* argv, long long duration_us) {
  long long threshold = g_server.settings.slowlog_log_slower_than;
  if (threshold < 0 || duration_us < threshold) return;
  Entry e;
  e.id = g_next_id++;
  e.time_s = now_ms() / 1000;
  e.duration_us = duration_us;
  int kept = argc > kMaxArgs ? kMaxArgs : argc;
  for (int i = 0; i < kept; i++) {
    if (i == kMaxArgs - 1 && argc > kMaxArgs) {
      e.args.push_back("... (" + std::to_string(argc - kMaxArgs + 1) + " more arguments)");
      break;
    }
    const lunar_str& a = argv[i];
    if (a.len > kMaxArgLen) {
      e.args.emplace_back(a.ptr, kMaxArgLen);
      e.args.back() += "... (" + std::to_string(a.len - kMaxArgLen) + " more bytes)";
    } else {
      e.args.emplace_back(a.ptr, a.len);
    }
  }
  e.addr = c->addr;
  e.name = c->name;
  g_log.push_front(std::move(e));
  trim();
}

void register_commands() { register_table(kCommands); }

}  // namespace lunar::slowlog
