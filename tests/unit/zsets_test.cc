// Unit tests of the zsets module's data structure (modules/zsets/zset_value.h): ranks, ranges
// and score lookups of both encodings against a sorted std::vector reference under random
// operations, the listpack -> skiplist conversions, and deep copies.
// (lunar__api_ptr, which the module code calls through, is defined in packed_test.cc.)
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "modules/zsets/zset_value.h"

namespace {

using zsets::ZsetValue;
using Enc = ZsetValue::Encoding;
using Model = std::vector<std::pair<double, std::string>>;  // sorted by (score, member)

struct ZsetPtr {
  ZsetValue* z = zsets::make_zset();
  ~ZsetPtr() { zsets::destroy_zset(z); }
  ZsetValue* operator->() const { return z; }
};

void model_set(Model* m, const std::string& member, double score) {
  auto it = std::find_if(m->begin(), m->end(), [&](const auto& e) { return e.second == member; });
  if (it != m->end()) m->erase(it);
  m->insert(std::lower_bound(m->begin(), m->end(), std::make_pair(score, member)),
            {score, member});
}

void check_same(const ZsetValue& z, const Model& m) {
  REQUIRE(z.size() == m.size());
  size_t i = 0;
  z.for_each([&](std::string_view member, double score) {
    REQUIRE(member == m[i].second);
    REQUIRE(score == m[i].first);
    i++;
  });
  for (size_t r = 0; r < m.size(); r++) {
    auto [member, score] = z.at(r);
    REQUIRE(member == m[r].second);
    REQUIRE(score == m[r].first);
    size_t rank;
    REQUIRE(z.rank(m[r].second, &rank));
    REQUIRE(rank == r);
    double s;
    REQUIRE(z.score(m[r].second, &s));
    REQUIRE(s == m[r].first);
  }
  // Reverse walks from every start.
  for (size_t r = 0; r < m.size(); r += 7) {
    size_t k = r;
    z.for_range(r, r + 1, true, [&](std::string_view member, double) {
      REQUIRE(member == m[k].second);
      k--;
    });
  }
  // Score prefixes.
  for (double t : {-1.0, 0.0, 2.5, 5.0, 10.0, 100.0}) {
    size_t want = static_cast<size_t>(
        std::count_if(m.begin(), m.end(), [&](const auto& e) { return e.first < t; }));
    REQUIRE(z.prefix_count([&](std::string_view, double s) { return s < t; }) == want);
  }
}

void random_ops(long long max_entries, unsigned seed, int ops) {
  std::mt19937 rng(seed);
  ZsetPtr z;
  Model m;
  for (int i = 0; i < ops; i++) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "m%u", static_cast<unsigned>(rng() % 300));
    std::string member(buf);
    if (rng() % 4 == 0) {
      bool had = std::any_of(m.begin(), m.end(), [&](const auto& e) { return e.second == member; });
      REQUIRE(z->erase(member) == had);
      if (had) {
        m.erase(std::find_if(m.begin(), m.end(),
                             [&](const auto& e) { return e.second == member; }));
      }
    } else {
      double score = static_cast<double>(rng() % 20) / 2;
      bool had = std::any_of(m.begin(), m.end(), [&](const auto& e) { return e.second == member; });
      REQUIRE(z->set(member, score, max_entries, 64) == !had);
      model_set(&m, member, score);
    }
    if (i % 97 == 0) check_same(*z.z, m);
  }
  check_same(*z.z, m);
  ZsetValue* copy = z->clone();
  check_same(*copy, m);
  REQUIRE(copy->encoding() == z->encoding());
  zsets::destroy_zset(copy);
}

}  // namespace

TEST_CASE("zsets: random operations against a sorted vector, listpack", "[zsets]") {
  random_ops(1000000, 1, 3000);
}

TEST_CASE("zsets: random operations against a sorted vector, skiplist", "[zsets]") {
  random_ops(0, 2, 6000);
  random_ops(50, 3, 6000);
}

TEST_CASE("zsets: conversions", "[zsets]") {
  ZsetPtr z;
  for (int i = 0; i < 128; i++) z->set(std::to_string(i + 1000), i, 128, 64);
  REQUIRE(z->encoding() == Enc::kListpack);
  z->set("1000", 5, 128, 64);  // an update does not convert
  REQUIRE(z->encoding() == Enc::kListpack);
  z->set("new", 1, 128, 64);
  REQUIRE(z->encoding() == Enc::kSkiplist);
  REQUIRE(z->size() == 129);
  ZsetPtr w;
  w->set(std::string(64, 'x'), 1, 128, 64);
  REQUIRE(w->encoding() == Enc::kListpack);
  w->set(std::string(65, 'x'), 1, 128, 64);
  REQUIRE(w->encoding() == Enc::kSkiplist);
  // Erasing never converts back.
  w->erase(std::string(65, 'x'));
  REQUIRE(w->encoding() == Enc::kSkiplist);
  // A listpack keeps -0 as 0; a skiplist keeps the sign.
  ZsetPtr n;
  n->set("a", -0.0, 128, 64);
  double s;
  REQUIRE(n->score("a", &s));
  REQUIRE(!std::signbit(s));
}

namespace {

// A full ZSCAN-style walk: the members returned (with repeats counted) and the steps taken;
// between steps, `between(step)` may change the zset.
template <class Between>
std::vector<std::string> walk(const ZsetValue& z, size_t count, size_t* steps, Between between) {
  std::vector<std::string> got;
  uint64_t cursor = 0;
  *steps = 0;
  do {
    size_t before = got.size();
    cursor = z.scan(cursor, count, [&](std::string_view m, double s) {
      double cur;
      REQUIRE(z.score(m, &cur));
      REQUIRE(cur == s);
      got.emplace_back(m);
    });
    REQUIRE(got.size() - before <= count);
    ++*steps;
    REQUIRE(*steps < 1000000);
    if (cursor != 0) between(*steps);
  } while (cursor != 0);
  return got;
}

}  // namespace

TEST_CASE("zsets: scan of a listpack returns everything in one step", "[zsets]") {
  ZsetPtr z;
  for (int i = 0; i < 50; i++) z->set("m" + std::to_string(i), 50 - i, 128, 64);
  REQUIRE(z->encoding() == Enc::kListpack);
  for (uint64_t cursor : {0ULL, 7ULL, ~0ULL}) {
    std::vector<std::string> got;
    REQUIRE(z->scan(cursor, 1, [&](std::string_view m, double) { got.emplace_back(m); }) == 0);
    REQUIRE(got.size() == 50);
    REQUIRE(got.front() == "m49");  // rank order
    REQUIRE(got.back() == "m0");
  }
}

TEST_CASE("zsets: scan of a skiplist steps with a cursor", "[zsets]") {
  ZsetPtr z;
  const int n = 5000;
  for (int i = 0; i < n; i++) z->set("m" + std::to_string(i), i % 13, 128, 64);
  REQUIRE(z->encoding() == Enc::kSkiplist);
  for (size_t count : {1, 10, 37, 4999, 5000, 100000}) {
    size_t steps;
    auto got = walk(*z.z, count, &steps, [](size_t) {});
    REQUIRE(got.size() == static_cast<size_t>(n));  // nothing changed: each member once
    std::sort(got.begin(), got.end());
    REQUIRE(std::adjacent_find(got.begin(), got.end()) == got.end());
    REQUIRE(steps == (n + count - 1) / count);
  }
  // A cursor from elsewhere (beyond the table) walks down from the top.
  size_t seen = 0;
  uint64_t next = z->scan(~0ULL, 10, [&](std::string_view, double) { seen++; });
  REQUIRE(seen == 10);
  REQUIRE(next == static_cast<uint64_t>(n - 10));
}

TEST_CASE("zsets: scan guarantee while the zset changes", "[zsets]") {
  for (unsigned seed = 1; seed <= 4; seed++) {
    std::mt19937 rng(seed);
    ZsetPtr z;
    std::vector<std::string> stable;
    for (int i = 0; i < 300; i++) {
      stable.push_back("s" + std::to_string(i));
      z->set(stable.back(), i, 128, 64);
    }
    for (int i = 0; i < 2000; i++) z->set("t" + std::to_string(i), rng() % 100, 128, 64);
    int added = 0;
    size_t steps;
    auto got = walk(*z.z, 20, &steps, [&](size_t step) {
      // Rescore stable members (moved in the order, kept in the table), drop transient ones
      // (the table shrinks and moves entries down), add new ones (it grows).
      for (int k = 0; k < 10; k++)
        z->set(stable[rng() % stable.size()], static_cast<double>(rng() % 1000) / 4, 128, 64);
      if (step % 3 == 0) {
        for (int k = 0; k < 150; k++) z->erase("t" + std::to_string(rng() % 2000));
      } else {
        for (int k = 0; k < 40; k++) z->set("n" + std::to_string(added++), rng() % 50, 128, 64);
      }
    });
    std::sort(got.begin(), got.end());
    for (const std::string& m : stable) REQUIRE(std::binary_search(got.begin(), got.end(), m));
  }
}

TEST_CASE("zsets: rescoring keeps the order and the table", "[zsets]") {
  ZsetPtr z;
  Model m;
  for (int i = 0; i < 400; i++) {
    std::string member = "m" + std::to_string(i);
    z->set(member, i, 0, 64);
    model_set(&m, member, i);
  }
  std::mt19937 rng(9);
  for (int i = 0; i < 4000; i++) {
    std::string member = "m" + std::to_string(rng() % 400);
    // Small moves (often in place between the neighbours) and large ones, ties included.
    double old;
    REQUIRE(z->score(member, &old));
    double sc = rng() % 2 ? old + static_cast<double>(rng() % 3) - 1 : rng() % 500;
    REQUIRE(!z->set(member, sc, 0, 64));
    model_set(&m, member, sc);
    if (i % 500 == 0) check_same(*z.z, m);
  }
  check_same(*z.z, m);
  REQUIRE(z->erase("m7"));
  REQUIRE(!z->erase("m7"));
  REQUIRE(z->size() == 399);
}
