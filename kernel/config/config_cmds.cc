// CONFIG GET / SET / RESETSTAT / REWRITE / HELP, as Redis 7.0 answers them.
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/config/registry.h"
#include "kernel/server.h"
#include "kernel/util/glob.h"

namespace lunar::config {

namespace {

// CONFIG GET pattern [pattern ...]: a map of name -> value. A pattern without glob characters is
// looked up directly and answered with the name as the client spelled it; a glob pattern
// matches names and aliases (any case) and answers with the registered name. A name matched
// twice is answered once.
int config_get(Ctx* ctx, int argc, const lunar_str* argv) {
  std::vector<std::pair<std::string, const Param*>> found;
  std::unordered_set<std::string> seen;  // lower case
  for (int i = 2; i < argc; i++) {
    std::string_view pattern = sv(argv[i]);
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      const Param* p = registry().find(pattern);
      if (p && seen.insert(lower(pattern)).second) found.emplace_back(pattern, p);
      continue;
    }
    for (const auto& [name, p] : registry().names()) {
      if (glob_match(pattern, name, true) && seen.insert(name).second) found.emplace_back(name, p);
    }
  }
  ctx->reply->aggregate(Agg::kMap, static_cast<long>(found.size()));
  for (const auto& [name, p] : found) {
    ctx->reply->bulk(name);
    ctx->reply->bulk(p->get());
  }
  return LUNAR_OK;
}

// CONFIG SET name value [name value ...]: all or nothing; OK or Redis's error.
int config_set(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc % 2 != 0) {
    reply_syntax_error(ctx);
    return LUNAR_OK;
  }
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (int i = 2; i + 1 < argc; i += 2) pairs.emplace_back(sv(argv[i]), sv(argv[i + 1]));
  std::string err = set_atomic(pairs);
  if (err.empty())
    reply_ok(ctx);
  else
    reply_error(ctx, err);
  return LUNAR_OK;
}

void reset_command_stats(Command* c) {
  c->calls = c->usec = c->rejected_calls = c->failed_calls = 0;
  for (const auto& sub : c->subcommands) reset_command_stats(sub.get());
}

// CONFIG RESETSTAT: zeroes INFO's stats, commandstats and errorstats.
int config_resetstat(Ctx* ctx, int, const lunar_str*) {
  long long dirty = g_server.stats.dirty;  // changes since the last save: state, not a stat
  g_server.stats = Stats{};
  g_server.stats.dirty = dirty;
  for (const auto& [name, cmd] : g_commands.all()) reset_command_stats(cmd.get());
  g_server.error_codes.clear();
  reply_ok(ctx);
  return LUNAR_OK;
}

// CONFIG REWRITE: writes the current values into the file the server started with.
int config_rewrite(Ctx* ctx, int, const lunar_str*) {
  if (g_server.config_file.empty()) {
    reply_error(ctx, "ERR The server is running without a config file");
    return LUNAR_OK;
  }
  std::string err;
  if (!rewrite_file(g_server.config_file, &err)) {
    log_line(kLogWarning, "CONFIG REWRITE failed: %s", err.c_str());
    reply_error(ctx, "ERR Rewriting config file: " + err);
    return LUNAR_OK;
  }
  log_line(kLogNotice, "CONFIG REWRITE executed with success.");
  reply_ok(ctx);
  return LUNAR_OK;
}

int config_help(Ctx* ctx, int, const lunar_str*) {
  static const char* const kHelp[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  ctx->reply->aggregate(Agg::kArray, static_cast<long>(std::size(kHelp)));
  for (const char* line : kHelp) ctx->reply->simple(line);
  return LUNAR_OK;
}

constexpr const char* kAdmin = "admin noscript loading stale";
constexpr const char* kPerParam = "O(N) when N is the number of configuration parameters provided";

const KernelCommand kConfigCommands[] = {
    {"config", nullptr, -2, "", 0, 0, 0, "", "A container for server configuration commands",
     "2.0.0", "server", "Depends on subcommand."},
    {"config|get", config_get, -3, kAdmin, 0, 0, 0, "",
     "Get the values of configuration parameters", "2.0.0", "server", kPerParam},
    {"config|set", config_set, -4, kAdmin, 0, 0, 0, "",
     "Set configuration parameters to the given values", "2.0.0", "server", kPerParam},
    {"config|resetstat", config_resetstat, 2, kAdmin, 0, 0, 0, "",
     "Reset the stats returned by INFO", "2.0.0", "server", "O(1)"},
    {"config|rewrite", config_rewrite, 2, kAdmin, 0, 0, 0, "",
     "Rewrite the configuration file with the in memory configuration", "2.8.0", "server", "O(1)"},
    {"config|help", config_help, 2, "loading stale", 0, 0, 0, "",
     "Show helpful text about the different subcommands", "5.0.0", "server", "O(1)"},
};

}  // namespace

void register_config_commands() { register_table(kConfigCommands, std::size(kConfigCommands)); }

}  // namespace lunar::config
