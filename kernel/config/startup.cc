// Startup configuration: the TOML file, the redis-server style command line, values kept pending
// for module parameters, and the lists of modules and plugins to load.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kernel/config/registry.h"
#include "kernel/config/toml_values.h"
#include "kernel/server.h"

namespace fs = std::filesystem;

namespace lunar::config {

namespace {

// A value given at startup: from the file (a TOML value) or the command line (its words).
struct Given {
  std::string key;    // as written
  std::string where;  // "lunar.toml:7" or "command line"
  bool from_file = false;
  toml::value value;
  std::vector<std::string> args;
};

std::vector<Given> g_pending;  // values for names no parameter had when they were read
std::vector<ModuleSpec> g_modules;
std::vector<std::string> g_plugins;
std::string g_plugin_dir;   // `[plugins] dir`, absolute; empty = default_plugin_dir()
std::string g_plugin_base;  // the config file's folder: plugin paths are relative to it

constexpr const char* kCommandLine = "command line";

// Stores one given value into `p`; false with *err in the load_startup style.
bool apply_given(Param* p, const Given& g, std::string* err) {
  std::string text;
  if (g.from_file) {
    if (!toml_to_text(*p, g.value, &text)) {
      *err = g.where + ": '" + g.key + "' " + p->allowed();
      return false;
    }
  } else {
    for (size_t i = 0; i < g.args.size(); i++) text += (i ? " " : "") + g.args[i];
  }
  std::string why;
  switch (p->set(text, &why)) {
    case SetStatus::kOk:
      return true;
    case SetStatus::kInvalid:
      *err = g.where + ": '" + g.key + "' " + p->allowed();
      return false;
    default:
      *err = g.where + ": '" + g.key + "': " + why;
      return false;
  }
}

// Applies `g` now if a parameter has its name, else keeps it for the modules.
bool apply_or_keep(Given g, std::string* err) {
  if (Param* p = registry().find(g.key)) return apply_given(p, g, err);
  g_pending.push_back(std::move(g));
  return true;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); j++) row[j] = j;
  for (size_t i = 1; i <= a.size(); i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); j++) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

// " (did you mean 'x'?)" for the closest known name within two edits, else "".
std::string suggestion(std::string_view key) {
  std::string best;
  size_t best_d = 3;
  for (const auto& [name, p] : registry().names()) {
    size_t d = edit_distance(lower(key), name);
    if (d < best_d) {
      best_d = d;
      best = name;
    }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

// ---------------------------------------------------------------------------------------------
// Modules and plugins
// ---------------------------------------------------------------------------------------------
fs::path default_module_dir() {
  std::string exe = g_server.executable;
  if (exe.empty()) {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) exe.assign(buf, static_cast<size_t>(n));
  }
  return (fs::path(exe).parent_path() / ".." / "modules").lexically_normal();
}

// <exe_dir>/../plugins when that folder exists (an installed layout: bin/ beside plugins/), else
// <exe_dir>/../../plugins: the source tree's plugins/ seen from a build folder inside it
// (build/bin/lunar-server), which is how `make run` and the tests run the server.
fs::path default_plugin_dir() {
  fs::path installed = (default_module_dir() / ".." / "plugins").lexically_normal();
  std::error_code ec;
  if (fs::is_directory(installed, ec)) return installed;
  return (default_module_dir() / ".." / ".." / "plugins").lexically_normal();
}

// A module entry: a bare name is <dir>/<name>.so, a file name <dir>/<file>; anything with a
// '/' is a path relative to `base`.
std::string resolve_module(const std::string& entry, const fs::path& dir, const fs::path& base) {
  if (entry.find('/') != std::string::npos) return (base / entry).lexically_normal().string();
  bool has_ext = entry.size() > 3 && entry.compare(entry.size() - 3, 3, ".so") == 0;
  return (dir / (has_ext ? entry : entry + ".so")).lexically_normal().string();
}

std::vector<ModuleSpec> every_module_in(const fs::path& dir) {
  std::vector<ModuleSpec> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".so") out.push_back({e.path().string(), {}});
  }
  std::sort(out.begin(), out.end(),
            [](const ModuleSpec& a, const ModuleSpec& b) { return a.path < b.path; });
  return out;
}

std::string where_of(const std::string& file, const toml::value& v) {
  return file + ":" + std::to_string(v.location().line());
}

bool string_list(const toml::value& v, std::vector<std::string>* out) {
  if (!v.is_array()) return false;
  for (const toml::value& e : v.as_array()) {
    if (e.is_string())
      out->push_back(e.as_string().str);
    else if (e.is_integer())
      out->push_back(std::to_string(e.as_integer()));
    else
      return false;
  }
  return true;
}

// The [modules] table: `dir`, `load` and [[modules.module]] entries, in that order.
bool read_modules_table(const std::string& file, const fs::path& base, const toml::value& t,
                        std::vector<ModuleSpec>* out, std::string* err) {
  fs::path dir = default_module_dir();
  std::vector<std::string> names;
  std::vector<ModuleSpec> entries;
  for (const auto& [k, v] : t.as_table()) {
    if (k == "dir" && v.is_string()) {
      dir = (base / v.as_string().str).lexically_normal();
    } else if (k == "load" && string_list(v, &names)) {
    } else if (k == "module" && v.is_array()) {
      for (const toml::value& m : v.as_array()) {
        if (!m.is_table() || !m.contains("path") || !m.at("path").is_string()) {
          *err = where_of(file, m) + ": each [[modules.module]] needs a string 'path'";
          return false;
        }
        ModuleSpec spec{m.at("path").as_string().str, {}};
        for (const auto& [mk, mv] : m.as_table()) {
          if (mk == "path") continue;
          if (mk != "args" || !string_list(mv, &spec.args)) {
            *err = where_of(file, mv) + ": 'modules.module." + mk +
                   "' is unknown; a module entry has 'path' and 'args' (a list of strings)";
            return false;
          }
        }
        entries.push_back(std::move(spec));
      }
    } else {
      bool known = k == "dir" || k == "load" || k == "module";
      *err = where_of(file, v) + ": 'modules." + k + "' " +
             (!known        ? "is unknown; [modules] has 'load', 'dir' and [[modules.module]]"
              : k == "dir"  ? "must be a directory (relative to the config file)"
              : k == "load" ? "must be a list of module names or paths"
                            : "must be [[modules.module]] tables");
      return false;
    }
  }
  for (const auto& n : names) out->push_back({resolve_module(n, dir, base), {}});
  for (auto& e : entries) out->push_back({resolve_module(e.path, dir, base), std::move(e.args)});
  return true;
}

bool read_plugins_table(const std::string& file, const fs::path& base, const toml::value& t,
                        std::string* err) {
  for (const auto& [k, v] : t.as_table()) {
    if (k == "dir" && v.is_string()) {
      g_plugin_dir = (base / v.as_string().str).lexically_normal().string();
    } else if (k != "load" || !string_list(v, &g_plugins)) {
      bool known = k == "dir" || k == "load";
      *err = where_of(file, v) + ": 'plugins." + k + "' " +
             (!known       ? "is unknown; [plugins] has 'load' and 'dir'"
              : k == "dir" ? "must be a directory (relative to the config file)"
                           : "must be a list of plugin names");
      return false;
    }
  }
  return true;
}

// "[error] toml::parse_key_value_pair: missing value ..." -> "missing value ...".
std::string first_line_of(const char* what) {
  std::string s(what);
  s = s.substr(0, s.find('\n'));
  if (s.rfind("[error] ", 0) == 0) s.erase(0, 8);
  size_t colon = s.find(": ");
  if (s.rfind("toml::", 0) == 0 && colon != std::string::npos) s.erase(0, colon + 2);
  return s;
}

// Reads and applies the file. *has_modules tells whether it had a [modules] table.
bool read_file(const std::string& file, std::vector<ModuleSpec>* modules, bool* has_modules,
               std::string* err) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    *err = file + ": can't open the config file: " + std::strerror(errno);
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  toml::value root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::exception& e) {
    *err = file + ":" + std::to_string(e.location().line()) + ": " + first_line_of(e.what());
    return false;
  } catch (const std::exception& e) {
    *err = file + ": " + first_line_of(e.what());
    return false;
  }
  fs::path base = fs::path(g_server.config_file).parent_path();
  std::vector<std::pair<const std::string*, const toml::value*>> items;
  for (const auto& [k, v] : root.as_table()) items.emplace_back(&k, &v);
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    return a.second->location().line() < b.second->location().line();
  });
  for (const auto& [key, v] : items) {
    if (*key == "modules" && v->is_table()) {
      *has_modules = true;
      if (!read_modules_table(file, base, *v, modules, err)) return false;
    } else if (*key == "plugins" && v->is_table()) {
      if (!read_plugins_table(file, base, *v, err)) return false;
    } else if (v->is_table() ||
               (v->is_array() && !v->as_array().empty() && v->as_array().front().is_table())) {
      *err = where_of(file, *v) + ": unknown table '" + *key +
             "'; settings go at the top level, before [modules] and [plugins]";
      return false;
    } else {
      Given g{*key, where_of(file, *v), true, *v, {}};
      if (!apply_or_keep(std::move(g), err)) return false;
    }
  }
  return true;
}

struct Option {
  std::string name;
  std::vector<std::string> values;
};

bool starts_with_dashes(const char* s) { return s[0] == '-' && s[1] == '-'; }

// Splits argv after the config file into options, with redis-server's rules (see config.h).
bool parse_options(int argc, char** argv, int i, std::vector<Option>* out, std::string* err) {
  while (i < argc) {
    if (!starts_with_dashes(argv[i])) {
      *err = std::string(kCommandLine) + ": unexpected argument '" + argv[i] +
             "' (options are written --name value)";
      return false;
    }
    std::vector<std::string> words = split_words(argv[i] + 2);
    i++;
    if (words.empty()) {
      *err = std::string(kCommandLine) + ": '--' without an option name";
      return false;
    }
    Option o{lower(words[0]), {words.begin() + 1, words.end()}};
    if (o.values.empty() && i < argc) {
      if (o.name == "save" && starts_with_dashes(argv[i]))
        o.values.emplace_back();
      else
        o.values.emplace_back(argv[i++]);
    }
    while (i < argc && !starts_with_dashes(argv[i])) o.values.emplace_back(argv[i++]);
    if (o.values.empty()) {
      if (o.name != "save") {
        *err = std::string(kCommandLine) + ": '--" + o.name + "' needs a value";
        return false;
      }
      o.values.emplace_back();
    }
    out->push_back(std::move(o));
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Interface
// ---------------------------------------------------------------------------------------------
void reset_startup_state() {
  g_pending.clear();
  g_modules.clear();
  g_plugins.clear();
  g_plugin_dir.clear();
  g_plugin_base.clear();
}

bool apply_pending(Param* p, std::string* err) {
  bool ok = true;
  for (const Given& g : g_pending) {
    std::string key = lower(g.key);
    if (ok && (key == p->name || key == p->alias)) ok = apply_given(p, g, err);
  }
  std::erase_if(g_pending, [p](const Given& g) {
    std::string key = lower(g.key);
    return key == p->name || key == p->alias;
  });
  return ok;
}

bool load_startup(int argc, char** argv, std::string* err) {
  reset_startup_state();
  g_server.config_file.clear();
  std::error_code ec;
  fs::path start_dir = fs::current_path(ec);
  int first_option = 1;
  std::string file;
  if (argc > 1 && !starts_with_dashes(argv[1])) {
    file = argv[1];
    first_option = 2;
  }
  std::vector<Option> options;
  if (!parse_options(argc, argv, first_option, &options, err)) return false;

  std::vector<ModuleSpec> modules;
  bool has_modules_table = false;
  if (!file.empty()) {
    g_server.config_file = (start_dir / file).lexically_normal().string();
    g_plugin_base = fs::path(g_server.config_file).parent_path().string();
    if (!read_file(file, &modules, &has_modules_table, err)) return false;
  }
  std::vector<ModuleSpec> extra;
  for (Option& o : options) {
    if (o.name == "loadmodule") {
      if (o.values[0].empty()) {
        *err = std::string(kCommandLine) + ": '--loadmodule' needs a module path or name";
        return false;
      }
      std::string path = resolve_module(o.values[0], default_module_dir(), start_dir);
      extra.push_back({path, {o.values.begin() + 1, o.values.end()}});
      continue;
    }
    if (!apply_or_keep({o.name, kCommandLine, false, {}, std::move(o.values)}, err)) return false;
  }
  if (!has_modules_table) g_modules = every_module_in(default_module_dir());
  for (auto& m : modules) g_modules.push_back(std::move(m));
  for (auto& m : extra) {
    std::erase_if(g_modules, [&](const ModuleSpec& s) { return s.path == m.path; });
    g_modules.push_back(std::move(m));
  }
  return true;
}

bool check_pending(std::string* err) {
  if (g_pending.empty()) return true;
  err->clear();
  for (const Given& g : g_pending) {
    if (!err->empty()) *err += '\n';
    *err += g.where + ": unknown setting '" + g.key + "'" + suggestion(g.key);
  }
  g_pending.clear();
  return false;
}

const std::vector<ModuleSpec>& modules_to_load() { return g_modules; }
const std::vector<std::string>& plugins_to_load() { return g_plugins; }

std::string plugin_path(const std::string& entry) {
  bool is_path = entry.find('/') != std::string::npos ||
                 (entry.size() > 4 && entry.compare(entry.size() - 4, 4, ".lua") == 0);
  if (is_path) {
    fs::path base = g_plugin_base;
    if (base.empty()) {
      std::error_code ec;
      base = fs::current_path(ec);
    }
    return (base / entry).lexically_normal().string();
  }
  fs::path dir = g_plugin_dir.empty() ? default_plugin_dir() : fs::path(g_plugin_dir);
  return (dir / (entry + ".lua")).lexically_normal().string();
}

}  // namespace lunar::config
