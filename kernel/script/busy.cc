#include "kernel/script/busy.h"

#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "kernel/script/redis_api.h"
#include "kernel/server.h"

namespace lunar::script::busy {
namespace {

constexpr int kHookEvery = 100000;  // instructions between hook calls once busy

const char kBusyEval[] =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
const char kBusyFunction[] =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

// The watchdog thread polls: starting and ending a script only stores under an uncontended
// mutex (no wake-up, no system call on the scripts' hot path).
constexpr auto kPollEvery = std::chrono::milliseconds(10);
struct Watchdog {
  std::mutex mu;
  lua_State* running = nullptr;
  long long deadline_us = 0;  // wall clock, as Run::start_us
  bool hooked = false;
  bool started = false;
};
Watchdog g_dog;

void hook(lua_State* L, lua_Debug* ar);

void watchdog_main() {
  for (;;) {
    std::this_thread::sleep_for(kPollEvery);
    std::lock_guard<std::mutex> lk(g_dog.mu);
    if (g_dog.running && !g_dog.hooked && now_us() >= g_dog.deadline_us) {
      lua_sethook(g_dog.running, hook, LUA_MASKCOUNT, kHookEvery);
      g_dog.hooked = true;
    }
  }
}

bool in_sandbox_code(lua_State* L, lua_Debug* ar) {
  if (!lua_getinfo(L, "S", ar) || !ar->source) return false;
  return std::strcmp(ar->source, "=sandbox") == 0;
}

void hook(lua_State* L, lua_Debug* ar) {
  Run* run = g_run;
  if (!run) return;
  if (!run->killed) {
    if (!g_server.busy_reply) {
      g_server.busy_reply = run->is_eval ? kBusyEval : kBusyFunction;
      log_line(kLogWarning,
               "Slow script detected: still in execution after %lld milliseconds. You can try "
               "killing the script using the %s command. Script name is: %s.",
               now_ms() - run->start_ms, run->is_eval ? "SCRIPT KILL" : "FUNCTION KILL",
               std::string(run->name).c_str());
    }
    serve_clients_while_busy();
    if (g_server.shutdown_asap) run->killed = true;
    if (!run->killed) return;
    log_line(kLogWarning, "Lua script killed by user with SCRIPT KILL.");
    // From now on every line raises again, so that pcall cannot keep the script alive.
    lua_sethook(L, hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
  }
  if (in_sandbox_code(L, ar)) return;  // let the error handler finish
  raise_error(L, "ERR Script killed by user with SCRIPT KILL...");
}

}  // namespace

void script_starting(lua_State* L, Run* run) {
  long long ms = g_server.settings.busy_reply_threshold;
  if (ms < 0) ms = 0;
  std::lock_guard<std::mutex> lk(g_dog.mu);
  if (!g_dog.started) {
    g_dog.started = true;
    std::thread(watchdog_main).detach();
  }
  g_dog.running = L;
  g_dog.hooked = false;
  g_dog.deadline_us = run->start_us + ms * 1000;
}

void script_finished(lua_State* L, Run*) {
  {
    std::lock_guard<std::mutex> lk(g_dog.mu);
    g_dog.running = nullptr;
    if (g_dog.hooked) lua_sethook(L, nullptr, 0, 0);
    g_dog.hooked = false;
  }
  g_server.busy_reply = nullptr;
}

void kill(ReplySink* out, bool is_eval) {
  Run* run = g_run;
  if (!run) {
    out->error("NOTBUSY No scripts in execution right now.");
    return;
  }
  if (run->wrote) {
    out->error(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You "
        "can either wait the script termination or kill the server in a hard way using the "
        "SHUTDOWN NOSAVE command.");
    return;
  }
  if (is_eval && !run->is_eval) {
    out->error(kBusyFunction);
    return;
  }
  if (!is_eval && run->is_eval) {
    out->error(kBusyEval);
    return;
  }
  run->killed = true;
  out->simple("OK");
}

}  // namespace lunar::script::busy
