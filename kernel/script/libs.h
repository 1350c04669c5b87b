// Redis's script libraries, written for LuaJIT: cjson (lua-cjson 2.1.0 as bundled in Redis 7.0),
// cmsgpack (lua-cmsgpack 0.4.0) and struct (Roberto Ierusalimschy's struct library). `bit` is
// LuaJIT's own, API-compatible with Redis's LuaBitOp except for tohex (bit_tohex below).
//
// Each open_* function pushes a fresh module table (one result) and sets no globals; the caller
// installs it (as the global cjson / cmsgpack / struct) and makes it read-only. It may be called
// through lua_call or lua_pcall. Replies, number formats and error texts follow Redis 7.0 byte
// for byte; the helpers below word argument errors as Lua 5.1's lauxlib does.
#pragma once

#include <lua.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace lunar::script {

int open_cjson(lua_State* L);
int open_cmsgpack(lua_State* L);
int open_struct(lua_State* L);

namespace libs {

// The field name under which a library table (cjson, cmsgpack, struct) of the state's globals
// holds the function on top of the stack (popped); empty when none does. Lua 5.1 names a
// tail-called function from its caller's code, which LuaJIT no longer has: this is the name
// `return cjson.encode()` would have given.
inline std::string library_name_of(lua_State* L) {
  std::string found;
  lua_getfield(L, LUA_REGISTRYINDEX, "lunar.globals");
  if (lua_istable(L, -1)) {
    for (const char* lib : {"cjson", "cmsgpack", "struct"}) {
      lua_getfield(L, -1, lib);
      // Scripts see read-only views of the libraries: walk the table a view shows.
      if (lua_getmetatable(L, -1)) {
        lua_getfield(L, -1, "__index");
        if (lua_istable(L, -1)) {
          lua_replace(L, -3);
          lua_pop(L, 1);
        } else {
          lua_pop(L, 2);
        }
      }
      if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (found.empty() && lua_next(L, -2)) {
          if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, -5)) found = lua_tostring(L, -2);
          lua_pop(L, 1);
        }
        if (!found.empty()) lua_pop(L, 1);  // the key left by the interrupted walk
      }
      lua_pop(L, 1);
      if (!found.empty()) break;
    }
  }
  lua_pop(L, 2);
  return found;
}

// Raises "bad argument #narg to 'name' (msg)" as Lua 5.1's luaL_argerror words it: the name of
// the running C function as its caller spelled it, "?" when unknown (called by pcall or C);
// luaL_error prefixes the calling Lua function's "chunk:line:", if any.
[[noreturn]] inline void arg_error(lua_State* L, int narg, const char* msg) {
  lua_Debug ar;
  if (!lua_getstack(L, 0, &ar)) {
    luaL_error(L, "bad argument #%d (%s)", narg, msg);
    std::abort();
  }
  lua_getinfo(L, "nf", &ar);
  // No caller frame at all: the script tail-called the function (pcall and C callers leave
  // theirs, and Lua 5.1 says '?' for them).
  lua_Debug caller;
  bool tail_called = !ar.name && !lua_getstack(L, 1, &caller);
  std::string lib_name = tail_called ? library_name_of(L) : std::string();
  if (!tail_called) lua_pop(L, 1);
  if (!ar.name && !lib_name.empty()) ar.name = lib_name.c_str();
  if (ar.namewhat != nullptr && std::strcmp(ar.namewhat, "method") == 0) {
    narg--;
    if (narg == 0) {
      luaL_error(L, "calling '%s' on bad self (%s)", ar.name, msg);
      std::abort();
    }
  }
  luaL_error(L, "bad argument #%d to '%s' (%s)", narg, ar.name ? ar.name : "?", msg);
  std::abort();  // not reached: luaL_error does not return
}

// "<expected> expected, got <type of argument narg>" ("no value" past the top).
[[noreturn]] inline void type_error(lua_State* L, int narg, const char* expected) {
  const char* msg = lua_pushfstring(L, "%s expected, got %s", expected, luaL_typename(L, narg));
  arg_error(L, narg, msg);
}

inline double check_number(lua_State* L, int narg) {
  if (!lua_isnumber(L, narg)) type_error(L, narg, "number");
  return lua_tonumber(L, narg);
}

// A string argument; a number is converted in place, as luaL_checklstring does.
inline const char* check_lstring(lua_State* L, int narg, size_t* len) {
  if (!lua_isstring(L, narg)) type_error(L, narg, "string");
  return lua_tolstring(L, narg, len);
}

// A double converted to a 64-bit integer the way x86-64 truncates (cvttsd2si): toward zero,
// and INT64_MIN for NaN and out-of-range values. Lua 5.1's lua_Integer conversions behave so
// on the platform Redis runs on.
inline int64_t truncate_i64(double d) {
  if (std::isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}

// luaL_checkinteger / luaL_optinteger: a lua_Integer (64-bit) truncated as above.
inline int64_t check_integer(lua_State* L, int narg) { return truncate_i64(check_number(L, narg)); }

inline int64_t opt_integer(lua_State* L, int narg, int64_t def) {
  return lua_isnoneornil(L, narg) ? def : check_integer(L, narg);
}

// luaL_checkinteger stored into a C int, as cjson's settings do: its low 32 bits.
inline int check_int(lua_State* L, int narg) {
  return static_cast<int>(static_cast<uint32_t>(check_integer(L, narg)));
}

// LuaBitOp's number-to-bits conversion: the low 32 bits of n + 2^52 + 2^51 (rounds to nearest,
// wraps modulo 2^32), which LuaJIT's bit.tobit matches.
inline uint32_t to_bits(double n) {
  double shifted = n + 6755399441055744.0;
  uint64_t bits;
  std::memcpy(&bits, &shifted, sizeof bits);
  return static_cast<uint32_t>(bits);
}

// lua_checkstack, raising "stack overflow (what)" (Lua 5.1's luaL_checkstack text) on failure.
inline void check_stack(lua_State* L, int n, const char* what) {
  if (!lua_checkstack(L, n)) luaL_error(L, "stack overflow (%s)", what);
}

}  // namespace libs

// bit.tohex(x [, n]) as Redis's LuaBitOp: at most 8 digits (LuaJIT 2.1's own tohex gives up to
// 16 for n > 8, e.g. bit.tohex(1, 10) is "0000000001" there, "00000001" in Redis). Install it
// over LuaJIT's: lua_getglobal(L, "bit"); lua_pushcfunction(L, bit_tohex);
// lua_setfield(L, -2, "tohex"); lua_pop(L, 1).
inline int bit_tohex(lua_State* L) {
  uint32_t b = libs::to_bits(libs::check_number(L, 1));
  uint32_t n = lua_isnone(L, 2) ? 8 : libs::to_bits(libs::check_number(L, 2));
  const char* digits = "0123456789abcdef";
  if (static_cast<int32_t>(n) < 0) {
    n = 0u - n;
    digits = "0123456789ABCDEF";
  }
  if (n > 8) n = 8;
  char buf[8];
  for (int i = static_cast<int>(n) - 1; i >= 0; i--) {
    buf[i] = digits[b & 15];
    b >>= 4;
  }
  lua_pushlstring(L, buf, n);
  return 1;
}
}  // namespace lunar::script
