#include "kernel/script/state.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "kernel/net/client.h"
#include "kernel/script/busy.h"
#include "kernel/script/embedded.h"
#include "kernel/script/lua_reply.h"
#include "kernel/script/redis_api.h"
#include "kernel/command/command.h"
#include "kernel/server.h"
#include "kernel/util/numbers.h"

#if __has_include("kernel/script/libs.h")
#include "kernel/script/libs.h"
#define LUNAR_HAVE_SCRIPT_LIBS 1
#endif

namespace lunar::script {

Run* g_run = nullptr;

namespace {

// Registry keys of each state's error handler and real globals.
const char kErrHandlerKey[] = "lunar.err_handler";  // also read by function.cc

void open_lib(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushcfunction(L, fn);
  lua_pushstring(L, name);
  lua_call(L, 1, 0);
}

[[noreturn]] void die(lua_State* L, const char* what) {
  std::fprintf(stderr, "lunar: cannot build the Lua sandbox (%s): %s\n", what,
               lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
  std::abort();
}

#ifdef LUNAR_HAVE_SCRIPT_LIBS
void set_global_lib(lua_State* L, const char* name, int (*open)(lua_State*)) {
  lua_pushcfunction(L, open);
  lua_call(L, 0, 1);
  lua_setglobal(L, name);
}
#endif

}  // namespace

lua_State* new_state(StateKind kind) {
  lua_State* L = luaL_newstate();
  if (!L) {
    std::fprintf(stderr, "lunar: cannot create a Lua state\n");
    std::abort();
  }
  // Base (with coroutine), table, string, math, bit; debug only for the sandbox's error
  // handler (removed from the globals); jit so that the compiler is switched on (removed too).
  open_lib(L, "", luaopen_base);
  open_lib(L, LUA_TABLIBNAME, luaopen_table);
  open_lib(L, LUA_STRLIBNAME, luaopen_string);
  open_lib(L, LUA_MATHLIBNAME, luaopen_math);
  open_lib(L, LUA_BITLIBNAME, luaopen_bit);
  open_lib(L, LUA_DBLIBNAME, luaopen_debug);
  open_lib(L, LUA_JITLIBNAME, luaopen_jit);
#ifdef LUNAR_HAVE_SCRIPT_LIBS
  // LuaJIT's bit.tohex prints up to 16 digits; Redis's LuaBitOp at most 8.
  lua_getglobal(L, "bit");
  lua_pushcfunction(L, bit_tohex);
  lua_setfield(L, -2, "tohex");
  lua_pop(L, 1);
  set_global_lib(L, "cjson", open_cjson);
  set_global_lib(L, "cmsgpack", open_cmsgpack);
  set_global_lib(L, "struct", open_struct);
#endif
  lua_getglobal(L, "math");
  install_random(L);
  lua_pop(L, 1);
  push_redis_api(L, kind);
  lua_setglobal(L, "redis");

  std::string_view src = embedded_lua("sandbox");
  if (luaL_loadbuffer(L, src.data(), src.size(), "=sandbox") != 0) die(L, "load");
  if (lua_pcall(L, 0, 1, 0) != 0) die(L, "run");
  // The handler is a global of the real table; keep it where scripts cannot reach.
  lua_getglobal(L, "__redis__err__handler");
  lua_setfield(L, LUA_REGISTRYINDEX, kErrHandlerKey);
  if (kind != StateKind::kEval) {  // Redis shows it to EVAL scripts only
    lua_pushnil(L);
    lua_setglobal(L, "__redis__err__handler");
  }
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_setfield(L, LUA_REGISTRYINDEX, "lunar.globals");
  lua_replace(L, LUA_GLOBALSINDEX);  // the read-only view becomes the globals
  return L;
}

int tail_call_line(lua_State* L, int idx) {
  idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
  lua_getfield(L, LUA_REGISTRYINDEX, "lunar.tail_line");
  lua_pushvalue(L, idx);
  int line = 0;
  if (lua_pcall(L, 1, 1, 0) == 0) line = static_cast<int>(lua_tonumber(L, -1));
  lua_pop(L, 1);
  return line;
}

void push_string_array(lua_State* L, const lunar_str* items, int n) {
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushlstring(L, items[i].ptr, items[i].len);
    lua_rawseti(L, -2, i + 1);
  }
}

bool parse_numkeys(lunar_ctx* ctx, int argc, const lunar_str* argv, const char* not_integer,
                   int* numkeys) {
  long long n;
  if (!string2ll(argv[2].ptr, argv[2].len, &n)) {
    ctx->reply->error(not_integer);
    return false;
  }
  if (n > argc - 3) {
    ctx->reply->error("ERR Number of keys can't be greater than number of args");
    return false;
  }
  if (n < 0) {
    ctx->reply->error("ERR Number of keys can't be negative");
    return false;
  }
  *numkeys = static_cast<int>(n);
  return true;
}

Client* script_client() {
  static Client* fake = Client::create_fake();
  return fake;
}

namespace {

// Writes a script's uncaught error as Redis does: "<err> script: <name>, on <source>:<line>."
void reply_script_error(lua_State* L, const Run* run, ReplySink* out) {
  if (!lua_istable(L, -1)) {
    const char* msg = lua_tostring(L, -1);
    std::string text = "ERR Error running script " + std::string(run->name) + ", " +
                       std::string(msg ? msg : "execution failure").substr(0, 100);
    out->error(text);
    return;
  }
  int t = lua_gettop(L);
  lua_getfield(L, t, "err");
  lua_getfield(L, t, "source");
  lua_getfield(L, t, "line");
  const char* err = lua_tostring(L, -3);
  const char* source = lua_tostring(L, -2);
  const char* line = lua_tostring(L, -1);
  std::string text = err ? err : "ERR unknown error";
  if (source && line) {
    text += " script: " + std::string(run->name) + ", on " + source + ":" + line + ".";
  } else if (run->tail_line > 0) {
    // A tail-called function raised it (see tail_call_line): Lua 5.1 would have placed a
    // string error at the caller's line, as "user_script:<line>: ".
    std::string line_text = std::to_string(run->tail_line);
    lua_getfield(L, t, "raised_string");
    bool from_string = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (from_string && text.rfind("ERR ", 0) == 0)
      text.insert(4, std::string(run->source + 1) + ":" + line_text + ": ");
    text += " script: " + std::string(run->name) + ", on " + run->source + ":" + line_text + ".";
  }
  for (char& ch : text)
    if (ch == '\r' || ch == '\n') ch = ' ';
  if (!text.empty() && text[0] == '-') text.erase(0, 1);
  lua_getfield(L, t, "ignore_error_stats_update");
  bool counted = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (counted)
    out->error_counted(text);
  else
    out->error(text);
  lua_pop(L, 3);
}

}  // namespace

void run_function(lua_State* L, int nargs, Run* run, ReplySink* out) {
  int fn = lua_gettop(L) - nargs;
  lua_getfield(L, LUA_REGISTRYINDEX, kErrHandlerKey);
  lua_insert(L, fn);
  run->fake = script_client();
  run->start_us = now_us();
  run->start_ms = run->start_us / 1000;
  Run* outer = g_run;
  g_run = run;
  busy::script_starting(L, run);
  int rc = lua_pcall(L, nargs, 1, fn);
  busy::script_finished(L, run);
  g_run = outer;
  if (rc != 0)
    reply_script_error(L, run, out);
  else
    reply_from_lua(L, -1, out, run->resp);
  lua_settop(L, fn - 1);
}

}  // namespace lunar::script
