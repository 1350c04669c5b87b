// Busy scripts. A script runs at full speed with no debug hook; a watchdog thread waits for it
// to pass busy-reply-threshold and only then installs a count hook (lua_sethook may be called
// asynchronously, as LuaJIT's own signal handler does). From then on the hook, on the loop
// thread, serves the other clients: they get -BUSY except for the commands flagged allow-busy
// (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE, ...). A killed script gets an error at its
// next instruction, and at every line after that, so pcall cannot swallow it. Compiled loops
// reach the hook because LuaJIT is built with LUAJIT_ENABLE_CHECKHOOK (scripts/setup.sh).
#pragma once
#include <lua.hpp>

#include "kernel/script/state.h"

namespace lunar::script::busy {

void script_starting(lua_State* L, Run* run);
void script_finished(lua_State* L, Run* run);

// SCRIPT KILL (is_eval) / FUNCTION KILL: replies OK, or NOTBUSY / UNKILLABLE / BUSY as Redis.
void kill(ReplySink* out, bool is_eval);

}  // namespace lunar::script::busy
