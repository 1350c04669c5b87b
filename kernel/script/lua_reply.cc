#include "kernel/script/lua_reply.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "kernel/util/numbers.h"

namespace lunar::script {

// ---------------------------------------------------------------------------------------------
// Replies -> Lua
// ---------------------------------------------------------------------------------------------
void LuaSink::push_status_table(const char* field, std::string_view s) {
  lua_createtable(L_, 0, 1);
  lua_pushlstring(L_, s.data(), s.size());
  lua_setfield(L_, -2, field);
}

void LuaSink::simple(std::string_view s) {
  push_status_table("ok", s);
  done();
}

void LuaSink::error(std::string_view s) {
  if (frames_.empty()) top_error_ = true;
  push_error_table(L_, s);
  done();
}

void LuaSink::integer(long long v) {
  lua_pushnumber(L_, static_cast<lua_Number>(v));
  done();
}

void LuaSink::bulk(std::string_view s) {
  lua_pushlstring(L_, s.data(), s.size());
  done();
}

void LuaSink::null() {
  if (resp_ == 2)
    lua_pushboolean(L_, 0);
  else
    lua_pushnil(L_);
  done();
}

void LuaSink::null_array() { null(); }

void LuaSink::dbl(double d) {
  if (resp_ == 2) {
    char buf[128];
    size_t n = format_double(d, buf, sizeof buf);
    lua_pushlstring(L_, buf, n);
  } else {
    lua_createtable(L_, 0, 1);
    lua_pushnumber(L_, d);
    lua_setfield(L_, -2, "double");
  }
  done();
}

void LuaSink::boolean(bool b) {
  if (resp_ == 2) {
    lua_pushnumber(L_, b ? 1 : 0);
  } else {
    lua_pushboolean(L_, b);
  }
  done();
}

void LuaSink::bignum(std::string_view digits) {
  if (resp_ == 2) {
    lua_pushlstring(L_, digits.data(), digits.size());
  } else {
    push_status_table("big_number", digits);
  }
  done();
}

void LuaSink::verbatim(std::string_view fmt3, std::string_view s) {
  if (resp_ == 2) {
    lua_pushlstring(L_, s.data(), s.size());
  } else {
    lua_createtable(L_, 0, 1);
    lua_createtable(L_, 0, 2);
    lua_pushlstring(L_, s.data(), s.size());
    lua_setfield(L_, -2, "string");
    lua_pushlstring(L_, fmt3.data(), fmt3.size() < 3 ? fmt3.size() : 3);
    lua_setfield(L_, -2, "format");
    lua_setfield(L_, -2, "verbatim_string");
  }
  done();
}

void LuaSink::aggregate(Agg kind, long n) {
  lua_checkstack(L_, 4);
  // RESP2 reads maps and sets as plain arrays (a map of n pairs has 2n elements).
  if (resp_ == 2 && (kind == Agg::kMap || kind == Agg::kSet)) {
    if (kind == Agg::kMap && n > 0) n *= 2;
    kind = Agg::kArray;
  }
  if (kind == Agg::kPush) kind = Agg::kArray;
  lua_createtable(L_, kind == Agg::kArray && n > 0 ? static_cast<int>(n) : 0,
                  kind != Agg::kArray && n > 0 ? static_cast<int>(n) : 0);
  frames_.push_back({kind, n});
  if (n == 0) close_frame();
}

void LuaSink::set_length(Agg, long) {
  // Deferred aggregates close innermost first: the open deferred frame on top is the one.
  if (!frames_.empty() && frames_.back().remaining < 0) close_frame();
}

void LuaSink::close_frame() {
  Frame f = frames_.back();
  frames_.pop_back();
  if (f.kind == Agg::kMap || f.kind == Agg::kSet) {
    // {map = {...}} / {set = {...}}
    lua_createtable(L_, 0, 1);
    lua_insert(L_, -2);
    lua_setfield(L_, -2, f.kind == Agg::kMap ? "map" : "set");
  }
  done();
}

void LuaSink::done() {
  if (frames_.empty()) {
    values_++;
    return;
  }
  Frame& f = frames_.back();
  switch (f.kind) {
    case Agg::kMap:
      if (!f.have_key) {
        f.have_key = true;
        return;  // the value comes next; the map's element count moves by the pair
      }
      f.have_key = false;
      lua_rawset(L_, -3);
      break;
    case Agg::kSet:
      lua_pushboolean(L_, 1);
      lua_rawset(L_, -3);
      break;
    default:
      lua_rawseti(L_, -2, f.next_index++);
      break;
  }
  if (f.remaining > 0 && --f.remaining == 0) close_frame();
}

void push_error_table(lua_State* L, std::string_view text) {
  std::string msg;
  if (!text.empty() && text[0] == '-') {
    text.remove_prefix(1);
    size_t sp = text.find(' ');
    if (sp == std::string_view::npos) {
      msg = "ERR ";
      msg.append(text);
    } else {
      msg.assign(text);
    }
  } else if (!text.empty()) {
    // Kernel and module error texts carry their code already ("ERR ...", "WRONGTYPE ...").
    msg.assign(text);
  } else {
    msg = "ERR";
  }
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.pop_back();
  lua_createtable(L, 0, 1);
  lua_pushlstring(L, msg.data(), msg.size());
  lua_setfield(L, -2, "err");
}

size_t format_number_arg(double d, char* buf, size_t size) {
  int n = std::snprintf(buf, size, "%.17g", d);
  return n < 0 ? 0 : static_cast<size_t>(n);
}

// ---------------------------------------------------------------------------------------------
// Lua -> replies
// ---------------------------------------------------------------------------------------------
namespace {

// Status and error texts cannot hold CR or LF: Redis maps them to spaces.
std::string no_newlines(const char* s, size_t n) {
  std::string r(s, n);
  for (char& ch : r)
    if (ch == '\r' || ch == '\n') ch = ' ';
  return r;
}

long long lua_number_to_ll(double d) {
  // (long long) of a value out of range is what x86 gives: the smallest long long.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return LLONG_MIN;
  return static_cast<long long>(d);
}

// Field `name` of the table at idx, pushed (raw get); returns its type.
int raw_field(lua_State* L, int idx, const char* name) {
  lua_pushstring(L, name);
  lua_rawget(L, idx);
  return lua_type(L, -1);
}

void write(lua_State* L, ReplySink* out, int script_resp, int depth);

void write_table(lua_State* L, ReplySink* out, int script_resp, int depth) {
  int t = lua_gettop(L);
  if (raw_field(L, t, "err") == LUA_TSTRING) {
    size_t n;
    const char* s = lua_tolstring(L, -1, &n);
    std::string text = no_newlines(s, n);
    lua_pop(L, 1);
    // An error redis.pcall returned was counted in INFO errorstats when it happened.
    bool counted = raw_field(L, t, "ignore_error_stats_update") != LUA_TNIL && lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (counted)
      out->error_counted(text);
    else
      out->error(text);
    return;
  }
  lua_pop(L, 1);
  if (raw_field(L, t, "ok") == LUA_TSTRING) {
    size_t n;
    const char* s = lua_tolstring(L, -1, &n);
    out->simple(no_newlines(s, n));
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  if (raw_field(L, t, "double") == LUA_TNUMBER) {
    out->dbl(lua_tonumber(L, -1));
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  if (raw_field(L, t, "big_number") == LUA_TSTRING) {
    size_t n;
    const char* s = lua_tolstring(L, -1, &n);
    out->bignum(no_newlines(s, n));
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  if (raw_field(L, t, "map") == LUA_TTABLE) {
    if (!lua_checkstack(L, 4)) {  // key, value and a copy of the key on top of the map
      lua_pop(L, 1);
      out->error("ERR reached lua stack limit");
      return;
    }
    int m = lua_gettop(L);
    out->aggregate(Agg::kMap, -1);
    long pairs = 0;
    lua_pushnil(L);
    while (lua_next(L, m)) {
      lua_pushvalue(L, -2);  // key copy on top: write key, then value
      write(L, out, script_resp, depth + 1);
      write(L, out, script_resp, depth + 1);
      pairs++;
    }
    out->set_length(Agg::kMap, pairs);
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  if (raw_field(L, t, "set") == LUA_TTABLE) {
    int m = lua_gettop(L);
    out->aggregate(Agg::kSet, -1);
    long members = 0;
    lua_pushnil(L);
    while (lua_next(L, m)) {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      write(L, out, script_resp, depth + 1);
      members++;
    }
    out->set_length(Agg::kSet, members);
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  if (raw_field(L, t, "verbatim_string") == LUA_TTABLE) {
    int v = lua_gettop(L);
    int ft = raw_field(L, v, "format");
    int st = raw_field(L, v, "string");
    if (ft == LUA_TSTRING && st == LUA_TSTRING) {
      size_t fn, sn;
      const char* f = lua_tolstring(L, -2, &fn);
      const char* s = lua_tolstring(L, -1, &sn);
      out->verbatim(std::string_view(f, fn), std::string_view(s, sn));
      lua_pop(L, 3);
      return;
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  // An array: elements 1, 2, ... up to the first nil.
  out->aggregate(Agg::kArray, -1);
  long n = 0;
  for (int j = 1;; j++) {
    lua_rawgeti(L, t, j);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    write(L, out, script_resp, depth + 1);
    n++;
  }
  out->set_length(Agg::kArray, n);
}

// Writes the value on top of the stack and pops it.
void write(lua_State* L, ReplySink* out, int script_resp, int depth) {
  // Redis's Lua runs out of C stack slots (LUAI_MAXCSTACK) after 7995 nested tables; so does
  // this with 3 free slots asked per level.
  if (depth > 7995 || !lua_checkstack(L, 3)) {
    lua_pop(L, 1);
    out->error("ERR reached lua stack limit");
    return;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t n;
      const char* s = lua_tolstring(L, -1, &n);
      out->bulk(std::string_view(s, n));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1))
          out->integer(1);
        else
          out->null();
      } else {
        out->boolean(lua_toboolean(L, -1));
      }
      break;
    case LUA_TNUMBER:
      out->integer(lua_number_to_ll(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE:
      write_table(L, out, script_resp, depth);
      break;
    default:
      out->null();
      break;
  }
  lua_pop(L, 1);
}

}  // namespace

void reply_from_lua(lua_State* L, int idx, ReplySink* out, int script_resp) {
  lua_pushvalue(L, idx);
  write(L, out, script_resp, 0);
}

}  // namespace lunar::script
