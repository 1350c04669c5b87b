// Unit tests of the hashes module's data structure (modules/hashes/hash_value.h, hash_table.h):
// random operations mirrored on a std::unordered_map, the listpack -> hashtable conversions, deep
// copies, and HSCAN's guarantee while the table grows and shrinks. (lunar__api_ptr, which the
// module code calls through, is defined in packed_test.cc.)
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "modules/hashes/hash_value.h"

namespace {

using hashes::HashTable;
using hashes::HashValue;
using hashes::Limits;
using Model = std::unordered_map<std::string, std::string>;

constexpr Limits kDefaults{512, 64};

struct HashPtr {
  HashValue* h = hashes::make_hash();
  ~HashPtr() { hashes::destroy_hash(h); }
  HashValue* operator->() const { return h; }
};

std::map<std::string, std::string> contents(const HashValue& h) {
  std::map<std::string, std::string> out;
  h.for_each([&](std::string_view f, std::string_view v) {
    bool fresh = out.emplace(std::string(f), std::string(v)).second;
    REQUIRE(fresh);  // no field twice
  });
  return out;
}

void check_same(const HashValue& h, const Model& m) {
  REQUIRE(h.size() == m.size());
  REQUIRE(contents(h) == std::map<std::string, std::string>(m.begin(), m.end()));
  for (const auto& [f, v] : m) {
    auto got = h.get(f);
    REQUIRE(got.has_value());
    REQUIRE(*got == v);
  }
}

std::string random_string(std::mt19937_64& rng, size_t max_len) {
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(len(rng), '\0');
  for (char& c : s) c = static_cast<char>(byte(rng));
  return s;
}

// prefix + decimal i (built with append: `name("f", i)` trips GCC 12's -Wrestrict).
std::string name(const char* prefix, long i) {
  std::string s(prefix);
  s.append(std::to_string(i));
  return s;
}

}  // namespace

TEST_CASE("hashes: a new hash is an empty listpack") {
  HashPtr h;
  REQUIRE(h->empty());
  REQUIRE(h->encoding() == HashValue::Encoding::kListpack);
  REQUIRE_FALSE(h->get("f").has_value());
  REQUIRE_FALSE(h->erase("f"));
  REQUIRE(h->set("f", "v", kDefaults));
  REQUIRE_FALSE(h->set("f", "w", kDefaults));
  REQUIRE(*h->get("f") == "w");
  REQUIRE(h->size() == 1);
  REQUIRE(h->erase("f"));
  REQUIRE(h->empty());
}

TEST_CASE("hashes: listpack keeps insertion order; updates keep their place") {
  HashPtr h;
  for (const char* f : {"z", "a", "m"}) h->set(f, "1", kDefaults);
  h->set("a", "2", kDefaults);
  h->erase("z");
  h->set("z", "3", kDefaults);
  std::vector<std::string> order;
  h->for_each([&](std::string_view f, std::string_view) { order.emplace_back(f); });
  REQUIRE(order == std::vector<std::string>{"a", "m", "z"});
  // A listpack scan returns everything, cursor 0, whatever the cursor and count.
  size_t n = 0;
  REQUIRE(h->scan(12345, 1, [&](std::string_view, std::string_view) { n++; }) == 0);
  REQUIRE(n == 3);
}

TEST_CASE("hashes: conversion thresholds") {
  SECTION("more entries than max_entries") {
    HashPtr h;
    Limits lim{4, 64};
    for (int i = 0; i < 4; i++) h->set(name("f", i), "v", lim);
    REQUIRE(h->encoding() == HashValue::Encoding::kListpack);
    h->set("f0", "again", lim);
    REQUIRE(h->encoding() == HashValue::Encoding::kListpack);
    h->set("f4", "v", lim);
    REQUIRE(h->encoding() == HashValue::Encoding::kHashtable);
    REQUIRE(h->size() == 5);
    REQUIRE(*h->get("f0") == "again");
    // Never converts back.
    for (int i = 0; i < 4; i++) h->erase(name("f", i));
    REQUIRE(h->encoding() == HashValue::Encoding::kHashtable);
  }
  SECTION("a field or value longer than max_value") {
    for (bool long_field : {false, true}) {
      HashPtr h;
      std::string at_limit(64, 'x'), over(65, 'x');
      h->set(long_field ? at_limit : "f", long_field ? "v" : at_limit, kDefaults);
      REQUIRE(h->encoding() == HashValue::Encoding::kListpack);
      h->set(long_field ? over : "g", long_field ? "v" : over, kDefaults);
      REQUIRE(h->encoding() == HashValue::Encoding::kHashtable);
      REQUIRE(h->size() == 2);
    }
  }
  SECTION("max_entries 0 makes every hash a hashtable") {
    HashPtr h;
    h->set("f", "v", Limits{0, 64});
    REQUIRE(h->encoding() == HashValue::Encoding::kHashtable);
  }
  SECTION("max_value 0 allows only empty strings") {
    HashPtr h;
    h->set("", "", Limits{5, 0});
    REQUIRE(h->encoding() == HashValue::Encoding::kListpack);
    h->set("f", "", Limits{5, 0});
    REQUIRE(h->encoding() == HashValue::Encoding::kHashtable);
  }
}

TEST_CASE("hashes: random operations match an unordered_map") {
  for (Limits lim : {Limits{8, 6}, Limits{64, 64}, Limits{0, 64}, Limits{1000, 1000}}) {
    std::mt19937_64 rng(1234 + lim.max_entries);
    HashPtr h;
    Model m;
    std::uniform_int_distribution<int> op(0, 9), field_no(0, 300);
    for (int step = 0; step < 20000; step++) {
      std::string f = name("f", field_no(rng));
      if (step % 97 == 0) f = random_string(rng, 10);
      switch (op(rng)) {
        case 0:
        case 1:
        case 2:
        case 3: {
          std::string v = random_string(rng, step % 13 == 0 ? 80 : 8);
          bool added = h->set(f, v, lim);
          REQUIRE(added == (m.count(f) == 0));
          m[f] = v;
          break;
        }
        case 4:
        case 5:
        case 6: {
          bool removed = h->erase(f);
          REQUIRE(removed == (m.erase(f) == 1));
          break;
        }
        case 7: {
          auto got = h->get(f);
          auto it = m.find(f);
          REQUIRE(got.has_value() == (it != m.end()));
          if (got) REQUIRE(*got == it->second);
          break;
        }
        default:
          REQUIRE(h->size() == m.size());
      }
      if (step % 2500 == 0) check_same(*h.h, m);
      // Once a hashtable, always a hashtable.
      if (lim.max_entries == 0 && !m.empty())
        REQUIRE(h->encoding() == HashValue::Encoding::kHashtable);
    }
    check_same(*h.h, m);
  }
}

TEST_CASE("hashes: hashtable grows to many fields and shrinks back to none") {
  HashPtr h;
  Model m;
  for (int i = 0; i < 50000; i++) {
    std::string f = name("field:", i);
    h->set(f, std::to_string(i * 7), kDefaults);
    m[f] = std::to_string(i * 7);
  }
  REQUIRE(h->encoding() == HashValue::Encoding::kHashtable);
  check_same(*h.h, m);
  size_t big = h->memory_usage();
  REQUIRE(big > 50000 * 16);
  for (int i = 0; i < 50000; i += 2) {
    std::string f = name("field:", i);
    REQUIRE(h->erase(f));
    m.erase(f);
  }
  check_same(*h.h, m);
  for (int i = 1; i < 50000; i += 2) REQUIRE(h->erase(name("field:", i)));
  REQUIRE(h->empty());
  REQUIRE(h->memory_usage() < big / 4);
}

TEST_CASE("hashes: values change size in place and out of place") {
  HashPtr h;
  h->set("f", "v", Limits{0, 64});  // hashtable
  for (size_t n : {0, 1, 5, 127, 128, 300, 3, 20000, 0, 16}) {
    std::string v(n, static_cast<char>('a' + n % 26));
    REQUIRE_FALSE(h->set("f", v, kDefaults));
    REQUIRE(*h->get("f") == v);
  }
  REQUIRE(h->size() == 1);
}

TEST_CASE("hashes: clone is deep and keeps the encoding") {
  for (Limits lim : {kDefaults, Limits{0, 64}}) {
    HashPtr h;
    for (int i = 0; i < 100; i++) h->set(name("f", i), name("v", i), lim);
    HashValue* c = h->clone();
    REQUIRE(c->encoding() == h->encoding());
    REQUIRE(contents(*c) == contents(*h.h));
    c->set("f0", "changed", lim);
    c->erase("f1");
    REQUIRE(*h->get("f0") == "v0");
    REQUIRE(h->exists("f1"));
    REQUIRE(c->memory_usage() > 0);
    hashes::destroy_hash(c);
  }
}

TEST_CASE("hashes: PairIndex reaches every pair") {
  for (Limits lim : {kDefaults, Limits{0, 64}}) {
    HashPtr h;
    for (int i = 0; i < 40; i++) h->set(name("f", i), name("v", i), lim);
    hashes::PairIndex idx(*h.h);
    REQUIRE(idx.size() == 40);
    std::set<std::string> fields;
    for (size_t i = 0; i < idx.size(); i++) {
      hashes::Pair p = idx.at(i);
      REQUIRE(p.field.substr(1) == p.value.substr(1));  // f<i> -> v<i>
      fields.emplace(p.field);
    }
    REQUIRE(fields.size() == 40);
  }
}

TEST_CASE("hashes: scan returns every field present throughout, while mutating") {
  std::mt19937_64 rng(99);
  for (size_t count : {1, 7, 100}) {
    HashTable t;
    std::set<std::string> stable, seen;
    for (int i = 0; i < 500; i++) {
      std::string f = name("s", i);
      t.set(f, "v");
      stable.insert(f);
    }
    std::vector<std::string> transient;
    for (int i = 0; i < 2000; i++) {
      transient.push_back(name("t", i));
      t.set(transient.back(), "v");
    }
    int added = 0;
    uint64_t cursor = 0;
    int calls = 0;
    do {
      cursor = t.scan(cursor, count, [&](const hashes::Pair& p) { seen.emplace(p.field); });
      calls++;
      // Mutate between calls: grow by a batch, or remove a batch (shrinking the table).
      std::uniform_int_distribution<int> what(0, 2);
      if (what(rng) == 0) {
        for (int i = 0; i < 40; i++) t.set(name("n", added++), "v");
      } else if (!transient.empty()) {
        for (int i = 0; i < 30 && !transient.empty(); i++) {
          std::uniform_int_distribution<size_t> pick(0, transient.size() - 1);
          size_t k = pick(rng);
          REQUIRE(t.erase(transient[k]));
          transient[k] = transient.back();
          transient.pop_back();
        }
      }
      REQUIRE(calls < 100000);
    } while (cursor != 0);
    for (const std::string& f : stable) REQUIRE(seen.count(f) == 1);
  }
}

TEST_CASE("hashes: a cursor past the end is clamped") {
  HashTable t;
  for (int i = 0; i < 10; i++) t.set(name("f", i), "v");
  std::set<std::string> seen;
  uint64_t cursor = t.scan(1000000, 4, [&](const hashes::Pair& p) { seen.emplace(p.field); });
  REQUIRE(cursor == 6);
  while (cursor != 0)
    cursor = t.scan(cursor, 4, [&](const hashes::Pair& p) { seen.emplace(p.field); });
  REQUIRE(seen.size() == 10);
}

TEST_CASE("hashes: hash_bytes depends on every byte and the length") {
  std::set<uint64_t> hs;
  std::string s;
  for (int i = 0; i < 40; i++) {
    hs.insert(lunar::hash_bytes(s));
    s.push_back('\0');
  }
  REQUIRE(hs.size() == 40);
  REQUIRE(lunar::hash_bytes("abcdefghi") != lunar::hash_bytes("abcdefghj"));
  REQUIRE(lunar::hash_bytes("abcdefgh") != lunar::hash_bytes("bbcdefgh"));
}
