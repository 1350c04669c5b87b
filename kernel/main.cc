// lunar-server [config.toml] [--name value ...]
#include <signal.h>
#include <unistd.h>
#include <uv.h>

#include <cstdio>
#include <random>
#include <string>

#include "kernel/command/blocking.h"
#include "kernel/command/command.h"
#include "kernel/config/config.h"
#include "kernel/keyspace/keyspace.h"
#include "kernel/module/module.h"
#include "kernel/net/client.h"
#include "kernel/net/listener.h"
#include "kernel/script/plugins.h"
#include "kernel/server.h"
#include "kernel/util/memory.h"

namespace lunar {

namespace {
uv_timer_t g_cron;
uv_prepare_t g_before_sleep;  // runs before_sleep() on every loop turn
uv_signal_t g_sigint, g_sigterm;

// Runs hz times a second: active expiry, idle-client timeouts, pause expiry, statistics.
void cron(uv_timer_t*) {
  long long now = now_ms();
  if (g_server.active_expire_enabled) {
    long long period_us = 1000000 / (g_server.settings.hz > 0 ? g_server.settings.hz : 10);
    active_expire_cycle(period_us / 4);
  }
  if (g_server.settings.timeout > 0) {
    std::vector<Client*> idle;
    for (Client* c : g_server.clients) {
      // Blocked clients wait as long as their command says, as in Redis.
      if (!(c->flags & kClientBlocked) &&
          now - c->last_interaction_ms > g_server.settings.timeout * 1000)
        idle.push_back(c);
    }
    for (Client* c : idle) c->close();
  }
  if (g_server.clients_paused_until_ms > 0 && now >= g_server.clients_paused_until_ms) {
    g_server.clients_paused_until_ms = 0;
    resume_paused_clients();
  }
  memory::sample_peak();
  sample_instantaneous_metrics();
}

void on_signal(uv_signal_t* h, int signum) {
  (void)h;
  log_line(kLogWarning, "Received %s scheduling shutdown...",
           signum == SIGINT ? "SIGINT" : "SIGTERM");
  request_shutdown();
}

uint64_t cron_period_ms() {
  return static_cast<uint64_t>(1000 / (g_server.settings.hz > 0 ? g_server.settings.hz : 10));
}

// CONFIG SET hooks for settings that need more than a new value.
bool apply_hz(std::string*) {
  uv_timer_set_repeat(&g_cron, cron_period_ms());
  return true;
}

bool apply_listeners(std::string* err) {
  close_listeners();
  std::string why;
  if (listen_all(&why)) return true;
  log_line(kLogWarning, "%s", why.c_str());
  *err = "Failed to bind to specified addresses.";
  return false;
}

void print_usage() {
  std::printf(
      "Usage: lunar-server [/path/to/lunar.toml] [options]\n"
      "       lunar-server -v or --version\n"
      "       lunar-server -h or --help\n\n"
      "Options are configuration settings with Redis's names, e.g.\n"
      "       lunar-server --port 6380 --maxmemory 1gb\n"
      "       lunar-server lunar.toml --loadmodule /path/to/module.so\n"
      "With no configuration file every module of the build is loaded.\n");
}

std::string random_hex(size_t n) {
  std::random_device rd;
  static const char hex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; i++) s += hex[rd() & 15];
  return s;
}

int run(int argc, char** argv) {
  g_server.loop = uv_default_loop();
  g_server.start_time_ms = now_ms();
  g_server.run_id = random_hex(40);
  {
    std::random_device rd;
    set_hash_seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
  }
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) g_server.executable.assign(exe, static_cast<size_t>(n));

  if (argc == 2 && (std::string(argv[1]) == "-v" || std::string(argv[1]) == "--version")) {
    std::printf("Lunar server v=%s redis-compat=%s\n", LUNAR_VERSION, kRedisCompatVersion);
    return 0;
  }
  if (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) {
    print_usage();
    return 0;
  }
  config::register_kernel_params();
  config::set_apply_hook("hz", apply_hz);
  config::set_apply_hook("port", apply_listeners);
  config::set_apply_hook("bind", apply_listeners);
  std::string err;
  if (!config::load_startup(argc, argv, &err)) {
    std::fprintf(stderr, "*** FATAL CONFIG FILE ERROR (Lunar %s) ***\n%s\n", LUNAR_VERSION,
                 err.c_str());
    return 1;
  }
  for (long long i = 0; i < g_server.settings.databases; i++)
    g_server.dbs.push_back(std::make_unique<Db>());
  register_kernel_commands();
  log_line(kLogNotice, "Lunar %s (Redis %s compatible) starting, pid=%d", LUNAR_VERSION,
           kRedisCompatVersion, static_cast<int>(getpid()));
  for (const auto& spec : config::modules_to_load()) {
    if (!module_load(spec.path, spec.args, &err)) {
      log_line(kLogWarning, "%s", err.c_str());
      std::fprintf(stderr, "%s\n", err.c_str());
      return 1;
    }
  }
  if (!script::load_plugins(&err)) {
    log_line(kLogWarning, "%s", err.c_str());
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  if (!config::check_pending(&err)) {
    std::fprintf(stderr, "*** FATAL CONFIG FILE ERROR (Lunar %s) ***\n%s\n", LUNAR_VERSION,
                 err.c_str());
    return 1;
  }
  if (!listen_all(&err)) {
    log_line(kLogWarning, "%s", err.c_str());
    return 1;
  }
  if (!g_server.settings.pidfile.empty()) {
    if (FILE* f = std::fopen(g_server.settings.pidfile.c_str(), "w")) {
      std::fprintf(f, "%d\n", static_cast<int>(getpid()));
      std::fclose(f);
    }
  }
  signal(SIGPIPE, SIG_IGN);
  uv_signal_init(g_server.loop, &g_sigint);
  uv_signal_start(&g_sigint, on_signal, SIGINT);
  uv_signal_init(g_server.loop, &g_sigterm);
  uv_signal_start(&g_sigterm, on_signal, SIGTERM);
  blocking::init();
  uv_prepare_init(g_server.loop, &g_before_sleep);
  uv_prepare_start(&g_before_sleep, [](uv_prepare_t*) { before_sleep(); });
  uv_unref(reinterpret_cast<uv_handle_t*>(&g_before_sleep));
  uv_timer_init(g_server.loop, &g_cron);
  uv_timer_start(&g_cron, cron, cron_period_ms(), cron_period_ms());
  log_line(kLogNotice, "Ready to accept connections on port %lld", g_server.settings.port);
  uv_run(g_server.loop, UV_RUN_DEFAULT);
  if (!g_server.settings.pidfile.empty()) unlink(g_server.settings.pidfile.c_str());
  log_line(kLogWarning, "Lunar is now ready to exit, bye bye...");
  return 0;
}
}  // namespace

// Stops accepting, closes every client after its pending output, and leaves the loop.
void request_shutdown() {
  if (g_server.shutdown_asap) return;
  g_server.shutdown_asap = true;
  close_listeners();
  std::vector<Client*> all(g_server.clients.begin(), g_server.clients.end());
  for (Client* c : all) c->close();
  uv_timer_stop(&g_cron);
  uv_close(reinterpret_cast<uv_handle_t*>(&g_cron), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&g_sigint), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&g_sigterm), nullptr);
}

}  // namespace lunar

int main(int argc, char** argv) { return lunar::run(argc, argv); }
