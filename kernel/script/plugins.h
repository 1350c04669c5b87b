// Lua plugins: commands written in Lua (plugins/<name>.lua), listed in the config's
// `[plugins] load = [...]` and loaded once at startup, after the modules.
//
// Every plugin runs in one shared sandboxed state (StateKind::kPlugin). While its file runs it
// calls lunar.register_command{...} once per command; the command goes into the kernel's command
// table with the metadata it declares (so dispatch, arity errors, MULTI, COMMAND INFO/DOCS/
// COUNT/LIST treat it as a native command), and its handler is a trampoline that calls the Lua
// handler(keys, args) as a script run (redis.call, the busy-script watchdog, Redis's error and
// reply conversions). The plugin command is not propagated itself: the writes its redis.call
// calls did are (propagate::effects_only).
//
// lunar.register_command fields (unknown fields are an error):
//   name       (string, required)  the command name; must not exist yet
//   handler    (function, required) function(keys, args): keys = the key arguments per
//              first_key/last_key/key_step, args = every argument after the command name
//   arity      (integer, required) Redis's convention: counts the name; -N means at least N
//   flags      (list of flag names) write, readonly, denyoom, fast, admin, ... (COMMAND INFO's
//              names); module, movablekeys, blocking and allow_busy are refused. noscript is
//              always added: a plugin command runs as a script and scripts do not nest.
//   first_key, last_key, key_step (integers, default 0; with first_key > 0, last_key defaults
//              to first_key and key_step to 1; last_key < 0 counts from the end)
//   acl_categories (list of category names, '@' optional)
//   summary, since, complexity (strings, COMMAND DOCS)
//   group      (string, COMMAND DOCS group; one of Redis's groups, default "module")
//   key_flags  (string or list: key spec flags as native rows, e.g. "RW access update")
#pragma once
#include <string>

namespace lunar::script {

// Loads config::plugins_to_load() in order. False with *err naming the plugin, its file and the
// Lua error (with the line) on the first failure; startup must then stop.
bool load_plugins(std::string* err);

}  // namespace lunar::script
