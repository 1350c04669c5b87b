// The redis.* API. redis.call runs a command in-process: the command writes its reply into a
// LuaSink, which builds the Lua value directly.
#include "kernel/script/redis_api.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/command/propagate.h"
#include "kernel/net/client.h"
#include "kernel/script/lua_reply.h"
#include "kernel/script/sha1.h"
#include "kernel/server.h"

namespace lunar::script {

void raise_error(lua_State* L, std::string_view text) {
  push_error_table(L, text);
  lua_error(L);
  __builtin_unreachable();
}

namespace {

// Marks the error table on top as already counted in INFO errorstats (Redis's field).
void mark_counted(lua_State* L) {
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "ignore_error_stats_update");
}

// Replies with an error table: raised by redis.call, returned by redis.pcall. The error counts
// in INFO errorstats now (the script's final error reply then does not count it again).
int fail(lua_State* L, bool raise, std::string_view text) {
  count_error_reply(text);
  g_server.errors_attributed = g_server.stats.total_error_replies;
  push_error_table(L, text);
  mark_counted(L);
  if (raise) lua_error(L);
  return 1;
}

int generic_call(lua_State* L, bool raise) {
  Run* run = g_run;
  int argc = lua_gettop(L);
  if (argc == 0)
    return fail(L, raise, "ERR Please specify at least one argument for this redis lib call");
  if (!run) return fail(L, raise, "ERR redis.call is not available here");
  // Arguments: strings as they are, numbers as "%.17g" (replaced on the stack so that the
  // views below stay valid for the call).
  lunar_str small[16];
  std::vector<lunar_str> big;
  lunar_str* argv = small;
  if (argc > 16) {
    big.resize(static_cast<size_t>(argc));
    argv = big.data();
  }
  for (int i = 1; i <= argc; i++) {
    int t = lua_type(L, i);
    if (t == LUA_TNUMBER) {
      char buf[64];
      size_t n = format_number_arg(lua_tonumber(L, i), buf, sizeof buf);
      lua_pushlstring(L, buf, n);
      lua_replace(L, i);
    } else if (t != LUA_TSTRING) {
      return fail(L, raise, "ERR Lua redis lib command arguments must be strings or integers");
    }
    size_t len;
    const char* p = lua_tolstring(L, i, &len);
    argv[i - 1] = {p, len};
  }
  Command* cmd = g_commands.lookup(argc, argv);
  if (!cmd || !cmd->handler)
    return fail(L, raise, "ERR Unknown Redis command called from script");
  // Refusals count as the command's rejected calls, as in Redis.
  if ((cmd->arity > 0 && argc != cmd->arity) || argc < -cmd->arity) {
    cmd->rejected_calls++;
    return fail(L, raise, "ERR Wrong number of args calling Redis command from script");
  }
  if (cmd->flags & kCmdNoscript) {
    cmd->rejected_calls++;
    return fail(L, raise, "ERR This Redis command is not allowed from script");
  }
  bool writes = cmd->flags & (kCmdWrite | kCmdMayReplicate);
  if (writes && run->read_only) {
    cmd->rejected_calls++;
    return fail(L, raise, "ERR Write commands are not allowed from read-only scripts.");
  }
  if (cmd->flags & kCmdWrite) run->wrote = true;

  lua_checkstack(L, 8);
  int top = lua_gettop(L);
  Client* fake = run->fake;
  fake->db = run->db;
  fake->set_resp(run->resp);
  LuaSink sink(L, run->resp);
  Ctx ctx{fake, &sink, run->db, cmd, cmd->owner};
  ctx.argc = argc;
  ctx.argv = argv;
  ctx.flags = LUNAR_CTX_SCRIPT;
  long long dirty_before = g_server.stats.dirty;
  propagate::command_starting();
  cmd->handler(&ctx, argc, argv);
  if (run->repl != kReplNone)
    propagate::command_finished(&ctx, argc, argv, g_server.stats.dirty != dirty_before);
  else
    propagate::command_starting();  // drops what the command asked to replicate
  cmd->calls++;  // its time is the script's (no clock read per call: they are not free)
  run->db = fake->db;  // SELECT inside a script changes the script's database only
  // A well-behaved command left exactly one value.
  int got = lua_gettop(L) - top;
  if (got == 0) {
    lua_pushnil(L);
  } else if (got > 1) {
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
  }
  if (sink.error_reply()) {
    lua_getfield(L, -1, "err");
    if (const char* text = lua_tostring(L, -1)) count_error_reply(text);
    lua_pop(L, 1);
    mark_counted(L);
    cmd->failed_calls++;
    g_server.errors_attributed = g_server.stats.total_error_replies;
    if (raise) lua_error(L);
  }
  return 1;
}

int l_call(lua_State* L) { return generic_call(L, true); }
int l_pcall(lua_State* L) { return generic_call(L, false); }

int l_error_reply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    push_error_table(L, "ERR wrong number or type of arguments");
    return 1;
  }
  size_t n;
  const char* s = lua_tolstring(L, 1, &n);
  std::string text;
  if (n == 0 || s[0] != '-') text = "-";
  text.append(s, n);
  push_error_table(L, text);
  return 1;
}

int l_status_reply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    push_error_table(L, "ERR wrong number or type of arguments");
    return 1;
  }
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "ok");
  return 1;
}

int l_sha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) raise_error(L, "ERR wrong number of arguments");
  size_t n = 0;
  const char* s = lua_tolstring(L, 1, &n);
  std::string hex = sha1_hex(std::string_view(s ? s : "", s ? n : 0));
  lua_pushlstring(L, hex.data(), hex.size());
  return 1;
}

int l_log(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) raise_error(L, "ERR redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) raise_error(L, "ERR First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < kLogDebug || level > kLogWarning) raise_error(L, "ERR Invalid debug level.");
  std::string msg;
  for (int i = 2; i <= argc; i++) {
    size_t n = 0;
    const char* s = lua_tolstring(L, i, &n);
    if (!s) continue;
    if (i > 2) msg += ' ';
    msg.append(s, n);
  }
  log_line(level, "%s", msg.c_str());
  return 0;
}

int l_setresp(lua_State* L) {
  if (lua_gettop(L) != 1) raise_error(L, "ERR redis.setresp() requires one argument.");
  int v = static_cast<int>(lua_tonumber(L, 1));
  if (v != 2 && v != 3) raise_error(L, "ERR RESP version must be 2 or 3.");
  if (g_run) g_run->resp = v;
  return 0;
}

int l_set_repl(lua_State* L) {
  if (lua_gettop(L) != 1) raise_error(L, "ERR redis.set_repl() requires two arguments.");
  int v = static_cast<int>(lua_tonumber(L, 1));
  if (v < kReplNone || v > kReplAll)
    raise_error(L, "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                   "REPL_NONE.");
  if (g_run) g_run->repl = v;
  return 0;
}

int l_replicate_commands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

// Without ACL users every command is allowed; an unknown command is an error.
int l_acl_check_cmd(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 1) raise_error(L, "ERR Please specify at least one argument for this redis lib call");
  std::vector<lunar_str> argv(static_cast<size_t>(argc));
  for (int i = 1; i <= argc; i++) {
    if (lua_type(L, i) != LUA_TSTRING && lua_type(L, i) != LUA_TNUMBER)
      raise_error(L, "ERR Lua redis lib command arguments must be strings or integers");
    size_t n;
    const char* s = lua_tolstring(L, i, &n);
    argv[static_cast<size_t>(i - 1)] = {s, n};
  }
  Command* cmd = g_commands.lookup(argc, argv.data());
  if (!cmd) raise_error(L, "ERR Invalid command passed to redis.acl_check_cmd()");
  lua_pushboolean(L, 1);
  return 1;
}

int l_breakpoint(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}

int l_debug(lua_State*) { return 0; }

// Redis's generator: the 48-bit linear congruential generator of rand48, seeded as srand48. One
// sequence for the whole server (EVAL and FCALL alike), from rand48's unseeded state, as Redis.
uint64_t g_rand48 = 0x1234ABCD330Eull;
constexpr int32_t kRand48Max = INT32_MAX;

void srand48_like(int32_t seed) {
  g_rand48 = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E;
}
int32_t lrand48_like() {
  g_rand48 = (0x5DEECE66Dull * g_rand48 + 0xB) & ((1ull << 48) - 1);
  return static_cast<int32_t>(g_rand48 >> 17);
}

int l_random(lua_State* L) {
  lua_Number r = static_cast<lua_Number>(lrand48_like() % kRand48Max) / kRand48Max;
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int l_randomseed(lua_State* L) {
  srand48_like(luaL_checkint(L, 1));
  return 0;
}

}  // namespace

void install_random(lua_State* L) {
  lua_pushcfunction(L, l_random);
  lua_setfield(L, -2, "random");
  lua_pushcfunction(L, l_randomseed);
  lua_setfield(L, -2, "randomseed");
}

void push_redis_api(lua_State* L, StateKind kind) {
  static const luaL_Reg kFns[] = {
      {"call", l_call},
      {"pcall", l_pcall},
      {"error_reply", l_error_reply},
      {"status_reply", l_status_reply},
      {"sha1hex", l_sha1hex},
      {"log", l_log},
      {"setresp", l_setresp},
      {"set_repl", l_set_repl},
      {"replicate_commands", l_replicate_commands},
      {"acl_check_cmd", l_acl_check_cmd},
      {"breakpoint", l_breakpoint},
      {"debug", l_debug},
  };
  lua_createtable(L, 0, 32);
  for (const luaL_Reg& r : kFns) {
    // Functions do not have the EVAL-only debugger and legacy replication calls.
    bool eval_only = std::strcmp(r.name, "breakpoint") == 0 || std::strcmp(r.name, "debug") == 0 ||
                     std::strcmp(r.name, "replicate_commands") == 0;
    if (eval_only && kind != StateKind::kEval) continue;
    lua_pushcfunction(L, r.func);
    lua_setfield(L, -2, r.name);
  }
  static const struct {
    const char* name;
    int value;
  } kConsts[] = {{"LOG_DEBUG", kLogDebug},   {"LOG_VERBOSE", kLogVerbose},
                 {"LOG_NOTICE", kLogNotice}, {"LOG_WARNING", kLogWarning},
                 {"REPL_NONE", kReplNone},   {"REPL_AOF", kReplAof},
                 {"REPL_SLAVE", kReplReplica}, {"REPL_REPLICA", kReplReplica},
                 {"REPL_ALL", kReplAll}};
  for (const auto& c : kConsts) {
    lua_pushnumber(L, c.value);
    lua_setfield(L, -2, c.name);
  }
  lua_pushstring(L, kRedisCompatVersion);
  lua_setfield(L, -2, "REDIS_VERSION");
  int major = 0, minor = 0, patch = 0;
  std::sscanf(kRedisCompatVersion, "%d.%d.%d", &major, &minor, &patch);
  lua_pushnumber(L, (major << 16) | (minor << 8) | patch);
  lua_setfield(L, -2, "REDIS_VERSION_NUM");
}

}  // namespace lunar::script
