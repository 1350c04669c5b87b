// RespParser against Redis 7.0: every accepted form, error text and limit below was checked by
// sending the same raw bytes to a real redis-server (its replies show how it split the request;
// protocol errors come back as "-ERR Protocol error: ..." and close the connection).
#include "kernel/net/resp_parser.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace std::string_literals;
using namespace std::string_view_literals;
using lunar::net::ParseLimits;
using lunar::net::ParseStatus;
using lunar::net::RespParser;

namespace {

// One parse() outcome: a command's arguments, an empty request, an error, or "need more" at the
// end of the input.
struct Event {
  ParseStatus status;
  std::vector<std::string> args;
  std::string error;
  bool operator==(const Event& o) const {
    return status == o.status && args == o.args && error == o.error;
  }
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
  switch (e.status) {
    case ParseStatus::kCommand:
      os << "command";
      for (const auto& a : e.args) os << " [" << a << "]";
      return os;
    case ParseStatus::kEmpty:
      return os << "empty";
    case ParseStatus::kNeedMore:
      return os << "need-more";
    case ParseStatus::kError:
      return os << "error: " << e.error;
  }
  return os;
}

Event cmd(std::vector<std::string> args) {
  return Event{ParseStatus::kCommand, std::move(args), {}};
}
Event empty() { return Event{ParseStatus::kEmpty, {}, {}}; }
Event need_more() { return Event{ParseStatus::kNeedMore, {}, {}}; }
Event error(std::string text) { return Event{ParseStatus::kError, {}, std::move(text)}; }

// Feeds `input` to a parser as a client connection would: the bytes arrive in pieces ending at
// `cuts` (then the rest), the unconsumed bytes are passed again after each read and, with
// `move`, from a fresh copy each call so that nothing may point into an old buffer. Returns
// the outcomes, ending with need-more or an error.
std::vector<Event> feed(std::string_view input, const std::vector<size_t>& cuts, bool move,
                        RespParser* parser) {
  std::vector<Event> events;
  std::string buf;
  size_t off = 0;
  size_t fed = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t end : ends) {
    if (end < fed) continue;
    buf.append(input.substr(fed, end - fed));
    fed = end;
    for (;;) {
      std::string copy;
      const char* data = buf.data() + off;
      size_t len = buf.size() - off;
      if (move) {
        copy.assign(data, len);
        data = copy.data();
      }
      size_t consumed = 12345;
      ParseStatus st = parser->parse(data, len, &consumed);
      if (st == ParseStatus::kNeedMore) {
        REQUIRE(consumed == 0);
        break;
      }
      if (st == ParseStatus::kError) {
        events.push_back(error(std::string(parser->error())));
        return events;
      }
      REQUIRE(consumed > 0);
      REQUIRE(consumed <= len);
      Event e{st, {}, {}};
      for (const lunar_str& a : parser->argv()) e.args.emplace_back(a.ptr, a.len);
      events.push_back(std::move(e));
      off += consumed;
    }
  }
  events.push_back(need_more());
  return events;
}

std::vector<Event> feed_whole(std::string_view input, const ParseLimits* limits = nullptr) {
  RespParser p(limits);
  return feed(input, {}, false, &p);
}

std::vector<size_t> every_byte(size_t n) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < n; i++) cuts.push_back(i);
  return cuts;
}

std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

std::string multibulk(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += bulk(a);
  return out;
}

// The first outcome of parsing `input` whole; also checks that byte-at-a-time gives the same.
Event first_event(std::string_view input) {
  std::vector<Event> whole = feed_whole(input);
  RespParser p(nullptr);
  std::vector<Event> bytewise = feed(input, every_byte(input.size()), true, &p);
  REQUIRE(whole == bytewise);
  return whole.front();
}

}  // namespace

TEST_CASE("pipelined multibulk and inline requests parse the same at every split", "[parser]") {
  std::string big(20000, 'v');
  for (size_t i = 0; i < big.size(); i += 97) big[i] = static_cast<char>(i);  // CR, LF, NUL...
  std::string binary("a\r\n\0b\n", 6);
  std::string input = multibulk({"SET", "k", big}) +
                      "PING\r\n"
                      "\r\n"
                      "*0\r\n"
                      "ECHO \"a b\\x41\" 'c\\'d'\n"
                      "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
                      "*-1\r\n"
                      "   \t  \r\n"
                      "*1\r\n$4\r\nPING\r\n"
                      "GET  k\tx\r\n"
                      "\n" +
                      multibulk({"GET", binary}) + "*3\r\n$3\r\nDEL\r\n$1\r\n";
  const std::vector<Event> expected = {
      cmd({"SET", "k", big}),
      cmd({"PING"}),
      empty(),
      empty(),
      cmd({"ECHO", "a bA", "c'd"}),
      cmd({"ECHO", ""}),
      empty(),
      empty(),
      cmd({"PING"}),
      cmd({"GET", "k", "x"}),
      empty(),
      cmd({"GET", binary}),
      need_more(),
  };
  REQUIRE(feed_whole(input) == expected);

  for (size_t cut = 0; cut <= input.size(); cut++) {
    RespParser p(nullptr);
    INFO("split at " << cut);
    REQUIRE(feed(input, {cut}, false, &p) == expected);
  }

  RespParser bytewise(nullptr);
  CHECK(feed(input, every_byte(input.size()), true, &bytewise) == expected);

  std::mt19937 rng(11);
  for (int round = 0; round < 200; round++) {
    std::vector<size_t> cuts;
    for (size_t at = 0; at < input.size(); at += 1 + rng() % 3000) cuts.push_back(at);
    RespParser p(nullptr);
    REQUIRE(feed(input, cuts, true, &p) == expected);
  }
}

TEST_CASE("arguments are views into the caller's bytes", "[parser]") {
  RespParser p(nullptr);
  std::string input = multibulk({"SET", "key", "value"});
  size_t consumed;
  REQUIRE(p.parse(input.data(), input.size(), &consumed) == ParseStatus::kCommand);
  REQUIRE(consumed == input.size());
  REQUIRE(p.argv().size() == 3);
  for (const lunar_str& a : p.argv()) {
    CHECK(a.ptr >= input.data());
    CHECK(a.ptr + a.len <= input.data() + input.size());
  }
  std::string line = "SET key value\r\n";
  REQUIRE(p.parse(line.data(), line.size(), &consumed) == ParseStatus::kCommand);
  CHECK(p.argv()[1].ptr == line.data() + 4);
  // Quoted inline arguments are unescaped into the parser's own storage.
  std::string quoted = "SET \"k\\ty\" v\r\n";
  REQUIRE(p.parse(quoted.data(), quoted.size(), &consumed) == ParseStatus::kCommand);
  CHECK(std::string_view(p.argv()[1].ptr, p.argv()[1].len) == "k\ty");
  CHECK(std::string_view(p.argv()[2].ptr, p.argv()[2].len) == "v");
}

TEST_CASE("large bulks arrive in many reads", "[parser]") {
  std::string a(1 << 20, 'a'), b(3 << 20, 'b');
  std::string input = multibulk({"MSET", "k1", a, "k2", b});
  RespParser p(nullptr);
  std::string buf;
  size_t consumed = 0;
  ParseStatus st = ParseStatus::kNeedMore;
  size_t read_size = 16 * 1024;
  size_t hinted = 0;
  for (size_t at = 0; at < input.size(); at += read_size) {
    buf.append(input, at, read_size);  // growing may move the buffer
    st = p.parse(buf.data(), buf.size(), &consumed);
    if (st != ParseStatus::kNeedMore) break;
    hinted = std::max(hinted, p.bytes_needed_hint());
  }
  REQUIRE(st == ParseStatus::kCommand);
  CHECK(consumed == input.size());
  REQUIRE(p.argv().size() == 5);
  CHECK(std::string_view(p.argv()[2].ptr, p.argv()[2].len) == a);
  CHECK(std::string_view(p.argv()[4].ptr, p.argv()[4].len) == b);
  CHECK(hinted == input.size());  // known once the last bulk's length line is in
}

TEST_CASE("bytes_needed_hint tells the request's size up to the bulk being read", "[parser]") {
  RespParser p(nullptr);
  size_t consumed;
  std::string in = "*2\r\n$3\r\nGET\r\n$100\r\nabc";
  REQUIRE(p.parse(in.data(), in.size(), &consumed) == ParseStatus::kNeedMore);
  CHECK(p.bytes_needed_hint() == in.size() - 3 + 100 + 2);
  in += "defg";
  REQUIRE(p.parse(in.data(), in.size(), &consumed) == ParseStatus::kNeedMore);
  CHECK(p.bytes_needed_hint() == in.size() - 7 + 100 + 2);
  std::string header_only = "*2\r\n$3\r\nGET\r\n$10";
  RespParser q(nullptr);
  REQUIRE(q.parse(header_only.data(), header_only.size(), &consumed) == ParseStatus::kNeedMore);
  CHECK(q.bytes_needed_hint() == 0);
}

TEST_CASE("a million arguments in many reads parse in linear time", "[parser]") {
  const size_t n = 1000000;
  std::string input = "*" + std::to_string(n) + "\r\n";
  for (size_t i = 0; i < n; i++) input += "$1\r\nx\r\n";
  auto start = std::chrono::steady_clock::now();
  RespParser p(nullptr);
  std::string buf;
  size_t consumed = 0;
  ParseStatus st = ParseStatus::kNeedMore;
  for (size_t at = 0; at < input.size(); at += 16 * 1024) {
    buf.append(input, at, 16 * 1024);
    st = p.parse(buf.data(), buf.size(), &consumed);
  }
  REQUIRE(st == ParseStatus::kCommand);
  CHECK(p.argv().size() == n);
  CHECK(consumed == input.size());
  // Rescanning from the start on every read would be ~450x the work: minutes, not seconds.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("inline requests split as Redis's sdssplitargs", "[parser]") {
  const std::pair<std::string_view, std::vector<std::string>> cases[] = {
      {"PING\n", {"PING"}},
      {"ECHO a\vb\r\n", {"ECHO", "a\vb"}},  // \v separates arguments only after a quote
      {"\vECHO ab\r\n", {"ECHO", "ab"}},
      {"ECHO \"a\"\vb\r\n", {"ECHO", "a", "b"}},
      {"ECHO a\fb\r\n", {"ECHO", "a\fb"}},
      {"ECHO \"\\x41\\x4a\\xzz\\n\\q\"\r\n", {"ECHO", "AJxzz\nq"}},
      {"ECHO \"\\xFF\\xfF\\x0\"\r\n", {"ECHO", "\xff\xffx0"}},
      {"ECHO \"\\t\\r\\b\\a\\\\\"\r\n", {"ECHO", "\t\r\b\a\\"}},
      {"ECHO \"a\\\"b\"\r\n", {"ECHO", "a\"b"}},
      {"ECHO 'a\\'b\\n'\r\n", {"ECHO", "a'b\\n"}},
      {"ECHO \"a'b\"\r\n", {"ECHO", "a'b"}},
      {"ECHO foo\"bar baz\"\r\n", {"ECHO", "foobar baz"}},
      {"ECHO \"\"\r\n", {"ECHO", ""}},
      {"ECHO a\rb\r\n", {"ECHO", "a", "b"}},
      {"ECHO a\r\r\n", {"ECHO", "a"}},
      {"\r\rPING\r\n", {"PING"}},
      {" *1\r\n", {"*1"}},  // only a first byte '*' makes a multibulk request
      {"SET k \xff\x80\r\n", {"SET", "k", "\xff\x80"}},
  };
  for (const auto& [in, args] : cases) {
    INFO("input: " << in);
    CHECK(first_event(in) == cmd(args));
  }
  for (std::string_view in : {"\r\n"sv, "\n"sv, "   \t \r\n"sv, "\v\f\r\n"sv}) {
    CHECK(first_event(in) == empty());
  }
}

TEST_CASE("multibulk oddities Redis accepts", "[parser]") {
  CHECK(first_event("*-5\r\n") == empty());
  // The byte after a count line's '\r' and the two after a bulk are skipped unchecked.
  CHECK(feed_whole("*1\rX$4\r\nPINGxx") == std::vector<Event>{cmd({"PING"}), need_more()});
  CHECK(feed_whole("*1\r\n$4\rXPING\r\n") == std::vector<Event>{cmd({"PING"}), need_more()});
  CHECK(feed_whole("*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n") ==
        std::vector<Event>{cmd({"PING"}), cmd({"PING"}), need_more()});
  // Counts Redis 7.0 takes (it waits for the arguments).
  CHECK(first_event("*1048577\r\n") == need_more());
  CHECK(first_event("*2147483647\r\n") == need_more());
  CHECK(first_event("*1\r\n$536870912\r\n") == need_more());
}

TEST_CASE("protocol errors carry Redis's exact text", "[parser]") {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"*2147483648\r\n", "invalid multibulk length"},
      {"*abc\r\n", "invalid multibulk length"},
      {"*-0\r\n", "invalid multibulk length"},
      {"*\r\n", "invalid multibulk length"},
      {"*+1\r\n", "invalid multibulk length"},
      {"*01\r\n", "invalid multibulk length"},
      {"*2 \r\n", "invalid multibulk length"},
      {"*1\r\n$-1\r\n", "invalid bulk length"},
      {"*1\r\n$536870913\r\n", "invalid bulk length"},
      {"*1\r\n$abc\r\n", "invalid bulk length"},
      {"*1\r\n$04\r\n", "invalid bulk length"},
      {"*1\r\n$-0\r\n", "invalid bulk length"},
      {"*1\r\n$ 4\r\n", "invalid bulk length"},
      {"*1\r\n$4 \r\n", "invalid bulk length"},
      {"*1\r\n$\r\n", "invalid bulk length"},
      {"*1\r\nx\r\n", "expected '$', got 'x'"},
      {"*1\r\n*1\r\n", "expected '$', got '*'"},
      {"*1\r\n\r\n", "expected '$', got ' '"},  // CR and LF become spaces in error replies
      {"*1\r\n\n\r\n", "expected '$', got ' '"},
      {"*1\r\n\x01\r\n", "expected '$', got '\x01'"},
      {"*1\r\n\xff\r\n", "expected '$', got '\xff'"},
      {"*2\r\n$4\r\nECHO\r\nPING\r\n", "expected '$', got 'P'"},
      {"\"a\r\n", "unbalanced quotes in request"},
      {"'a\r\n", "unbalanced quotes in request"},
      {"\"a\"b\r\n", "unbalanced quotes in request"},
      {"ECHO 'a'b\r\n", "unbalanced quotes in request"},
      {"ECHO foo\"bar baz\"qux\r\n", "unbalanced quotes in request"},
      {"ECHO \"abc\\\r\n", "unbalanced quotes in request"},
      {"ECHO \"a\"'b'\r\n", "unbalanced quotes in request"},
  };
  for (const auto& [in, text] : cases) {
    INFO("input: " << in);
    CHECK(first_event(in) == error("ERR Protocol error: " + std::string(text)));
  }
}

TEST_CASE("after an error the parser stays failed until reset", "[parser]") {
  RespParser p(nullptr);
  size_t consumed;
  std::string bad = "*x\r\n";
  REQUIRE(p.parse(bad.data(), bad.size(), &consumed) == ParseStatus::kError);
  std::string good = "PING\r\n";
  CHECK(p.parse(good.data(), good.size(), &consumed) == ParseStatus::kError);
  p.reset();
  CHECK(p.error().empty());
  CHECK(p.parse(good.data(), good.size(), &consumed) == ParseStatus::kCommand);
}

TEST_CASE("lines without a terminator are limited to 64KB", "[parser]") {
  const size_t k = 64 * 1024;
  // Inline: more than 64KB without '\n' is an error; a longer line that is complete is not.
  CHECK(first_event(std::string(k, 'a')) == need_more());
  CHECK(feed_whole(std::string(k + 1, 'a')).front() ==
        error("ERR Protocol error: too big inline request"));
  CHECK(feed_whole(std::string(k, 'a') + "\r").front() ==
        error("ERR Protocol error: too big inline request"));
  CHECK(feed_whole("ECHO " + std::string(k + 100, 'a') + "\r\n").front() ==
        cmd({"ECHO", std::string(k + 100, 'a')}));
  // Multibulk count line ('\r' ends it; '\n' alone does not).
  CHECK(feed_whole("*" + std::string(k - 1, '1')).front() == need_more());
  CHECK(feed_whole("*" + std::string(k, '1')).front() ==
        error("ERR Protocol error: too big mbulk count string"));
  CHECK(feed_whole("*1\n" + std::string(k, 'x')).front() ==
        error("ERR Protocol error: too big mbulk count string"));
  // Bulk length line: counted from its own start.
  CHECK(feed_whole("*1\r\n$" + std::string(k - 1, '1')).front() == need_more());
  CHECK(feed_whole("*1\r\n$" + std::string(k, '1')).front() ==
        error("ERR Protocol error: too big bulk count string"));
  CHECK(feed_whole("*1\r\n" + std::string(k + 1, 'x')).front() ==
        error("ERR Protocol error: too big bulk count string"));
}

TEST_CASE("a NUL before the line end stalls the request as in Redis", "[parser]") {
  // Redis looks for line ends with strchr(): a NUL hides them until the request is too big.
  const size_t k = 64 * 1024;
  CHECK(first_event("*1\x00\r\n$4\r\nPING\r\n"sv) == need_more());
  CHECK(feed_whole("*1\x00\r\n"s + std::string(k, 'x')).front() ==
        error("ERR Protocol error: too big mbulk count string"));
  CHECK(first_event("*1\r\n$4\x00\r\nPING\r\n"sv) == need_more());
  CHECK(first_event("*1\r\n\x00$4\r\nPING\r\n"sv) == need_more());
  CHECK(feed_whole("*1\r\n\x00"s + std::string(k + 10, 'x')).front() ==
        error("ERR Protocol error: too big bulk count string"));
  CHECK(first_event("ECHO a\0b c\r\n"sv) == need_more());
  CHECK(feed_whole("ECHO a\x00"s + std::string(k - 7, 'x')).front() == need_more());
  CHECK(feed_whole("ECHO a\x00"s + std::string(k - 6, 'x')).front() ==
        error("ERR Protocol error: too big inline request"));
  // NULs inside a bulk are data.
  CHECK(first_event("*1\r\n$3\r\na\0b\r\n"sv) == cmd({std::string("a\0b", 3)}));
}

TEST_CASE("limits apply as configured, also when changed between calls", "[parser]") {
  ParseLimits limits;
  limits.max_bulk_len = 10;
  CHECK(feed_whole("*1\r\n$10\r\n0123456789\r\n", &limits).front() == cmd({"0123456789"}));
  CHECK(feed_whole("*1\r\n$11\r\n", &limits).front() ==
        error("ERR Protocol error: invalid bulk length"));
  limits.max_multibulk = 5;
  CHECK(feed_whole("*5\r\n", &limits).front() == need_more());
  CHECK(feed_whole("*6\r\n", &limits).front() ==
        error("ERR Protocol error: invalid multibulk length"));
  limits.max_inline = 10;
  CHECK(feed_whole("0123456789", &limits).front() == need_more());
  CHECK(feed_whole("0123456789a", &limits).front() ==
        error("ERR Protocol error: too big inline request"));

  // CONFIG SET proto-max-bulk-len between two requests of one connection.
  ParseLimits live;
  RespParser p(&live);
  size_t consumed;
  std::string in = "*1\r\n$20\r\n01234567890123456789\r\n";
  REQUIRE(p.parse(in.data(), in.size(), &consumed) == ParseStatus::kCommand);
  live.max_bulk_len = 19;
  CHECK(p.parse(in.data(), in.size(), &consumed) == ParseStatus::kError);
  CHECK(p.error() == "ERR Protocol error: invalid bulk length");
}

TEST_CASE("clients that must still AUTH get Redis's smaller caps", "[parser]") {
  RespParser p(nullptr);
  p.set_unauthenticated(true);
  size_t consumed;
  std::string ok = "*10\r\n";
  CHECK(p.parse(ok.data(), ok.size(), &consumed) == ParseStatus::kNeedMore);
  p.reset();
  std::string big_count = "*11\r\n";
  CHECK(p.parse(big_count.data(), big_count.size(), &consumed) == ParseStatus::kError);
  CHECK(p.error() == "ERR Protocol error: unauthenticated multibulk length");
  p.reset();
  std::string ok_bulk = "*1\r\n$16384\r\n";
  CHECK(p.parse(ok_bulk.data(), ok_bulk.size(), &consumed) == ParseStatus::kNeedMore);
  p.reset();
  std::string big_bulk = "*1\r\n$16385\r\n";
  CHECK(p.parse(big_bulk.data(), big_bulk.size(), &consumed) == ParseStatus::kError);
  CHECK(p.error() == "ERR Protocol error: unauthenticated bulk length");
  p.reset();
  p.set_unauthenticated(false);
  CHECK(p.parse(big_bulk.data(), big_bulk.size(), &consumed) == ParseStatus::kNeedMore);
}
