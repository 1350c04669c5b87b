// Lua states and the script that runs in one.
//
// Every state is sandboxed the same way (lua/sandbox.lua) and carries Redis's libraries and the
// redis.* API. EVAL scripts share one state (SCRIPT FLUSH replaces it); FUNCTION libraries have
// their own. Scripts do not nest: at most one Run is live, reachable as g_run, and the redis.*
// functions act on it.
#pragma once
#include <lua.hpp>

#include <lunar/lunar.h>

#include <string>
#include <string_view>

#include "kernel/net/reply.h"

namespace lunar {
class Client;
}

namespace lunar::script {

// Shebang / register_function flags (Redis's SCRIPT_FLAG_*).
enum ScriptFlag : unsigned {
  kScriptNoWrites = 1u << 0,
  kScriptAllowOom = 1u << 1,
  kScriptAllowStale = 1u << 2,
  kScriptNoCluster = 1u << 3,
  kScriptAllowCrossSlot = 1u << 4,
  kScriptEvalCompat = 1u << 5,  // an EVAL script without a shebang (Redis's legacy rules)
};

// propagation targets of redis.set_repl (REPL_*).
enum : int { kReplNone = 0, kReplAof = 1, kReplReplica = 2, kReplAll = 3 };

struct Run {
  Client* caller = nullptr;
  Client* fake = nullptr;     // the client commands called by the script run as
  // The sha of an EVAL script, or the function's / command's name: it outlives the run (the
  // cache and libraries cannot change while a script runs).
  std::string_view name;
  bool is_eval = true;
  bool read_only = false;     // EVAL_RO, FCALL_RO, or the no-writes flag
  unsigned flags = 0;         // ScriptFlag
  int db = 0;
  int resp = 2;               // redis.setresp
  int repl = kReplAll;        // redis.set_repl
  bool wrote = false;         // a write command ran (SCRIPT KILL is refused after that)
  bool killed = false;        // SCRIPT KILL / FUNCTION KILL / SHUTDOWN asked it to stop
  int tail_line = 0;          // see tail_call_line()
  const char* source = "@user_script";
  int argc = 0;                // the calling command (FUNCTION STATS)
  const lunar_str* argv = nullptr;
  long long start_ms = 0;
  long long start_us = 0;
};

extern Run* g_run;

enum class StateKind { kEval, kFunction, kPlugin };

// A fresh sandboxed state (aborts the process on failure to build one: that is a bug).
lua_State* new_state(StateKind kind);

// Runs the function below `nargs` arguments on top of the stack under Redis's error handler,
// as `run`, with the watchdog armed (busy scripts, SCRIPT KILL). Writes the result or the error
// to `out`. The stack is left as it was below the function.
void run_function(lua_State* L, int nargs, Run* run, ReplySink* out);

// The line of the last tail call in function `f` (at idx), reported for an error raised by a
// tail-called function, whose caller's frame LuaJIT no longer has. 0 when there is none.
int tail_call_line(lua_State* L, int idx);

// Pushes an array of the strings (KEYS, ARGV, a function's keys and args).
void push_string_array(lua_State* L, const lunar_str* items, int n);

// EVAL / FCALL's numkeys (argv[2]) for `argc` arguments: false after replying the error
// (`not_integer` when it is not a number).
bool parse_numkeys(lunar_ctx* ctx, int argc, const lunar_str* argv, const char* not_integer,
                   int* numkeys);

// The client scripts run their commands as (one for the whole server).
Client* script_client();

}  // namespace lunar::script
