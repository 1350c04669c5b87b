// The "set" value: the intset, the member table and the conversion. See set_value.h.
#include "set_value.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>

namespace sets {

namespace {

constexpr size_t kShrinkRatio = 10;  // the intset shrinks once ten times larger than its content
constexpr size_t kMinShrink = 64;

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
bool MemberTable::insert(std::string_view m) {
  uint64_t h = lunar::hash_bytes(m);  // hashed once for the lookup and the insertion
  if (table_.find(m, h) != table_.npos) return false;
  auto len = static_cast<uint32_t>(m.size());
  auto* b = static_cast<char*>(lunar_alloc(sizeof len + m.size()));
  std::memcpy(b, &len, sizeof len);
  if (!m.empty()) std::memcpy(b + sizeof len, m.data(), m.size());
  table_.insert(b, h);
  return true;
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
