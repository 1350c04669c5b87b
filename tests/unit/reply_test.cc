// The reply encoder: RESP3-shaped calls, encoded for RESP3 and downgraded for RESP2 as Redis does.
#include <catch2/catch.hpp>

#include <string>

#include "kernel/net/reply.h"

using lunar::Agg;
using lunar::RespWriter;

namespace {
template <typename F>
std::string enc(int proto, F&& f) {
  std::string out;
  RespWriter w(&out, proto);
  f(w);
  return out;
}
}  // namespace

TEST_CASE("reply: scalars in both protocols", "[reply]") {
  auto both = [](auto f, const std::string& r2, const std::string& r3) {
    REQUIRE(enc(2, f) == r2);
    REQUIRE(enc(3, f) == r3);
  };
  both([](RespWriter& w) { w.simple("OK"); }, "+OK\r\n", "+OK\r\n");
  both([](RespWriter& w) { w.integer(-42); }, ":-42\r\n", ":-42\r\n");
  both([](RespWriter& w) { w.bulk(std::string_view("a\0b", 3)); }, std::string("$3\r\na\0b\r\n", 9),
       std::string("$3\r\na\0b\r\n", 9));
  both([](RespWriter& w) { w.null(); }, "$-1\r\n", "_\r\n");
  both([](RespWriter& w) { w.null_array(); }, "*-1\r\n", "_\r\n");
  both([](RespWriter& w) { w.boolean(true); }, ":1\r\n", "#t\r\n");
  both([](RespWriter& w) { w.boolean(false); }, ":0\r\n", "#f\r\n");
  both([](RespWriter& w) { w.dbl(1.5); }, "$3\r\n1.5\r\n", ",1.5\r\n");
  both([](RespWriter& w) { w.bignum("123456789012345678901234567890"); },
       "$30\r\n123456789012345678901234567890\r\n", "(123456789012345678901234567890\r\n");
  both([](RespWriter& w) { w.verbatim("txt", "hi"); }, "$2\r\nhi\r\n", "=6\r\ntxt:hi\r\n");
}

TEST_CASE("reply: bulk of binary content is exact", "[reply]") {
  std::string payload = std::string("x\0\r\n", 4);
  REQUIRE(enc(2, [&](RespWriter& w) { w.bulk(payload); }) == std::string("$4\r\nx\0\r\n\r\n", 10));
}

TEST_CASE("reply: errors are one line and counted", "[reply]") {
  REQUIRE(enc(2, [](RespWriter& w) { w.error("ERR bad\r\nthing"); }) == "-ERR bad  thing\r\n");
}

TEST_CASE("reply: aggregates downgrade for RESP2", "[reply]") {
  auto map = [](RespWriter& w) {
    w.aggregate(Agg::kMap, 2);
    w.bulk("a");
    w.integer(1);
    w.bulk("b");
    w.aggregate(Agg::kSet, 1);
    w.bulk("x");
  };
  REQUIRE(enc(2, map) == "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*1\r\n$1\r\nx\r\n");
  REQUIRE(enc(3, map) == "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n~1\r\n$1\r\nx\r\n");
}

TEST_CASE("reply: deferred lengths, nested, closed innermost first", "[reply]") {
  auto f = [](RespWriter& w) {
    w.simple("before");
    w.aggregate(Agg::kArray, -1);
    w.integer(1);
    w.aggregate(Agg::kMap, -1);
    w.bulk("k");
    w.bulk("v");
    w.set_length(Agg::kMap, 1);
    w.set_length(Agg::kArray, 2);
  };
  REQUIRE(enc(2, f) == "+before\r\n*2\r\n:1\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
  REQUIRE(enc(3, f) == "+before\r\n*2\r\n:1\r\n%1\r\n$1\r\nk\r\n$1\r\nv\r\n");
  auto empty = [](RespWriter& w) {
    w.aggregate(Agg::kArray, -1);
    w.set_length(Agg::kArray, 0);
  };
  REQUIRE(enc(2, empty) == "*0\r\n");
}
