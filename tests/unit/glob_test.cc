// glob_match against Redis 7.0's stringmatchlen: every row of the table below was checked with
// KEYS against a real redis-server (nocase rows with COMMAND LIST FILTERBY PATTERN, which
// matches case-insensitively).
#include "kernel/util/glob.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <string_view>

using namespace std::string_view_literals;
using lunar::glob_match;

namespace {

struct GlobCase {
  std::string_view pattern;
  std::string_view str;
  bool match;
};

}  // namespace

TEST_CASE("glob_match agrees with Redis KEYS", "[glob]") {
  const std::string a60(60, 'a');
  const GlobCase cases[] = {
      {""sv, ""sv, true},
      {""sv, "a"sv, false},
      {"a"sv, ""sv, false},
      {"?"sv, ""sv, false},
      {"**"sv, ""sv, false},
      {"*"sv, "a"sv, true},
      {"hello"sv, "hello"sv, true},
      {"hello"sv, "hell"sv, false},
      {"hello"sv, "helloo"sv, false},
      {"h?llo"sv, "hallo"sv, true},
      {"h?llo"sv, "hllo"sv, false},
      {"h*llo"sv, "hllo"sv, true},
      {"h*llo"sv, "heeeello"sv, true},
      {"h*llo"sv, "hello world"sv, false},
      {"*"sv, "anything"sv, true},
      {"a*"sv, "a"sv, true},
      {"*a"sv, "a"sv, true},
      {"a**b"sv, "ab"sv, true},
      {"a*b*c"sv, "axxbyyc"sv, true},
      {"a*b*c"sv, "axxbyy"sv, false},
      {"*?"sv, "x"sv, true},
      {"*??"sv, "x"sv, false},
      {"h[ae]llo"sv, "hello"sv, true},
      {"h[ae]llo"sv, "hallo"sv, true},
      {"h[ae]llo"sv, "hillo"sv, false},
      {"h[^e]llo"sv, "hallo"sv, true},
      {"h[^e]llo"sv, "hello"sv, false},
      {"h[a-b]llo"sv, "hbllo"sv, true},
      {"h[a-b]llo"sv, "hcllo"sv, false},
      {"h[b-a]llo"sv, "hallo"sv, true},
      {"[z-a]"sv, "m"sv, true},
      {"[^a-c]"sv, "d"sv, true},
      {"[^a-c]"sv, "b"sv, false},
      {"\\*"sv, "*"sv, true},
      {"\\*"sv, "a"sv, false},
      {"a\\?"sv, "a?"sv, true},
      {"a\\?"sv, "ab"sv, false},
      {"a\\"sv, "a\\"sv, true},
      {"\\\\"sv, "\\"sv, true},
      {"\\a"sv, "a"sv, true},
      {"[\\]]"sv, "]"sv, true},
      {"[\\^]"sv, "^"sv, true},
      {"[\\-]"sv, "-"sv, true},
      {"[a\\-z]"sv, "m"sv, false},
      {"[a\\-z]"sv, "-"sv, true},
      {"[]]"sv, "]"sv, false},
      {"[]a]"sv, "a"sv, false},
      {"["sv, "a"sv, false},
      {"a["sv, "a"sv, false},
      {"a["sv, "ab"sv, false},
      {"[a"sv, "a"sv, true},
      {"[ab"sv, "b"sv, true},
      {"[ab"sv, "c"sv, false},
      {"a[^"sv, "ab"sv, true},
      {"a[^"sv, "a"sv, false},
      {"[^"sv, "x"sv, true},
      {"[a-]"sv, "-"sv, false},
      {"[a-]"sv, "]"sv, true},
      {"[a-]"sv, "_"sv, true},
      {"[a-]"sv, "a"sv, true},
      {"[a-]x"sv, "x"sv, true},
      {"[a-]x"sv, "]x"sv, false},
      {"[a-"sv, "a"sv, true},
      {"[a-"sv, "-"sv, true},
      {"[-a]"sv, "-"sv, true},
      {"[-]"sv, "-"sv, true},
      {"[^]"sv, "a"sv, true},
      {"[^]]"sv, "a"sv, false},
      {"[^]]"sv, "]"sv, false},
      {"[*]"sv, "*"sv, true},
      {"[*]"sv, "a"sv, false},
      {"[?]"sv, "a"sv, false},
      {"[?]"sv, "?"sv, true},
      {"*["sv, "ab"sv, false},
      {"*\\"sv, "a\\"sv, true},
      {"[\\"sv, "\\"sv, true},
      {"[\\"sv, "a"sv, false},
      {"\377"sv, "\377"sv, true},
      {"?"sv, "\377"sv, true},
      {"[a-\377]"sv, "\377"sv, true},
      {"[a-\377]"sv, "b"sv, false},
      {"[a-\377]"sv, "B"sv, true},
      {"[a-\377]"sv, "\200"sv, false},
      {"[\200-\377]"sv, "\220"sv, true},
      {"[\200-\377]"sv, "a"sv, false},
      {"[\000-\177]"sv, "\220"sv, false},
      {"[\000-\177]"sv, "a"sv, true},
      {"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"sv, a60, false},
      {"*a*b"sv, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"sv, true},
      {"a\000b"sv, "a\000b"sv, true},
      {"a?b"sv, "a\000b"sv, true},
      {"*\000"sv, "xy\000"sv, true},
      {"ab"sv, "AB"sv, false},
      {"[A-Z]"sv, "a"sv, false},
      {"H*"sv, "hello"sv, false},
  };
  for (const GlobCase& c : cases) {
    INFO("pattern '" << c.pattern << "' string '" << c.str << "'");
    CHECK(glob_match(c.pattern, c.str, false) == c.match);
  }
}

TEST_CASE("glob_match nocase folds ASCII letters only", "[glob]") {
  // Checked with COMMAND LIST FILTERBY PATTERN.
  CHECK(glob_match("GET", "get", true));
  CHECK(glob_match("G?t", "get", true));
  CHECK(glob_match("[G]et", "get", true));
  CHECK(glob_match("[F-H]ET", "get", true));
  CHECK(glob_match("[H-F]ET", "get", true));
  CHECK(glob_match("CONFIG|*", "config|get", true));
  // An escaped byte inside brackets compares case-sensitively.
  CHECK_FALSE(glob_match("[\\G]et", "get", true));
  CHECK(glob_match("[\\g]et", "get", true));
  // Ranges fold after ordering their ends: [Z-a] becomes z..a and matches nothing.
  CHECK_FALSE(glob_match("[Z-a]*", "get", true));
  CHECK_FALSE(glob_match("[Z-a]*", "Zzz", true));
  CHECK(glob_match("\303\211", "\303\211", true));
  CHECK_FALSE(glob_match("\303\211", "\303\251", true));  // no folding beyond ASCII
  CHECK_FALSE(glob_match("GET", "get", false));
}

TEST_CASE("glob_match has Redis's '*' nesting limit", "[glob]") {
  std::string str(3000, 'a');
  std::string pat;
  for (int i = 0; i < 1000; i++) pat += "*a";
  CHECK(glob_match(pat, str, false));
  CHECK(glob_match(pat + "*", str, false));  // a trailing star does not nest
  CHECK_FALSE(glob_match(pat + "*a", str, false));
  CHECK_FALSE(glob_match(pat + "*a*", str, false));
}

TEST_CASE("glob_match finishes pathological patterns fast", "[glob]") {
  auto start = std::chrono::steady_clock::now();
  std::string str(20000, 'a');
  std::string pat;
  for (int i = 0; i < 200; i++) pat += "a*";
  CHECK_FALSE(glob_match(pat + "b", str, false));
  CHECK(glob_match(pat + "a", str, false));
  CHECK_FALSE(
      glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", str, true));
  // A huge pattern uses no recursion: no stack overflow.
  std::string huge(1 << 20, '*');
  huge += "[a-";
  CHECK(glob_match(huge, "xyz-", false));
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(2));  // exponential backtracking would take years
}
