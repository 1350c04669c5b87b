// The slow log: commands that ran at least slowlog-log-slower-than microseconds, newest first,
// at most slowlog-max-len of them (SLOWLOG GET / LEN / RESET).
#pragma once
#include <lunar/lunar.h>

namespace lunar {
class Client;
namespace slowlog {
// Records the command if it was slow enough (called by the dispatcher after each command).
void record(const Client* c, int argc, const lunar_str* argv, long long duration_us);
void register_commands();
}  // namespace slowlog
}  // namespace lunar
