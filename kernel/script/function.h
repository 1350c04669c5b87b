// FUNCTION LOAD / LIST / DELETE / FLUSH / STATS / KILL / DUMP / RESTORE, FCALL and FCALL_RO.
// Libraries live in their own Lua state. While a library's code loads, the globals read through
// to a small load-time API (redis.register_function, redis.log, constants) instead of the full
// one; the functions it registers run later with the full API.
#pragma once
#include <string>
#include <vector>

namespace lunar::script {

void register_function_commands();

// The libraries' code, for persistence (each loads back with FUNCTION LOAD semantics).
std::vector<std::string> library_codes();
// Loads a library (as FUNCTION LOAD [REPLACE]); false with *err (without "ERR ").
bool load_library(const std::string& code, bool replace, std::string* err, std::string* name);
void flush_libraries();
// INFO memory: the functions' Lua VM, the libraries' code, and how many there are.
void function_memory(size_t* vm, size_t* bytes, size_t* functions, size_t* libraries);

}  // namespace lunar::script
