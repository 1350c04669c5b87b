// The "set" value: the intset, the member table and the conversion. See set_value.h.
#include "set_value.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>

namespace sets {

namespace {

uint64_t g_seed = 0x13198a2e03707344ULL;  // replaced at module init by a random seed

constexpr uint64_t kMul1 = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kMul2 = 0xd6e8feb86659fd93ULL;
constexpr size_t kShrinkRatio = 10;  // shrink once ten times larger than the content
constexpr size_t kMinShrink = 64;

inline uint64_t fold_mul(uint64_t a, uint64_t b) noexcept {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

MemberTable* make_table() { return new (lunar_alloc(sizeof(MemberTable))) MemberTable(); }

void destroy_table(MemberTable* t) noexcept {
  if (!t) return;
  t->~MemberTable();
  lunar_free(t);
}

}  // namespace

bool as_int(std::string_view s, int64_t* out) noexcept {
  if (s.empty() || s.size() > 20) return false;
  int64_t v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
  char buf[24];
  if (int_text(v, buf) != s) return false;  // not canonical: "007", "-0", "+1"
  *out = v;
  return true;
}

std::string_view int_text(int64_t v, char* buf) noexcept {
  auto r = std::to_chars(buf, buf + 24, v);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

// Seeded word-at-a-time multiply-fold hash.
uint64_t hash_bytes(std::string_view s) noexcept {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = fold_mul(g_seed ^ (n * kMul1), kMul2);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = fold_mul(h ^ w, kMul2) + kMul1;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  if (n) std::memcpy(&w, p, n);
  h = fold_mul(h ^ w, kMul1);
  return fold_mul(h ^ g_seed, kMul2);
}

void set_hash_seed(uint64_t seed) noexcept { g_seed = seed; }

// ---------------------------------------------------------------------------------------------
// IntSet
// ---------------------------------------------------------------------------------------------
bool IntSet::contains(int64_t x) const noexcept {
  return std::binary_search(v_.begin(), v_.end(), x);
}

bool IntSet::insert(int64_t x) {
  auto it = std::lower_bound(v_.begin(), v_.end(), x);
  if (it != v_.end() && *it == x) return false;
  v_.insert(it, x);
  return true;
}

bool IntSet::erase(int64_t x) {
  auto it = std::lower_bound(v_.begin(), v_.end(), x);
  if (it == v_.end() || *it != x) return false;
  v_.erase(it);
  if (v_.capacity() > kMinShrink && v_.size() * kShrinkRatio < v_.capacity()) v_.shrink_to_fit();
  return true;
}

// ---------------------------------------------------------------------------------------------
// MemberTable
// ---------------------------------------------------------------------------------------------
MemberTable::MemberTable() : index_(0, Hash{this}, Eq{this}) { index_.max_load_factor(0.8f); }

MemberTable::~MemberTable() {
  for (char* b : entries_) lunar_free(b);
}

std::string_view MemberTable::at(size_t i) const noexcept {
  const char* b = entries_[i];
  uint32_t len;
  std::memcpy(&len, b, sizeof len);
  return std::string_view(b + sizeof len, len);
}

bool MemberTable::insert(std::string_view m) {
  if (contains(m)) return false;
  auto len = static_cast<uint32_t>(m.size());
  auto* b = static_cast<char*>(lunar_alloc(sizeof len + m.size()));
  std::memcpy(b, &len, sizeof len);
  if (!m.empty()) std::memcpy(b + sizeof len, m.data(), m.size());
  entry_bytes_ += lunar_alloc_size(b);
  entries_.push_back(b);
  index_.insert(static_cast<uint32_t>(entries_.size() - 1));
  return true;
}

bool MemberTable::erase(std::string_view m) {
  auto it = index_.find(m);
  if (it == index_.end()) return false;
  uint32_t pos = *it;
  index_.erase(it);
  auto last = static_cast<uint32_t>(entries_.size() - 1);
  entry_bytes_ -= lunar_alloc_size(entries_[pos]);
  lunar_free(entries_[pos]);
  if (pos != last) {
    // The last member keeps its hash (same bytes): only its stored position changes.
    auto jt = index_.find(last);
    const_cast<uint32_t&>(*jt) = pos;
    entries_[pos] = entries_[last];
  }
  entries_.pop_back();
  if (entries_.capacity() > kMinShrink && entries_.size() * kShrinkRatio < entries_.capacity())
    entries_.shrink_to_fit();
  if (index_.bucket_count() > kMinShrink && index_.size() * kShrinkRatio < index_.bucket_count())
    index_.rehash(0);
  return true;
}

void MemberTable::reserve(size_t n) {
  entries_.reserve(n);
  index_.reserve(n);
}

size_t MemberTable::memory_usage() const noexcept {
  constexpr size_t kBucket = sizeof(uint32_t) + sizeof(int16_t) + 2;
  return sizeof(MemberTable) + entry_bytes_ + entries_.capacity() * sizeof(char*) +
         index_.bucket_count() * kBucket;
}

// ---------------------------------------------------------------------------------------------
// SetValue
// ---------------------------------------------------------------------------------------------
SetValue::~SetValue() { destroy_table(table_); }

bool SetValue::contains(std::string_view m) const {
  if (table_) return table_->contains(m);
  int64_t v;
  return as_int(m, &v) && ints_.contains(v);
}

bool SetValue::add(std::string_view m, long long max_intset) {
  if (!table_) {
    int64_t v;
    if (as_int(m, &v)) {
      if (!ints_.insert(v)) return false;
      if (static_cast<long long>(ints_.size()) > max_intset) convert_to_table();
      return true;
    }
    convert_to_table();
  }
  return table_->insert(m);
}

bool SetValue::erase(std::string_view m) {
  if (table_) return table_->erase(m);
  int64_t v;
  return as_int(m, &v) && ints_.erase(v);
}

void SetValue::convert_to_table() {
  if (table_) return;
  MemberTable* t = make_table();
  t->reserve(ints_.size());
  for_each([t](std::string_view m) { t->insert(m); });
  ints_ = IntSet();
  table_ = t;
}

size_t SetValue::memory_usage() const noexcept {
  return sizeof(SetValue) + (table_ ? table_->memory_usage() : ints_.memory_usage());
}

SetValue* SetValue::clone() const {
  SetValue* c = make_set();
  if (table_) {
    c->table_ = make_table();
    c->table_->reserve(size());
    for_each([c](std::string_view m) { c->table_->insert(m); });
  } else {
    c->ints_ = ints_;
  }
  return c;
}

SetValue* make_set() { return new (lunar_alloc(sizeof(SetValue))) SetValue(); }

void destroy_set(SetValue* s) noexcept {
  if (!s) return;
  s->~SetValue();
  lunar_free(s);
}

}  // namespace sets
