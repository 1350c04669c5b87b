// dlopen loader and MODULE LIST / LOAD / UNLOAD.
#include <dlfcn.h>

#include <cstring>

#include "kernel/command/blocking.h"
#include "kernel/command/command.h"
#include "kernel/config/config.h"
#include "kernel/keyspace/types.h"
#include "kernel/module/module.h"
#include "kernel/server.h"

namespace lunar {

namespace {
std::vector<std::unique_ptr<lunar_module>> g_modules;

void forget_registrations(lunar_module* m) {
  for (const auto& c : m->commands) g_commands.remove(c);
  m->commands.clear();
  for (lunar_type* t : m->types) unregister_type(t);
  m->types.clear();
  config::unregister_module_params(m);
  forget_module_hooks(m);
}
}  // namespace

const std::vector<std::unique_ptr<lunar_module>>& loaded_modules() { return g_modules; }

bool module_load(const std::string& path, const std::vector<std::string>& args, std::string* err) {
  void* dl = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!dl) {
    *err = std::string("Error loading the extension ") + path + ": " + dlerror();
    return false;
  }
  auto* desc =
      static_cast<const lunar_module_descriptor_t*>(dlsym(dl, "lunar_module_descriptor"));
  auto refuse = [&](const std::string& why) {
    *err = "Module " + path + ": " + why;
    dlclose(dl);
    return false;
  };
  if (!desc) return refuse("no lunar_module_descriptor symbol (not a Lunar module)");
  if (desc->struct_size < offsetof(lunar_module_descriptor_t, deinit) || !desc->name ||
      !desc->init)
    return refuse("malformed module descriptor");
  if (desc->abi_major != LUNAR_ABI_MAJOR || desc->abi_minor > LUNAR_ABI_MINOR) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "built for Lunar ABI %u.%u (%s), this server provides ABI %d.%d",
                  desc->abi_major, desc->abi_minor,
                  desc->build_signature ? desc->build_signature : "?", LUNAR_ABI_MAJOR,
                  LUNAR_ABI_MINOR);
    return refuse(buf);
  }
  for (const auto& m : g_modules) {
    if (m->name == desc->name) return refuse(std::string("a module named '") + desc->name +
                                             "' is already loaded");
  }
  auto mod = std::make_unique<lunar_module>();
  mod->name = desc->name;
  mod->path = path;
  mod->version = desc->version;
  mod->dl = dl;
  mod->desc = desc;
  mod->args = args;
  std::vector<lunar_str> argv;
  for (const auto& a : mod->args) argv.push_back({a.data(), a.size()});
  mod->initializing = true;
  int rc = desc->init(mod.get(), api_table(), static_cast<int>(argv.size()), argv.data());
  mod->initializing = false;
  if (rc != LUNAR_OK) {
    forget_registrations(mod.get());
    *err = "Module " + mod->name + " (" + path + ") failed to initialize: " +
           api_table()->strerror(rc);
    dlclose(dl);
    return false;
  }
  log_line(kLogNotice, "Module '%s' loaded from %s", mod->name.c_str(), path.c_str());
  g_modules.push_back(std::move(mod));
  return true;
}

bool module_unload(const std::string& name, std::string* err) {
  for (auto it = g_modules.begin(); it != g_modules.end(); ++it) {
    lunar_module* m = it->get();
    if (m->name != name) continue;
    for (lunar_type* t : m->types) {
      if (t->live_values > 0) {
        *err = "Error unloading module: the module exports one or more module-side data types, "
               "can't unload (" + std::to_string(t->live_values) + " keys of type '" + t->name +
               "' exist)";
        return false;
      }
    }
    if (long long n = blocking::blocked_count_for(m); n > 0) {
      *err = "Error unloading module: " + std::to_string(n) +
             " clients are blocked in commands of the module";
      return false;
    }
    if (m->desc->deinit && m->desc->deinit(m) != LUNAR_OK) {
      *err = "Error unloading module: operation not possible.";
      return false;
    }
    forget_registrations(m);
    dlclose(m->dl);
    log_line(kLogNotice, "Module %s unloaded", name.c_str());
    g_modules.erase(it);
    return true;
  }
  *err = "Error unloading module: no such module with that name";
  return false;
}

// ---------------------------------------------------------------------------------------------
// MODULE command
// ---------------------------------------------------------------------------------------------
namespace {
int module_list_cmd(Ctx* ctx, int, const lunar_str*) {
  ctx->reply->aggregate(Agg::kArray, static_cast<long>(g_modules.size()));
  for (const auto& m : g_modules) {
    ctx->reply->aggregate(Agg::kMap, 4);
    ctx->reply->bulk("name");
    ctx->reply->bulk(m->name);
    ctx->reply->bulk("ver");
    ctx->reply->integer(m->version);
    ctx->reply->bulk("path");
    ctx->reply->bulk(m->path);
    ctx->reply->bulk("args");
    ctx->reply->aggregate(Agg::kArray, static_cast<long>(m->args.size()));
    for (const auto& a : m->args) ctx->reply->bulk(a);
  }
  return LUNAR_OK;
}

int module_load_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  std::string path(sv(argv[2]));
  std::vector<std::string> args;
  for (int i = 3; i < argc; i++) args.emplace_back(sv(argv[i]));
  std::string err;
  if (!module_load(path, args, &err)) {
    log_line(kLogWarning, "%s", err.c_str());
    reply_error(ctx, "ERR Error loading the extension. Please check the server logs.");
    return LUNAR_OK;
  }
  reply_ok(ctx);
  return LUNAR_OK;
}

int module_unload_cmd(Ctx* ctx, int, const lunar_str* argv) {
  std::string err;
  if (!module_unload(std::string(sv(argv[2])), &err)) {
    reply_error(ctx, "ERR " + err);
    return LUNAR_OK;
  }
  reply_ok(ctx);
  return LUNAR_OK;
}

int module_help_cmd(Ctx* ctx, int, const lunar_str*) {
  static const char* lines[] = {
      "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LIST",
      "    Return a list of loaded modules.",
      "LOAD <path> [<arg> ...]",
      "    Load a module library from <path>, passing to it any optional arguments.",
      "UNLOAD <name>",
      "    Unload a module.",
      "HELP",
      "    Print this help."};
  reply_lines(ctx, lines);
  return LUNAR_OK;
}

const KernelCommand kModuleCommands[] = {
    {"module", nullptr, -2, "", 0, 0, 0, "", "A container for module commands", "4.0.0",
     "server", "Depends on subcommand."},
    {"module|list", module_list_cmd, 2, "admin noscript", 0, 0, 0, "",
     "List all modules loaded by the server", "4.0.0", "server", "O(N) where N is the number of loaded modules."},
    {"module|load", module_load_cmd, -3, "admin noscript no_async_loading", 0, 0, 0, "",
     "Load a module", "4.0.0", "server", "O(1)"},
    {"module|unload", module_unload_cmd, 3, "admin noscript no_async_loading", 0, 0, 0, "",
     "Unload a module", "4.0.0", "server", "O(1)"},
    {"module|help", module_help_cmd, 2, "loading stale", 0, 0, 0, "",
     "Show helpful text about the different subcommands", "5.0.0", "server", "O(1)"},
};
}  // namespace

void register_module_commands() {
  register_table(kModuleCommands);
}

}  // namespace lunar
