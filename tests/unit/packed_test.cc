// Unit tests of lunar/packed.hpp, the compact sequence behind small lists, hashes, sets and
// sorted sets. Random operations are mirrored on a std::deque and compared after each step.
#include <lunar/packed.hpp>

#include <catch2/catch.hpp>
#include <deque>
#include <random>
#include <string>

#include "kernel/module/module.h"

const lunar_api* lunar__api_ptr = lunar::api_table();

namespace {
void check_same(const lunar::Packed& p, const std::deque<std::string>& d) {
  REQUIRE(p.size() == d.size());
  size_t i = 0;
  for (auto pos = p.first(); pos != lunar::Packed::npos; pos = p.next(pos)) {
    REQUIRE(i < d.size());
    REQUIRE(p.at(pos) == d[i]);
    i++;
  }
  REQUIRE(i == d.size());
  // Backwards too.
  for (auto pos = p.last(); pos != lunar::Packed::npos; pos = p.prev(pos)) {
    REQUIRE(i > 0);
    REQUIRE(p.at(pos) == d[--i]);
  }
  REQUIRE(i == 0);
}
}  // namespace

TEST_CASE("packed: empty holds no memory") {
  lunar::Packed p;
  REQUIRE(p.empty());
  REQUIRE(p.bytes() == 0);
  REQUIRE(p.first() == lunar::Packed::npos);
  REQUIRE(p.index(0) == lunar::Packed::npos);
  p.push_back("a");
  REQUIRE(p.bytes() > 0);
  p.erase(p.first());
  REQUIRE(p.empty());
  REQUIRE(p.bytes() == 0);
}

TEST_CASE("packed: entry sizes cross varint boundaries") {
  lunar::Packed p;
  std::deque<std::string> d;
  for (size_t n : {0, 1, 125, 126, 127, 128, 16381, 16382, 16383, 16384, 70000}) {
    std::string s(n, static_cast<char>('a' + n % 26));
    p.push_back(s);
    d.push_back(s);
    p.push_front(s + "x");
    d.push_front(s + "x");
  }
  check_same(p, d);
  REQUIRE(lunar::Packed::encoded_size(3) == 5);
}

TEST_CASE("packed: random operations match a deque") {
  std::mt19937 rng(1234);
  lunar::Packed p;
  std::deque<std::string> d;
  auto rnd_str = [&] {
    size_t n = rng() % 4 == 0 ? rng() % 300 : rng() % 12;
    std::string s(n, 'x');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    return s;
  };
  for (int step = 0; step < 20000; step++) {
    int op = static_cast<int>(rng() % 7);
    if (op == 0) {
      auto s = rnd_str();
      p.push_back(s);
      d.push_back(s);
    } else if (op == 1) {
      auto s = rnd_str();
      p.push_front(s);
      d.push_front(s);
    } else if (op == 2 && !d.empty()) {
      long long i = static_cast<long long>(rng() % d.size());
      auto s = rnd_str();
      auto pos = p.insert(p.index(i), s);
      REQUIRE(p.at(pos) == s);
      d.insert(d.begin() + i, s);
    } else if (op == 3 && !d.empty()) {
      long long i = static_cast<long long>(rng() % d.size());
      size_t n = 1 + rng() % 3;
      p.erase(p.index(i), n);
      d.erase(d.begin() + i, d.begin() + std::min(d.size(), static_cast<size_t>(i) + n));
    } else if (op == 4 && !d.empty()) {
      long long i = static_cast<long long>(rng() % d.size());
      auto s = rnd_str();
      p.replace(p.index(-1 - i), s);
      d[d.size() - 1 - i] = s;
    } else if (op == 5 && !d.empty()) {
      long long i = static_cast<long long>(rng() % d.size());
      auto pos = p.find(d[i], p.first());
      REQUIRE(pos != lunar::Packed::npos);
      REQUIRE(p.at(pos) == d[i]);
    } else if (op == 6 && step % 100 == 0) {
      lunar::Packed c = p.clone();
      check_same(c, d);
    }
    if (step % 50 == 0) check_same(p, d);
  }
  check_same(p, d);
}

TEST_CASE("packed: find with a stride visits fields only") {
  lunar::Packed p;
  for (const char* s : {"f1", "v", "f2", "v2", "f3", "v3"}) p.push_back(s);
  REQUIRE(p.find("v", p.first(), 1) == lunar::Packed::npos);
  REQUIRE(p.at(p.find("f3", p.first(), 1)) == "f3");
  REQUIRE(p.find("v2", p.first(), 1) == lunar::Packed::npos);  // a value, not a field
  REQUIRE(p.find("v2", p.next(p.first()), 1) != lunar::Packed::npos);  // stride from a value
}
