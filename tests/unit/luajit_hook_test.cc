// LuaJIT: a count hook interrupts a busy loop even after the JIT compiled it into a trace.
// SCRIPT KILL depends on this, and it holds only for a LuaJIT built with
// -DLUAJIT_ENABLE_CHECKHOOK (scripts/setup.sh; LUNAR_LUAJIT_CHECKHOOK=1): Debian's stock
// libluajit never calls hooks from compiled code, and these tests fail (time out) against it.
// Each script runs in a forked child that the parent kills after kChildTimeoutMs, so a loop
// that cannot be interrupted fails the test instead of hanging ctest.
#include <catch2/catch.hpp>

#include <lua.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#ifndef LUNAR_LUAJIT_CHECKHOOK
#error "LUNAR_LUAJIT_CHECKHOOK must come from the LuaJIT target (CMakeLists.txt)"
#endif

namespace {

constexpr int kKillAfterMs = 200;         // the hook raises its error once this has passed
constexpr int kHookEvery = 100000;        // VM instructions between count-hook calls
constexpr int kChildTimeoutMs = 3000;     // the parent kills a child that is still running
constexpr char kKillMessage[] = "lunar-test: script killed";

// What the child reports through the pipe (plain bytes; both sides are this executable).
struct Outcome {
  int jit_on = 0;          // jit.status() before the script ran
  int pcall_rc = -1;       // lua_pcall's return code
  int loop_traces = 0;     // compiled traces that close a loop
  int flushes = 0;         // trace cache flushes
  long hook_calls = 0;     // calls of the hook function
  double iterations = 0;   // the script's local `i` when the hook killed it
  long elapsed_ms = 0;     // lua_pcall's duration
  char error[160] = {};    // the error message lua_pcall left
};

using Clock = std::chrono::steady_clock;
Clock::time_point g_start;
long g_hook_calls = 0;
double g_iterations = 0;
lua_State* g_L = nullptr;  // for the SIGALRM handler

// The local named `i` of the running Lua function (or its caller), or -1.
double read_loop_counter(lua_State* L) {
  lua_Debug ar;
  for (int level = 0; level < 2 && lua_getstack(L, level, &ar); level++) {
    for (int n = 1;; n++) {
      const char* name = lua_getlocal(L, &ar, n);
      if (name == nullptr) break;
      bool found = std::strcmp(name, "i") == 0 && lua_isnumber(L, -1);
      double v = found ? lua_tonumber(L, -1) : 0;
      lua_pop(L, 1);
      if (found) return v;
    }
  }
  return -1;
}

// The kill hook: once kKillAfterMs have passed, raises kKillMessage in the script.
void kill_hook(lua_State* L, lua_Debug*) {
  g_hook_calls++;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - g_start);
  if (ms.count() < kKillAfterMs) return;
  g_iterations = read_loop_counter(L);
  luaL_error(L, "%s", kKillMessage);
}

// Arms the hook from a signal handler, the way luajit.c handles Ctrl-C.
void on_alarm(int) { lua_sethook(g_L, kill_hook, LUA_MASKCOUNT, 1); }

// Counts, in the global lunar_test_loop_traces, the traces the JIT completes that close a loop.
const char kTraceCounter[] =
    "local util = require('jit.util')\n"
    "lunar_test_loop_traces, lunar_test_flushes = 0, 0\n"
    "jit.attach(function(what, tr)\n"
    "  if what == 'stop' and util.traceinfo(tr).linktype == 'loop' then\n"
    "    lunar_test_loop_traces = lunar_test_loop_traces + 1\n"
    "  elseif what == 'flush' then lunar_test_flushes = lunar_test_flushes + 1 end\n"
    "end, 'trace')\n";

int read_global_int(lua_State* L, const char* name) {
  lua_getglobal(L, name);
  int n = lua_isnumber(L, -1) ? static_cast<int>(lua_tointeger(L, -1)) : -1;
  lua_pop(L, 1);
  return n;
}

enum class Arm { kBeforeRun, kFromSignal };

// Child side: runs `script` with the kill hook armed per `arm`, fills the outcome.
Outcome run_script(const char* script, Arm arm) {
  Outcome out;
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  g_L = L;
  if (luaL_dostring(L, "return jit.status()") == 0) out.jit_on = lua_toboolean(L, -1);
  lua_settop(L, 0);
  if (luaL_dostring(L, kTraceCounter) != 0) {
    std::snprintf(out.error, sizeof out.error, "%s", lua_tostring(L, -1));
    return out;
  }
  if (luaL_loadstring(L, script) != 0) {
    std::snprintf(out.error, sizeof out.error, "%s", lua_tostring(L, -1));
    return out;
  }
  g_start = Clock::now();
  if (arm == Arm::kBeforeRun) {
    lua_sethook(L, kill_hook, LUA_MASKCOUNT, kHookEvery);
  } else {
    signal(SIGALRM, on_alarm);
    itimerval it = {};
    it.it_value.tv_usec = kKillAfterMs * 1000;
    setitimer(ITIMER_REAL, &it, nullptr);
  }
  out.pcall_rc = lua_pcall(L, 0, 0, 0);
  out.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - g_start)
                       .count();
  lua_sethook(L, nullptr, 0, 0);
  if (out.pcall_rc != 0 && lua_isstring(L, -1))
    std::snprintf(out.error, sizeof out.error, "%s", lua_tostring(L, -1));
  lua_settop(L, 0);
  out.hook_calls = g_hook_calls;
  out.iterations = g_iterations;
  out.loop_traces = read_global_int(L, "lunar_test_loop_traces");
  out.flushes = read_global_int(L, "lunar_test_flushes");
  lua_close(L);
  return out;
}

// Parent side: forks a child for run_script; false when it did not answer in time (killed).
bool run_bounded(const char* script, Arm arm, Outcome* out) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    Outcome o = run_script(script, arm);
    ssize_t n = write(fds[1], &o, sizeof o);
    _exit(n == static_cast<ssize_t>(sizeof o) ? 0 : 1);
  }
  close(fds[1]);
  pollfd p = {fds[0], POLLIN, 0};
  bool answered = poll(&p, 1, kChildTimeoutMs) == 1 &&
                  read(fds[0], out, sizeof *out) == static_cast<ssize_t>(sizeof *out);
  close(fds[0]);
  if (!answered) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return answered;
}

// Runs `script` (whose loop counter is a local `i`, or none when !has_counter) in a child and
// checks that the kill hook stopped it with its error, promptly, after the JIT compiled it.
void check_killable(const char* script, Arm arm, bool has_counter = true) {
  INFO("script: " << script);
  INFO("hook armed " << (arm == Arm::kBeforeRun ? "before the run, every 100000 instructions"
                                                 : "from SIGALRM after 200 ms, every instruction"));
  INFO("built with LUNAR_LUAJIT_CHECKHOOK=" << LUNAR_LUAJIT_CHECKHOOK);
  Outcome o;
  bool answered = run_bounded(script, arm, &o);
  if (!answered)
    FAIL("the script ran for " << kChildTimeoutMs << " ms without the hook stopping it: "
         "this LuaJIT does not check hooks in compiled code (needs LUAJIT_ENABLE_CHECKHOOK)");
  INFO("error: " << o.error << "; hook calls " << o.hook_calls << ", iterations "
                 << o.iterations << ", " << o.elapsed_ms << " ms, loop traces " << o.loop_traces << ", flushes "
                 << o.flushes);
  CHECK(o.jit_on == 1);
  CHECK(o.pcall_rc == LUA_ERRRUN);
  CHECK(std::string(o.error).find(kKillMessage) != std::string::npos);
  CHECK(o.elapsed_ms >= kKillAfterMs);
  CHECK(o.elapsed_ms < kKillAfterMs + 1500);
  CHECK(o.loop_traces >= 1);        // the loop was compiled, so the kill came through a trace
  // It ran for real: with the hook armed from the start, every iteration enters the trace and
  // leaves it at the hook check (slow); armed later, the trace ran at full speed until then.
  if (has_counter) CHECK(o.iterations > (arm == Arm::kBeforeRun ? 1e4 : 1e6));
}

const char* const kWhileLoop = "local i = 0 while true do i = i + 1 end";
const char* const kCallLoop =
    "local function step(x) return x + 1 end\n"
    "local i = 0 while true do i = step(i) end";
const char* const kRepeatLoop = "local i = 0 repeat i = i + 1 until false";
const char* const kEmptyRepeat = "repeat until false";

}  // namespace

TEST_CASE("luajit: a count hook set before the run stops a compiled while loop", "[luajit]") {
  check_killable(kWhileLoop, Arm::kBeforeRun);
}

TEST_CASE("luajit: a count hook set before the run stops a compiled loop calling a function",
          "[luajit]") {
  check_killable(kCallLoop, Arm::kBeforeRun);
}

TEST_CASE("luajit: a count hook set before the run stops a compiled repeat-until loop",
          "[luajit]") {
  check_killable(kRepeatLoop, Arm::kBeforeRun);
  check_killable(kEmptyRepeat, Arm::kBeforeRun, false);
}

TEST_CASE("luajit: a hook armed asynchronously stops a loop running as a trace", "[luajit]") {
  check_killable(kWhileLoop, Arm::kFromSignal);
  check_killable(kCallLoop, Arm::kFromSignal);
  check_killable(kRepeatLoop, Arm::kFromSignal);
  check_killable(kEmptyRepeat, Arm::kFromSignal, false);
}
