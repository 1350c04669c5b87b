// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: the script cache and its Lua state.
#pragma once
#include <lua.hpp>

#include <string>
#include <string_view>

namespace lunar::script {

// Parses a "#!lua ..." first line into ScriptFlag bits. With no shebang, *flags is
// kScriptEvalCompat and *shebang_len 0. False with *err (without "ERR ") on a bad shebang.
bool parse_shebang(std::string_view body, unsigned* flags, size_t* shebang_len,
                   std::string* err);

void register_eval_commands();

// INFO memory's scripting fields.
struct ScriptMemory {
  size_t vm_eval = 0, scripts_eval = 0, cached_scripts = 0;
  size_t vm_functions = 0, functions_bytes = 0, functions = 0, libraries = 0;
};
ScriptMemory script_memory();

}  // namespace lunar::script
