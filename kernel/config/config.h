// The configuration registry: every parameter of the kernel (bound to g_server.settings) and of
// the loaded modules, under Redis's names, with Redis's types, bounds, defaults and mutability.
// It reads the startup configuration (a TOML file plus redis-server style command-line
// overrides), serves CONFIG GET/SET/RESETSTAT/REWRITE/HELP and the modules' lunar_config_get.
//
// Startup order (main.cc): register_kernel_params(), load_startup(), load modules_to_load()
// (their parameters register through register_module_param), then check_pending().
// Everything here runs on the event loop thread.
#pragma once
#include <lunar/lunar.h>

#include <string>
#include <string_view>
#include <vector>

namespace lunar::config {

struct ModuleSpec {
  std::string path;  // absolute path of the .so
  std::vector<std::string> args;
};

// Binds every kernel setting to its Redis name and sets it to its default. Calling it again
// resets the whole registry (kernel values, module parameters, pending values, module list);
// the unit tests rely on that.
void register_kernel_params();

// Reads `lunar-server [file.toml] [--name value ...]`: the TOML file (if argv[1] does not start
// with "--"), then the command-line overrides, applied in that order so the command line wins.
// A "--name" takes every following argument up to the next "--..." (the first one always, so
// `--requirepass --x` sets "--x"); `--save` with no value means "". Names that no kernel
// parameter has are kept pending for the modules (see check_pending). Also records the absolute
// config file path in g_server.config_file. On failure returns false with *err set to one line
// naming the file and line (or "command line"), the key and what is allowed, e.g.
// "lunar.toml:3: 'port' must be an integer between 0 and 65535".
bool load_startup(int argc, char** argv, std::string* err);
// After the startup modules are loaded: false with *err (one line per key) when a value given
// in the file or on the command line was claimed by no parameter, e.g.
// "lunar.toml:7: unknown setting 'maxmemory-polcy' (did you mean 'maxmemory-policy'?)".
bool check_pending(std::string* err);

// The modules to load at startup, in order: the file's `[modules] load = [...]` names (a bare
// name is <dir>/<name>.so; `[modules] dir` is relative to the file and defaults to
// <exe_dir>/../modules) and `[[modules.module]]` entries (`path`, `args`), then each
// `--loadmodule path [args...]`. Without a config file, or with a file that has no [modules]
// table, every *.so of the default module dir, sorted by name, comes first.
const std::vector<ModuleSpec>& modules_to_load();
// The plugin names listed in `[plugins] load = [...]`, as written.
const std::vector<std::string>& plugins_to_load();
// The file of a plugins_to_load() entry. An entry with a '/' or ending in ".lua" is a path
// relative to the config file's folder; a bare name is <dir>/<name>.lua, where `[plugins] dir`
// is relative to the config file and defaults to <exe_dir>/../plugins when that folder exists
// (an installed layout), else <exe_dir>/../../plugins (the source tree's plugins/ folder as seen
// from a build folder inside it, e.g. build/bin/lunar-server).
std::string plugin_path(const std::string& entry);

// A module registers a parameter: validates `def` (LUNAR_EINVAL for a bad struct_size, name,
// storage, bounds or default; LUNAR_EFLAG for an unknown type or flag; LUNAR_EEXIST for a name
// taken by the kernel or another module), stores the default, then any value given for it at
// startup. A bad startup value yields LUNAR_EINVAL; last_error() (also logged) says why.
int register_module_param(lunar_module* m, const lunar_config_def* def);
// Removes every parameter `m` registered (module unload).
void unregister_module_params(lunar_module* m);
// Why the last register_module_param failed, in the load_startup message style.
const std::string& last_error();

// The value of one parameter (by its name or alias, any case) as CONFIG GET prints it; false
// when no parameter has that name.
bool get(std::string_view name, std::string* out);

// A kernel subsystem's reaction to a runtime change of a kernel parameter (CONFIG SET): called
// once per CONFIG SET after all new values are stored, only when the value changed. Returning
// false with *err set (Redis's text, e.g. "Failed to bind to specified addresses.") rolls the
// whole CONFIG SET back, after which the hook runs again for the restored values. Hooks are not
// run at startup. A hook shared by several parameters (bind and port) runs once per CONFIG SET.
using ApplyHook = bool (*)(std::string* err);
void set_apply_hook(std::string_view name, ApplyHook hook);

// Registers CONFIG and its subcommands GET, SET, RESETSTAT, REWRITE and HELP.
void register_config_commands();

}  // namespace lunar::config
