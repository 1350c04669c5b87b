// Number parsing and formatting against Redis 7.0. The expected texts come from a real
// redis-server: INCRBY (string2ll), ZADD + ZSCORE in RESP2 and RESP3 (string2d, format_double;
// zset-max-listpack-entries 0 for -0), INCRBYFLOAT (string2ld, format_long_double).
#include "kernel/util/numbers.h"

#include <catch2/catch.hpp>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>

using namespace std::string_view_literals;

namespace {

bool ll(std::string_view s, long long* out) { return lunar::string2ll(s.data(), s.size(), out); }
bool dbl(std::string_view s, double* out) { return lunar::string2d(s.data(), s.size(), out); }
bool ldbl(std::string_view s, long double* out) {
  return lunar::string2ld(s.data(), s.size(), out);
}

std::string fmt_d(double d) {
  char buf[lunar::kMaxDoubleChars];
  size_t n = lunar::format_double(d, buf, sizeof buf);
  return std::string(buf, n);
}

std::string fmt_ld(long double d, bool human = true) {
  char buf[lunar::kMaxLongDoubleChars];
  size_t n = lunar::format_long_double(d, buf, sizeof buf, human);
  return std::string(buf, n);
}

}  // namespace

TEST_CASE("string2ll accepts what INCRBY accepts", "[numbers]") {
  long long v = 0;
  CHECK((ll("0", &v) && v == 0));
  CHECK((ll("-1", &v) && v == -1));
  CHECK((ll("7", &v) && v == 7));
  CHECK((ll("1234567890", &v) && v == 1234567890));
  CHECK((ll("9223372036854775807", &v) && v == LLONG_MAX));
  CHECK((ll("-9223372036854775808", &v) && v == LLONG_MIN));
  CHECK((ll("-9223372036854775807", &v) && v == -LLONG_MAX));
}

TEST_CASE("string2ll rejects what INCRBY rejects", "[numbers]") {
  long long v = 42;
  const std::string_view rejected[] = {""sv,
                                       "-"sv,
                                       "-0"sv,
                                       "+1"sv,
                                       " 1"sv,
                                       "1 "sv,
                                       "01"sv,
                                       "00"sv,
                                       "-01"sv,
                                       "1\0"sv,
                                       "\0001"sv,
                                       "9223372036854775808"sv,
                                       "-9223372036854775809"sv,
                                       "18446744073709551616"sv,
                                       "99999999999999999999"sv,
                                       "123456789012345678901"sv,
                                       "1e3"sv,
                                       "0x10"sv,
                                       "1.0"sv,
                                       "--1"sv,
                                       "a"sv,
                                       "1a"sv};
  for (std::string_view s : rejected) {
    INFO("input '" << s << "'");
    CHECK_FALSE(ll(s, &v));
  }
  CHECK(v == 42);  // untouched on failure
  long l;
  CHECK((lunar::string2l("-12", 3, &l) && l == -12));
  CHECK_FALSE(lunar::string2l("-0", 2, &l));
}

TEST_CASE("ll2string prints like %lld and checks room", "[numbers]") {
  char buf[32], ref[32];
  auto check = [&](long long v) {
    int n = lunar::ll2string(buf, sizeof buf, v);
    int m = snprintf(ref, sizeof ref, "%lld", v);
    REQUIRE(n == m);
    REQUIRE(std::string(buf) == std::string(ref));
  };
  check(0);
  check(LLONG_MAX);
  check(LLONG_MIN);
  for (long long p = 1; p <= LLONG_MAX / 10; p *= 10) {
    for (long long d : {-1LL, 0LL, 1LL}) {
      check(p + d);
      check(-(p + d));
    }
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; i++) check(static_cast<long long>(rng()) >> (rng() % 64));

  // Needs length + 1 bytes (the NUL); otherwise 0 and an empty string.
  CHECK(lunar::ll2string(buf, 4, 123) == 3);
  CHECK(lunar::ll2string(buf, 3, 123) == 0);
  CHECK(buf[0] == '\0');
  CHECK(lunar::ll2string(buf, 3, -12) == 0);
  CHECK(lunar::ll2string(buf, 4, -12) == 3);
  CHECK(std::string(buf) == "-12");
  CHECK(lunar::ll2string(buf, 20, LLONG_MIN) == 0);
  CHECK(lunar::ll2string(buf, 21, LLONG_MIN) == 20);
  CHECK(lunar::ll2string(buf, 0, 5) == 0);
}

TEST_CASE("string2d accepts what ZADD accepts; format_double replies like ZSCORE", "[numbers]") {
  // ZADD z <input> m; ZSCORE z m  -> text (same in RESP2 bulk and RESP3 double).
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"3.0", "3"},
      {"1e20", "1e+20"},
      {"1e21", "1e+21"},
      {"0.1", "0.10000000000000001"},
      {"0", "0"},
      {"-0", "-0"},
      {"1.5", "1.5"},
      {"0x10", "16"},
      {"0x1p3", "8"},
      {"1e-310", "9.9999999999999694e-311"},
      {"4.9e-324", "4.9406564584124654e-324"},
      {"inf", "inf"},
      {"+inf", "inf"},
      {"-inf", "-inf"},
      {"Infinity", "inf"},
      {"-Infinity", "-inf"},
      {"INF", "inf"},
      {".5", "0.5"},
      {"5.", "5"},
      {"+1.5", "1.5"},
      {"123456789.123456789", "123456789.12345679"},
      {"1e15", "1000000000000000"},
      {"1e16", "10000000000000000"},
      {"1e17", "1e+17"},
      {"12345678901234567890", "1.2345678901234567e+19"},
      {"0.000001", "9.9999999999999995e-07"},
      {"1e-5", "1.0000000000000001e-05"},
      {"1.7976931348623157e308", "1.7976931348623157e+308"},
      {"2.2250738585072014e-308", "2.2250738585072014e-308"},
      {"100", "100"},
  };
  for (const auto& [in, out] : cases) {
    INFO("input '" << in << "'");
    double d = 0;
    REQUIRE(dbl(in, &d));
    CHECK(fmt_d(d) == out);
  }
  double d = 0;
  std::string long_zero = std::string(10000, '0') + "1";
  CHECK((dbl(long_zero, &d) && d == 1));
}

TEST_CASE("string2d rejects what ZADD rejects", "[numbers]") {
  double d = 42;
  for (std::string_view s :
       {""sv, " 1"sv, "\t1"sv, "1 "sv, "1e500"sv, "-1e500"sv, "1e-400"sv, "nan"sv, "NaN"sv,
        "-nan"sv, "1e"sv, "1e+"sv, "."sv, "-"sv, "1\0"sv, "1\0abc"sv, "abc"sv, "0x"sv, "1,5"sv}) {
    INFO("input '" << s << "'");
    CHECK_FALSE(dbl(s, &d));
  }
  CHECK(d == 42);
}

TEST_CASE("format_double edge cases", "[numbers]") {
  CHECK(fmt_d(INFINITY) == "inf");
  CHECK(fmt_d(-INFINITY) == "-inf");
  CHECK(fmt_d(DBL_MAX) == "1.7976931348623157e+308");
  CHECK(fmt_d(-DBL_MIN) == "-2.2250738585072014e-308");
  CHECK(fmt_d(-2.5) == "-2.5");
  // Longest output fits kMaxDoubleChars; too small a buffer gives 0.
  CHECK(fmt_d(-1.2345678901234567e-300).size() == 24);
  char buf[8];
  CHECK(lunar::format_double(123.5, buf, 6) == 5);
  CHECK(std::string(buf) == "123.5");
  CHECK(lunar::format_double(123.5, buf, 5) == 0);
  CHECK(lunar::format_double(-INFINITY, buf, 5) == 4);
  CHECK(lunar::format_double(-INFINITY, buf, 4) == 0);
}

TEST_CASE("string2ld accepts what INCRBYFLOAT accepts", "[numbers]") {
  long double v = 0;
  CHECK((ldbl("0x1p3", &v) && v == 8));
  CHECK((ldbl("-0x10", &v) && v == -16));
  CHECK((ldbl("+1", &v) && v == 1));
  CHECK((ldbl("1.", &v) && v == 1));
  CHECK((ldbl("1e500", &v) && v > 1e308L));   // fits a long double, not a double
  CHECK((ldbl("1e-4940", &v) && v > 0));      // denormal long double: kept
  CHECK((ldbl("inf", &v) && std::isinf(v)));  // INCRBYFLOAT then refuses the infinity
  CHECK((ldbl("-Infinity", &v) && std::isinf(v) && v < 0));
  // Up to kMaxLongDoubleChars - 1 bytes.
  std::string s(lunar::kMaxLongDoubleChars - 2, '0');
  s += '1';
  CHECK((ldbl(s, &v) && v == 1));
  s.insert(s.begin(), '0');
  CHECK_FALSE(ldbl(s, &v));
}

TEST_CASE("string2ld rejects what INCRBYFLOAT rejects", "[numbers]") {
  long double v = 42;
  for (std::string_view s : {""sv, " 1"sv, "1 "sv, "1\0abc"sv, "nan"sv, "1e-4960"sv, "1e-5000"sv,
                             "1e5000"sv, "."sv, "-"sv, "1e"sv, "x"sv}) {
    INFO("input '" << s << "'");
    CHECK_FALSE(ldbl(s, &v));
  }
  CHECK(v == 42);
}

TEST_CASE("format_long_double replies like INCRBYFLOAT", "[numbers]") {
  // SET k <a>; INCRBYFLOAT k <b> -> text
  const std::tuple<std::string_view, std::string_view, std::string_view> cases[] = {
      {"10.5", "0.1", "10.6"},
      {"0", "5.0e3", "5000"},
      {"0", "1e20", "100000000000000000000"},
      {"0", "3.0e-17", "0.00000000000000003"},
      {"0", "3.0e-20", "0"},
      {"0", "-3.0e-18", "0"},
      {"0", "0x10", "16"},
      {"0", "0.1", "0.1"},
      {"0", "1.1", "1.1"},
      {"0", "-1.5", "-1.5"},
      {"0", "3", "3"},
      {"0", "-0", "0"},
      {"-0", "-0", "0"},
      {"0", "12345678901234567890.5", "12345678901234567890"},
      {"0", "1.23456789012345678901234", "1.23456789012345679"},
  };
  for (const auto& [a, b, out] : cases) {
    INFO(a << " + " << b);
    long double x = 0, y = 0;
    REQUIRE(ldbl(a, &x));
    REQUIRE(ldbl(b, &y));
    CHECK(fmt_ld(x + y) == out);
  }
  long double big;
  REQUIRE(ldbl("1e500", &big));
  std::string text = fmt_ld(big);
  CHECK(text.size() == 500);
  CHECK(text.substr(0, 60) == "999999999999999999975327126696628762274438804270626243448148");
  REQUIRE(ldbl("1e4900", &big));
  CHECK(fmt_ld(big).size() == 4901);
  CHECK(fmt_ld(INFINITY) == "inf");
  CHECK(fmt_ld(-INFINITY) == "-inf");
}

TEST_CASE("format_long_double non-human mode and room checks", "[numbers]") {
  char ref[64];
  for (long double v : {0.1L, 3.0L, 1e20L, -2.5e-30L, 123456789.123456789L}) {
    snprintf(ref, sizeof ref, "%.17Lg", v);
    CHECK(fmt_ld(v, false) == ref);
  }
  CHECK(fmt_ld(INFINITY, false) == "inf");
  // Room is checked on the untrimmed "%.17Lf" text: 1.5 prints "1.50000000000000000" first.
  char buf[32];
  CHECK(lunar::format_long_double(1.5L, buf, 20, true) == 3);
  CHECK(std::string(buf) == "1.5");
  CHECK(lunar::format_long_double(1.5L, buf, 19, true) == 0);
  // Infinities need room for "-inf" whatever the sign.
  CHECK(lunar::format_long_double(INFINITY, buf, 4, true) == 0);
  CHECK(lunar::format_long_double(INFINITY, buf, 5, true) == 3);
}
