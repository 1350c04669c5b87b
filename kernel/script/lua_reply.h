// Conversions between command replies and Lua values, with Redis 7's rules.
//
// LuaSink is the ReplySink a script's redis.call hands to the command: it builds the Lua value
// of the reply directly on the Lua stack (no RESP round trip), shaped by the script's protocol
// (redis.setresp): RESP2 turns maps into flat arrays, doubles and big numbers into strings,
// booleans into 1 / nil; RESP3 keeps them as {map=}, {set=}, {double=}, {big_number=},
// {verbatim_string=} tables and booleans. Status replies become {ok=...}, errors {err=...}.
//
// reply_from_lua writes a script's return value to a client (or any sink).
#pragma once
#include <lua.hpp>

#include <string>
#include <vector>

#include "kernel/net/reply.h"

namespace lunar::script {

class LuaSink final : public ReplySink {
 public:
  // Builds one value on top of L's stack, for a script speaking `resp` (2 or 3).
  LuaSink(lua_State* L, int resp) : L_(L), resp_(resp) {}
  // True when the (top-level) reply was an error; its table is on the stack.
  bool error_reply() const { return top_error_; }
  // The number of complete top-level values pushed (1 for a well-behaved command).
  int values() const { return values_; }

  void simple(std::string_view s) override;
  void error(std::string_view s) override;
  void integer(long long v) override;
  void bulk(std::string_view s) override;
  void null() override;
  void null_array() override;
  void dbl(double d) override;
  void boolean(bool b) override;
  void bignum(std::string_view digits) override;
  void verbatim(std::string_view fmt3, std::string_view s) override;
  void aggregate(Agg kind, long n) override;
  void set_length(Agg kind, long n) override;

 private:
  struct Frame {
    Agg kind;
    long remaining;  // -1 while deferred
    int next_index = 1;
    bool have_key = false;  // a map key waits under the value
  };
  void push_status_table(const char* field, std::string_view s);
  void done();         // a value is complete on the stack: add it to its parent
  void close_frame();  // the aggregate on top is complete
  lua_State* L_;
  int resp_;
  std::vector<Frame> frames_;
  bool top_error_ = false;
  int values_ = 0;
};

// Writes the Lua value at `idx` as a reply. `script_resp` is the script's redis.setresp: with 2,
// booleans answer 1 / null as in RESP2.
void reply_from_lua(lua_State* L, int idx, ReplySink* out, int script_resp);

// Pushes {err="<CODE> <message>"} built from an error text as Redis does: "-CODE msg" or
// "CODE msg" keep their code when the text starts with '-', any other text gets "ERR ".
void push_error_table(lua_State* L, std::string_view text);

// Formats a Lua number as a command argument ("%.17g", as Redis 7.0).
size_t format_number_arg(double d, char* buf, size_t size);

}  // namespace lunar::script
