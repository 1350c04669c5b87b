// Propagation: the changes commands make, as commands to replay, for the AOF and replication
// (the SDK's propagation listeners).
//
// A unit of execution is a top-level command, an EXEC, a script or a woken blocked command.
// Within it every command that changed the dataset adds what it propagates — its own
// arguments, or what it passed to lunar_replicate — and when the unit ends the collected
// commands go to the listeners, between MULTI and EXEC when there is more than one.
#pragma once
#include <lunar/lunar.h>

#include "kernel/command/command.h"

namespace lunar::propagate {

// The SDK calls.
int register_listener(lunar_module* m, lunar_propagate_fn fn, void* priv);
int replicate(lunar_ctx* ctx, int argc, const lunar_str* argv);
// Drops a module's listeners (unload).
void forget_module(lunar_module* m);

// Around each command run by the dispatcher, EXEC, a script or a blocked client's wake-up:
// `wrote` tells whether the dataset changed (the dirty counter moved).
void command_starting();
void command_finished(const Ctx* ctx, int argc, const lunar_str* argv, bool wrote);
// The running command propagates only what the commands it called propagated (a plugin
// command written in Lua): it is not propagated itself. Call it after those calls.
void effects_only();
// Ends a unit of execution: hands what it collected to the listeners.
void flush_unit();

}  // namespace lunar::propagate
