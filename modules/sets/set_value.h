// The "set" value type: distinct byte strings in one of Redis 7.0's two set encodings:
//   intset     a sorted array of int64 (IntSet), for sets whose members are all integers in
//              canonical form (as_int); iteration is in ascending order.
//   hashtable  a MemberTable: members in a dense array of blocks with a robin-hood index.
// A set converts from intset to hashtable, for good, when a non-integer member is added or a
// member is added past `max_intset` (Redis's set-max-intset-entries). Redis 7.0 has no listpack
// set encoding (it came in 7.2).
//
// This file and set_value.cc are the module's data structure (no replies, no keyspace); the
// unit tests link them directly.
#ifndef LUNAR_MODULES_SETS_SET_VALUE_H
#define LUNAR_MODULES_SETS_SET_VALUE_H

#include <lunar/dense_table.hpp>

#include <cstddef>
#include <limits>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace sets {

// The member as an int64 when it is an integer in canonical form (what Redis stores in an
// intset: no sign '+', no leading zeros, no "-0", in range).
bool as_int(std::string_view s, int64_t* out) noexcept;
// Writes v in decimal into buf (24 bytes); returns the view.
std::string_view int_text(int64_t v, char* buf) noexcept;

// A sorted array of distinct int64.
class IntSet {
 public:
  size_t size() const noexcept { return v_.size(); }
  int64_t at(size_t i) const noexcept { return v_[i]; }
  bool contains(int64_t x) const noexcept;
  bool insert(int64_t x);  // false when present
  bool erase(int64_t x);   // false when absent
  size_t memory_usage() const noexcept { return v_.capacity() * sizeof(int64_t); }

 private:
  std::vector<int64_t, lunar::Allocator<int64_t>> v_;
};

// A hash set of byte strings with positional access (0..size()-1), over lunar::DenseTable:
// removing a member moves the last one into its place; positions otherwise stay, which gives
// SSCAN its guarantee (see lunar/dense_table.hpp). A block is [uint32 length][bytes].
class MemberTable {
 public:
  size_t size() const noexcept { return table_.size(); }
  std::string_view at(size_t i) const noexcept { return MemberOf::key(table_.block(i)); }
  bool contains(std::string_view m) const { return table_.find(m) != table_.npos; }
  bool insert(std::string_view m);  // false when present
  bool erase(std::string_view m) { return table_.erase(m); }
  void reserve(size_t n) { table_.reserve(n); }
  size_t memory_usage() const noexcept { return table_.memory_usage(); }

 private:
  struct MemberOf {
    static std::string_view key(const char* block) noexcept {
      uint32_t len;
      std::memcpy(&len, block, sizeof len);
      return std::string_view(block + sizeof len, len);
    }
  };
  lunar::DenseTable<MemberOf> table_;
};

class SetValue {
 public:
  enum class Encoding { kIntset, kHashtable };

  SetValue() = default;
  ~SetValue();
  SetValue(const SetValue&) = delete;
  SetValue& operator=(const SetValue&) = delete;

  Encoding encoding() const noexcept { return table_ ? Encoding::kHashtable : Encoding::kIntset; }
  // OBJECT ENCODING's answer.
  const char* encoding_name() const noexcept { return table_ ? "hashtable" : "intset"; }
  size_t size() const noexcept { return table_ ? table_->size() : ints_.size(); }
  bool empty() const noexcept { return size() == 0; }

  bool contains(std::string_view m) const;
  // Adds m; converts to a hashtable first when m is not an integer, after when the intset then
  // holds more than max_intset members. False when m was present (nothing changes).
  bool add(std::string_view m, long long max_intset);
  bool erase(std::string_view m);
  void convert_to_table();

  // The member at position i (0 <= i < size()); buf (24 bytes) holds an intset's text.
  std::string_view at(size_t i, char* buf) const noexcept {
    return table_ ? table_->at(i) : int_text(ints_.at(i), buf);
  }
  // Calls fn(member) for every member in the encoding's order. No changes meanwhile.
  template <class Fn>
  void for_each(Fn&& fn) const {
    char buf[24];
    for (size_t i = 0, n = size(); i < n; i++) fn(at(i, buf));
  }
  // f(member, NaN) for every member until f returns true (the SDK's for_each callback).
  template <class F>
  void for_each_element(F&& f) const {
    char buf[24];
    for (size_t i = 0, n = size(); i < n; i++)
      if (f(at(i, buf), std::numeric_limits<double>::quiet_NaN())) return;
  }
  // One SSCAN step: an intset returns every member and cursor 0. A hashtable returns up to
  // `count` members at positions cursor-1, cursor-2, ... (cursor 0 or beyond the end: from the
  // end) and the lowest position reached (0 when done). Members only move downward (the last
  // into a hole) and are added at the top, so one present for the whole iteration is returned.
  template <class Fn>
  uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
    if (!table_) {
      for_each(fn);
      return 0;
    }
    size_t c = size();
    if (cursor != 0 && cursor < c) c = static_cast<size_t>(cursor);
    for (size_t n = 0; c > 0 && n < count; n++) fn(table_->at(--c));
    return c;
  }

  size_t memory_usage() const noexcept;
  SetValue* clone() const;

 private:
  IntSet ints_;
  MemberTable* table_ = nullptr;
};

SetValue* make_set();
void destroy_set(SetValue* s) noexcept;

}  // namespace sets

#endif  // LUNAR_MODULES_SETS_SET_VALUE_H
