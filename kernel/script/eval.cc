#include "kernel/script/eval.h"

#include <memory>
#include <string>
#include <vector>

#include <tsl/robin_map.h>

#include "kernel/command/command.h"
#include "kernel/net/client.h"
#include "kernel/script/busy.h"
#include "kernel/script/function.h"
#include "kernel/script/redis_api.h"
#include "kernel/script/sha1.h"
#include "kernel/script/state.h"
#include "kernel/server.h"

namespace lunar::script {
namespace {

struct Script {
  int ref = LUA_NOREF;  // the compiled function, in the registry
  unsigned flags = 0;
  size_t body_len = 0;
  int tail_line = 0;
};

struct Engine {
  lua_State* L = nullptr;
  tsl::robin_map<std::string, Script, Server::SvHash, Server::SvEq> scripts;  // by lower-case sha
  int gc_countdown = 50;
};
Engine g_eval;

lua_State* eval_state() {
  if (!g_eval.L) g_eval.L = new_state(StateKind::kEval);
  return g_eval.L;
}

void flush_scripts() {
  if (g_eval.L) lua_close(g_eval.L);
  g_eval.L = nullptr;
  g_eval.scripts.clear();
}

const struct {
  const char* name;
  unsigned bit;
} kShebangFlags[] = {{"no-writes", kScriptNoWrites},
                     {"allow-oom", kScriptAllowOom},
                     {"allow-stale", kScriptAllowStale},
                     {"no-cluster", kScriptNoCluster},
                     {"allow-cross-slot-keys", kScriptAllowCrossSlot}};

// Compiles `body` into the cache (or finds it there); null with *err on failure.
// The cache entry of `sha` (its key stays valid as long as the entry).
std::pair<std::string, Script>* find_script(std::string_view sha) {
  auto it = g_eval.scripts.find(sha);
  if (it == g_eval.scripts.end()) return nullptr;
  return const_cast<std::pair<std::string, Script>*>(&*it);
}

std::pair<std::string, Script>* cached_script(std::string_view body, const std::string& sha,
                                                    std::string* err) {
  if (auto* e = find_script(sha)) return e;
  unsigned flags;
  size_t shebang_len;
  if (!parse_shebang(body, &flags, &shebang_len, err)) return nullptr;
  lua_State* L = eval_state();
  // The shebang line stays as a comment so that line numbers match the script's.
  std::string text;
  const char* src = body.data();
  if (shebang_len > 0) {
    text.assign(body);
    text[0] = '-';
    text[1] = '-';
    src = text.data();
  }
  if (luaL_loadbuffer(L, src, body.size(), "@user_script") != 0) {
    const char* msg = lua_tostring(L, -1);
    *err = std::string("Error compiling script (new function): ") + (msg ? msg : "?");
    lua_pop(L, 1);
    return nullptr;
  }
  Script s;
  s.tail_line = tail_call_line(L, -1);
  s.ref = luaL_ref(L, LUA_REGISTRYINDEX);
  s.flags = flags;
  s.body_len = body.size();
  g_eval.scripts.emplace(sha, s);
  return find_script(sha);
}

// A sha as the cache keys it (lower case); longer input cannot match and is cut.
std::string_view lower_sha(std::string_view s, char (&buf)[41]) {
  size_t n = s.size() < 41 ? s.size() : 41;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    buf[i] = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + 32) : ch;
  }
  return {buf, n};
}

// Sets the KEYS and ARGV globals (in the real globals table).
void set_keys_argv(lua_State* L, const lunar_str* keys, int nkeys, const lunar_str* args,
                   int nargs) {
  lua_getfield(L, LUA_REGISTRYINDEX, "lunar.globals");
  push_string_array(L, keys, nkeys);
  lua_setfield(L, -2, "KEYS");
  push_string_array(L, args, nargs);
  lua_setfield(L, -2, "ARGV");
  lua_pop(L, 1);
}

int eval_generic(Ctx* ctx, int argc, const lunar_str* argv, bool by_sha, bool read_only) {
  int nk;
  if (!parse_numkeys(ctx, argc, argv, LUNAR_ERR_NOT_INTEGER, &nk)) return LUNAR_OK;
  std::pair<std::string, Script>* entry;
  if (by_sha) {
    char buf[41];
    entry = find_script(lower_sha(sv(argv[1]), buf));
    if (!entry) {
      reply_error(ctx, "NOSCRIPT No matching script. Please use EVAL.");
      return LUNAR_OK;
    }
  } else {
    std::string err;
    entry = cached_script(sv(argv[1]), sha1_hex(sv(argv[1])), &err);
    if (!entry) {
      reply_error(ctx, "ERR " + err);
      return LUNAR_OK;
    }
  }
  Script* script = &entry->second;
  if (read_only && !(script->flags & (kScriptEvalCompat | kScriptNoWrites))) {
    reply_error(ctx, "ERR Can not execute a script with write flag using *_ro command.");
    return LUNAR_OK;
  }
  lua_State* L = eval_state();
  set_keys_argv(L, argv + 3, nk, argv + 3 + nk, argc - 3 - nk);
  Run run;
  run.caller = ctx->client;
  run.name = entry->first;
  run.is_eval = true;
  run.flags = script->flags;
  run.tail_line = script->tail_line;
  run.argc = argc;
  run.argv = argv;
  run.read_only = read_only || (script->flags & kScriptNoWrites);
  run.db = ctx->db;
  lua_rawgeti(L, LUA_REGISTRYINDEX, script->ref);
  run_function(L, 0, &run, ctx->reply);
  if (--g_eval.gc_countdown <= 0) {
    lua_gc(L, LUA_GCSTEP, 50);
    g_eval.gc_countdown = 50;
  }
  return LUNAR_OK;
}

int eval_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return eval_generic(ctx, argc, argv, false, false);
}
int evalsha_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return eval_generic(ctx, argc, argv, true, false);
}
int eval_ro_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return eval_generic(ctx, argc, argv, false, true);
}
int evalsha_ro_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return eval_generic(ctx, argc, argv, true, true);
}

int script_load(Ctx* ctx, int, const lunar_str* argv) {
  std::string sha = sha1_hex(sv(argv[2]));
  std::string err;
  if (!cached_script(sv(argv[2]), sha, &err)) {
    reply_error(ctx, "ERR " + err);
    return LUNAR_OK;
  }
  ctx->reply->bulk(sha);
  return LUNAR_OK;
}

int script_exists(Ctx* ctx, int argc, const lunar_str* argv) {
  ctx->reply->aggregate(Agg::kArray, argc - 2);
  for (int i = 2; i < argc; i++) {
    char buf[41];
    ctx->reply->integer(find_script(lower_sha(sv(argv[i]), buf)) ? 1 : 0);
  }
  return LUNAR_OK;
}

int script_flush(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc > 3 || (argc == 3 && !arg_is(argv[2], "sync") && !arg_is(argv[2], "async"))) {
    reply_error(ctx, "ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    return LUNAR_OK;
  }
  flush_scripts();
  reply_ok(ctx);
  return LUNAR_OK;
}

int script_kill(Ctx* ctx, int, const lunar_str*) {
  busy::kill(ctx->reply, true);
  return LUNAR_OK;
}

int script_debug(Ctx* ctx, int, const lunar_str* argv) {
  if (arg_is(argv[2], "no")) {
    reply_ok(ctx);
    return LUNAR_OK;
  }
  if (arg_is(argv[2], "yes") || arg_is(argv[2], "sync")) {
    reply_error(ctx, "ERR The Lua debugger is not supported by this server");
    return LUNAR_OK;
  }
  reply_error(ctx, "ERR Use SCRIPT DEBUG YES/SYNC/NO");
  return LUNAR_OK;
}

int script_help(Ctx* ctx, int, const lunar_str*) {
  static const char* const kLines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.",
  };
  reply_lines(ctx, kLines);
  return LUNAR_OK;
}

const char kEvalFlags[] =
    "noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys";
const char kEvalRoFlags[] = "readonly noscript stale skip_monitor no_mandatory_keys movablekeys";
const char kComplexity[] = "Depends on the script that is executed.";

const KernelCommand kCommands[] = {
    {"eval", eval_cmd, -3, kEvalFlags, 0, 0, 0, "scripting", "Execute a Lua script server side",
     "2.6.0", "scripting", kComplexity},
    {"evalsha", evalsha_cmd, -3, kEvalFlags, 0, 0, 0, "scripting",
     "Execute a Lua script server side", "2.6.0", "scripting", kComplexity},
    {"eval_ro", eval_ro_cmd, -3, kEvalRoFlags, 0, 0, 0, "", "Execute a read-only Lua script server side",
     "7.0.0", "scripting", kComplexity},
    {"evalsha_ro", evalsha_ro_cmd, -3, kEvalRoFlags, 0, 0, 0, "",
     "Execute a read-only Lua script server side", "7.0.0", "scripting", kComplexity},
    {"script", nullptr, -2, "", 0, 0, 0, "", "A container for Lua scripts management commands",
     "2.6.0", "scripting", "Depends on subcommand."},
    {"script|load", script_load, 3, "noscript stale", 0, 0, 0, "scripting",
     "Load the specified Lua script into the script cache.", "2.6.0", "scripting",
     "O(N) with N being the length in bytes of the script body."},
    {"script|exists", script_exists, -3, "noscript", 0, 0, 0, "scripting",
     "Check existence of scripts in the script cache.", "2.6.0", "scripting",
     "O(N) with N being the number of scripts to check (so checking a single script is an O(1) "
     "operation)."},
    {"script|flush", script_flush, -2, "noscript", 0, 0, 0, "scripting",
     "Remove all the scripts from the script cache.", "2.6.0", "scripting",
     "O(N) with N being the number of scripts in cache"},
    {"script|kill", script_kill, 2, "noscript allow_busy", 0, 0, 0, "scripting",
     "Kill the script currently in execution.", "2.6.0", "scripting", "O(1)"},
    {"script|debug", script_debug, 3, "noscript", 0, 0, 0, "scripting",
     "Set the debug mode for executed scripts.", "3.2.0", "scripting", "O(1)"},
    {"script|help", script_help, 2, "loading stale", 0, 0, 0, "scripting",
     "Show helpful text about the different subcommands", "5.0.0", "scripting", "O(1)"},
};

}  // namespace

bool parse_shebang(std::string_view body, unsigned* flags, size_t* shebang_len,
                   std::string* err) {
  *shebang_len = 0;
  if (body.size() < 2 || body[0] != '#' || body[1] != '!') {
    *flags = kScriptEvalCompat;
    return true;
  }
  size_t nl = body.find('\n');
  if (nl == std::string_view::npos) {
    *err = "Invalid script shebang";
    return false;
  }
  *shebang_len = nl;
  std::string_view line = body.substr(0, nl);
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') i++;
    if (i > start) parts.push_back(line.substr(start, i - start));
  }
  if (parts.empty() || parts[0] != "#!lua") {
    *err = "Unexpected engine in script shebang: " + std::string(parts.empty() ? "" : parts[0]);
    return false;
  }
  *flags = 0;
  for (size_t p = 1; p < parts.size(); p++) {
    std::string_view opt = parts[p];
    if (opt.substr(0, 6) != "flags=") {
      *err = "Unknown lua shebang option: " + std::string(opt);
      return false;
    }
    opt.remove_prefix(6);
    // "flags=" alone is no flag; otherwise every comma-separated name must be known (an empty
    // one too is an error, as in Redis).
    bool more = !opt.empty();
    while (more) {
      size_t comma = opt.find(',');
      std::string_view f = opt.substr(0, comma);
      more = comma != std::string_view::npos;
      if (more) opt.remove_prefix(comma + 1);
      bool known = false;
      for (const auto& k : kShebangFlags) {
        if (f == k.name) {
          *flags |= k.bit;
          known = true;
        }
      }
      if (!known) {
        *err = "Unexpected flag in script shebang: " + std::string(f);
        return false;
      }
    }
  }
  return true;
}

void register_eval_commands() {
  register_table(kCommands);
  register_function_commands();
}

ScriptMemory script_memory() {
  ScriptMemory m;
  if (g_eval.L)
    m.vm_eval = static_cast<size_t>(lua_gc(g_eval.L, LUA_GCCOUNT, 0)) * 1024 +
                static_cast<size_t>(lua_gc(g_eval.L, LUA_GCCOUNTB, 0));
  m.cached_scripts = g_eval.scripts.size();
  for (const auto& [sha, sc] : g_eval.scripts) m.scripts_eval += sc.body_len + sha.size() + 64;
  function_memory(&m.vm_functions, &m.functions_bytes, &m.functions, &m.libraries);
  return m;
}

}  // namespace lunar::script
