#include "kernel/script/function.h"

#include <map>
#include <memory>
#include <string>

#include <tsl/robin_map.h>

#include "kernel/command/command.h"
#include "kernel/net/client.h"
#include "kernel/script/busy.h"
#include "kernel/script/eval.h"
#include "kernel/script/lua_reply.h"
#include "kernel/script/redis_api.h"
#include "kernel/script/state.h"
#include "kernel/server.h"
#include "kernel/util/glob.h"
#include "kernel/util/numbers.h"
#include "kernel/util/rdb_codec.h"

namespace lunar::script {
namespace {

constexpr long long kLoadTimeoutMs = 500;

struct Library;
struct Function {
  std::string name;
  int ref = LUA_NOREF;
  unsigned flags = 0;
  std::string description;
  bool has_description = false;
  int tail_line = 0;
  Library* lib = nullptr;
};
struct Library {
  std::string name;
  std::string code;
  std::map<std::string, Function> functions;
};

struct Registry {
  lua_State* L = nullptr;
  int load_api_ref = LUA_NOREF;  // what the globals read through to while a library loads
  int full_api_ref = LUA_NOREF;  // the real globals
  std::map<std::string, std::unique_ptr<Library>> libs;
  tsl::robin_map<std::string, Function*> functions;
};
Registry g_fn;

// The library being loaded: register_function adds to it.
Library* g_loading = nullptr;
long long g_load_start_ms = 0;

const struct {
  const char* name;
  unsigned bit;
} kFlagNames[] = {{"no-writes", kScriptNoWrites},
                  {"allow-oom", kScriptAllowOom},
                  {"allow-stale", kScriptAllowStale},
                  {"no-cluster", kScriptNoCluster},
                  {"allow-cross-slot-keys", kScriptAllowCrossSlot}};

// Function names are case-insensitive (library names are not).
std::string fn_key(std::string_view s) {
  std::string k(s);
  for (char& ch : k) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  return k;
}

bool valid_name(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s)
    if (!isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  return true;
}
const char kBadName[] =
    "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least "
    "one character long";

// redis.register_function(name, callback) or redis.register_function{function_name=...,
// callback=..., flags={...}, description=...}.
int l_register_function(lua_State* L) {
  if (!g_loading) raise_error(L, "ERR redis.register_function can only be called on FUNCTION LOAD command");
  int argc = lua_gettop(L);
  Function f;
  int name_idx = 0, cb_idx = 0;
  if (argc == 1) {
    if (!lua_istable(L, 1))
      raise_error(L, "ERR calling redis.register_function with a single argument is only "
                     "applicable to Lua table (representing named arguments).");
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      if (lua_type(L, -2) != LUA_TSTRING)
        raise_error(L, "ERR named argument key given to redis.register_function is not a string");
      std::string key = lua_tostring(L, -2);
      if (key == "function_name") {
        if (!lua_isstring(L, -1))
          raise_error(L, "ERR function_name argument given to redis.register_function must be "
                         "a string");
        f.name = lua_tostring(L, -1);
        name_idx = 1;
      } else if (key == "description") {
        if (!lua_isstring(L, -1))
          raise_error(L, "ERR description argument given to redis.register_function must be a "
                         "string");
        f.description = lua_tostring(L, -1);
        f.has_description = true;
      } else if (key == "callback") {
        if (!lua_isfunction(L, -1))
          raise_error(L, "ERR callback argument given to redis.register_function must be a "
                         "function");
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "lunar.pending_cb");
        cb_idx = 1;
      } else if (key == "flags") {
        if (!lua_istable(L, -1))
          raise_error(L, "ERR flags argument to redis.register_function must be a table "
                         "representing function flags");
        for (int j = 1;; j++) {
          lua_rawgeti(L, -1, j);
          if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
          }
          const char* fl = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : nullptr;
          bool known = false;
          for (const auto& k : kFlagNames) {
            if (fl && std::string_view(fl) == k.name) {
              f.flags |= k.bit;
              known = true;
            }
          }
          if (!known) raise_error(L, "ERR unknown flag given");
          lua_pop(L, 1);
        }
      } else {
        raise_error(L, "ERR unknown argument given to redis.register_function");
      }
      lua_pop(L, 1);
    }
    if (!name_idx) raise_error(L, "ERR redis.register_function must get a function name argument");
    if (!cb_idx) raise_error(L, "ERR redis.register_function must get a callback argument");
    lua_getfield(L, LUA_REGISTRYINDEX, "lunar.pending_cb");
  } else if (argc == 2) {
    if (!lua_isstring(L, 1))
      raise_error(L, "ERR first argument to redis.register_function must be a string");
    if (!lua_isfunction(L, 2))
      raise_error(L, "ERR second argument to redis.register_function must be a function");
    f.name = lua_tostring(L, 1);
    lua_pushvalue(L, 2);
  } else {
    raise_error(L, "ERR wrong number of arguments to redis.register_function");
  }
  // The callback is on top.
  if (!valid_name(f.name)) raise_error(L, kBadName);
  for (const auto& [n, other] : g_loading->functions)
    if (fn_key(n) == fn_key(f.name)) raise_error(L, "ERR Function already exists in the library");
  f.tail_line = tail_call_line(L, -1);
  f.ref = luaL_ref(L, LUA_REGISTRYINDEX);
  f.lib = g_loading;
  std::string name = f.name;
  g_loading->functions.emplace(std::move(name), std::move(f));
  return 0;
}

int l_log(lua_State* L) {
  // The full API's redis.log, looked up in the real globals.
  lua_rawgeti(L, LUA_REGISTRYINDEX, g_fn.full_api_ref);
  lua_getfield(L, -1, "redis");
  lua_getfield(L, -1, "log");
  lua_insert(L, 1);
  lua_pop(L, 2);
  lua_call(L, lua_gettop(L) - 1, 0);
  return 0;
}

lua_State* fn_state() {
  if (g_fn.L) return g_fn.L;
  lua_State* L = new_state(StateKind::kFunction);
  g_fn.L = L;
  lua_getfield(L, LUA_REGISTRYINDEX, "lunar.globals");
  // The load-time API, with the same "nonexistent global" guard as the real globals.
  lua_getmetatable(L, -1);  // the real globals' guard metatable
  int guard = lua_gettop(L);
  lua_createtable(L, 0, 1);  // api
  lua_createtable(L, 0, 8);  // api.redis
  lua_pushcfunction(L, l_register_function);
  lua_setfield(L, -2, "register_function");
  lua_pushcfunction(L, l_log);
  lua_setfield(L, -2, "log");
  lua_getfield(L, guard - 1, "redis");
  for (const char* k : {"LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION",
                        "REDIS_VERSION_NUM"}) {
    lua_getfield(L, -1, k);
    lua_setfield(L, -3, k);
  }
  lua_pop(L, 1);
  lua_pushvalue(L, guard);
  lua_setmetatable(L, -2);
  lua_setfield(L, -2, "redis");
  lua_pushvalue(L, guard);
  lua_setmetatable(L, -2);
  g_fn.load_api_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pop(L, 1);  // guard
  g_fn.full_api_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return L;
}

// Points the globals view at `ref` (the load-time API or the real globals).
void globals_read_through(lua_State* L, int ref) {
  lua_getmetatable(L, LUA_GLOBALSINDEX);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

void load_hook(lua_State* L, lua_Debug*) {
  if (now_ms() - g_load_start_ms <= kLoadTimeoutMs) return;
  lua_sethook(L, load_hook, LUA_MASKLINE, 0);
  raise_error(L, "ERR FUNCTION LOAD timeout");
}

void unref_library(lua_State* L, Library* lib) {
  for (auto& [name, f] : lib->functions) luaL_unref(L, LUA_REGISTRYINDEX, f.ref);
}

// Parses "#!lua name=<lib>" into the library name.
bool parse_metadata(const std::string& code, std::string* name, std::string* err) {
  if (code.size() < 2 || code[0] != '#' || code[1] != '!') {
    *err = "Missing library metadata";
    return false;
  }
  size_t nl = code.find('\n');
  std::string_view line = std::string_view(code).substr(0, nl);
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
    size_t s = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') i++;
    if (i > s) parts.push_back(line.substr(s, i - s));
  }
  std::string engine(parts.empty() ? std::string_view() : parts[0].substr(2));
  std::string lower = engine;
  for (char& ch : lower) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  if (lower != "lua") {
    *err = "Engine '" + engine + "' not found";
    return false;
  }
  name->clear();
  bool have = false;
  for (size_t p = 1; p < parts.size(); p++) {
    if (parts[p].substr(0, 5) != "name=") {
      *err = "Invalid metadata value given: " + std::string(parts[p]);
      return false;
    }
    if (have) {
      *err = "Invalid metadata value, name argument was given multiple times";
      return false;
    }
    *name = std::string(parts[p].substr(5));
    have = true;
  }
  if (!have) {
    *err = "Library name was not given";
    return false;
  }
  if (!valid_name(*name)) {
    *err = std::string(kBadName + 4);
    return false;
  }
  return true;
}

}  // namespace

bool load_library(const std::string& code, bool replace, std::string* err, std::string* out_name) {
  std::string name;
  if (!parse_metadata(code, &name, err)) return false;
  auto old = g_fn.libs.find(name);
  if (old != g_fn.libs.end() && !replace) {
    *err = "Library '" + name + "' already exists";
    return false;
  }
  lua_State* L = fn_state();
  std::string text = code;
  text[0] = '-';
  text[1] = '-';
  if (luaL_loadbuffer(L, text.data(), text.size(), "@user_function") != 0) {
    const char* msg = lua_tostring(L, -1);
    *err = std::string("Error compiling function: ") + (msg ? msg : "?");
    lua_pop(L, 1);
    return false;
  }
  auto lib = std::make_unique<Library>();
  lib->name = name;
  lib->code = code;
  // Run the library's code against the load-time API, under a time limit.
  lua_getfield(L, LUA_REGISTRYINDEX, "lunar.err_handler");
  lua_insert(L, -2);
  globals_read_through(L, g_fn.load_api_ref);
  g_loading = lib.get();
  g_load_start_ms = now_ms();
  lua_sethook(L, load_hook, LUA_MASKCOUNT, 100000);
  int rc = lua_pcall(L, 0, 0, -2);
  lua_sethook(L, nullptr, 0, 0);
  g_loading = nullptr;
  globals_read_through(L, g_fn.full_api_ref);
  if (rc != 0) {
    const char* msg = nullptr;
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      msg = lua_tostring(L, -1);
      *err = std::string("Error registering functions: ") + (msg ? msg : "?");
      lua_pop(L, 1);
    } else {
      msg = lua_tostring(L, -1);
      *err = std::string("Error registering functions: ") + (msg ? msg : "?");
    }
    lua_pop(L, 2);
    unref_library(L, lib.get());
    return false;
  }
  lua_pop(L, 1);  // the handler
  if (lib->functions.empty()) {
    *err = "No functions registered";
    return false;
  }
  for (auto& [fname, f] : lib->functions) {
    auto it = g_fn.functions.find(fn_key(fname));
    if (it != g_fn.functions.end() && it->second->lib->name != name) {
      *err = "Function " + fname + " already exists";
      unref_library(L, lib.get());
      return false;
    }
  }
  if (old != g_fn.libs.end()) {
    for (auto& [fname, f] : old->second->functions) g_fn.functions.erase(fn_key(fname));
    unref_library(L, old->second.get());
    g_fn.libs.erase(old);
  }
  for (auto& [fname, f] : lib->functions) g_fn.functions[fn_key(fname)] = &f;
  *out_name = name;
  g_fn.libs.emplace(name, std::move(lib));
  return true;
}

void flush_libraries() {
  if (g_fn.L) lua_close(g_fn.L);
  g_fn.L = nullptr;
  g_fn.libs.clear();
  g_fn.functions.clear();
}

void function_memory(size_t* vm, size_t* bytes, size_t* functions, size_t* libraries) {
  *vm = g_fn.L ? static_cast<size_t>(lua_gc(g_fn.L, LUA_GCCOUNT, 0)) * 1024 +
                     static_cast<size_t>(lua_gc(g_fn.L, LUA_GCCOUNTB, 0))
               : 0;
  *bytes = 0;
  for (auto& [n, lib] : g_fn.libs) *bytes += lib->code.size() + n.size() + 64 * lib->functions.size();
  *functions = g_fn.functions.size();
  *libraries = g_fn.libs.size();
}

std::vector<std::string> library_codes() {
  std::vector<std::string> out;
  for (auto& [n, lib] : g_fn.libs) out.push_back(lib->code);
  return out;
}

namespace {

int fcall_generic(Ctx* ctx, int argc, const lunar_str* argv, bool ro) {
  int nk;
  if (!parse_numkeys(ctx, argc, argv, "ERR Bad number of keys provided", &nk)) return LUNAR_OK;
  auto it = g_fn.functions.find(fn_key(sv(argv[1])));
  if (it == g_fn.functions.end()) {
    reply_error(ctx, "ERR Function not found");
    return LUNAR_OK;
  }
  Function* f = it->second;
  if (ro && !(f->flags & kScriptNoWrites)) {
    reply_error(ctx, "ERR Can not execute a script with write flag using *_ro command.");
    return LUNAR_OK;
  }
  lua_State* L = fn_state();
  lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);
  push_string_array(L, argv + 3, nk);
  push_string_array(L, argv + 3 + nk, argc - 3 - nk);
  Run run;
  run.caller = ctx->client;
  run.name = f->name;
  run.is_eval = false;
  run.flags = f->flags;
  run.read_only = ro || (f->flags & kScriptNoWrites);
  run.db = ctx->db;
  run.tail_line = f->tail_line;
  run.source = "@user_function";
  run.argc = argc;
  run.argv = argv;
  run_function(L, 2, &run, ctx->reply);
  return LUNAR_OK;
}

int fcall_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return fcall_generic(ctx, argc, argv, false);
}
int fcall_ro_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return fcall_generic(ctx, argc, argv, true);
}

int function_load(Ctx* ctx, int argc, const lunar_str* argv) {
  bool replace = false;
  int i = 2;
  for (; i < argc - 1; i++) {
    if (arg_is(argv[i], "replace")) {
      replace = true;
    } else {
      reply_errorf(ctx, "ERR Unknown option given: %s", std::string(sv(argv[i])).c_str());
      return LUNAR_OK;
    }
  }
  std::string err, name;
  if (!load_library(std::string(sv(argv[argc - 1])), replace, &err, &name)) {
    reply_error(ctx, "ERR " + err);
    return LUNAR_OK;
  }
  g_server.stats.dirty++;
  ctx->reply->bulk(name);
  return LUNAR_OK;
}

int function_delete(Ctx* ctx, int, const lunar_str* argv) {
  auto it = g_fn.libs.find(std::string(sv(argv[2])));
  if (it == g_fn.libs.end()) {
    reply_error(ctx, "ERR Library not found");
    return LUNAR_OK;
  }
  for (auto& [fname, f] : it->second->functions) g_fn.functions.erase(fn_key(fname));
  unref_library(g_fn.L, it->second.get());
  g_fn.libs.erase(it);
  g_server.stats.dirty++;
  reply_ok(ctx);
  return LUNAR_OK;
}

// "ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP."
void reply_bad_subcommand_args(Ctx* ctx, const lunar_str& sub) {
  reply_errorf(ctx, "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try FUNCTION HELP.",
               static_cast<int>(sub.len), sub.ptr);
}

int function_flush(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc > 3) {
    reply_bad_subcommand_args(ctx, argv[1]);
    return LUNAR_OK;
  }
  if ( (argc == 3 && !arg_is(argv[2], "sync") && !arg_is(argv[2], "async"))) {
    reply_error(ctx, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return LUNAR_OK;
  }
  flush_libraries();
  g_server.stats.dirty++;
  reply_ok(ctx);
  return LUNAR_OK;
}

int function_list(Ctx* ctx, int argc, const lunar_str* argv) {
  bool withcode = false;
  std::string pattern;
  bool have_pattern = false;
  for (int i = 2; i < argc; i++) {
    if (!withcode && arg_is(argv[i], "withcode")) {
      withcode = true;
    } else if (!have_pattern && arg_is(argv[i], "libraryname")) {
      if (i + 1 >= argc) {
        reply_error(ctx, "ERR library name argument was not given");
        return LUNAR_OK;
      }
      pattern = std::string(sv(argv[++i]));
      have_pattern = true;
    } else {
      reply_errorf(ctx, "ERR Unknown argument %s", std::string(sv(argv[i])).c_str());
      return LUNAR_OK;
    }
  }
  ReplySink* r = ctx->reply;
  r->aggregate(Agg::kArray, -1);
  long n = 0;
  for (auto& [lname, lib] : g_fn.libs) {
    if (have_pattern && !glob_match(pattern, lname, false)) continue;
    n++;
    r->aggregate(Agg::kMap, withcode ? 4 : 3);
    r->bulk("library_name");
    r->bulk(lname);
    r->bulk("engine");
    r->bulk("LUA");
    r->bulk("functions");
    r->aggregate(Agg::kArray, static_cast<long>(lib->functions.size()));
    for (auto& [fname, f] : lib->functions) {
      r->aggregate(Agg::kMap, 3);
      r->bulk("name");
      r->bulk(fname);
      r->bulk("description");
      if (f.has_description)
        r->bulk(f.description);
      else
        r->null();
      r->bulk("flags");
      long nflags = 0;
      for (const auto& k : kFlagNames)
        if (f.flags & k.bit) nflags++;
      r->aggregate(Agg::kSet, nflags);
      for (const auto& k : kFlagNames)
        if (f.flags & k.bit) r->simple(k.name);
    }
    if (withcode) {
      r->bulk("library_code");
      r->bulk(lib->code);
    }
  }
  r->set_length(Agg::kArray, n);
  return LUNAR_OK;
}

int function_stats(Ctx* ctx, int, const lunar_str*) {
  ReplySink* r = ctx->reply;
  if (g_run && g_run->is_eval && g_server.busy_reply) {
    r->error(g_server.busy_reply);  // an EVAL script is busy: Redis answers for it
    return LUNAR_OK;
  }
  r->aggregate(Agg::kMap, 2);
  r->bulk("running_script");
  Run* run = g_run;
  if (!run || run->is_eval) {
    r->null();
  } else {
    r->aggregate(Agg::kMap, 3);
    r->bulk("name");
    r->bulk(run->name);
    r->bulk("command");
    r->aggregate(Agg::kArray, run->argc);
    for (int i = 0; i < run->argc; i++) r->bulk(sv(run->argv[i]));
    r->bulk("duration_ms");
    r->integer(now_ms() - run->start_ms);
  }
  r->bulk("engines");
  r->aggregate(Agg::kMap, 1);
  r->bulk("LUA");
  r->aggregate(Agg::kMap, 2);
  r->bulk("libraries_count");
  r->integer(static_cast<long long>(g_fn.libs.size()));
  r->bulk("functions_count");
  r->integer(static_cast<long long>(g_fn.functions.size()));
  return LUNAR_OK;
}

int function_kill(Ctx* ctx, int, const lunar_str*) {
  busy::kill(ctx->reply, false);
  return LUNAR_OK;
}

int function_dump(Ctx* ctx, int, const lunar_str*) {
  std::string body;
  for (auto& [n, lib] : g_fn.libs) {
    body.push_back(static_cast<char>(rdb::kOpFunction2));
    rdb::append_string(&body, lib->code);
  }
  ctx->reply->bulk(rdb::seal_payload(std::move(body)));
  return LUNAR_OK;
}

// Puts back the libraries a failed RESTORE started to change.
void reload_libraries(const std::vector<std::string>& codes) {
  flush_libraries();
  std::string err, name;
  for (const std::string& code : codes) load_library(code, false, &err, &name);
}

int function_restore(Ctx* ctx, int argc, const lunar_str* argv) {
  enum { kAppend, kReplace, kFlush } policy = kAppend;
  if (argc > 4) {
    reply_bad_subcommand_args(ctx, argv[1]);
    return LUNAR_OK;
  }
  if (argc == 4) {
    if (arg_is(argv[3], "append")) {
      policy = kAppend;
    } else if (arg_is(argv[3], "replace")) {
      policy = kReplace;
    } else if (arg_is(argv[3], "flush")) {
      policy = kFlush;
    } else {
      reply_error(ctx, "ERR Wrong restore policy given, value should be either FLUSH, APPEND or "
                       "REPLACE.");
      return LUNAR_OK;
    }
  }
  std::string_view body;
  if (!rdb::open_payload(sv(argv[2]), &body)) {
    reply_error(ctx, "ERR DUMP payload version or checksum are wrong");
    return LUNAR_OK;
  }
  std::vector<std::string> codes;
  size_t pos = 0;
  while (pos < body.size()) {
    if (static_cast<unsigned char>(body[pos++]) != rdb::kOpFunction2) {
      reply_error(ctx, "ERR given type is not a function");
      return LUNAR_OK;
    }
    std::string code;
    if (!rdb::read_string(body, &pos, &code)) {
      reply_error(ctx, "ERR payload is not valid");
      return LUNAR_OK;
    }
    codes.push_back(std::move(code));
  }
  std::vector<std::string> before = library_codes();
  if (policy == kFlush) flush_libraries();
  for (const std::string& code : codes) {
    std::string err, name;
    if (!load_library(code, policy == kReplace, &err, &name)) {
      reload_libraries(before);
      // RESTORE names an existing library without the quotes LOAD uses.
      size_t q = err.find('\'');
      if (err.rfind("Library '", 0) == 0 && err.find("' already exists") != std::string::npos) {
        err.erase(err.find("' already exists"), 1);
        err.erase(q, 1);
      }
      reply_error(ctx, "ERR " + err);
      return LUNAR_OK;
    }
  }
  g_server.stats.dirty++;
  reply_ok(ctx);
  return LUNAR_OK;
}

int function_help(Ctx* ctx, int, const lunar_str*) {
  static const char* const kLines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using "
      "FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a "
      "restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
      "abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
      "replace the old",
      "      libraries with the new libraries (notice that even on this option there is a chance "
      "of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.",
  };
  reply_lines(ctx, kLines);
  return LUNAR_OK;
}

const char kFcallFlags[] =
    "noscript stale skip_monitor may_replicate no_mandatory_keys movablekeys";

const KernelCommand kCommands[] = {
    {"fcall", fcall_cmd, -3, kFcallFlags, 0, 0, 0, "scripting", "Invoke a function", "7.0.0",
     "scripting", "Depends on the function that is executed."},
    {"fcall_ro", fcall_ro_cmd, -3,
     "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "scripting",
     "Invoke a read-only function", "7.0.0", "scripting",
     "Depends on the function that is executed."},
    {"function", nullptr, -2, "", 0, 0, 0, "", "A container for function commands", "7.0.0",
     "scripting", "Depends on subcommand."},
    {"function|load", function_load, -3, "write denyoom noscript", 0, 0, 0, "scripting",
     "Create a function with the given arguments (name, code, description)", "7.0.0",
     "scripting", "O(1) (considering compilation time is redundant)"},
    {"function|delete", function_delete, 3, "write noscript", 0, 0, 0, "scripting",
     "Delete a function by name", "7.0.0", "scripting", "O(1)"},
    {"function|flush", function_flush, -2, "write noscript", 0, 0, 0, "scripting",
     "Deleting all functions", "7.0.0", "scripting",
     "O(N) where N is the number of functions deleted"},
    {"function|list", function_list, -2, "noscript", 0, 0, 0, "scripting",
     "List information about all the functions", "7.0.0", "scripting",
     "O(N) where N is the number of functions"},
    {"function|stats", function_stats, 2, "noscript allow_busy", 0, 0, 0, "scripting",
     "Return information about the function currently running (name, description, duration)",
     "7.0.0", "scripting", "O(1)"},
    {"function|kill", function_kill, 2, "noscript allow_busy", 0, 0, 0, "scripting",
     "Kill the function currently in execution.", "7.0.0", "scripting", "O(1)"},
    {"function|dump", function_dump, 2, "noscript", 0, 0, 0, "scripting",
     "Dump all functions into a serialized binary payload", "7.0.0", "scripting",
     "O(N) where N is the number of functions"},
    {"function|restore", function_restore, -3, "write denyoom noscript", 0, 0, 0, "scripting",
     "Restore all the functions on the given payload", "7.0.0", "scripting",
     "O(N) where N is the number of functions on the payload"},
    {"function|help", function_help, 2, "loading stale", 0, 0, 0, "scripting",
     "Show helpful text about the different subcommands", "7.0.0", "scripting", "O(1)"},
};

}  // namespace

void register_function_commands() { register_table(kCommands); }

}  // namespace lunar::script
