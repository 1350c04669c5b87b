// Lua plugins: see plugins.h.
#include "kernel/script/plugins.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_map.h>

#include "kernel/command/command.h"
#include "kernel/command/propagate.h"
#include "kernel/config/config.h"
#include "kernel/script/state.h"
#include "kernel/server.h"

namespace lunar::script {
namespace {

// A registered plugin command: its Lua handler and what error reports need.
struct PluginCommand {
  int ref = LUA_NOREF;  // the handler, in the registry
  int tail_line = 0;    // see tail_call_line()
  std::string source;   // the chunk name of its file ("@ratelimit.lua")
};

// The plugin being loaded (lunar.register_command is refused outside a load).
struct Loading {
  std::string source;
  int commands = 0;
};

struct Plugins {
  lua_State* L = nullptr;
  tsl::robin_map<const Command*, PluginCommand> commands;
  Loading* loading = nullptr;
  int gc_countdown = 50;
};
Plugins g_plugins;

const char kReadonly[] = "Attempt to modify a readonly table";

// Redis 7.0's COMMAND DOCS groups.
const char* const kGroups[] = {"generic",     "string",    "list",   "set",      "sorted-set",
                               "hash",        "pubsub",    "transactions", "connection",
                               "server",      "scripting", "hyperloglog",  "cluster",
                               "sentinel",    "geo",       "stream", "bitmap",   "module"};

// Flags a Lua handler cannot honour: it cannot block, report keys by itself, run while a
// script is busy, or be a module.
constexpr uint64_t kRefusedFlags = kCmdModule | kCmdMovableKeys | kCmdBlocking | kCmdAllowBusy;

// ---------------------------------------------------------------------------------------------
// Running a plugin command
// ---------------------------------------------------------------------------------------------
// Pushes {argv[j] for each key position j} as a Lua list (positions past argc are left out).
void push_keys(lua_State* L, const Command& c, int argc, const lunar_str* argv) {
  lua_newtable(L);
  if (c.first_key <= 0) return;
  int last = c.last_key < 0 ? argc + c.last_key : c.last_key;
  if (last > argc - 1) last = argc - 1;
  int step = c.key_step > 0 ? c.key_step : 1;
  int n = 0;
  for (int j = c.first_key; j <= last; j += step) {
    lua_pushlstring(L, argv[j].ptr, argv[j].len);
    lua_rawseti(L, -2, ++n);
  }
}

// The handler of every plugin command: calls the Lua handler(keys, args) as a script run in the
// caller's database, read-only unless the command has the write flag, and replies with what it
// returned (or its error, formatted as Redis formats script errors).
int plugin_command(Ctx* ctx, int argc, const lunar_str* argv) {
  auto it = g_plugins.commands.find(ctx->cmd);
  if (it == g_plugins.commands.end()) {
    reply_error(ctx, "ERR plugin command without a handler");
    return LUNAR_OK;
  }
  // The noscript flag keeps redis.call out; this also covers any other nested path.
  if (g_run) {
    reply_error(ctx, "ERR This Redis command is not allowed from script");
    return LUNAR_OK;
  }
  const PluginCommand& pc = it->second;
  lua_State* L = g_plugins.L;
  lua_checkstack(L, 8);
  lua_rawgeti(L, LUA_REGISTRYINDEX, pc.ref);
  push_keys(L, *ctx->cmd, argc, argv);
  lua_createtable(L, argc - 1, 0);
  for (int i = 1; i < argc; i++) {
    lua_pushlstring(L, argv[i].ptr, argv[i].len);
    lua_rawseti(L, -2, i);
  }
  Run run;
  run.caller = ctx->client;
  run.name = ctx->cmd->fullname;
  run.is_eval = false;
  run.read_only = !(ctx->cmd->flags & kCmdWrite);
  run.db = ctx->db;
  run.tail_line = pc.tail_line;
  run.source = pc.source.c_str();
  run_function(L, 2, &run, ctx->reply);
  propagate::effects_only();
  if (--g_plugins.gc_countdown <= 0) {
    lua_gc(L, LUA_GCSTEP, 50);
    g_plugins.gc_countdown = 50;
  }
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// lunar.register_command
// ---------------------------------------------------------------------------------------------
// Raises a load error "<file>:<line>: <msg>" (the position of the register_command call).
[[noreturn]] void fail(lua_State* L, const std::string& msg) {
  luaL_where(L, 1);
  lua_pushlstring(L, msg.data(), msg.size());
  lua_concat(L, 2);
  lua_error(L);
  __builtin_unreachable();
}

const char* const kFields[] = {"name",      "handler",   "arity",          "flags",
                               "first_key", "last_key",  "key_step",       "acl_categories",
                               "summary",   "since",     "group",          "complexity",
                               "key_flags"};

// The definition table at index 1, read field by field. `cmd` names the command in messages.
struct Def {
  lua_State* L;
  std::string cmd;

  bool has(const char* field) {
    lua_getfield(L, 1, field);
    bool present = !lua_isnil(L, -1);
    lua_pop(L, 1);
    return present;
  }
  std::string where(const char* field) const {
    std::string out = "'";
    out += field;
    out += '\'';
    if (!cmd.empty()) out.append(" of command '").append(cmd).append("'");
    return out;
  }
  // A string field; `fallback` when absent.
  std::string str(const char* field, const char* fallback) {
    lua_getfield(L, 1, field);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      return fallback;
    }
    if (lua_type(L, -1) != LUA_TSTRING) fail(L, where(field) + " must be a string");
    size_t n;
    const char* s = lua_tolstring(L, -1, &n);
    std::string out(s, n);
    lua_pop(L, 1);
    return out;
  }
  int integer(const char* field, int fallback) {
    lua_getfield(L, 1, field);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      return fallback;
    }
    double d = lua_tonumber(L, -1);
    if (lua_type(L, -1) != LUA_TNUMBER || d != static_cast<double>(static_cast<int>(d)))
      fail(L, where(field) + " must be an integer");
    lua_pop(L, 1);
    return static_cast<int>(d);
  }
  // A list of words (or one space-separated string) joined by spaces.
  std::string words(const char* field) {
    lua_getfield(L, 1, field);
    std::string out;
    if (lua_type(L, -1) == LUA_TSTRING) {
      out = lua_tostring(L, -1);
    } else if (lua_istable(L, -1)) {
      size_t n = lua_objlen(L, -1);
      for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, static_cast<int>(i));
        if (lua_type(L, -1) != LUA_TSTRING) fail(L, where(field) + " must be a list of strings");
        if (!out.empty()) out += ' ';
        out += lua_tostring(L, -1);
        lua_pop(L, 1);
      }
    } else if (!lua_isnil(L, -1)) {
      fail(L, where(field) + " must be a list of strings");
    }
    lua_pop(L, 1);
    return out;
  }
};

void check_fields(lua_State* L, const std::string& cmd) {
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    lua_pop(L, 1);
    bool known = false;
    if (lua_type(L, -1) == LUA_TSTRING) {
      for (const char* f : kFields) known = known || std::strcmp(lua_tostring(L, -1), f) == 0;
    }
    if (!known) {
      lua_pushvalue(L, -1);
      const char* k = lua_tostring(L, -1);
      fail(L, "unknown field '" + std::string(k ? k : luaL_typename(L, -1)) + "' in command '" +
                  cmd + "'");
    }
  }
}

// lunar.register_command{...}: validates the definition and adds the command; raises the load
// error otherwise. Returns nothing.
int l_register_command(lua_State* L) {
  if (!g_plugins.loading) fail(L, "lunar.register_command can only be called while a plugin loads");
  if (lua_gettop(L) != 1 || !lua_istable(L, 1))
    fail(L, "lunar.register_command expects one table ({name=..., handler=..., arity=...})");
  Def def{L, ""};
  if (!def.has("name")) fail(L, "lunar.register_command: 'name' is required");
  std::string name = def.str("name", "");
  if (name.empty() || name.size() > 63 ||
      name.find_first_of(" |\t\r\n") != std::string::npos)
    fail(L, "command name '" + name + "' must be 1 to 63 characters without spaces or '|'");
  for (char& ch : name) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  def.cmd = name;
  check_fields(L, name);
  if (g_commands.find(name)) fail(L, "command '" + name + "' already exists");

  lua_getfield(L, 1, "handler");
  if (!lua_isfunction(L, -1)) fail(L, def.where("handler") + " must be a function (keys, args)");
  lua_pop(L, 1);
  if (!def.has("arity")) fail(L, def.where("arity") + " is required");
  auto c = std::make_unique<Command>();
  c->name = name;
  c->handler = plugin_command;
  c->arity = def.integer("arity", 0);
  if (c->arity == 0) fail(L, def.where("arity") + " must not be 0");

  std::string bad;
  std::string flags = def.words("flags");
  if (!parse_command_flags(flags.c_str(), &c->flags, &bad))
    fail(L, "unknown flag '" + bad + "' in command '" + name + "'");
  if (uint64_t refused = c->flags & kRefusedFlags)
    fail(L, "flag '" + std::string(command_flag_names(refused).front()) +
                "' is not available to plugin commands ('" + name + "')");
  if ((c->flags & kCmdWrite) && (c->flags & kCmdReadonly))
    fail(L, "command '" + name + "' cannot have both the write and readonly flags");
  c->flags |= kCmdNoscript;
  std::string acl = def.words("acl_categories");
  if (!parse_acl_categories(acl.c_str(), &c->acl, &bad))
    fail(L, "unknown ACL category '" + bad + "' in command '" + name + "'");
  c->acl = implicit_acl_categories(c->flags, c->acl);
  std::string key_flags = def.words("key_flags");
  if (!parse_key_flags(key_flags.c_str(), &c->key_flags, &bad))
    fail(L, "unknown key spec flag '" + bad + "' in command '" + name + "'");

  c->first_key = def.integer("first_key", 0);
  c->last_key = def.integer("last_key", c->first_key);
  c->key_step = def.integer("key_step", c->first_key > 0 ? 1 : 0);
  if (c->first_key < 0) fail(L, def.where("first_key") + " must not be negative");
  if (c->first_key == 0 && (c->last_key != 0 || c->key_step != 0))
    fail(L, "command '" + name + "' has last_key or key_step without first_key");
  if (c->first_key > 0) {
    if (c->key_step < 1) fail(L, def.where("key_step") + " must be at least 1");
    if (c->last_key >= 0 && c->last_key < c->first_key)
      fail(L, def.where("last_key") + " must be >= first_key, or negative (from the end)");
    int needed = (c->last_key >= 0 ? c->last_key : c->first_key) + 1;
    if (c->arity > 0 && needed > c->arity)
      fail(L, "the keys of command '" + name + "' lie beyond its arity");
  }
  if (!c->key_flags.empty() && c->first_key == 0)
    fail(L, "command '" + name + "' has key_flags but no keys");

  c->summary = def.str("summary", "");
  c->since = def.str("since", "");
  c->complexity = def.str("complexity", "");
  c->group = def.str("group", "module");
  bool group_ok = false;
  for (const char* g : kGroups) group_ok = group_ok || c->group == g;
  if (!group_ok) fail(L, "unknown group '" + c->group + "' in command '" + name + "'");

  PluginCommand pc;
  pc.source = g_plugins.loading->source;
  lua_getfield(L, 1, "handler");
  pc.tail_line = tail_call_line(L, -1);
  pc.ref = luaL_ref(L, LUA_REGISTRYINDEX);
  const Command* added = c.get();
  if (g_commands.add(std::move(c)) != LUNAR_OK) {
    luaL_unref(L, LUA_REGISTRYINDEX, pc.ref);
    fail(L, "command '" + name + "' already exists");
  }
  g_plugins.commands.emplace(added, std::move(pc));
  g_plugins.loading->commands++;
  return 0;
}

int l_refuse_write(lua_State* L) { return luaL_error(L, kReadonly); }

// Makes the global `lunar`: a read-only table with register_command.
void install_lunar_table(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "lunar.globals");  // the real globals (state.cc)
  lua_newtable(L);                                      // the view plugins see
  lua_createtable(L, 0, 3);                             // its metatable
  lua_createtable(L, 0, 1);                             // the real table
  lua_pushcfunction(L, l_register_command);
  lua_setfield(L, -2, "register_command");
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, l_refuse_write);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_setfield(L, -2, "lunar");
  lua_pop(L, 1);
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------
// The text of the error value on top (a string, or Redis's {err=...} table), popped.
std::string pop_error_text(lua_State* L) {
  std::string text;
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "err");
    const char* s = lua_tostring(L, -1);
    text = s ? s : "(error table without err)";
    lua_pop(L, 1);
  } else {
    const char* s = lua_tostring(L, -1);
    text = s ? s : std::string("(error object is a ") + luaL_typename(L, -1) + " value)";
  }
  lua_pop(L, 1);
  return text;
}

// The message handler of a plugin file's run: string errors carry their position already; an
// error table (redis.call's, or error{err=...}) gets the position of the innermost Lua frame.
int load_error_handler(lua_State* L) {
  if (!lua_istable(L, 1)) return 1;
  std::string text = pop_error_text(L);
  lua_Debug ar;
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && std::strcmp(ar.what, "C") != 0) {
      text = std::string(ar.short_src) + ":" + std::to_string(ar.currentline) + ": " + text;
      break;
    }
  }
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

bool load_one(lua_State* L, const std::string& entry, std::string* err) {
  std::string path = config::plugin_path(entry);
  std::string what = "Plugin '" + entry + "' (" + path + ")";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = what + ": can't open the plugin file: " + std::strerror(errno);
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string body = text.str();
  std::string file = path.substr(path.rfind('/') + 1);
  Loading loading{"@" + file, 0};
  if (luaL_loadbuffer(L, body.data(), body.size(), loading.source.c_str()) != 0) {
    *err = what + " failed to load: " + pop_error_text(L);
    return false;
  }
  lua_pushcfunction(L, load_error_handler);
  lua_insert(L, -2);
  g_plugins.loading = &loading;
  int rc = lua_pcall(L, 0, 0, -2);
  g_plugins.loading = nullptr;
  std::string why = rc != 0 ? pop_error_text(L) : "";
  lua_pop(L, 1);  // the handler
  if (rc != 0) {
    *err = what + " failed to load: " + why;
    return false;
  }
  if (loading.commands == 0) {
    *err = what + " failed to load: it registered no command (call lunar.register_command)";
    return false;
  }
  log_line(kLogNotice, "Plugin '%s' loaded from %s (%d command%s)", entry.c_str(), path.c_str(),
           loading.commands, loading.commands == 1 ? "" : "s");
  return true;
}

}  // namespace

bool load_plugins(std::string* err) {
  const auto& list = config::plugins_to_load();
  if (list.empty()) return true;
  if (!g_plugins.L) {
    g_plugins.L = new_state(StateKind::kPlugin);
    install_lunar_table(g_plugins.L);
  }
  for (const std::string& entry : list)
    if (!load_one(g_plugins.L, entry, err)) return false;
  lua_gc(g_plugins.L, LUA_GCCOLLECT, 0);
  return true;
}

}  // namespace lunar::script
