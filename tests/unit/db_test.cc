// Keyspace: the dense-slot database, its index, expiry bookkeeping and the SCAN guarantee.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>
#include <string>

#include "kernel/keyspace/db.h"
#include "kernel/keyspace/keyspace.h"
#include "kernel/server.h"

using lunar::Db;
using lunar::Slot;

// "k" + std::to_string(i) trips GCC 12's -Wrestrict false positive; this does not.
static std::string key_n(const char* prefix, long long i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

namespace {
int g_freed = 0;
lunar_type test_type() {
  lunar_type t;
  t.name = "test";
  t.methods.struct_size = sizeof(lunar_type_methods);
  t.methods.free_value = [](void*, void* v) {
    g_freed++;
    delete static_cast<std::string*>(v);
  };
  return t;
}
lunar_type g_type = test_type();

void* val(const std::string& s) { return new std::string(s); }
std::string get(Db& db, const std::string& k) {
  Slot* s = db.find(k);
  return s ? *static_cast<std::string*>(s->value) : std::string("<none>");
}
}  // namespace

TEST_CASE("db: insert, find, replace, erase free values exactly once", "[db]") {
  g_freed = 0;
  {
    Db db;
    for (int i = 0; i < 1000; i++) db.insert(key_n("k", i), &g_type, val(std::to_string(i)));
    REQUIRE(db.size() == 1000);
    REQUIRE(get(db, "k42") == "42");
    REQUIRE(db.find("nope") == nullptr);
    db.replace_value(db.find("k42"), &g_type, val("x"));
    REQUIRE(g_freed == 1);
    REQUIRE(get(db, "k42") == "x");
    for (int i = 0; i < 1000; i += 2) REQUIRE(db.erase(key_n("k", i)));
    REQUIRE_FALSE(db.erase("k0"));
    REQUIRE(db.size() == 500);
    REQUIRE(g_freed == 501);
    for (int i = 1; i < 1000; i += 2) REQUIRE(get(db, key_n("k", i)) == (i == 42 ? "x" : std::to_string(i)));
    REQUIRE(g_type.live_values == 500);
  }
  REQUIRE(g_freed == 1001);  // the destructor freed the rest
  REQUIRE(g_type.live_values == 0);
}

TEST_CASE("db: keys with any bytes, empty key, long key", "[db]") {
  Db db;
  std::string bin("a\0b\r\n", 5), empty, big(100000, 'z');
  db.insert(bin, &g_type, val("bin"));
  db.insert(empty, &g_type, val("empty"));
  db.insert(big, &g_type, val("big"));
  REQUIRE(get(db, bin) == "bin");
  REQUIRE(get(db, empty) == "empty");
  REQUIRE(get(db, big) == "big");
  REQUIRE(db.find(std::string("a\0c\r\n", 5)) == nullptr);
}

TEST_CASE("db: volatile set tracks expiries through moves", "[db][expire]") {
  Db db;
  for (int i = 0; i < 100; i++) db.insert(key_n("k", i), &g_type, val("v"));
  for (int i = 0; i < 100; i += 3) db.set_expire(db.find(key_n("k", i)), 1000 + i);
  REQUIRE(db.volatile_count() == 34);
  // Deleting moves slots around; every volatile entry must still point at a slot with an expiry.
  for (int i = 0; i < 100; i += 5) db.erase(key_n("k", i));
  size_t expected = 0;
  for (int i = 0; i < 100; i++)
    if (i % 3 == 0 && i % 5 != 0) expected++;
  REQUIRE(db.volatile_count() == expected);
  for (int n = 0; n < 1000; n++) {
    Slot* s = db.random_volatile();
    REQUIRE(s != nullptr);
    REQUIRE(s->expire_ms >= 1000);
    REQUIRE(db.find(s->key->view()) == s);
  }
  db.set_expire(db.find("k3"), -1);
  REQUIRE(db.volatile_count() == expected - 1);
  REQUIRE(db.find("k3")->expire_ms == -1);
}

TEST_CASE("db: detach hands the value over without freeing it", "[db]") {
  g_freed = 0;
  Db db;
  db.insert("a", &g_type, val("A"));
  db.set_expire(db.find("a"), 5000);
  const lunar_type* t;
  void* v;
  int64_t exp;
  REQUIRE(db.detach("a", &t, &v, &exp));
  REQUIRE(exp == 5000);
  REQUIRE(g_freed == 0);
  REQUIRE(db.size() == 0);
  REQUIRE(db.volatile_count() == 0);
  delete static_cast<std::string*>(v);
}

// The SCAN guarantee: a key present for the whole iteration is returned at least once, whatever
// inserts and deletes happen between calls (and however the table grows).
TEST_CASE("db: scan returns every stable key under concurrent churn", "[db][scan]") {
  std::mt19937 rng(12345);
  for (int round = 0; round < 20; round++) {
    Db db;
    std::set<std::string> stable;
    for (int i = 0; i < 500; i++) {
      std::string k = key_n("s", i);
      db.insert(k, &g_type, val("v"));
      stable.insert(k);
    }
    int churn_id = 0;
    std::vector<std::string> churn;
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int calls = 0;
    do {
      cursor = db.scan(cursor, 1 + rng() % 20, [&](Slot& s) { seen.insert(std::string(s.key->view())); });
      calls++;
      // Churn: add many keys (growing the table) and delete some of the churned ones.
      int adds = rng() % 60;
      for (int a = 0; a < adds; a++) {
        std::string k = key_n("c", churn_id++);
        db.insert(k, &g_type, val("v"));
        churn.push_back(k);
      }
      int dels = rng() % 40;
      for (int d = 0; d < dels && !churn.empty(); d++) {
        size_t i = rng() % churn.size();
        db.erase(churn[i]);
        churn[i] = churn.back();
        churn.pop_back();
      }
    } while (cursor != 0 && calls < 100000);
    REQUIRE(cursor == 0);
    for (const auto& k : stable) REQUIRE(seen.count(k) == 1);
  }
}

TEST_CASE("db: scan of an empty db ends at once; clamped cursor", "[db][scan]") {
  Db db;
  int n = 0;
  REQUIRE(db.scan(0, 10, [&](Slot&) { n++; }) == 0);
  REQUIRE(n == 0);
  for (int i = 0; i < 10; i++) db.insert(key_n("k", i), &g_type, val("v"));
  // A cursor beyond the table is clamped: it still visits everything below it.
  std::set<std::string> seen;
  uint64_t c = 1000;
  do {
    c = db.scan(c, 3, [&](Slot& s) { seen.insert(std::string(s.key->view())); });
  } while (c != 0);
  REQUIRE(seen.size() == 10);
}

TEST_CASE("keyspace: lazy expiry on lookup and the active cycle", "[keyspace][expire]") {
  lunar::g_server.dbs.clear();
  lunar::g_server.dbs.push_back(std::make_unique<Db>());
  Db& db = lunar::db_at(0);
  long long now = lunar::now_ms();
  for (int i = 0; i < 200; i++) {
    Slot* s = db.insert(key_n("e", i), &g_type, val("v"));
    db.set_expire(s, i < 100 ? now - 10 : now + 100000);
  }
  db.insert("plain", &g_type, val("v"));
  lunar::g_server.cmd_time_ms = now;
  long long expired_before = lunar::g_server.stats.expired_keys;
  REQUIRE(lunar::lookup_read(0, "e5") == nullptr);  // due: deleted on access
  REQUIRE(lunar::lookup_read(0, "e150") != nullptr);
  REQUIRE(lunar::lookup_read(0, "plain") != nullptr);
  REQUIRE(lunar::g_server.stats.expired_keys == expired_before + 1);
  // The active cycle removes the rest of the due keys, and only those.
  for (int i = 0; i < 50 && db.size() > 101; i++) lunar::active_expire_cycle(100000);
  REQUIRE(db.size() == 101);
  REQUIRE(db.volatile_count() == 100);
  lunar::g_server.dbs.clear();
}
