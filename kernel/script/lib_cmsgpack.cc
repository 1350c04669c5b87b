// cmsgpack for scripts: MessagePack with the behaviour of the lua-cmsgpack 0.4.0 that Redis 7.0
// bundles (written from its documentation and Redis's observable behaviour, not its source).
//
// pack(v1, ...) returns the concatenated encodings of its arguments:
//   nil, and every type MessagePack has no use for (functions, userdata, threads, cjson.null)
//   -> nil (0xc0); booleans -> 0xc2/0xc3; strings -> fixstr/str8/str16/str32 (never bin);
//   numbers with an exact int64 value -> the smallest (u)int form, others -> float32 when the
//   conversion is exact (inf too), else float64; a table whose keys are exactly 1..n -> array
//   (the empty table included), any other table -> map in lua_next order. Tables nested deeper
//   than 16 levels encode as nil.
// unpack(s) returns every value in s; unpack_one(s [, offset]) the next value preceded by the
// offset of the one after it (-1 at the end); unpack_limit(s, limit [, offset]) likewise up to
// `limit` values. Decoding accepts only what pack emits plus the other int/str/array/map forms:
// bin, ext and 0xc1 are "Bad data format in input."; uint64 reads as a signed int64, as in Redis.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "kernel/script/libs.h"

namespace lunar::script {
namespace {

constexpr int kMaxNesting = 16;  // tables below this many enclosing tables pack as nil
constexpr char kTooManyValues[] =
    "too many return values at once; use unpack_one or unpack_limit instead.";
constexpr char kArrayStack[] = "in function mp_decode_to_lua_array";

// =============================================================================================
// Encoding
// =============================================================================================

void put_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; i--) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_header(std::string& out, unsigned char tag, uint64_t v, int bytes) {
  out.push_back(static_cast<char>(tag));
  put_be(out, v, bytes);
}

void pack_int(std::string& out, int64_t n) {
  uint64_t u = static_cast<uint64_t>(n);
  if (n >= 0) {
    if (n <= 127) {
      out.push_back(static_cast<char>(n));
    } else if (n <= 0xff) {
      put_header(out, 0xcc, u, 1);
    } else if (n <= 0xffff) {
      put_header(out, 0xcd, u, 2);
    } else if (n <= 0xffffffffLL) {
      put_header(out, 0xce, u, 4);
    } else {
      put_header(out, 0xcf, u, 8);
    }
  } else if (n >= -32) {
    out.push_back(static_cast<char>(n));
  } else if (n >= -128) {
    put_header(out, 0xd0, u, 1);
  } else if (n >= -32768) {
    put_header(out, 0xd1, u, 2);
  } else if (n >= -2147483648LL) {
    put_header(out, 0xd2, u, 4);
  } else {
    put_header(out, 0xd3, u, 8);
  }
}

void pack_number(std::string& out, double d) {
  if (!std::isinf(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
      static_cast<double>(static_cast<int64_t>(d)) == d) {
    pack_int(out, static_cast<int64_t>(d));
    return;
  }
  float f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    put_header(out, 0xca, bits, 4);
  } else {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    put_header(out, 0xcb, bits, 8);
  }
}

void pack_bytes(std::string& out, const char* s, size_t len) {
  if (len < 32) {
    out.push_back(static_cast<char>(0xa0 | len));
  } else if (len <= 0xff) {
    put_header(out, 0xd9, len, 1);
  } else if (len <= 0xffff) {
    put_header(out, 0xda, len, 2);
  } else {
    put_header(out, 0xdb, len, 4);
  }
  out.append(s, len);
}

// Array headers (base 0x90/0xdc/0xdd) and map headers (0x80/0xde/0xdf).
void pack_length(std::string& out, size_t n, unsigned char fix, unsigned char tag16) {
  if (n <= 15) {
    out.push_back(static_cast<char>(fix | n));
  } else if (n <= 0xffff) {
    put_header(out, tag16, n, 2);
  } else {
    put_header(out, static_cast<unsigned char>(tag16 + 1), n, 4);
  }
}

// True when the keys of the table at the top are exactly 1..n (each an integer that fits a C
// int, counted against the largest), so it packs as an array.
bool is_array(lua_State* L) {
  long long count = 0;
  long long max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    double n;
    if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 || n > INT32_MAX ||
        static_cast<double>(static_cast<int>(n)) != n) {
      lua_pop(L, 1);
      return false;
    }
    if (n > max) max = static_cast<long long>(n);
    count++;
  }
  return max == count;
}

void pack_value(lua_State* L, std::string& out, int level);

void pack_table(lua_State* L, std::string& out, int level) {
  libs::check_stack(L, 3, "too many nested tables");
  if (is_array(L)) {
    size_t len = lua_objlen(L, -1);
    pack_length(out, len, 0x90, 0xdc);
    for (size_t i = 1; i <= len; i++) {
      lua_rawgeti(L, -1, static_cast<int>(i));
      pack_value(L, out, level + 1);
      lua_pop(L, 1);
    }
    return;
  }
  size_t count = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    count++;
  }
  pack_length(out, count, 0x80, 0xde);
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pushvalue(L, -2);
    pack_value(L, out, level + 1);  // the key
    lua_pop(L, 1);
    pack_value(L, out, level + 1);  // the value
    lua_pop(L, 1);
  }
}

// Appends the value at the top; `level` counts its enclosing tables.
void pack_value(lua_State* L, std::string& out, int level) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      pack_bytes(out, s, len);
      return;
    }
    case LUA_TBOOLEAN:
      out.push_back(lua_toboolean(L, -1) ? '\xc3' : '\xc2');
      return;
    case LUA_TNUMBER:
      pack_number(out, lua_tonumber(L, -1));
      return;
    case LUA_TTABLE:
      if (level < kMaxNesting) {
        pack_table(L, out, level);
        return;
      }
      [[fallthrough]];
    default:
      out.push_back('\xc0');
  }
}

int mp_pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) libs::arg_error(L, 0, "MessagePack pack needs input.");
  std::string out;
  for (int i = 1; i <= nargs; i++) {
    lua_pushvalue(L, i);
    pack_value(L, out, 0);
    lua_pop(L, 1);
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

// =============================================================================================
// Decoding
// =============================================================================================

struct Cursor {
  const unsigned char* p;
  size_t left;
};

[[noreturn]] void missing_bytes(lua_State* L) {
  luaL_error(L, "Missing bytes in input.");
  std::abort();
}

uint64_t take_be(lua_State* L, Cursor& c, int bytes) {
  if (c.left < static_cast<size_t>(bytes)) missing_bytes(L);
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++) v = (v << 8) | c.p[i];
  c.p += bytes;
  c.left -= static_cast<size_t>(bytes);
  return v;
}

void unpack_value(lua_State* L, Cursor& c);

void unpack_string(lua_State* L, Cursor& c, size_t len) {
  if (c.left < len) missing_bytes(L);
  lua_pushlstring(L, reinterpret_cast<const char*>(c.p), len);
  c.p += len;
  c.left -= len;
}

// Arrays take two stack slots per level (the table, the pending index), maps two (the table,
// the pending key); together with the check in unpack_value this puts the nesting limit where
// Redis's is (3999 levels under one argument, since both Luas cap a C function at 8000 slots).
void unpack_array(lua_State* L, Cursor& c, size_t len) {
  lua_newtable(L);
  for (size_t i = 1; i <= len; i++) {
    libs::check_stack(L, 1, kArrayStack);
    lua_pushnumber(L, static_cast<double>(i));
    unpack_value(L, c);
    lua_settable(L, -3);
  }
}

void unpack_map(lua_State* L, Cursor& c, size_t len) {
  lua_newtable(L);
  for (size_t i = 0; i < len; i++) {
    unpack_value(L, c);
    unpack_value(L, c);
    lua_settable(L, -3);  // raises "table index is nil" / "table index is NaN"
  }
}

double float_from_bits(uint64_t bits) {
  uint32_t b32 = static_cast<uint32_t>(bits);
  float f;
  std::memcpy(&f, &b32, sizeof f);
  return f;
}

double double_from_bits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// Pushes the next value at the cursor, which holds at least one byte.
void unpack_value(lua_State* L, Cursor& c) {
  libs::check_stack(L, 1, kTooManyValues);
  if (c.left == 0) missing_bytes(L);
  unsigned char tag = *c.p++;
  c.left--;
  switch (tag) {
    case 0xc0: lua_pushnil(L); return;
    case 0xc2: lua_pushboolean(L, 0); return;
    case 0xc3: lua_pushboolean(L, 1); return;
    case 0xcc: lua_pushnumber(L, static_cast<double>(take_be(L, c, 1))); return;
    case 0xcd: lua_pushnumber(L, static_cast<double>(take_be(L, c, 2))); return;
    case 0xce: lua_pushnumber(L, static_cast<double>(take_be(L, c, 4))); return;
    case 0xcf:  // read as signed, as Redis's cmsgpack does
    case 0xd3:
      lua_pushnumber(L, static_cast<double>(static_cast<int64_t>(take_be(L, c, 8))));
      return;
    case 0xd0:
      lua_pushnumber(L, static_cast<int8_t>(take_be(L, c, 1)));
      return;
    case 0xd1:
      lua_pushnumber(L, static_cast<int16_t>(take_be(L, c, 2)));
      return;
    case 0xd2:
      lua_pushnumber(L, static_cast<int32_t>(take_be(L, c, 4)));
      return;
    case 0xca: lua_pushnumber(L, float_from_bits(take_be(L, c, 4))); return;
    case 0xcb: lua_pushnumber(L, double_from_bits(take_be(L, c, 8))); return;
    case 0xd9: unpack_string(L, c, take_be(L, c, 1)); return;
    case 0xda: unpack_string(L, c, take_be(L, c, 2)); return;
    case 0xdb: unpack_string(L, c, take_be(L, c, 4)); return;
    case 0xdc: unpack_array(L, c, take_be(L, c, 2)); return;
    case 0xdd: unpack_array(L, c, take_be(L, c, 4)); return;
    case 0xde: unpack_map(L, c, take_be(L, c, 2)); return;
    case 0xdf: unpack_map(L, c, take_be(L, c, 4)); return;
    default: break;
  }
  if ((tag & 0x80) == 0) {
    lua_pushnumber(L, tag);
  } else if ((tag & 0xe0) == 0xe0) {
    lua_pushnumber(L, static_cast<int8_t>(tag));
  } else if ((tag & 0xe0) == 0xa0) {
    unpack_string(L, c, tag & 0x1f);
  } else if ((tag & 0xf0) == 0x90) {
    unpack_array(L, c, tag & 0x0f);
  } else if ((tag & 0xf0) == 0x80) {
    unpack_map(L, c, tag & 0x0f);
  } else {
    luaL_error(L, "Bad data format in input.");
  }
}

// The three unpack entry points. With limit == 0 and offset == 0 every value is returned;
// otherwise at most `limit` values, preceded by the offset of the next undecoded byte (-1 when
// none is left). The string must be the only argument left when offset or limit is used.
// Offsets and limits are 64-bit; the error texts print their low 32 bits (and the input length
// where the limit belongs), as Redis's do.
int unpack_full(lua_State* L, int64_t limit, int64_t offset) {
  size_t len;
  const char* s = libs::check_lstring(L, 1, &len);
  if (offset < 0 || limit < 0) {
    luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
               static_cast<int>(offset), static_cast<int>(len));
  } else if (static_cast<uint64_t>(offset) > len) {
    luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
               static_cast<int>(len));
  }
  bool decode_all = limit == 0 && offset == 0;
  if (decode_all) limit = INT64_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - static_cast<size_t>(offset)};
  int count = 0;
  while (c.left > 0 && count < limit) {
    unpack_value(L, c);
    count++;
  }
  if (decode_all) return count;
  libs::check_stack(L, 1, "in function mp_unpack_full");
  lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(len - c.left));
  lua_insert(L, 2);
  return count + 1;
}

int mp_unpack(lua_State* L) { return unpack_full(L, 0, 0); }

int mp_unpack_one(lua_State* L) {
  int64_t offset = libs::opt_integer(L, 2, 0);
  lua_settop(L, 1);
  return unpack_full(L, 1, offset);
}

int mp_unpack_limit(lua_State* L) {
  int64_t limit = libs::check_integer(L, 2);
  int64_t offset = libs::opt_integer(L, 3, 0);
  lua_settop(L, 1);
  return unpack_full(L, limit, offset);
}

}  // namespace

int open_cmsgpack(lua_State* L) {
  static const luaL_Reg kFunctions[] = {
      {"pack", mp_pack},
      {"unpack", mp_unpack},
      {"unpack_one", mp_unpack_one},
      {"unpack_limit", mp_unpack_limit},
      {nullptr, nullptr},
  };
  lua_newtable(L);
  for (const luaL_Reg* f = kFunctions; f->name != nullptr; f++) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, -2, f->name);
  }
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  return 1;
}

}  // namespace lunar::script
