// The config subsystem: startup from a TOML file and the command line (values, errors, memory
// units, overrides), pending module parameters, the module list, CONFIG GET/SET (error texts
// checked against redis-server 7.0.15) and CONFIG REWRITE.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/config/config.h"
#include "kernel/config/registry.h"
#include "kernel/module/module.h"
#include "kernel/net/reply.h"
#include "kernel/server.h"

namespace fs = std::filesystem;
namespace config = lunar::config;
using lunar::g_server;

namespace {

// A scratch directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/lunar-config-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs load_startup on `args` (argv[0] is added); returns "" on success, else the error.
std::string load(std::vector<std::string> args) {
  args.insert(args.begin(), "lunar-server");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::string err;
  return config::load_startup(static_cast<int>(argv.size()), argv.data(), &err) ? "" : err;
}

// Loads a file named lunar.toml holding `text`, passing it as a relative path so that the
// messages read "lunar.toml:N: ...".
std::string load_text(const TempDir& dir, const std::string& text,
                      std::vector<std::string> extra = {}) {
  dir.write("lunar.toml", text);
  fs::path old = fs::current_path();
  fs::current_path(dir.path);
  extra.insert(extra.begin(), "lunar.toml");
  std::string err = load(extra);
  fs::current_path(old);
  return err;
}

std::string get(const char* name) {
  std::string v;
  REQUIRE(config::get(name, &v));
  return v;
}

std::string set(std::vector<std::pair<std::string_view, std::string_view>> pairs) {
  return config::set_atomic(pairs);
}

// Records replies as text: "map:2 port 6379".
class Recorder final : public lunar::ReplySink {
 public:
  std::string out;
  void simple(std::string_view s) override { add(std::string("+").append(s)); }
  void error(std::string_view s) override { add(std::string("-").append(s)); }
  void integer(long long v) override { add(std::string(":").append(std::to_string(v))); }
  void bulk(std::string_view s) override { add(std::string(s)); }
  void null() override { add("(nil)"); }
  void null_array() override { add("(nil)"); }
  void dbl(double d) override { add(std::to_string(d)); }
  void boolean(bool b) override { add(b ? "#t" : "#f"); }
  void bignum(std::string_view s) override { add(std::string(s)); }
  void verbatim(std::string_view, std::string_view s) override { add(std::string(s)); }
  void aggregate(lunar::Agg kind, long n) override {
    add((kind == lunar::Agg::kMap ? "map:" : "array:") + std::to_string(n));
  }
  void set_length(lunar::Agg, long) override {}

 private:
  void add(const std::string& s) { out += (out.empty() ? "" : " ") + s; }
};

// Calls CONFIG <args...> through the command table; returns the recorded reply.
std::string config_cmd(std::vector<std::string> args) {
  static bool registered = false;
  if (!registered && !lunar::g_commands.find("config")) config::register_config_commands();
  registered = true;
  args.insert(args.begin(), "CONFIG");
  std::vector<lunar_str> argv;
  for (const auto& a : args) argv.push_back({a.data(), a.size()});
  lunar::Command* c = lunar::g_commands.lookup(static_cast<int>(argv.size()), argv.data());
  REQUIRE(c);
  REQUIRE(c->handler);
  Recorder rec;
  lunar_ctx ctx{nullptr, &rec, 0, c, nullptr};
  c->handler(&ctx, static_cast<int>(argv.size()), argv.data());
  return rec.out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------
TEST_CASE("config: kernel parameters start at Redis's defaults", "[config]") {
  config::register_kernel_params();
  CHECK(get("port") == "6379");
  CHECK(get("bind") == "127.0.0.1 -::1");
  CHECK(get("databases") == "16");
  CHECK(get("maxclients") == "10000");
  CHECK(get("tcp-backlog") == "511");
  CHECK(get("tcp-keepalive") == "300");
  CHECK(get("hz") == "10");
  CHECK(get("unixsocketperm") == "0");
  CHECK(get("maxmemory") == "0");
  CHECK(get("maxmemory-policy") == "noeviction");
  CHECK(get("client-query-buffer-limit") == "1073741824");
  CHECK(get("proto-max-bulk-len") == "536870912");
  CHECK(g_server.limits.max_bulk_len == 512u << 20);
  CHECK(get("save") == "3600 1 300 100 60 10000");
  CHECK(get("dbfilename") == "dump.rdb");
  CHECK(get("appendonly") == "no");
  CHECK(get("latency-tracking") == "yes");
  CHECK(get("loglevel") == "notice");
  CHECK(get("busy-reply-threshold") == "5000");
  CHECK(get("LUA-TIME-LIMIT") == "5000");
  CHECK(get("slowlog-log-slower-than") == "10000");
  CHECK(get("slowlog-max-len") == "128");
  CHECK(get("dir") == fs::current_path().string());
  std::string v;
  CHECK_FALSE(config::get("no-such-thing", &v));
}

// ---------------------------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------------------------
TEST_CASE("config: a valid file sets every kind of value", "[config]") {
  config::register_kernel_params();
  TempDir dir;
  std::string err = load_text(dir, R"(# a comment
port = 6380
bind = ["127.0.0.1", "::1"]
maxmemory = "100mb"
maxmemory-policy = "allkeys-lru"
appendonly = true
lazyfree-lazy-user-flush = "yes"
latency-tracking = false
save = ["900 1", "300 10"]
unixsocketperm = 700
loglevel = "WARNING"
requirepass = "secret"
timeout = 30
lua-time-limit = 100
slowlog-log-slower-than = -1
client-query-buffer-limit = 2147483648
dbfilename = "data.rdb"

[plugins]
load = ["ratelimit"]
)");
  REQUIRE(err == "");
  CHECK(g_server.config_file == (dir.path / "lunar.toml").string());
  CHECK(g_server.settings.port == 6380);
  CHECK(g_server.settings.bind == std::vector<std::string>{"127.0.0.1", "::1"});
  CHECK(get("bind") == "127.0.0.1 ::1");
  CHECK(g_server.settings.maxmemory == 100ll << 20);
  CHECK(get("maxmemory") == "104857600");
  CHECK(g_server.settings.maxmemory_policy == "allkeys-lru");
  CHECK(g_server.settings.appendonly == 1);
  CHECK(get("appendonly") == "yes");
  CHECK(g_server.settings.lazyfree_lazy_user_flush == 1);
  CHECK(get("latency-tracking") == "no");
  CHECK(get("save") == "900 1 300 10");
  CHECK(g_server.settings.unixsocketperm == 0700);
  CHECK(get("unixsocketperm") == "700");
  CHECK(get("loglevel") == "warning");
  CHECK(get("requirepass") == "secret");
  CHECK(get("timeout") == "30");
  CHECK(get("busy-reply-threshold") == "100");
  CHECK(get("slowlog-log-slower-than") == "-1");
  CHECK(g_server.settings.client_query_buffer_limit == 2147483648ll);
  CHECK(get("dbfilename") == "data.rdb");
  CHECK(config::plugins_to_load() == std::vector<std::string>{"ratelimit"});
  CHECK(config::check_pending(&err));
}

TEST_CASE("config: save can be disabled; octal written as 0o", "[config]") {
  config::register_kernel_params();
  TempDir dir;
  REQUIRE(load_text(dir, "save = \"\"\nunixsocketperm = 0o770\n") == "");
  CHECK(get("save") == "");
  CHECK(get("unixsocketperm") == "770");
  REQUIRE(load_text(dir, "save = []\n") == "");
  CHECK(get("save") == "");
  REQUIRE(load_text(dir, "save = [3600, 1]\n") == "");
  CHECK(get("save") == "3600 1");
}

TEST_CASE("config: memory units", "[config]") {
  struct Case {
    const char* toml;
    long long bytes;
  } cases[] = {
      {"0", 0},
      {"1048576", 1048576},
      {"\"5\"", 5},
      {"\"5b\"", 5},
      {"\"1k\"", 1000},
      {"\"1kb\"", 1024},
      {"\"1K\"", 1000},
      {"\"1KB\"", 1024},
      {"\"3m\"", 3000000},
      {"\"3mb\"", 3 << 20},
      {"\"2g\"", 2000000000},
      {"\"2gb\"", 2ll << 30},
      {"\"2GB\"", 2ll << 30},
      {"\"\"", 0},  // Redis reads an empty memory value as 0
  };
  for (const auto& c : cases) {
    config::register_kernel_params();
    TempDir dir;
    INFO(c.toml);
    REQUIRE(load_text(dir, std::string("maxmemory = ") + c.toml + "\n") == "");
    CHECK(g_server.settings.maxmemory == c.bytes);
    CHECK(get("maxmemory") == std::to_string(c.bytes));
  }
  const char* bad[] = {"\"1.5mb\"", "\"-1\"", "\" 5\"", "\"1x\"", "\"5 mb\"", "-1", "1.5", "true"};
  for (const char* b : bad) {
    config::register_kernel_params();
    TempDir dir;
    INFO(b);
    CHECK(load_text(dir, std::string("\n\nmaxmemory = ") + b + "\n") ==
          "lunar.toml:3: 'maxmemory' must be a memory size (bytes, or a string with a unit: "
          "\"100mb\", \"2gb\")");
  }
  config::register_kernel_params();
  TempDir dir;
  CHECK(load_text(dir, "proto-max-bulk-len = \"1kb\"\n") ==
        "lunar.toml:1: 'proto-max-bulk-len' must be a memory size (bytes, or a string with a "
        "unit: \"100mb\", \"2gb\") >= 1048576");
  CHECK(load_text(dir, "proto-max-bulk-len = \"1gb\"\n") == "");
  CHECK(g_server.limits.max_bulk_len == 1u << 30);
}

TEST_CASE("config: bad values name the file, line, key and what is allowed", "[config]") {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"port = 70000", "lunar.toml:1: 'port' must be an integer between 0 and 65535"},
      {"port = -1", "lunar.toml:1: 'port' must be an integer between 0 and 65535"},
      {"port = \"abc\"", "lunar.toml:1: 'port' must be an integer between 0 and 65535"},
      {"port = \"06380\"", "lunar.toml:1: 'port' must be an integer between 0 and 65535"},
      {"port = 1.5", "lunar.toml:1: 'port' must be an integer between 0 and 65535"},
      {"port = true", "lunar.toml:1: 'port' must be an integer between 0 and 65535"},
      {"hz = -1", "lunar.toml:1: 'hz' must be an integer between 0 and 2147483647"},
      {"slowlog-log-slower-than = -2",
       "lunar.toml:1: 'slowlog-log-slower-than' must be an integer >= -1"},
      {"active-expire-effort = 11",
       "lunar.toml:1: 'active-expire-effort' must be an integer between 1 and 10"},
      {"maxclients = 0", "lunar.toml:1: 'maxclients' must be an integer between 1 and 4294967295"},
      {"databases = 0", "lunar.toml:1: 'databases' must be an integer between 1 and 2147483647"},
      {"appendonly = \"maybe\"", "lunar.toml:1: 'appendonly' must be yes or no (true or false)"},
      {"appendonly = 1", "lunar.toml:1: 'appendonly' must be yes or no (true or false)"},
      {"loglevel = \"loud\"",
       "lunar.toml:1: 'loglevel' must be one of: debug, verbose, notice, warning"},
      {"maxmemory-policy = \"lru\"",
       "lunar.toml:1: 'maxmemory-policy' must be one of: volatile-lru, volatile-lfu, "
       "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"},
      {"requirepass = true", "lunar.toml:1: 'requirepass' must be a string"},
      {"logfile = [\"a\"]", "lunar.toml:1: 'logfile' must be a string"},
      {"dbfilename = \"a/b.rdb\"", "lunar.toml:1: 'dbfilename' must be a file name, not a path"},
      {"save = \"100\"",
       "lunar.toml:1: 'save' must be \"<seconds> <changes>\" pairs with seconds >= 1 and changes "
       ">= 0, e.g. \"3600 1 300 100\", or \"\" to disable snapshots"},
      {"save = \"0 10\"",
       "lunar.toml:1: 'save' must be \"<seconds> <changes>\" pairs with seconds >= 1 and changes "
       ">= 0, e.g. \"3600 1 300 100\", or \"\" to disable snapshots"},
      {"bind = [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\", \"10\", \"11\", "
       "\"12\", \"13\", \"14\", \"15\", \"16\", \"17\"]",
       "lunar.toml:1: 'bind' must be a list of at most 16 addresses, e.g. [\"127.0.0.1\", "
       "\"-::1\"]"},
      {"bind = [1]",
       "lunar.toml:1: 'bind' must be a list of at most 16 addresses, e.g. "
       "[\"127.0.0.1\", \"-::1\"]"},
      {"unixsocketperm = 800",
       "lunar.toml:1: 'unixsocketperm' must be an octal permission mask between 0 and 777, e.g. "
       "700"},
      {"dir = \"/nonexistent/lunar\"",
       "lunar.toml:1: 'dir': Can't chdir to '/nonexistent/lunar': No such file or directory"},
      {"port = 6380\nport = 6381", "lunar.toml:2: value (\"port\") already exists."},
      {"port =", "lunar.toml:1: missing value after key-value separator '='"},
      {"[server]\nport = 1",
       "lunar.toml:1: unknown table 'server'; settings go at the top level, before [modules] and "
       "[plugins]"},
      {"[modules]\nlod = [\"strings\"]",
       "lunar.toml:2: 'modules.lod' is unknown; [modules] has 'load', 'dir' and "
       "[[modules.module]]"},
      {"[modules]\nload = \"strings\"",
       "lunar.toml:2: 'modules.load' must be a list of module names or paths"},
      {"[[modules.module]]\nargs = [\"x\"]",
       "lunar.toml:1: each [[modules.module]] needs a string 'path'"},
      {"[[modules.module]]\npath = \"x\"\nargv = [\"x\"]",
       "lunar.toml:3: 'modules.module.argv' is unknown; a module entry has 'path' and 'args' (a "
       "list of strings)"},
      {"[plugins]\nload = [1.5]", "lunar.toml:2: 'plugins.load' must be a list of plugin names"},
  };
  for (const auto& c : cases) {
    config::register_kernel_params();
    TempDir dir;
    INFO(c.text);
    CHECK(load_text(dir, std::string(c.text) + "\n") == c.error);
  }
}

TEST_CASE("config: a missing file", "[config]") {
  config::register_kernel_params();
  CHECK(load({"/nonexistent/lunar.toml"}) ==
        "/nonexistent/lunar.toml: can't open the config file: No such file or directory");
}

TEST_CASE("config: unknown keys are reported after the modules had their turn", "[config]") {
  config::register_kernel_params();
  TempDir dir;
  REQUIRE(load_text(dir, "port = 6380\n\nmaxmemory-polcy = \"allkeys-lru\"\nzzz-unheard-of = 1\n",
                    {"--nosuchoption", "1"}) == "");
  std::string err;
  CHECK_FALSE(config::check_pending(&err));
  CHECK(err ==
        "lunar.toml:3: unknown setting 'maxmemory-polcy' (did you mean 'maxmemory-policy'?)\n"
        "lunar.toml:4: unknown setting 'zzz-unheard-of'\n"
        "command line: unknown setting 'nosuchoption'");
  CHECK(config::check_pending(&err));  // reported once
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------
TEST_CASE("config: command-line overrides win over the file", "[config]") {
  config::register_kernel_params();
  TempDir dir;
  REQUIRE(load_text(dir, "port = 6380\nmaxmemory = \"1mb\"\nappendonly = true\n",
                    {"--port", "7000", "--maxmemory", "2gb", "--bind", "10.0.0.1", "10.0.0.2",
                     "--save", "", "--appendonly", "no"}) == "");
  CHECK(get("port") == "7000");
  CHECK(get("maxmemory") == "2147483648");
  CHECK(get("bind") == "10.0.0.1 10.0.0.2");
  CHECK(get("save") == "");
  CHECK(get("appendonly") == "no");
}

TEST_CASE("config: command line without a file, redis-server's rules", "[config]") {
  config::register_kernel_params();
  CHECK(load({"--port 7001", "--save", "--loglevel", "verbose", "--save"}) == "");
  CHECK(get("port") == "7001");
  CHECK(get("save") == "");
  CHECK(get("loglevel") == "verbose");
  CHECK(g_server.config_file.empty());

  config::register_kernel_params();
  CHECK(load({"--save", "60", "10", "--requirepass", "--dashes"}) == "");
  CHECK(get("save") == "60 10");
  CHECK(get("requirepass") == "--dashes");

  config::register_kernel_params();
  CHECK(load({"--port", "abc"}) == "command line: 'port' must be an integer between 0 and 65535");
  CHECK(load({"--port"}) == "command line: '--port' needs a value");
  CHECK(load({"--port", "1", "stray"}) ==  // "1 stray" is one value
        "command line: 'port' must be an integer between 0 and 65535");
  CHECK(load({"--hz", "1", "2"}) ==
        "command line: 'hz' must be an integer between 0 and 2147483647");
  CHECK(load({"lunar.toml", "extra"}) ==
        "command line: unexpected argument 'extra' (options are written --name value)");
}

// ---------------------------------------------------------------------------------------------
// Modules and plugins
// ---------------------------------------------------------------------------------------------
TEST_CASE("config: the modules to load", "[config]") {
  TempDir dir;
  std::string saved_exe = g_server.executable;
  g_server.executable = (dir.path / "bin" / "lunar-server").string();
  dir.write("modules/zsets.so", "");
  dir.write("modules/strings.so", "");
  dir.write("modules/README", "");
  std::string moddir = (dir.path / "modules").string();

  config::register_kernel_params();
  REQUIRE(load({}) == "");
  REQUIRE(config::modules_to_load().size() == 2);
  CHECK(config::modules_to_load()[0].path == moddir + "/strings.so");
  CHECK(config::modules_to_load()[1].path == moddir + "/zsets.so");

  // --loadmodule adds one, with its arguments; naming a default one moves it last.
  REQUIRE(load({"--loadmodule", "strings", "a", "b", "--loadmodule", "/x/ext.so"}) == "");
  REQUIRE(config::modules_to_load().size() == 3);
  CHECK(config::modules_to_load()[0].path == moddir + "/zsets.so");
  CHECK(config::modules_to_load()[1].path == moddir + "/strings.so");
  CHECK(config::modules_to_load()[1].args == std::vector<std::string>{"a", "b"});
  CHECK(config::modules_to_load()[2].path == "/x/ext.so");

  // A file without [modules] loads the default set too.
  REQUIRE(load_text(dir, "port = 6380\n") == "");
  CHECK(config::modules_to_load().size() == 2);

  // [modules]: names in `dir` (relative to the file), paths relative to the file, entries.
  REQUIRE(load_text(dir, R"(
[modules]
dir = "mods"
load = ["strings", "lists.so", "sub/own.so", "/abs/x.so"]
[[modules.module]]
path = "hashes"
args = ["x", "1"]
)") == "");
  const auto& m = config::modules_to_load();
  std::string base = dir.path.string();
  REQUIRE(m.size() == 5);
  CHECK(m[0].path == base + "/mods/strings.so");
  CHECK(m[1].path == base + "/mods/lists.so");
  CHECK(m[2].path == base + "/sub/own.so");
  CHECK(m[3].path == "/abs/x.so");
  CHECK(m[4].path == base + "/mods/hashes.so");
  CHECK(m[4].args == std::vector<std::string>{"x", "1"});

  // Without `dir`, names resolve in <exe_dir>/../modules; an empty list loads nothing.
  REQUIRE(load_text(dir, "[modules]\nload = [\"strings\"]\n") == "");
  REQUIRE(config::modules_to_load().size() == 1);
  CHECK(config::modules_to_load()[0].path == moddir + "/strings.so");
  REQUIRE(load_text(dir, "[modules]\nload = []\n") == "");
  CHECK(config::modules_to_load().empty());
  g_server.executable = saved_exe;
}

// ---------------------------------------------------------------------------------------------
// Module parameters
// ---------------------------------------------------------------------------------------------
namespace {
long long g_int = 0, g_bool = 0, g_enum = 0;
const char* g_str = nullptr;
int g_changes = 0;
const char* const kEnumValues[] = {"low", "high", nullptr};

int count_change(void*, const char**) {
  g_changes++;
  return 0;
}
int refuse_seven(void*, const char** err) {
  if (g_int == 7) {
    *err = "seven is unlucky";
    return 1;
  }
  return 0;
}

// A module record for the registrations below (the registry only reads its name).
lunar_module* test_module(int i) {
  static lunar_module mods[8];
  mods[i].name = "test" + std::to_string(i);
  return &mods[i];
}

lunar_config_def int_def(const char* name, const char* def = "-2") {
  lunar_config_def d{};
  d.struct_size = sizeof d;
  d.name = name;
  d.type = LUNAR_CONFIG_INT;
  d.default_value = def;
  d.min = -5;
  d.max = 1 << 20;
  d.storage = &g_int;
  return d;
}
}  // namespace

TEST_CASE("config: module parameters take their default, then the pending value", "[config]") {
  config::register_kernel_params();
  TempDir dir;
  auto* m = test_module(1);
  REQUIRE(load_text(dir, "list-max-listpack-size = 16\nlist-flag = true\n",
                    {"--list-max-listpack-size", "32"}) == "");
  lunar_config_def d = int_def("list-max-listpack-size");
  g_changes = 0;
  d.on_change = count_change;
  REQUIRE(config::register_module_param(m, &d) == LUNAR_OK);
  CHECK(g_int == 32);  // default, then the file's 16, then the command line's 32
  CHECK(g_changes == 3);
  CHECK(get("list-max-listpack-size") == "32");

  lunar_config_def b{};
  b.struct_size = sizeof b;
  b.name = "list-flag";
  b.type = LUNAR_CONFIG_BOOL;
  b.default_value = "no";
  b.storage = &g_bool;
  REQUIRE(config::register_module_param(m, &b) == LUNAR_OK);
  CHECK(g_bool == 1);
  std::string err;
  CHECK(config::check_pending(&err));

  // CONFIG SET reaches them, memory units included.
  CHECK(set({{"list-max-listpack-size", "1kb"}}) == "");
  CHECK(g_int == 1024);
  CHECK(set({{"list-max-listpack-size", "-6"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'list-max-listpack-size') - argument "
        "must be between -5 and 1048576 inclusive");
  CHECK(set({{"list-max-listpack-size", "x"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'list-max-listpack-size') - argument "
        "couldn't be parsed into an integer");

  config::unregister_module_params(m);
  CHECK_FALSE(config::get("list-max-listpack-size", &err));
  CHECK_FALSE(config::get("list-flag", &err));
  CHECK(get("port") == "6379");
}

TEST_CASE("config: module parameters of every type", "[config]") {
  config::register_kernel_params();
  REQUIRE(load({}) == "");
  auto* m = test_module(2);
  lunar_config_def s{};
  s.struct_size = sizeof s;
  s.name = "mod-name";
  s.type = LUNAR_CONFIG_STRING;
  s.default_value = "hello";
  s.storage = &g_str;
  REQUIRE(config::register_module_param(m, &s) == LUNAR_OK);
  REQUIRE(g_str != nullptr);
  CHECK(std::string(g_str) == "hello");
  CHECK(set({{"mod-name", "world"}}) == "");
  CHECK(std::string(g_str) == "world");

  lunar_config_def e{};
  e.struct_size = sizeof e;
  e.name = "mod-level";
  e.type = LUNAR_CONFIG_ENUM;
  e.default_value = "high";
  e.enum_values = kEnumValues;
  e.storage = &g_enum;
  e.flags = LUNAR_CONFIG_IMMUTABLE;
  REQUIRE(config::register_module_param(m, &e) == LUNAR_OK);
  CHECK(g_enum == 1);
  CHECK(get("mod-level") == "high");
  CHECK(set({{"mod-level", "low"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'mod-level') - can't set immutable "
        "config");

  // on_change may refuse a value: the old one is put back.
  lunar_config_def i = int_def("mod-count", "1");
  i.on_change = refuse_seven;
  REQUIRE(config::register_module_param(m, &i) == LUNAR_OK);
  CHECK(set({{"mod-count", "7"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'mod-count') - seven is unlucky");
  CHECK(g_int == 1);
  // ... and a later failure of the same CONFIG SET rolls back the earlier values.
  CHECK(set({{"mod-name", "again"}, {"mod-count", "7"}}) != "");
  CHECK(std::string(g_str) == "world");
  config::unregister_module_params(m);
}

TEST_CASE("config: module parameter definitions are validated", "[config]") {
  config::register_kernel_params();
  REQUIRE(load({}) == "");
  auto* m = test_module(3);
  lunar_config_def d = int_def("mod-x");
  d.type = 99;
  CHECK(config::register_module_param(m, &d) == LUNAR_EFLAG);
  d = int_def("mod-x");
  d.flags = 0x80;
  CHECK(config::register_module_param(m, &d) == LUNAR_EFLAG);
  d = int_def("mod-x");
  d.struct_size = sizeof d + 8;
  CHECK(config::register_module_param(m, &d) == LUNAR_EINVAL);
  d = int_def("Mod X");
  CHECK(config::register_module_param(m, &d) == LUNAR_EINVAL);
  d = int_def("mod-x");
  d.storage = nullptr;
  CHECK(config::register_module_param(m, &d) == LUNAR_EINVAL);
  d = int_def("mod-x", "1000000000");
  CHECK(config::register_module_param(m, &d) == LUNAR_EINVAL);
  CHECK(config::last_error() ==
        "default value '1000000000' of config 'mod-x' is invalid: argument must be between -5 "
        "and 1048576 inclusive");
  d = int_def("port");
  CHECK(config::register_module_param(m, &d) == LUNAR_EEXIST);
  d = int_def("lua-time-limit");
  CHECK(config::register_module_param(m, &d) == LUNAR_EEXIST);
  d = int_def("mod-x");
  CHECK(config::register_module_param(m, &d) == LUNAR_OK);
  CHECK(config::register_module_param(test_module(4), &d) == LUNAR_EEXIST);
  config::unregister_module_params(m);
}

TEST_CASE("config: a bad pending value fails the module's registration", "[config]") {
  config::register_kernel_params();
  TempDir dir;
  REQUIRE(load_text(dir, "# c\nmod-y = 99999999\n") == "");
  lunar_config_def d = int_def("mod-y");
  CHECK(config::register_module_param(test_module(5), &d) == LUNAR_EINVAL);
  CHECK(config::last_error() ==
        "lunar.toml:2: 'mod-y' must be an integer (units such as 1kb or 2mb allowed) between -5 "
        "and 1048576");
  std::string v;
  CHECK_FALSE(config::get("mod-y", &v));
  CHECK(config::check_pending(&v));  // consumed, not reported twice
}

// ---------------------------------------------------------------------------------------------
// CONFIG SET / GET (texts from redis-server 7.0.15)
// ---------------------------------------------------------------------------------------------
TEST_CASE("config: CONFIG SET errors and atomicity", "[config]") {
  config::register_kernel_params();
  auto failed = [](const char* arg, const char* why) {
    return std::string("ERR CONFIG SET failed (possibly related to argument '") + arg + "') - " +
           why;
  };
  CHECK(set({{"foo", "bar"}}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(set({{"port", "abc"}}) == failed("port", "argument couldn't be parsed into an integer"));
  CHECK(set({{"PORT", "abc"}}) == failed("port", "argument couldn't be parsed into an integer"));
  CHECK(set({{"LUA-TIME-LIMIT", "abc"}}) ==
        failed("lua-time-limit", "argument couldn't be parsed into an integer"));
  CHECK(set({{"port", "70000"}}) ==
        failed("port", "argument must be between 0 and 65535 inclusive"));
  CHECK(set({{"timeout", "05"}}) ==
        failed("timeout", "argument couldn't be parsed into an integer"));
  CHECK(set({{"timeout", "+5"}}) ==
        failed("timeout", "argument couldn't be parsed into an integer"));
  CHECK(set({{"maxclients", "0"}}) ==
        failed("maxclients", "argument must be between 1 and 4294967295 inclusive"));
  CHECK(set({{"slowlog-log-slower-than", "-2"}}) ==
        failed("slowlog-log-slower-than",
               "argument must be between -1 and 9223372036854775807 inclusive"));
  CHECK(set({{"proto-max-bulk-len", "1000"}}) ==
        failed("proto-max-bulk-len",
               "argument must be between 1048576 and 9223372036854775807 inclusive"));
  CHECK(set({{"maxmemory", "1x"}}) == failed("maxmemory", "argument must be a memory value"));
  CHECK(set({{"maxmemory", "-1"}}) == failed("maxmemory", "argument must be a memory value"));
  CHECK(set({{"appendonly", "maybe"}}) == failed("appendonly", "argument must be 'yes' or 'no'"));
  CHECK(set({{"latency-tracking", "1"}}) ==
        failed("latency-tracking", "argument must be 'yes' or 'no'"));
  CHECK(set({{"loglevel", "foo"}}) ==
        failed("loglevel",
               "argument(s) must be one of the following: debug, verbose, notice, warning"));
  CHECK(set({{"maxmemory-policy", "x"}}) ==
        failed("maxmemory-policy",
               "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
               "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
               "noeviction"));
  CHECK(set({{"save", "100"}}) == failed("save", "Invalid save parameters"));
  CHECK(set({{"save", " 10 20 "}}) == failed("save", "Invalid save parameters"));
  CHECK(set({{"save", "0 0"}}) == failed("save", "Invalid save parameters"));
  CHECK(set({{"bind", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"}}) ==
        failed("bind", "Too many bind addresses specified."));
  CHECK(set({{"databases", "3"}}) == failed("databases", "can't set immutable config"));
  CHECK(set({{"unixsocketperm", "700"}}) == failed("unixsocketperm", "can't set immutable config"));
  CHECK(set({{"dir", "/tmp"}}) == failed("dir", "can't set protected config"));
  CHECK(set({{"dbfilename", "x.rdb"}}) == failed("dbfilename", "can't set protected config"));
  CHECK(set({{"port", "1"}, {"port", "2"}}) == failed("port", "duplicate parameter"));
  CHECK(set({{"Port", "1"}, {"PORT", "2"}}) == failed("PORT", "duplicate parameter"));
  // The first unknown name wins unless an earlier pair already failed.
  CHECK(set({{"timeout", "5"}, {"foo", "1"}}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(set({{"databases", "1"}, {"foo", "1"}}) ==
        failed("databases", "can't set immutable config"));
  CHECK(set({{"foo", "1"}, {"databases", "1"}}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  // All or nothing.
  CHECK(set({{"timeout", "5"}, {"port", "abc"}}) ==
        failed("port", "argument couldn't be parsed into an integer"));
  CHECK(get("timeout") == "0");
  CHECK(get("port") == "6379");
}

TEST_CASE("config: CONFIG SET values", "[config]") {
  config::register_kernel_params();
  CHECK(set({{"hz", "1000"}}) == "");
  CHECK(get("hz") == "500");
  CHECK(set({{"hz", "0"}}) == "");
  CHECK(get("hz") == "1");
  CHECK(set({{"appendonly", "YES"}, {"loglevel", "WARNING"}, {"maxmemory", "1GB"}}) == "");
  CHECK(get("appendonly") == "yes");
  CHECK(get("loglevel") == "warning");
  CHECK(get("maxmemory") == "1073741824");
  CHECK(set({{"maxmemory", "1k"}}) == "");
  CHECK(get("maxmemory") == "1000");
  CHECK(set({{"save", "+5 3"}}) == "");
  CHECK(get("save") == "5 3");
  CHECK(set({{"save", "10 0"}}) == "");
  CHECK(get("save") == "10 0");
  CHECK(set({{"save", ""}}) == "");
  CHECK(get("save") == "");
  // An alias and its name are different parameters to the duplicate check; the last wins.
  CHECK(set({{"lua-time-limit", "10"}, {"busy-reply-threshold", "20"}}) == "");
  CHECK(get("busy-reply-threshold") == "20");
  CHECK(set({{"busy-reply-threshold", "30"}, {"lua-time-limit", "40"}}) == "");
  CHECK(get("busy-reply-threshold") == "40");
  CHECK(set({{"bind", "127.0.0.1  ::1"}}) == "");
  CHECK(g_server.settings.bind == std::vector<std::string>{"127.0.0.1", "::1"});
  CHECK(set({{"proto-max-bulk-len", "2mb"}}) == "");
  CHECK(g_server.limits.max_bulk_len == 2u << 20);
}

namespace {
int g_hook_calls = 0;
bool g_hook_fails = false;
bool port_hook(std::string* err) {
  g_hook_calls++;
  if (g_hook_fails && g_server.settings.port == 1234) {
    *err = "Unable to listen on this port";
    return false;
  }
  return true;
}
}  // namespace

TEST_CASE("config: apply hooks run once per change and roll everything back", "[config]") {
  config::register_kernel_params();
  config::set_apply_hook("port", port_hook);
  config::set_apply_hook("bind", port_hook);
  g_hook_calls = 0;
  g_hook_fails = false;
  CHECK(set({{"port", "6380"}, {"bind", "0.0.0.0"}}) == "");
  CHECK(g_hook_calls == 1);
  CHECK(set({{"port", "6380"}}) == "");  // unchanged: no hook
  CHECK(g_hook_calls == 1);
  g_hook_fails = true;
  CHECK(set({{"timeout", "9"}, {"port", "1234"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
        "port");
  CHECK(g_hook_calls == 3);  // the failing call, then again for the restored values
  CHECK(get("port") == "6380");
  CHECK(get("timeout") == "0");
  config::set_apply_hook("port", nullptr);
  config::set_apply_hook("bind", nullptr);
}

TEST_CASE("config: CONFIG GET, HELP, RESETSTAT, REWRITE without a file", "[config]") {
  config::register_kernel_params();
  REQUIRE(load({}) == "");
  CHECK(config_cmd({"GET", "port"}) == "map:1 port 6379");
  CHECK(config_cmd({"GET", "PORT"}) == "map:1 PORT 6379");
  CHECK(config_cmd({"GET", "P*rt"}) == "map:1 port 6379");
  CHECK(config_cmd({"GET", "port", "PORT", "p?rt"}) == "map:1 port 6379");
  CHECK(config_cmd({"GET", "LUA-TIME-LIMIT"}) == "map:1 LUA-TIME-LIMIT 5000");
  CHECK(config_cmd({"GET", "lua*"}) == "map:1 lua-time-limit 5000");
  CHECK(config_cmd({"GET", "*slowlog*"}) ==
        "map:2 slowlog-log-slower-than 10000 slowlog-max-len 128");
  CHECK(config_cmd({"GET", "nosuch"}) == "map:0");
  CHECK(config_cmd({"GET", "hz", "port"}) == "map:2 hz 10 port 6379");
  std::string all = config_cmd({"GET", "*"});
  CHECK(all.find(" busy-reply-threshold 5000 ") != std::string::npos);
  CHECK(all.find(" lua-time-limit 5000 ") != std::string::npos);

  CHECK(config_cmd({"SET", "port", "1", "hz"}) == "-ERR syntax error");
  CHECK(config_cmd({"SET", "timeout", "10", "hz", "20"}) == "+OK");
  CHECK(get("timeout") == "10");
  CHECK(config_cmd({"HELP"}).rfind("array:11 +CONFIG <subcommand> [<arg> [value] [opt] ...]. "
                                   "Subcommands are: +GET <pattern>",
                                   0) == 0);

  g_server.stats.total_commands_processed = 5;
  g_server.stats.dirty = 3;
  g_server.error_codes.emplace("ERR", 2);
  lunar::Command* get_cmd = lunar::g_commands.find("config")->find_sub("get");
  get_cmd->calls = 7;
  CHECK(config_cmd({"RESETSTAT"}) == "+OK");
  CHECK(g_server.stats.total_commands_processed == 0);
  CHECK(g_server.stats.dirty == 3);
  CHECK(g_server.error_codes.empty());
  CHECK(get_cmd->calls == 0);

  CHECK(config_cmd({"REWRITE"}) == "-ERR The server is running without a config file");

  lunar::Command* c = lunar::g_commands.find("config");
  CHECK(c->arity == -2);
  CHECK(c->find_sub("get")->arity == -3);
  CHECK(c->find_sub("set")->arity == -4);
  CHECK(c->find_sub("rewrite")->arity == 2);
  CHECK(c->find_sub("resetstat")->arity == 2);
  CHECK(c->find_sub("help")->arity == 2);
}

// ---------------------------------------------------------------------------------------------
// CONFIG REWRITE
// ---------------------------------------------------------------------------------------------
TEST_CASE("config: CONFIG REWRITE keeps the file's layout and writes changed values", "[config]") {
  config::register_kernel_params();
  TempDir dir;
  std::string cwd = fs::current_path().string();
  const std::string original = R"(# Lunar test config
port = 6380   # the port
maxmemory = "100mb"
bind = [
  "127.0.0.1",  # loopback
]
lua-time-limit = 100
appendonly = "yes"
unknown-module-param = 5

# Modules
[modules]
load = []
)";
  REQUIRE(load_text(dir, original) == "");
  std::string err;
  // Nothing changed but `dir` (never default, as in Redis): the rest stays byte for byte.
  std::string same = config::rewrite_text(original);
  CHECK(same == R"(# Lunar test config
port = 6380   # the port
maxmemory = "100mb"
bind = [
  "127.0.0.1",  # loopback
]
lua-time-limit = 100
appendonly = "yes"
unknown-module-param = 5
# Generated by CONFIG REWRITE
dir = ")" + cwd + R"("

# Modules
[modules]
load = []
)");
  CHECK(set({{"port", "7000"},
             {"maxmemory", "2gb"},
             {"bind", "0.0.0.0 ::"},
             {"busy-reply-threshold", "200"},
             {"appendonly", "no"},
             {"requirepass", "p\"w"},
             {"timeout", "12"}}) == "");
  CHECK(config::rewrite_text(original) == R"(# Lunar test config
port = 7000   # the port
maxmemory = "2gb"
bind = ["0.0.0.0", "::"]
lua-time-limit = 200
appendonly = false
unknown-module-param = 5
# Generated by CONFIG REWRITE
timeout = 12
requirepass = "p\"w"
dir = ")" + cwd + R"("

# Modules
[modules]
load = []
)");
  // The file itself, through CONFIG REWRITE; it still loads and gives the same values.
  CHECK(config_cmd({"REWRITE"}) == "+OK");
  std::string rewritten = read_file(g_server.config_file);
  CHECK(rewritten.find("port = 7000   # the port\n") != std::string::npos);
  config::register_kernel_params();
  REQUIRE(load({(dir.path / "lunar.toml").string()}) == "");
  CHECK(get("port") == "7000");
  CHECK(get("bind") == "0.0.0.0 ::");
  CHECK(get("requirepass") == "p\"w");
  CHECK(get("busy-reply-threshold") == "200");
  CHECK(config::check_pending(&err) == false);  // unknown-module-param is still unclaimed
}

TEST_CASE("config: CONFIG REWRITE into a file of comments and tables only", "[config]") {
  config::register_kernel_params();
  std::string cwd = fs::current_path().string();
  REQUIRE(set({{"port", "6390"}}) == "");
  CHECK(config::rewrite_text("# header\n\n# about modules\n[modules]\nload = []\n") ==
        "# header\n\n# Generated by CONFIG REWRITE\nport = 6390\ndir = \"" + cwd +
            "\"\n\n# about modules\n[modules]\nload = []\n");
  CHECK(config::rewrite_text("") ==
        "# Generated by CONFIG REWRITE\nport = 6390\ndir = \"" + cwd + "\"\n");
}

// ---------------------------------------------------------------------------------------------
// The example configs
// ---------------------------------------------------------------------------------------------
namespace {
fs::path examples_dir() {
  return (fs::path(__FILE__).parent_path() / ".." / ".." / "examples" / "configs")
      .lexically_normal();
}
}  // namespace

TEST_CASE("config: the example configs load", "[config]") {
  const std::pair<const char*, std::vector<std::string>> configs[] = {
      {"default.toml",
       {"strings.so", "lists.so", "hashes.so", "pubsub.so", "sets.so", "zsets.so", "sort.so"}},
      {"cache.toml", {"strings.so"}}};
  for (const auto& [name, modules] : configs) {
    INFO(name);
    config::register_kernel_params();
    REQUIRE(load({(examples_dir() / name).string()}) == "");
    std::string err;
    CHECK(config::check_pending(&err));
    REQUIRE(config::modules_to_load().size() == modules.size());
    for (size_t i = 0; i < modules.size(); i++)
      CHECK(fs::path(config::modules_to_load()[i].path).filename() == modules[i]);
  }
  CHECK(get("maxmemory") == "268435456");
  CHECK(get("maxmemory-policy") == "allkeys-lru");
  CHECK(get("save") == "");
}

// Every default documented in default.toml (a commented `key = value` line before the first
// table) is the parameter's real default: uncommented, the file changes nothing.
TEST_CASE("config: default.toml documents the real defaults", "[config]") {
  config::register_kernel_params();
  std::map<std::string, std::string> defaults;
  for (const auto& p : config::registry().params()) defaults[p->name] = p->get();
  std::istringstream in(read_file((examples_dir() / "default.toml").string()));
  std::string line, text;
  size_t documented = 0;
  while (std::getline(in, line)) {
    if (line.rfind("[", 0) == 0) break;
    size_t eq = line.find(" = ");
    if (line.rfind("# ", 0) == 0 && eq != std::string::npos && line.find(' ', 2) == eq) {
      text += line.substr(2) + "\n";
      documented++;
    }
  }
  CHECK(documented == defaults.size());
  TempDir dir;
  REQUIRE(load_text(dir, text) == "");
  for (const auto& [name, value] : defaults) {
    INFO(name);
    CHECK(get(name.c_str()) == value);
  }
}

TEST_CASE("config: CONFIG REWRITE of default.toml puts new lines above [modules]", "[config]") {
  config::register_kernel_params();
  std::string cwd = fs::current_path().string();
  std::string text = read_file((examples_dir() / "default.toml").string());
  REQUIRE(set({{"port", "6380"}}) == "");
  std::string out = config::rewrite_text(text);
  CHECK(out.find("# appendonly = false\n\n# Generated by CONFIG REWRITE\nport = 6380\ndir = \"" +
                 cwd + "\"\n\n# --- Modules ---") != std::string::npos);
}
