// The kernel's own parameters: each field of g_server.settings (and proto-max-bulk-len in
// g_server.limits) under its Redis 7.0 name, with Redis's type, bounds, default, mutability and
// alias. One row per parameter, in the order of Settings.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernel/config/registry.h"
#include "kernel/keyspace/keyspace.h"
#include "kernel/server.h"

namespace lunar::config {

namespace {

constexpr long long kMb = 1024 * 1024;
constexpr long long kMaxBindAddresses = 16;  // Redis's CONFIG_BINDADDR_MAX
constexpr long long kMinHz = 1, kMaxHz = 500;

std::unique_ptr<Param> ll_param(const char* name, long long* v, long long min, long long max,
                                long long def, Kind kind = Kind::kInt) {
  return int_param(
      name, kind, min, max, def, [v] { return *v; }, [v](long long x) { *v = x; });
}

std::unique_ptr<Param> with(std::unique_ptr<Param> p, unsigned flags, const char* alias = "") {
  p->flags |= flags;
  p->alias = alias;
  return p;
}

// Redis accepts any hz and runs within [1, 500]; CONFIG GET shows the clamped value.
long long load_hz() { return g_server.settings.hz; }
void store_hz(long long x) { g_server.settings.hz = std::clamp(x, kMinHz, kMaxHz); }

// proto-max-bulk-len lives with the parser's limits.
long long load_bulk_len() { return static_cast<long long>(g_server.limits.max_bulk_len); }
void store_bulk_len(long long x) { g_server.limits.max_bulk_len = static_cast<size_t>(x); }

// bind: up to 16 space-separated addresses; "" listens on no TCP address.
std::unique_ptr<Param> bind_param(std::vector<std::string>* addrs) {
  auto p = std::make_unique<Param>();
  p->name = "bind";
  p->kind = Kind::kWords;
  p->default_text = "127.0.0.1 -::1";
  p->allowed_text = "must be a list of at most 16 addresses, e.g. [\"127.0.0.1\", \"-::1\"]";
  p->get = [addrs] {
    std::string out;
    for (const auto& a : *addrs) out += (out.empty() ? "" : " ") + a;
    return out;
  };
  p->set = [addrs](std::string_view s, std::string* err) {
    std::vector<std::string> words = split_words(s);
    if (static_cast<long long>(words.size()) > kMaxBindAddresses) {
      *err = "Too many bind addresses specified.";
      return SetStatus::kInvalid;
    }
    *addrs = std::move(words);
    return SetStatus::kOk;
  };
  return p;
}

// unixsocketperm: an octal mask, printed in octal.
std::unique_ptr<Param> octal_param(const char* name, long long* v) {
  auto p = std::make_unique<Param>();
  p->name = name;
  p->kind = Kind::kOctal;
  p->min = 0;
  p->max = 0777;
  p->default_text = "0";
  p->allowed_text = "must be an octal permission mask between 0 and 777, e.g. 700";
  p->get = [v] {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llo", static_cast<unsigned long long>(*v));
    return std::string(buf);
  };
  p->set = [v](std::string_view s, std::string* err) {
    long long x = 0;
    if (s.empty() || s.size() > 12) {
      *err = "argument couldn't be parsed into an integer";
      return SetStatus::kInvalid;
    }
    for (char c : s) {
      if (c < '0' || c > '7') {
        *err = "argument couldn't be parsed into an integer";
        return SetStatus::kInvalid;
      }
      x = x * 8 + (c - '0');
    }
    if (x > 0777) {
      *err = "argument must be between 0 and 777 inclusive";
      return SetStatus::kInvalid;
    }
    *v = x;
    return SetStatus::kOk;
  };
  return p;
}

// save: "<seconds> <changes>" pairs split on single spaces as Redis does ("" disables
// snapshots); seconds >= 1, changes >= 0. Stored normalized ("+5 3" becomes "5 3").
std::unique_ptr<Param> save_param(std::string* v) {
  auto p = std::make_unique<Param>();
  p->name = "save";
  p->kind = Kind::kSave;
  p->default_text = "3600 1 300 100 60 10000";
  p->allowed_text =
      "must be \"<seconds> <changes>\" pairs with seconds >= 1 and changes >= 0, e.g. "
      "\"3600 1 300 100\", or \"\" to disable snapshots";
  p->get = [v] { return *v; };
  p->set = [v](std::string_view s, std::string* err) {
    std::vector<std::string> tokens;
    if (!s.empty()) {
      size_t start = 0;
      for (size_t i = 0; i <= s.size(); i++) {
        if (i == s.size() || s[i] == ' ') {
          tokens.emplace_back(s.substr(start, i - start));
          start = i + 1;
        }
      }
    }
    std::string normalized;
    bool ok = tokens.size() % 2 == 0;
    for (size_t j = 0; ok && j < tokens.size(); j++) {
      char* end;
      errno = 0;
      long long n = std::strtoll(tokens[j].c_str(), &end, 10);
      ok = *end == '\0' && errno == 0 && n >= (j % 2 == 0 ? 1 : 0);
      if (j) normalized += ' ';
      normalized += std::to_string(n);
    }
    if (!ok) {
      *err = "Invalid save parameters";
      return SetStatus::kInvalid;
    }
    *v = std::move(normalized);
    return SetStatus::kOk;
  };
  return p;
}

// dir: changes the working directory at once; reads back the real one.
std::unique_ptr<Param> dir_param(std::string* v) {
  auto p = std::make_unique<Param>();
  p->name = "dir";
  p->kind = Kind::kString;
  p->flags = kProtected;
  p->default_text = ".";
  p->allowed_text = "must be an existing directory";
  p->get = [] {
    char buf[4096];
    return std::string(getcwd(buf, sizeof buf) ? buf : "");
  };
  p->set = [v](std::string_view s, std::string* err) {
    std::string path(s);
    if (chdir(path.c_str()) != 0) {
      *err = "Can't chdir to '" + path + "': " + std::strerror(errno);
      return SetStatus::kFailed;
    }
    char buf[4096];
    *v = getcwd(buf, sizeof buf) ? buf : path;
    return SetStatus::kOk;
  };
  return p;
}

// dbfilename: a file name inside `dir`, never a path.
std::unique_ptr<Param> dbfilename_param(std::string* v) {
  auto p = string_param("dbfilename", v, "dump.rdb");
  p->flags = kProtected;
  p->allowed_text = "must be a file name, not a path";
  p->set = [v](std::string_view s, std::string* err) {
    if (s.find('/') != std::string_view::npos || s.find('\\') != std::string_view::npos) {
      *err = "dbfilename can't be a path, just a filename";
      return SetStatus::kInvalid;
    }
    v->assign(s);
    return SetStatus::kOk;
  };
  return p;
}

// notify-keyspace-events: class letters (see kernel/keyspace/notify.cc).
std::unique_ptr<Param> notify_param(long long* v) {
  auto p = std::make_unique<Param>();
  p->name = "notify-keyspace-events";
  p->kind = Kind::kString;
  p->default_text = "";
  p->allowed_text = "must be letters from 'Ag$lshzxeKEtmdn', e.g. \"KEA\"";
  p->get = [v] { return notify_flags_string(*v); };
  p->set = [v](std::string_view s, std::string* err) {
    long long f;
    if (!parse_notify_flags(s, &f)) {
      *err = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
      return SetStatus::kInvalid;
    }
    *v = f;
    return SetStatus::kOk;
  };
  return p;
}

// client-output-buffer-limit: "<class> <hard> <soft> <soft-seconds>" groups; classes normal,
// replica (or slave) and pubsub; sizes take memory units. Printed with Redis's class names.
std::unique_ptr<Param> output_limit_param(Settings::OutputLimit (*limits)[3]) {
  auto p = std::make_unique<Param>();
  p->name = "client-output-buffer-limit";
  p->kind = Kind::kWords;
  p->default_text = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  p->allowed_text =
      "must be \"<class> <hard> <soft> <seconds>\" groups, class normal, replica or pubsub";
  p->get = [limits] {
    static const char* const kNames[] = {"normal", "slave", "pubsub"};
    std::string out;
    for (int i = 0; i < 3; i++) {
      const auto& l = (*limits)[i];
      if (i) out += ' ';
      out += std::string(kNames[i]) + " " + std::to_string(l.hard) + " " +
             std::to_string(l.soft) + " " + std::to_string(l.soft_seconds);
    }
    return out;
  };
  p->set = [limits](std::string_view s, std::string* err) {
    std::vector<std::string> w = split_words(s);
    if (w.size() % 4 != 0) {
      *err = "Wrong number of arguments in buffer limit configuration.";
      return SetStatus::kInvalid;
    }
    Settings::OutputLimit next[3] = {(*limits)[0], (*limits)[1], (*limits)[2]};
    for (size_t j = 0; j < w.size(); j += 4) {
      std::string cls = lower(w[j]);
      int i = cls == "normal" ? 0 : (cls == "replica" || cls == "slave") ? 1 : cls == "pubsub" ? 2 : -1;
      if (i < 0) {
        *err = "Invalid client class specified in buffer limit configuration.";
        return SetStatus::kInvalid;
      }
      unsigned long long hard, soft;
      char* end;
      errno = 0;
      long long secs = std::strtoll(w[j + 3].c_str(), &end, 10);
      if (!parse_memory(w[j + 1], &hard) || !parse_memory(w[j + 2], &soft) || *end ||
          errno || secs < 0 || hard > LLONG_MAX || soft > LLONG_MAX) {
        *err = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        return SetStatus::kInvalid;
      }
      next[i] = {static_cast<long long>(hard), static_cast<long long>(soft), secs};
    }
    for (int i = 0; i < 3; i++) (*limits)[i] = next[i];
    return SetStatus::kOk;
  };
  return p;
}

}  // namespace

void add_kernel_params(Registry* r) {
  Settings& s = g_server.settings;
  std::unique_ptr<Param> rows[] = {
      bind_param(&s.bind),
      ll_param("port", &s.port, 0, 65535, 6379),
      with(string_param("unixsocket", &s.unixsocket, ""), kImmutable),
      with(octal_param("unixsocketperm", &s.unixsocketperm), kImmutable),
      with(ll_param("tcp-backlog", &s.tcp_backlog, 0, INT_MAX, 511), kImmutable),
      with(ll_param("databases", &s.databases, 1, INT_MAX, 16), kImmutable),
      ll_param("maxclients", &s.maxclients, 1, UINT_MAX, 10000),
      ll_param("timeout", &s.timeout, 0, INT_MAX, 0),
      ll_param("tcp-keepalive", &s.tcp_keepalive, 0, INT_MAX, 300),
      int_param("hz", Kind::kInt, 0, INT_MAX, 10, load_hz, store_hz),
      ll_param("active-expire-effort", &s.active_expire_effort, 1, 10, 1),
      string_param("requirepass", &s.requirepass, ""),
      enum_param("loglevel", &s.loglevel, {"debug", "verbose", "notice", "warning"}, "notice"),
      with(string_param("logfile", &s.logfile, ""), kImmutable),
      with(string_param("pidfile", &s.pidfile, ""), kImmutable),
      dir_param(&s.dir),
      ll_param("maxmemory", &s.maxmemory, 0, LLONG_MAX, 0, Kind::kMemory),
      ll_param("maxmemory-samples", &s.maxmemory_samples, 1, 64, 5),
      ll_param("maxmemory-eviction-tenacity", &s.maxmemory_eviction_tenacity, 0, 100, 10),
      ll_param("maxmemory-clients", &s.maxmemory_clients, 0, LLONG_MAX, 0, Kind::kMemory),
      enum_param("maxmemory-policy", &s.maxmemory_policy,
                 {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
                  "allkeys-lfu", "allkeys-random", "noeviction"},
                 "noeviction"),
      ll_param("client-query-buffer-limit", &s.client_query_buffer_limit, kMb, LLONG_MAX,
               1024 * kMb, Kind::kMemory),
      int_param("proto-max-bulk-len", Kind::kMemory, kMb, LLONG_MAX, 512 * kMb, load_bulk_len,
                store_bulk_len),
      save_param(&s.save),
      dbfilename_param(&s.dbfilename),
      bool_param("appendonly", &s.appendonly, false),
      bool_param("lazyfree-lazy-user-flush", &s.lazyfree_lazy_user_flush, false),
      with(ll_param("busy-reply-threshold", &s.busy_reply_threshold, 0, LLONG_MAX, 5000), 0,
           "lua-time-limit"),
      ll_param("slowlog-log-slower-than", &s.slowlog_log_slower_than, -1, LLONG_MAX, 10000),
      ll_param("slowlog-max-len", &s.slowlog_max_len, 0, LLONG_MAX, 128),
      bool_param("latency-tracking", &s.latency_tracking, true),
      notify_param(&s.notify_keyspace_events),
      output_limit_param(&s.output_limits),
  };
  for (auto& p : rows) {
    std::string name = p->name;
    if (r->add(std::move(p)) != LUNAR_OK) {
      std::fprintf(stderr, "lunar: config '%s' registered twice\n", name.c_str());
      std::abort();
    }
  }
}

}  // namespace lunar::config
