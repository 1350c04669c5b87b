// The "hash" value type: a map of field -> value byte strings in one of Redis 7.0's two
// encodings, with the conversion rules of Redis 7.0:
//   listpack   a lunar::Packed holding field, value, field, value... in insertion order (an
//              update keeps the pair's place). Lookups are linear; it is meant for small hashes.
//   hashtable  a HashTable (hash_table.h).
// A hash is created as a listpack and becomes a hashtable, for good, as soon as a field or value
// longer than `max_value` bytes is stored or it holds more than `max_entries` pairs (Redis's
// hash-max-listpack-value / hash-max-listpack-entries); it never converts back.
//
// This file and hash_value.cc, hash_table.* are the module's data structure: no replies, no
// keyspace; the unit tests link them directly.
#ifndef LUNAR_MODULES_HASHES_HASH_VALUE_H
#define LUNAR_MODULES_HASHES_HASH_VALUE_H

#include <cstdint>
#include <limits>
#include <lunar/packed.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "hash_table.h"

namespace hashes {

// The conversion thresholds (the two config parameters).
struct Limits {
  long long max_entries;  // hash-max-listpack-entries
  long long max_value;    // hash-max-listpack-value
};

// Redis's listpack may not grow past 1 GB (lpSafeToAdd): a hash that would is converted.
inline constexpr size_t kPackedSafetyLimit = size_t{1} << 30;

class HashValue {
 public:
  enum class Encoding { kListpack, kHashtable };

  HashValue() = default;
  ~HashValue();
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  Encoding encoding() const noexcept { return table_ ? Encoding::kHashtable : Encoding::kListpack; }
  // OBJECT ENCODING's answer.
  const char* encoding_name() const noexcept { return table_ ? "hashtable" : "listpack"; }
  size_t size() const noexcept { return table_ ? table_->size() : packed_.size() / 2; }
  bool empty() const noexcept { return size() == 0; }

  // The value of `field`, valid until the hash is next changed; nullopt when absent.
  std::optional<std::string_view> get(std::string_view field) const;
  bool exists(std::string_view field) const { return get(field).has_value(); }

  // Sets field to value. Converts to a hashtable first when the field or the value is longer
  // than limits.max_value (or the listpack would pass kPackedSafetyLimit), and after when the
  // hash then holds more than limits.max_entries pairs (checked on an update too, as Redis does:
  // limits may have been lowered since). Returns true when the field was added.
  bool set(std::string_view field, std::string_view value, const Limits& limits);
  // Removes `field`; false when it was not there. Never changes the encoding.
  bool erase(std::string_view field);
  // Converts a listpack to a hashtable (no-op for a hashtable).
  void convert_to_table();

  // f(field, NaN) then f(value, NaN) for every pair until f returns true (the SDK's for_each
  // callback: SORT reads hashes through it).
  template <class F>
  void for_each_element(F&& f) const {
    constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    bool stop = false;
    for_each([&](std::string_view field, std::string_view value) {
      stop = stop || f(field, kNone) || f(value, kNone);
    });
  }
  // Calls fn(field, value) for every pair, in the encoding's order (a listpack's is insertion
  // order). The hash must not change meanwhile.
  template <class Fn>
  void for_each(Fn&& fn) const {
    if (table_) {
      for (size_t i = 0, n = table_->size(); i < n; i++) {
        Pair p = table_->at(i);
        fn(p.field, p.value);
      }
      return;
    }
    for (auto pos = packed_.first(); pos != lunar::Packed::npos;) {
      auto vpos = packed_.next(pos);
      fn(packed_.at(pos), packed_.at(vpos));
      pos = packed_.next(vpos);
    }
  }

  // One HSCAN step: a listpack returns every pair and cursor 0, whatever the cursor and count;
  // a hashtable steps as HashTable::scan. Returns the next cursor.
  template <class Fn>
  uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
    if (table_) return table_->scan(cursor, count, [&](const Pair& p) { fn(p.field, p.value); });
    for_each(fn);
    return 0;
  }

  // Bytes held by the value (for MEMORY USAGE).
  size_t memory_usage() const noexcept;
  // A deep copy in the same encoding.
  HashValue* clone() const;

  // The hashtable, or nullptr for a listpack (for tests).
  const HashTable* table() const noexcept { return table_; }
  const lunar::Packed& packed() const noexcept { return packed_; }

 private:
  // The position of `field`'s entry in the listpack, or npos.
  lunar::Packed::Pos packed_find(std::string_view field) const;

  lunar::Packed packed_;        // the listpack encoding (empty when table_ is set)
  HashTable* table_ = nullptr;  // the hashtable encoding
};

// Positional access to the pairs of a hash, for HRANDFIELD: O(1) per pair once built (a
// listpack's positions are collected once). Valid while the hash does not change.
class PairIndex {
 public:
  explicit PairIndex(const HashValue& h);
  size_t size() const noexcept { return n_; }
  Pair at(size_t i) const;

 private:
  const HashValue& h_;
  size_t n_;
  std::vector<lunar::Packed::Pos> fields_;  // listpack: the position of each field
};

// A new empty hash (lunar_alloc'ed) and its destruction.
HashValue* make_hash();
void destroy_hash(HashValue* h) noexcept;

}  // namespace hashes

#endif  // LUNAR_MODULES_HASHES_HASH_VALUE_H
