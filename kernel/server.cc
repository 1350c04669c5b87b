#include "kernel/server.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace lunar {

Server g_server;

long long now_ms() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

long long now_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

static int level_of(const std::string& s) {
  if (s == "debug") return kLogDebug;
  if (s == "verbose") return kLogVerbose;
  if (s == "warning") return kLogWarning;
  return kLogNotice;
}

// Redis's log line format: "pid:role dd Mon yyyy hh:mm:ss.mmm * message".
void log_line(int level, const char* fmt, ...) {
  if (level < level_of(g_server.settings.loglevel)) return;
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm t;
  localtime_r(&tv.tv_sec, &t);
  char when[64];
  size_t off = std::strftime(when, sizeof when, "%d %b %Y %H:%M:%S.", &t);
  std::snprintf(when + off, sizeof when - off, "%03d", static_cast<int>(tv.tv_usec / 1000));
  static const char marks[] = ".-*#";
  FILE* f = stdout;
  bool own = false;
  if (!g_server.settings.logfile.empty()) {
    f = std::fopen(g_server.settings.logfile.c_str(), "a");
    if (!f) return;
    own = true;
  }
  std::fprintf(f, "%d:M %s %c %s\n", static_cast<int>(getpid()), when, marks[level & 3], msg);
  if (own)
    std::fclose(f);
  else
    std::fflush(f);
}

}  // namespace lunar
