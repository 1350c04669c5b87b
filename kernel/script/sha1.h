// SHA-1 (FIPS 180-4), for script identifiers (EVALSHA, SCRIPT LOAD, redis.sha1hex).
#pragma once
#include <string>
#include <string_view>

namespace lunar::script {
// The lower-case hex digest of `data` (40 characters).
std::string sha1_hex(std::string_view data);
}  // namespace lunar::script
