// The redis.* table scripts see, and Redis's math.random.
#pragma once
#include <lua.hpp>

#include "kernel/script/state.h"

namespace lunar::script {
// Pushes the redis table for a state of this kind.
void push_redis_api(lua_State* L, StateKind kind);
// Replaces math.random / math.randomseed with Redis's generator (the math table on top).
void install_random(lua_State* L);
// Raises {err=...} built from `text` (see push_error_table).
[[noreturn]] void raise_error(lua_State* L, std::string_view text);
}  // namespace lunar::script
