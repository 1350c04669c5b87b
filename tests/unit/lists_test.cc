// Unit tests of the lists module's data structure (modules/lists/list_value.h): Packed nodes
// under every kind of node fill, checked against a std::deque after random operations.
// (lunar__api_ptr is defined once for this binary, in packed_test.cc.)
#include <catch2/catch.hpp>
#include <deque>
#include <random>
#include <string>

#include "modules/lists/list_value.h"

namespace {

using lists::End;
using lists::ListValue;

// Restores the default fill when a test ends, whatever it set.
struct FillGuard {
  explicit FillGuard(long long fill) { lists::set_node_fill(fill); }
  ~FillGuard() { lists::set_node_fill(-2); }
};

struct ListPtr {
  ListValue* v = ListValue::create();
  ~ListPtr() { ListValue::destroy(v); }
  ListValue* operator->() const { return v; }
};

// The list holds exactly `d`, walking both ways, through at() for every index, and respects
// its invariants.
void check_same(const ListValue* l, const std::deque<std::string>& d) {
  REQUIRE(l->check() == "");
  REQUIRE(l->size() == d.size());
  size_t i = 0;
  for (auto c = l->front(); c.valid(); l->next(&c)) {
    REQUIRE(i < d.size());
    REQUIRE(l->get(c) == d[i]);
    i++;
  }
  REQUIRE(i == d.size());
  for (auto c = l->back(); c.valid(); l->prev(&c)) {
    REQUIRE(i > 0);
    REQUIRE(l->get(c) == d[--i]);
  }
  for (size_t k = 0; k < d.size(); k += 1 + d.size() / 16) {
    auto c = l->at(static_cast<long long>(k));
    REQUIRE(c.valid());
    REQUIRE(l->get(c) == d[k]);
    auto r = l->at(-1 - static_cast<long long>(k));
    REQUIRE(r.valid());
    REQUIRE(l->get(r) == d[d.size() - 1 - k]);
  }
  REQUIRE_FALSE(l->at(static_cast<long long>(d.size())).valid());
  REQUIRE_FALSE(l->at(-1 - static_cast<long long>(d.size())).valid());
}

std::string random_element(std::mt19937& rng) {
  size_t n;
  switch (rng() % 10) {
    case 0:
      n = 3000 + rng() % 12000;
      break;  // bigger than small nodes
    case 1:
      n = 200 + rng() % 800;
      break;
    default:
      n = rng() % 16;
      break;
  }
  std::string s(n, 'x');
  for (char& ch : s) ch = static_cast<char>('a' + rng() % 4);
  return s;
}

// Random operations, each mirrored on a deque; compared every few steps.
void random_operations(long long fill, unsigned seed, int steps) {
  FillGuard guard(fill);
  std::mt19937 rng(seed);
  ListPtr l;
  std::deque<std::string> d;
  for (int step = 0; step < steps; step++) {
    int op = static_cast<int>(rng() % 12);
    bool any = !d.empty();
    size_t i = any ? rng() % d.size() : 0;
    if (op <= 2) {
      auto s = random_element(rng);
      bool head = rng() % 2;
      l->push(head ? End::kHead : End::kTail, s);
      if (head)
        d.push_front(s);
      else
        d.push_back(s);
    } else if (op == 3 && any) {
      bool head = rng() % 2;
      std::string got = l->pop(head ? End::kHead : End::kTail);
      REQUIRE(got == (head ? d.front() : d.back()));
      if (head)
        d.pop_front();
      else
        d.pop_back();
    } else if (op == 4 && any) {
      auto s = random_element(rng);
      bool after = rng() % 2;
      l->insert(l->at(static_cast<long long>(i)), after, s);
      d.insert(d.begin() + static_cast<long>(i + after), s);
    } else if (op == 5 && any) {
      auto s = random_element(rng);
      l->replace(l->at(static_cast<long long>(i)), s);
      d[i] = s;
    } else if (op == 6 && any) {
      bool forward = rng() % 2;
      auto c = l->erase(l->at(static_cast<long long>(i)), forward);
      d.erase(d.begin() + static_cast<long>(i));
      size_t expect = forward ? i : i - 1;  // i - 1 wraps to "none" when i == 0
      if (expect < d.size()) {
        REQUIRE(c.valid());
        REQUIRE(l->get(c) == d[expect]);
      } else {
        REQUIRE_FALSE(c.valid());
      }
    } else if (op == 7 && any) {
      size_t n = rng() % (d.size() + 2);
      if (rng() % 2) {
        l->erase_head(n);
        d.erase(d.begin(), d.begin() + static_cast<long>(std::min(n, d.size())));
      } else {
        l->erase_tail(n);
        d.erase(d.end() - static_cast<long>(std::min(n, d.size())), d.end());
      }
    } else if (op == 8) {
      l->compact();
    } else if (op == 9 && step % 40 == 0) {
      ListValue* copy = l->clone();
      check_same(copy, d);
      REQUIRE(copy->memory_usage() > 0);
      ListValue::destroy(copy);
    } else if (op == 10) {
      for (int k = 0; k < 20; k++) {  // runs of small pushes fill nodes up
        std::string s(rng() % 8, 'y');
        l->push(End::kTail, s);
        d.push_back(s);
      }
    }
    if (step % 25 == 0) check_same(l.v, d);
  }
  check_same(l.v, d);
}

}  // namespace

TEST_CASE("lists: an empty list") {
  ListPtr l;
  REQUIRE(l->empty());
  REQUIRE(l->node_count() == 0);
  REQUIRE_FALSE(l->front().valid());
  REQUIRE_FALSE(l->back().valid());
  REQUIRE_FALSE(l->at(0).valid());
  REQUIRE(l->check() == "");
}

TEST_CASE("lists: pushes and pops at both ends") {
  ListPtr l;
  std::deque<std::string> d;
  for (int i = 0; i < 1000; i++) {
    std::string s = std::to_string(i);
    if (i % 3 == 0) {
      l->push(End::kHead, s);
      d.push_front(s);
    } else {
      l->push(End::kTail, s);
      d.push_back(s);
    }
  }
  check_same(l.v, d);
  while (!d.empty()) {
    REQUIRE(l->pop(End::kHead) == d.front());
    d.pop_front();
    if (d.empty()) break;
    REQUIRE(l->pop(End::kTail) == d.back());
    d.pop_back();
  }
  REQUIRE(l->empty());
  REQUIRE(l->node_count() == 0);
}

TEST_CASE("lists: a list grows from one node to many at the size limit") {
  FillGuard guard(-1);  // 4 KB nodes
  ListPtr l;
  std::string e(100, 'a');
  while (l->node_count() < 2) l->push(End::kTail, e);
  // One node took as many 100-byte elements as fit in 4 KB, and no more.
  size_t first = l->node_size(0);
  REQUIRE(first * lunar::Packed::encoded_size(100) <= 4096);
  REQUIRE((first + 1) * lunar::Packed::encoded_size(100) + 16 > 4096);
  REQUIRE(l->check() == "");
}

TEST_CASE("lists: a count fill caps the elements per node") {
  FillGuard guard(5);
  ListPtr l;
  for (int i = 0; i < 23; i++) l->push(End::kTail, "x");
  REQUIRE(l->node_count() == 5);
  for (size_t i = 0; i < 4; i++) REQUIRE(l->node_size(i) == 5);
  REQUIRE(l->node_size(4) == 3);
  // ... and 8 KB still bounds a node of big elements.
  ListPtr big;
  for (int i = 0; i < 4; i++) big->push(End::kTail, std::string(3000, 'b'));
  REQUIRE(big->node_count() == 2);
  REQUIRE(big->check() == "");
}

TEST_CASE("lists: fill 0 puts one element in each node") {
  FillGuard guard(0);
  ListPtr l;
  for (int i = 0; i < 10; i++) l->push(i % 2 ? End::kHead : End::kTail, "e");
  REQUIRE(l->node_count() == 10);
}

TEST_CASE("lists: an element bigger than a node sits alone") {
  FillGuard guard(-1);
  ListPtr l;
  l->push(End::kTail, "a");
  l->push(End::kTail, std::string(10000, 'z'));
  l->push(End::kTail, "b");
  REQUIRE(l->node_count() == 3);
  REQUIRE(l->node_size(1) == 1);
  // Inserting next to it, or replacing it, keeps every node within the limit.
  l->insert(l->at(1), false, "before");
  l->insert(l->at(2), true, "after");
  l->replace(l->at(0), std::string(5000, 'r'));
  std::deque<std::string> d = {std::string(5000, 'r'), "before", std::string(10000, 'z'), "after",
                               "b"};
  check_same(l.v, d);
}

TEST_CASE("lists: insert in the middle of a full node splits it") {
  FillGuard guard(4);
  ListPtr l;
  std::deque<std::string> d;
  for (int i = 0; i < 4; i++) {
    l->push(End::kTail, std::to_string(i));
    d.push_back(std::to_string(i));
  }
  REQUIRE(l->node_count() == 1);
  l->insert(l->at(1), true, "mid");
  d.insert(d.begin() + 2, "mid");
  REQUIRE(l->node_count() == 2);
  check_same(l.v, d);
}

TEST_CASE("lists: compact merges what fits") {
  FillGuard guard(4);
  ListPtr l;
  std::deque<std::string> d;
  for (int i = 0; i < 40; i++) {
    l->push(End::kTail, std::to_string(i % 3));
    d.push_back(std::to_string(i % 3));
  }
  REQUIRE(l->node_count() == 10);
  // Remove every "1" and "2" (as LREM does): nodes of 1 or 2 elements are left; compact.
  for (auto c = l->front(); c.valid();) {
    if (l->get(c) != "0") {
      c = l->erase(c, true);
    } else {
      l->next(&c);
    }
  }
  std::erase_if(d, [](const std::string& s) { return s != "0"; });
  REQUIRE(l->node_count() == 10);
  l->compact();
  check_same(l.v, d);
  REQUIRE(d.size() == 14);
  REQUIRE(l->node_count() == 4);
}

TEST_CASE("lists: random operations match a deque under every fill") {
  long long fill = GENERATE(-2, -1, -5, -9, 1, 3, 128, 0);
  random_operations(fill, static_cast<unsigned>(1000 + fill), 6000);
}
