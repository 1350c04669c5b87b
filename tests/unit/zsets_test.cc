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
