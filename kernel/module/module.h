// Loaded modules and their ledgers. A module's descriptor is validated before any of its code
// runs; everything it registers is recorded so that MODULE UNLOAD can refuse while any of it is
// live, and remove all of it otherwise.
#pragma once
#include <lunar/lunar.h>

#include <memory>
#include <string>
#include <vector>

struct lunar_module {
  std::string name;
  std::string path;
  int version = 0;
  void* dl = nullptr;
  const lunar_module_descriptor_t* desc = nullptr;
  bool initializing = false;
  std::vector<std::string> args;
  // Ledger.
  std::vector<std::string> commands;  // top-level names (subcommands go with their parent)
  std::vector<lunar_type*> types;
};

namespace lunar {

// The kernel's API table handed to every module.
const lunar_api* api_table();

// Loads a module from `path` with `args`; on failure returns false with *err set to one line.
bool module_load(const std::string& path, const std::vector<std::string>& args, std::string* err);
// Unloads a module by name; false with *err when unknown or when something of it is live.
bool module_unload(const std::string& name, std::string* err);
const std::vector<std::unique_ptr<lunar_module>>& loaded_modules();
// Registered value types by name ("string", ...), for TYPE and SCAN TYPE.
lunar_type* find_type(std::string_view name);
// Removes a type from the registry and frees its record (module unload; no values left).
void unregister_type(lunar_type* t);
// Calls every module listening to server event `id` (LUNAR_EVENT_*).
void fire_event(int id, long long client_id);
// Drops the event listeners and the publisher of a module being unloaded.
void forget_module_hooks(lunar_module* m);
// lunar_register_info_field, and its undoing at unload (kernel/command/info_cmd.cc).
int register_info_field(lunar_module* m, const char* name, long long (*fn)(void*), void* priv);
void forget_info_fields(lunar_module* m);
// Registers MODULE LIST/LOAD/UNLOAD/HELP.
void register_module_commands();

}  // namespace lunar
