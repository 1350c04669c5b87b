// cjson for scripts: JSON encode/decode with the behaviour of the lua-cjson 2.1.0 that Redis 7.0
// bundles (written from its documentation and Redis's observable behaviour, not its source).
//
// Module fields: encode, decode, null (a NULL light userdata), new (an independent copy with its
// own settings), _NAME, _VERSION, and the settings encode_sparse_array, encode_max_depth,
// decode_max_depth, encode_number_precision, encode_keep_buffer, encode_invalid_numbers,
// decode_invalid_numbers. Every function of one module shares a Config userdata (upvalue 1), so
// settings persist in the Lua state between calls, as in Redis.
//
// Encoding: numbers as "%.14g" (the precision setting), strings with \" \\ \/ \b \f \n \r \t and
// \u00xx for other control bytes and DEL, bytes >= 0x80 verbatim. A table whose keys are all
// positive integers is an array ([..], holes as null) unless it is "excessively sparse"; any
// other table is an object whose number keys are quoted; an empty table is {}. Object members
// come in lua_next order (so the order of a multi-key object is the hash order of LuaJIT).
//
// Decoding: the tokenizer reports "Expected <what> but found <token> at character <n>"; numbers
// go through strtod (so hex, inf, nan are read when decode_invalid_numbers is on, the default);
// null decodes to cjson.null; a NUL byte ends the text.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "kernel/script/libs.h"

namespace lunar::script {
namespace {

using libs::arg_error;

constexpr char kConfigMeta[] = "lunar.cjson.config";  // registry name of the Config metatable
constexpr int kDefaultMaxDepth = 1000;
constexpr int kDefaultPrecision = 14;
constexpr int kMaxPrecision = 14;

struct Config {
  int sparse_convert = 0;   // excessively sparse arrays become objects instead of an error
  int sparse_ratio = 2;     // "excessively sparse": max index > ratio * count and > safe
  int sparse_safe = 10;
  int encode_max_depth = kDefaultMaxDepth;
  int decode_max_depth = kDefaultMaxDepth;
  int precision = kDefaultPrecision;
  int keep_buffer = 1;      // keep `out`'s memory between calls
  int encode_invalid = 0;   // NaN/Inf: 0 error, 1 encode as inf/nan, 2 encode as null
  int decode_invalid = 1;   // accept hex, inf, nan, leading '+' and leading zeros
  std::string out;          // encode's output buffer; lives here so errors never leak it
  std::string scratch;      // decode's string token buffer, same reason
};

Config* config(lua_State* L) {
  return static_cast<Config*>(lua_touserdata(L, lua_upvalueindex(1)));
}

int config_gc(lua_State* L) {
  static_cast<Config*>(lua_touserdata(L, 1))->~Config();
  return 0;
}

// =============================================================================================
// Settings
// =============================================================================================

// Checks a setting function's argument count (at most `args`, else "found too many arguments"
// on argument args+1) and pads the stack with nils up to `args`.
void settings_args(lua_State* L, int args) {
  if (lua_gettop(L) > args) arg_error(L, args + 1, "found too many arguments");
  while (lua_gettop(L) < args) lua_pushnil(L);
}

// A boolean-or-option setting at argument idx: nil keeps it; a boolean sets 0/1; a string (or
// number) must name an option, index = value (luaL_checkoption's "invalid option 'x'").
// Pushes the current value: a boolean for 0/1, else the option's name.
void enum_setting(lua_State* L, int idx, int* setting, const char* const* options) {
  static const char* const kBoolOptions[] = {"off", "on", nullptr};
  if (options == nullptr) options = kBoolOptions;
  if (!lua_isnil(L, idx)) {
    if (lua_isboolean(L, idx)) {
      *setting = lua_toboolean(L, idx);
    } else {
      size_t len;
      const char* name = libs::check_lstring(L, idx, &len);
      int found = -1;
      for (int i = 0; options[i] != nullptr; i++) {
        if (std::strcmp(options[i], name) == 0) found = i;
      }
      if (found < 0) arg_error(L, idx, lua_pushfstring(L, "invalid option '%s'", name));
      *setting = found;
    }
  }
  if (*setting == 0 || *setting == 1) {
    lua_pushboolean(L, *setting);
  } else {
    lua_pushstring(L, options[*setting]);
  }
}

// An integer setting at argument idx within [min, max] (checked after the C int conversion, so
// 1e10 wraps as in Redis); the range error names argument #1 whatever idx is, as Redis does.
// Pushes the current value.
void int_setting(lua_State* L, int idx, int* setting, int min, int max) {
  if (!lua_isnil(L, idx)) {
    int value = libs::check_int(L, idx);
    if (value < min || value > max) {
      arg_error(L, 1, lua_pushfstring(L, "expected integer between %d and %d", min, max));
    }
    *setting = value;
  }
  lua_pushinteger(L, *setting);
}

int cfg_encode_sparse_array(lua_State* L) {
  Config* cfg = config(L);
  settings_args(L, 3);
  enum_setting(L, 1, &cfg->sparse_convert, nullptr);
  int_setting(L, 2, &cfg->sparse_ratio, 0, INT32_MAX);
  int_setting(L, 3, &cfg->sparse_safe, 0, INT32_MAX);
  return 3;
}

int cfg_encode_max_depth(lua_State* L) {
  settings_args(L, 1);
  int_setting(L, 1, &config(L)->encode_max_depth, 1, INT32_MAX);
  return 1;
}

int cfg_decode_max_depth(lua_State* L) {
  settings_args(L, 1);
  int_setting(L, 1, &config(L)->decode_max_depth, 1, INT32_MAX);
  return 1;
}

int cfg_encode_number_precision(lua_State* L) {
  settings_args(L, 1);
  int_setting(L, 1, &config(L)->precision, 1, kMaxPrecision);
  return 1;
}

int cfg_encode_keep_buffer(lua_State* L) {
  Config* cfg = config(L);
  settings_args(L, 1);
  enum_setting(L, 1, &cfg->keep_buffer, nullptr);
  if (!cfg->keep_buffer) std::string().swap(cfg->out);
  return 1;
}

int cfg_encode_invalid_numbers(lua_State* L) {
  static const char* const kOptions[] = {"off", "on", "null", nullptr};
  settings_args(L, 1);
  enum_setting(L, 1, &config(L)->encode_invalid, kOptions);
  return 1;
}

int cfg_decode_invalid_numbers(lua_State* L) {
  settings_args(L, 1);
  enum_setting(L, 1, &config(L)->decode_invalid, nullptr);
  return 1;
}

// =============================================================================================
// Encoding
// =============================================================================================

// Raises "Cannot serialise <type of the value at idx>: <reason>".
[[noreturn]] void encode_error(lua_State* L, int idx, const char* reason) {
  luaL_error(L, "Cannot serialise %s: %s", luaL_typename(L, idx), reason);
  std::abort();
}

void append_string(lua_State* L, int idx, std::string& out) {
  static const char kHex[] = "0123456789abcdef";
  size_t len;
  const char* s = lua_tolstring(L, idx, &len);
  out.reserve(out.size() + len + 2);
  out.push_back('"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '/': out.append("\\/"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          out.append(esc, sizeof esc);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void append_number(lua_State* L, Config* cfg, int idx, std::string& out) {
  double num = lua_tonumber(L, idx);
  bool invalid = std::isinf(num) || std::isnan(num);
  if (invalid) {
    if (cfg->encode_invalid == 0) encode_error(L, idx, "must not be NaN or Inf");
    if (cfg->encode_invalid == 2) {
      out.append("null");
      return;
    }
    if (std::isnan(num)) {  // never "-nan"
      out.append("nan");
      return;
    }
  }
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%.*g", cfg->precision, num);
  out.append(buf, static_cast<size_t>(n));
}

// The array length of the table at the top, or -1 when it encodes as an object: all keys must
// be integral numbers >= 1. The largest index is kept in a C int (x86 conversion: a key beyond
// INT_MAX makes it INT_MIN, so such tables become objects, as in Redis). Raises the sparse
// array error unless sparse_convert is set.
int array_length(lua_State* L, Config* cfg) {
  int max = 0;
  long long items = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    double k;
    if (lua_type(L, -2) == LUA_TNUMBER && (k = lua_tonumber(L, -2)) >= 1 && std::floor(k) == k) {
      if (k > max) max = k > INT32_MAX ? INT32_MIN : static_cast<int>(k);
      items++;
      lua_pop(L, 1);
      continue;
    }
    lua_pop(L, 2);
    return -1;
  }
  if (cfg->sparse_ratio > 0 && max > items * cfg->sparse_ratio && max > cfg->sparse_safe) {
    if (!cfg->sparse_convert) encode_error(L, -1, "excessively sparse array");
    return -1;
  }
  return max;
}

void append_value(lua_State* L, Config* cfg, int depth, std::string& out);

void append_array(lua_State* L, Config* cfg, int depth, int len, std::string& out) {
  out.push_back('[');
  for (int i = 1; i <= len; i++) {
    if (i > 1) out.push_back(',');
    lua_rawgeti(L, -1, i);
    append_value(L, cfg, depth, out);
    lua_pop(L, 1);
  }
  out.push_back(']');
}

void append_object(lua_State* L, Config* cfg, int depth, std::string& out) {
  out.push_back('{');
  bool first = true;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (!first) out.push_back(',');
    first = false;
    int key_type = lua_type(L, -2);
    if (key_type == LUA_TNUMBER) {
      out.push_back('"');
      append_number(L, cfg, -2, out);
      out.append("\":");
    } else if (key_type == LUA_TSTRING) {
      append_string(L, -2, out);
      out.push_back(':');
    } else {
      encode_error(L, -2, "table key must be a number or string");
    }
    append_value(L, cfg, depth, out);
    lua_pop(L, 1);
  }
  out.push_back('}');
}

// Appends the value at the top of the stack; `depth` counts the tables enclosing it.
void append_value(lua_State* L, Config* cfg, int depth, std::string& out) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING:
      append_string(L, -1, out);
      return;
    case LUA_TNUMBER:
      append_number(L, cfg, -1, out);
      return;
    case LUA_TBOOLEAN:
      out.append(lua_toboolean(L, -1) ? "true" : "false");
      return;
    case LUA_TNIL:
      out.append("null");
      return;
    case LUA_TTABLE: {
      depth++;
      if (depth > cfg->encode_max_depth || !lua_checkstack(L, 3)) {
        luaL_error(L, "Cannot serialise, excessive nesting (%d)", depth);
      }
      int len = array_length(L, cfg);
      if (len > 0) {
        append_array(L, cfg, depth, len, out);
      } else {
        append_object(L, cfg, depth, out);
      }
      return;
    }
    case LUA_TLIGHTUSERDATA:
      if (lua_touserdata(L, -1) == nullptr) {
        out.append("null");
        return;
      }
      [[fallthrough]];
    default:
      encode_error(L, -1, "type not supported");
  }
}

int json_encode(lua_State* L) {
  Config* cfg = config(L);
  if (lua_gettop(L) != 1) arg_error(L, 1, "expected 1 argument");
  cfg->out.clear();
  append_value(L, cfg, 0, cfg->out);
  lua_pushlstring(L, cfg->out.data(), cfg->out.size());
  if (!cfg->keep_buffer) std::string().swap(cfg->out);
  return 1;
}

// =============================================================================================
// Decoding
// =============================================================================================

enum TokenType {
  T_OBJ_BEGIN, T_OBJ_END, T_ARR_BEGIN, T_ARR_END, T_STRING, T_NUMBER, T_BOOLEAN, T_NULL,
  T_COLON, T_COMMA, T_END, T_ERROR
};

const char* const kTokenNames[] = {"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END",
                                   "T_STRING",    "T_NUMBER",  "T_BOOLEAN",   "T_NULL",
                                   "T_COLON",     "T_COMMA",   "T_END",       "T_ERROR"};

struct Token {
  TokenType type;
  size_t index;        // 0-based offset of the token (of the fault, for T_ERROR)
  double number;       // T_NUMBER
  bool boolean;        // T_BOOLEAN
  const char* error;   // T_ERROR: what was wrong
};

struct Parser {
  lua_State* L;
  Config* cfg;
  const char* data;    // NUL-terminated (Lua strings are)
  const char* ptr;
  int depth = 0;
};

void set_error(Parser& p, Token& t, const char* what) {
  t.type = T_ERROR;
  t.index = static_cast<size_t>(p.ptr - p.data);
  t.error = what;
}

// Numbers that JSON forbids but strtod reads: a leading '+', hex, leading zeros, inf and nan.
bool is_invalid_number(const char* p) {
  if (*p == '+') return true;
  if (*p == '-') p++;
  if (*p == '0') {
    char c = p[1];
    return (c | 0x20) == 'x' || (c >= '0' && c <= '9');
  }
  if (*p <= '9') return false;
  return strncasecmp(p, "inf", 3) == 0 || strncasecmp(p, "nan", 3) == 0;
}

void number_token(Parser& p, Token& t) {
  char* end;
  t.type = T_NUMBER;
  t.number = std::strtod(p.ptr, &end);
  if (end == p.ptr) {
    set_error(p, t, "invalid number");
  } else {
    p.ptr = end;
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(c | 0x20);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The code unit of "\uXXXX" at s, or -1.
long unicode_unit(const char* s) {
  if (s[0] != '\\' || s[1] != 'u') return -1;
  long v = 0;
  for (int i = 2; i < 6; i++) {
    int d = hex_digit(s[i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// A string token starting at the opening quote; its bytes go to cfg->scratch. Errors point at
// the fault: the end of the text, or the backslash of a bad escape.
void string_token(Parser& p, Token& t) {
  std::string& s = p.cfg->scratch;
  s.clear();
  p.ptr++;
  for (;;) {
    char c = *p.ptr;
    if (c == '"') break;
    if (c == '\0') {
      set_error(p, t, "unexpected end of string");
      return;
    }
    if (c != '\\') {
      s.push_back(c);
      p.ptr++;
      continue;
    }
    char e = p.ptr[1];
    char plain = 0;
    switch (e) {
      case '"': plain = '"'; break;
      case '\\': plain = '\\'; break;
      case '/': plain = '/'; break;
      case 'b': plain = '\b'; break;
      case 'f': plain = '\f'; break;
      case 'n': plain = '\n'; break;
      case 'r': plain = '\r'; break;
      case 't': plain = '\t'; break;
      case 'u': break;
      default:
        set_error(p, t, "invalid escape code");
        return;
    }
    if (plain != 0) {
      s.push_back(plain);
      p.ptr += 2;
      continue;
    }
    long unit = unicode_unit(p.ptr);
    size_t used = 6;
    unsigned long cp = static_cast<unsigned long>(unit);
    if (unit >= 0xdc00 && unit <= 0xdfff) unit = -1;  // a lone low surrogate
    if (unit >= 0xd800 && unit <= 0xdbff) {
      long low = unicode_unit(p.ptr + 6);
      if (low < 0xdc00 || low > 0xdfff) {
        unit = -1;
      } else {
        cp = 0x10000 + ((static_cast<unsigned long>(unit) & 0x3ff) << 10) +
             (static_cast<unsigned long>(low) & 0x3ff);
        used = 12;
      }
    }
    if (unit < 0) {
      set_error(p, t, "invalid unicode escape code");
      return;
    }
    append_utf8(s, cp);
    p.ptr += used;
  }
  p.ptr++;
  t.type = T_STRING;
}

void next_token(Parser& p, Token& t) {
  for (;;) {
    char c = *p.ptr;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      p.ptr++;
      continue;
    }
    break;
  }
  t.index = static_cast<size_t>(p.ptr - p.data);
  char c = *p.ptr;
  TokenType single = T_ERROR;
  switch (c) {
    case '{': single = T_OBJ_BEGIN; break;
    case '}': single = T_OBJ_END; break;
    case '[': single = T_ARR_BEGIN; break;
    case ']': single = T_ARR_END; break;
    case ':': single = T_COLON; break;
    case ',': single = T_COMMA; break;
    case '\0': t.type = T_END; return;
    default: break;
  }
  if (single != T_ERROR) {
    t.type = single;
    p.ptr++;
    return;
  }
  if (c == '"') {
    string_token(p, t);
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    if (!p.cfg->decode_invalid && is_invalid_number(p.ptr)) {
      set_error(p, t, "invalid number");
    } else {
      number_token(p, t);
    }
  } else if (std::strncmp(p.ptr, "true", 4) == 0) {
    t.type = T_BOOLEAN;
    t.boolean = true;
    p.ptr += 4;
  } else if (std::strncmp(p.ptr, "false", 5) == 0) {
    t.type = T_BOOLEAN;
    t.boolean = false;
    p.ptr += 5;
  } else if (std::strncmp(p.ptr, "null", 4) == 0) {
    t.type = T_NULL;
    p.ptr += 4;
  } else if (p.cfg->decode_invalid && is_invalid_number(p.ptr)) {
    number_token(p, t);
  } else {
    set_error(p, t, "invalid token");
  }
}

[[noreturn]] void parse_error(Parser& p, const char* expected, const Token& t) {
  const char* found = t.type == T_ERROR ? t.error : kTokenNames[t.type];
  luaL_error(p.L, "Expected %s but found %s at character %d", expected, found,
             static_cast<int>(t.index + 1));
  std::abort();
}

// Enters one more object/array level, raising past decode_max_depth (or the Lua stack limit).
void descend(Parser& p, int slots) {
  p.depth++;
  if (p.depth <= p.cfg->decode_max_depth && lua_checkstack(p.L, slots)) return;
  luaL_error(p.L, "Found too many nested data structures (%d) at character %d", p.depth,
             static_cast<int>(p.ptr - p.data));
}

void parse_value(Parser& p, Token& t);

void parse_object(Parser& p) {
  lua_State* L = p.L;
  descend(p, 3);
  lua_newtable(L);
  Token t;
  next_token(p, t);
  if (t.type == T_OBJ_END) {
    p.depth--;
    return;
  }
  for (;;) {
    if (t.type != T_STRING) parse_error(p, "object key string", t);
    lua_pushlstring(L, p.cfg->scratch.data(), p.cfg->scratch.size());
    next_token(p, t);
    if (t.type != T_COLON) parse_error(p, "colon", t);
    next_token(p, t);
    parse_value(p, t);
    lua_rawset(L, -3);
    next_token(p, t);
    if (t.type == T_OBJ_END) break;
    if (t.type != T_COMMA) parse_error(p, "comma or object end", t);
    next_token(p, t);
  }
  p.depth--;
}

void parse_array(Parser& p) {
  lua_State* L = p.L;
  descend(p, 2);
  lua_newtable(L);
  Token t;
  next_token(p, t);
  if (t.type == T_ARR_END) {
    p.depth--;
    return;
  }
  for (int i = 1;; i++) {
    parse_value(p, t);
    lua_rawseti(L, -2, i);
    next_token(p, t);
    if (t.type == T_ARR_END) break;
    if (t.type != T_COMMA) parse_error(p, "comma or array end", t);
    next_token(p, t);
  }
  p.depth--;
}

// Pushes the value that token t starts.
void parse_value(Parser& p, Token& t) {
  lua_State* L = p.L;
  switch (t.type) {
    case T_STRING:
      lua_pushlstring(L, p.cfg->scratch.data(), p.cfg->scratch.size());
      return;
    case T_NUMBER:
      lua_pushnumber(L, t.number);
      return;
    case T_BOOLEAN:
      lua_pushboolean(L, t.boolean);
      return;
    case T_NULL:
      lua_pushlightuserdata(L, nullptr);
      return;
    case T_OBJ_BEGIN:
      parse_object(p);
      return;
    case T_ARR_BEGIN:
      parse_array(p);
      return;
    default:
      parse_error(p, "value", t);
  }
}

int json_decode(lua_State* L) {
  Config* cfg = config(L);
  if (lua_gettop(L) != 1) arg_error(L, 1, "expected 1 argument");
  size_t len;
  const char* data = libs::check_lstring(L, 1, &len);
  // Text that starts with a NUL in its first two bytes is taken for UTF-16/32.
  if (len >= 2 && (data[0] == '\0' || data[1] == '\0')) {
    luaL_error(L, "JSON parser does not support UTF-16 or UTF-32");
  }
  Parser p{L, cfg, data, data};
  Token t;
  next_token(p, t);
  parse_value(p, t);
  next_token(p, t);
  if (t.type != T_END) parse_error(p, "the end", t);
  if (!cfg->keep_buffer) std::string().swap(cfg->scratch);
  return 1;
}

// =============================================================================================
// The module
// =============================================================================================

int cjson_new(lua_State* L);

// Pushes a module table whose functions share one new Config.
void push_module(lua_State* L) {
  static const luaL_Reg kFunctions[] = {
      {"encode", json_encode},
      {"decode", json_decode},
      {"encode_sparse_array", cfg_encode_sparse_array},
      {"encode_max_depth", cfg_encode_max_depth},
      {"decode_max_depth", cfg_decode_max_depth},
      {"encode_number_precision", cfg_encode_number_precision},
      {"encode_keep_buffer", cfg_encode_keep_buffer},
      {"encode_invalid_numbers", cfg_encode_invalid_numbers},
      {"decode_invalid_numbers", cfg_decode_invalid_numbers},
      {"new", cjson_new},
      {nullptr, nullptr},
  };
  lua_newtable(L);
  void* mem = lua_newuserdata(L, sizeof(Config));
  new (mem) Config();
  if (luaL_newmetatable(L, kConfigMeta)) {
    lua_pushcfunction(L, config_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  for (const luaL_Reg* f = kFunctions; f->name != nullptr; f++) {
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, f->func, 1);
    lua_setfield(L, -3, f->name);
  }
  lua_pop(L, 1);
  lua_pushlightuserdata(L, nullptr);
  lua_setfield(L, -2, "null");
  lua_pushliteral(L, "cjson");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "2.1.0");
  lua_setfield(L, -2, "_VERSION");
}

int cjson_new(lua_State* L) {
  push_module(L);
  return 1;
}

}  // namespace

int open_cjson(lua_State* L) {
  push_module(L);
  return 1;
}

}  // namespace lunar::script
