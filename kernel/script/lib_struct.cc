// struct for scripts: binary packing with the behaviour of Roberto Ierusalimschy's struct
// library as Redis 7.0 bundles it (written from its documentation and Redis's observable
// behaviour, not its source).
//
// struct.pack(fmt, v1, ...) -> string; struct.unpack(fmt, s [, pos]) -> v1, ..., next pos;
// struct.size(fmt) -> bytes. Format options:
//   > < big / little endian (native: little)   ! [n]  max alignment n (default 8); starts at 1
//   x one zero byte        b B char   h H short   l L long (8)   T size_t (8)
//   i I [n] n-byte integer (default 4, at most 32; beyond 8 bytes the upper bytes are zero on
//   pack and the x86 shift arithmetic of the original on unpack)   f float   d double
//   c [n] n bytes (default 1; c0: the whole string on pack, the preceding number's count on
//   unpack)   s zero-terminated string   ' ' ignored
// Numbers convert to integers as the original's C casts do on x86-64 (truncation; out-of-range
// values wrap to the "integer indefinite" value), so packing any double gives Redis's bytes.
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "kernel/script/libs.h"

namespace lunar::script {
namespace {

constexpr int kMaxIntSize = 32;  // largest i/I size
constexpr int kMaxAlign = 8;     // "!" without a number
constexpr double kTwo63 = 9223372036854775808.0;

struct Header {
  bool little = true;  // x86-64 is little endian
  int align = 1;
};

// A size or alignment after an option letter, or `def` when no digit follows.
int read_number(lua_State* L, const char** fmt, int def) {
  if (!std::isdigit(static_cast<unsigned char>(**fmt))) return def;
  int a = 0;
  do {
    int digit = **fmt - '0';
    if (a > INT_MAX / 10 || a * 10 > INT_MAX - digit) luaL_error(L, "integral size overflow");
    a = a * 10 + digit;
    (*fmt)++;
  } while (std::isdigit(static_cast<unsigned char>(**fmt)));
  return a;
}

// The size of option `opt` (reading its number), 0 for options that take no room of their own.
size_t option_size(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'B': case 'b': return 1;
    case 'H': case 'h': return 2;
    case 'L': case 'l': case 'T': case 'd': return 8;
    case 'f': return 4;
    case 'x': return 1;
    case 'c': return static_cast<size_t>(read_number(L, fmt, 1));
    case 'i': case 'I': {
      int size = read_number(L, fmt, 4);
      if (size > kMaxIntSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", size, kMaxIntSize);
      }
      return static_cast<size_t>(size);
    }
    default: return 0;
  }
}

// Padding before an item of `size` bytes at offset `len`, for the current maximum alignment.
size_t padding(size_t len, const Header& h, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > static_cast<size_t>(h.align)) size = static_cast<size_t>(h.align);
  return (size - (len & (size - 1))) & (size - 1);
}

// Endianness, alignment and spaces; anything else is "invalid format option".
void control_option(lua_State* L, char opt, const char** fmt, Header& h) {
  switch (opt) {
    case ' ': return;
    case '>': h.little = false; return;
    case '<': h.little = true; return;
    case '!': {
      int a = read_number(L, fmt, kMaxAlign);
      if (a == 0 || (a & (a - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", a);
      h.align = a;
      return;
    }
    default:
      libs::arg_error(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
  }
}

// =============================================================================================
// pack
// =============================================================================================

// A double as the original's (unsigned long long) / (long long) casts give it on x86-64.
uint64_t integer_bits(double n) {
  if (n < 0) return static_cast<uint64_t>(libs::truncate_i64(n));
  if (n >= kTwo63) return static_cast<uint64_t>(libs::truncate_i64(n - kTwo63)) ^ (1ULL << 63);
  return static_cast<uint64_t>(libs::truncate_i64(n));  // NaN lands here: INT64_MIN's bits
}

void put_integer(std::string& out, uint64_t value, bool little, size_t size) {
  char buf[kMaxIntSize];
  for (size_t i = 0; i < size; i++) {
    buf[little ? i : size - 1 - i] = static_cast<char>(value & 0xff);
    value = i + 1 < 8 ? value >> 8 : 0;
  }
  out.append(buf, size);
}

void put_bytes(std::string& out, const void* p, size_t size, bool little) {
  const char* b = static_cast<const char*>(p);
  if (little) {
    out.append(b, size);
  } else {
    for (size_t i = size; i > 0; i--) out.push_back(b[i - 1]);
  }
}

int st_pack(lua_State* L) {
  const char* fmt = libs::check_lstring(L, 1, nullptr);
  // The original leaves a nil on the stack after the arguments, so the first missing value
  // reads "got nil" and later ones "got no value".
  lua_pushnil(L);
  Header h;
  std::string out;
  int arg = 2;
  size_t total = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = option_size(L, opt, &fmt);
    size_t pad = padding(total, h, opt, size);
    total += pad;
    out.append(pad, '\0');
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        put_integer(out, integer_bits(libs::check_number(L, arg++)), h.little, size);
        break;
      case 'x':
        out.push_back('\0');
        break;
      case 'f': {
        float f = static_cast<float>(libs::check_number(L, arg++));
        put_bytes(out, &f, sizeof f, h.little);
        break;
      }
      case 'd': {
        double d = libs::check_number(L, arg++);
        put_bytes(out, &d, sizeof d, h.little);
        break;
      }
      case 'c': case 's': {
        size_t len;
        const char* s = libs::check_lstring(L, arg++, &len);
        if (size == 0) size = len;
        if (len < size) libs::arg_error(L, arg, "string too short");
        out.append(s, size);
        if (opt == 's') {
          out.push_back('\0');
          size++;
        }
        break;
      }
      default:
        control_option(L, opt, &fmt, h);
    }
    total += size;
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

// =============================================================================================
// unpack and size
// =============================================================================================

// An integer of `size` bytes; beyond 8 bytes the high bytes shift out and the sign mask uses
// the shift count modulo 64, as the original does on x86-64.
double get_integer(const unsigned char* p, bool little, bool is_signed, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; i++) v = (v << 8) | p[little ? size - 1 - i : i];
  if (!is_signed) return static_cast<double>(v);
  if (size == 0) return 0;
  uint64_t mask = ~0ULL << ((size * 8 - 1) & 63);
  if (v & mask) v |= mask;
  return static_cast<double>(static_cast<int64_t>(v));
}

int st_unpack(lua_State* L) {
  const char* fmt = libs::check_lstring(L, 1, nullptr);
  size_t ld;
  const char* data = libs::check_lstring(L, 2, &ld);
  // Only 0 is refused here: a negative or too large position is "data string too short" below
  // (Redis's arithmetic can wrap there and read outside the string; this one cannot).
  size_t pos = static_cast<size_t>(libs::opt_integer(L, 3, 1));
  if (pos == 0) libs::arg_error(L, 3, "offset must be 1 or greater");
  pos--;
  Header h;
  int n = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = option_size(L, opt, &fmt);
    pos += padding(pos, h, opt, size);
    if (size > ld || pos > ld - size) libs::arg_error(L, 2, "data string too short");
    libs::check_stack(L, 2, "too many results");
    const unsigned char* at = reinterpret_cast<const unsigned char*>(data) + pos;
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        lua_pushnumber(L, get_integer(at, h.little, std::islower(opt) != 0, size));
        n++;
        break;
      case 'x':
        break;
      case 'f': {
        unsigned char b[4];
        for (int i = 0; i < 4; i++) b[i] = at[h.little ? i : 3 - i];
        float f;
        std::memcpy(&f, b, sizeof f);
        lua_pushnumber(L, f);
        n++;
        break;
      }
      case 'd': {
        unsigned char b[8];
        for (int i = 0; i < 8; i++) b[i] = at[h.little ? i : 7 - i];
        double d;
        std::memcpy(&d, b, sizeof d);
        lua_pushnumber(L, d);
        n++;
        break;
      }
      case 'c': {
        if (size == 0) {
          if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
          size = static_cast<size_t>(libs::truncate_i64(lua_tonumber(L, -1)));
          lua_pop(L, 1);
          n--;
          if (size > ld || pos > ld - size) libs::arg_error(L, 2, "data string too short");
        }
        lua_pushlstring(L, data + pos, size);
        n++;
        break;
      }
      case 's': {
        const void* end = std::memchr(data + pos, '\0', ld - pos);
        if (end == nullptr) luaL_error(L, "unfinished string in data");
        size = static_cast<size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
        lua_pushlstring(L, data + pos, size - 1);
        n++;
        break;
      }
      default:
        control_option(L, opt, &fmt, h);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return n + 1;
}

int st_size(lua_State* L) {
  const char* fmt = libs::check_lstring(L, 1, nullptr);
  Header h;
  size_t pos = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = option_size(L, opt, &fmt);
    pos += padding(pos, h, opt, size);
    if (opt == 's') {
      libs::arg_error(L, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      libs::arg_error(L, 1, "option 'c0' has no fixed size");
    }
    // Letters without a meaning count as size 0 here (pack and unpack reject them).
    if (!std::isalnum(static_cast<unsigned char>(opt))) control_option(L, opt, &fmt, h);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

}  // namespace

int open_struct(lua_State* L) {
  static const luaL_Reg kFunctions[] = {
      {"pack", st_pack},
      {"unpack", st_unpack},
      {"size", st_size},
      {nullptr, nullptr},
  };
  lua_newtable(L);
  for (const luaL_Reg* f = kFunctions; f->name != nullptr; f++) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, -2, f->name);
  }
  return 1;
}

}  // namespace lunar::script
