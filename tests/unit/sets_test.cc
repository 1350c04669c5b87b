// Unit tests of the sets module's data structure (modules/sets/set_value.h): the canonical
// integer test, the intset, the intset -> hashtable conversions, random operations mirrored on a
// std::set, deep copies, and SSCAN's guarantee while the table grows and shrinks.
// (lunar__api_ptr, which the module code calls through, is defined in packed_test.cc.)
#include <catch2/catch.hpp>
#include <climits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "modules/sets/set_value.h"

namespace {

using sets::IntSet;
using sets::SetValue;
using Enc = SetValue::Encoding;
using Model = std::set<std::string>;

constexpr long long kMaxIntset = 512;

struct SetPtr {
  SetValue* s = sets::make_set();
  ~SetPtr() { sets::destroy_set(s); }
  SetValue* operator->() const { return s; }
};

Model contents(const SetValue& s) {
  Model out;
  s.for_each([&](std::string_view m) {
    bool fresh = out.emplace(m).second;
    REQUIRE(fresh);  // no member twice
  });
  return out;
}

void check_same(const SetValue& s, const Model& m) {
  REQUIRE(s.size() == m.size());
  REQUIRE(contents(s) == m);
  for (const std::string& x : m) REQUIRE(s.contains(x));
}

std::string num(long long i) { return std::to_string(i); }

// prefix + decimal i (built with append: concatenating with + trips GCC 12's -Wrestrict).
std::string name(const char* prefix, long long i) {
  std::string s(prefix);
  s.append(std::to_string(i));
  return s;
}

}  // namespace

TEST_CASE("sets: as_int accepts only canonical integers") {
  int64_t v = 0;
  REQUIRE(sets::as_int("0", &v));
  REQUIRE(v == 0);
  REQUIRE(sets::as_int("-17", &v));
  REQUIRE(v == -17);
  REQUIRE(sets::as_int("9223372036854775807", &v));
  REQUIRE(v == LLONG_MAX);
  REQUIRE(sets::as_int("-9223372036854775808", &v));
  REQUIRE(v == LLONG_MIN);
  for (const char* bad : {"", "-0", "01", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "a",
                          "9223372036854775808", "-9223372036854775809", "-", "00"}) {
    INFO(bad);
    REQUIRE_FALSE(sets::as_int(bad, &v));
  }
}

TEST_CASE("sets: the intset is sorted and distinct") {
  IntSet s;
  std::mt19937_64 rng(1);
  std::set<int64_t> model;
  std::uniform_int_distribution<int64_t> d(-1000, 1000);
  for (int i = 0; i < 5000; i++) {
    int64_t x = d(rng);
    if (rng() % 3) {
      REQUIRE(s.insert(x) == model.insert(x).second);
    } else {
      REQUIRE(s.erase(x) == (model.erase(x) == 1));
    }
  }
  REQUIRE(s.size() == model.size());
  size_t i = 0;
  for (int64_t x : model) REQUIRE(s.at(i++) == x);
  REQUIRE(s.contains(*model.begin()));
  REQUIRE_FALSE(s.contains(5000));
}

TEST_CASE("sets: integers stay an intset in ascending order") {
  SetPtr s;
  REQUIRE(s->encoding() == Enc::kIntset);
  for (long long x : {5LL, -3LL, 100LL, 0LL, LLONG_MAX, LLONG_MIN}) REQUIRE(s->add(num(x), 512));
  REQUIRE_FALSE(s->add("5", 512));
  REQUIRE(s->encoding() == Enc::kIntset);
  std::vector<std::string> order;
  s->for_each([&](std::string_view m) { order.emplace_back(m); });
  REQUIRE(order == std::vector<std::string>{num(LLONG_MIN), "-3", "0", "5", "100",
                                            num(LLONG_MAX)});
  REQUIRE(s->contains("100"));
  REQUIRE_FALSE(s->contains("0100"));
  REQUIRE_FALSE(s->contains("x"));
  REQUIRE_FALSE(s->erase("x"));
  REQUIRE_FALSE(s->erase("-0"));
  REQUIRE(s->erase("0"));
  REQUIRE(s->size() == 5);
}

TEST_CASE("sets: a non-integer member converts to a hashtable for good") {
  SetPtr s;
  REQUIRE(s->add("1", kMaxIntset));
  REQUIRE(s->add("2", kMaxIntset));
  REQUIRE(s->add("01", kMaxIntset));  // not canonical: a string
  REQUIRE(s->encoding() == Enc::kHashtable);
  check_same(*s.s, {"1", "2", "01"});
  REQUIRE(s->erase("01"));
  REQUIRE(s->encoding() == Enc::kHashtable);
  check_same(*s.s, {"1", "2"});
}

TEST_CASE("sets: passing max_intset members converts") {
  SetPtr s;
  for (long long i = 0; i < kMaxIntset; i++) REQUIRE(s->add(num(i), kMaxIntset));
  REQUIRE(s->encoding() == Enc::kIntset);
  REQUIRE_FALSE(s->add("0", kMaxIntset));  // nothing added: no conversion
  REQUIRE(s->encoding() == Enc::kIntset);
  REQUIRE(s->add(num(kMaxIntset), kMaxIntset));
  REQUIRE(s->encoding() == Enc::kHashtable);
  REQUIRE(s->size() == static_cast<size_t>(kMaxIntset + 1));
  SetPtr z;
  REQUIRE(z->add("7", 0));  // a limit of 0: the first member converts
  REQUIRE(z->encoding() == Enc::kHashtable);
}

TEST_CASE("sets: random operations match a std::set") {
  for (long long limit : {0LL, 8LL, 64LL, 512LL}) {
    INFO("max_intset " << limit);
    std::mt19937_64 rng(static_cast<uint64_t>(limit) + 7);
    SetPtr s;
    Model m;
    bool converted = false;
    for (int i = 0; i < 20000; i++) {
      std::string x = rng() % 10 ? num(static_cast<long long>(rng() % 300) - 100)
                                 : name("s", static_cast<long long>(rng() % 50));
      switch (rng() % 4) {
        case 0:
        case 1: {
          bool added = m.insert(x).second;
          REQUIRE(s->add(x, limit) == added);
          break;
        }
        case 2:
          REQUIRE(s->erase(x) == (m.erase(x) == 1));
          break;
        default:
          REQUIRE(s->contains(x) == (m.count(x) == 1));
      }
      if (s->encoding() == Enc::kHashtable) converted = true;
      if (converted) REQUIRE(s->encoding() == Enc::kHashtable);  // never back
      REQUIRE(s->size() == m.size());
      if (i % 1000 == 0) check_same(*s.s, m);
    }
    check_same(*s.s, m);
    SetValue* c = s->clone();
    REQUIRE(c->encoding() == s->encoding());
    check_same(*c, m);
    REQUIRE(c->add("new", limit));
    REQUIRE_FALSE(s->contains("new"));
    REQUIRE(c->memory_usage() > 0);
    sets::destroy_set(c);
  }
}

TEST_CASE("sets: scan returns every member present throughout") {
  SetPtr s;
  for (int i = 0; i < 300; i++) s->add(name("stable", i), kMaxIntset);
  for (int i = 0; i < 2000; i++) s->add(name("t", i), kMaxIntset);
  std::mt19937_64 rng(3);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0, added = 0;
  do {
    cursor = s->scan(cursor, 25, [&](std::string_view m) { seen.emplace(m); });
    if (++calls % 2) {
      for (int j = 0; j < 90; j++) s->erase(name("t", static_cast<long long>(rng() % 2000)));
    } else {
      for (int j = 0; j < 40; j++) s->add(name("n", added++), kMaxIntset);
    }
    REQUIRE(calls < 100000);
  } while (cursor != 0);
  for (int i = 0; i < 300; i++) REQUIRE(seen.count(name("stable", i)) == 1);
}

TEST_CASE("sets: an intset scans whole with cursor 0") {
  SetPtr s;
  for (int i = 0; i < 100; i++) s->add(num(i), kMaxIntset);
  size_t n = 0;
  REQUIRE(s->scan(55, 1, [&](std::string_view) { n++; }) == 0);
  REQUIRE(n == 100);
}
