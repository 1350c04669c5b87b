// The "hashtable" encoding of a hash: field -> value pairs in a lunar::DenseTable (a dense array
// of entry blocks with a robin-hood index from field to position; see lunar/dense_table.hpp for
// the layout and for the HSCAN guarantee its downward cursor gives).
//
// One lunar_alloc block per pair: [varint field length][varint value length][field][value].
// Positions are 32-bit: a table holds at most 2^32 - 1 pairs (Redis's documented limit for a
// hash).
#ifndef LUNAR_MODULES_HASHES_HASH_TABLE_H
#define LUNAR_MODULES_HASHES_HASH_TABLE_H

#include <lunar/dense_table.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hashes {

// One field/value pair as stored: views into an entry block, valid until the pair is changed or
// removed.
struct Pair {
  std::string_view field, value;
};

class HashTable {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  size_t size() const noexcept { return table_.size(); }
  // The pair at position i (0 <= i < size()).
  Pair at(size_t i) const noexcept { return decode(table_.block(i)); }
  // The position of `field`, or npos.
  size_t find(std::string_view field) const { return table_.find(field); }

  // Sets field to value; returns true when the field was added, false when it was updated.
  bool set(std::string_view field, std::string_view value);
  // Replaces the value of the pair at position i (its position does not change).
  void set_value(size_t i, std::string_view value);
  // Removes `field`; false when it was not there. Moves the last pair into its position.
  bool erase(std::string_view field) { return table_.erase(field); }
  // Room for n pairs without regrowing.
  void reserve(size_t n) { table_.reserve(n); }

  // One HSCAN step: calls fn(pair) for up to `count` pairs below `cursor` (0 = from the top);
  // returns the next cursor, 0 when the iteration is complete.
  template <class Fn>
  uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
    return table_.scan(cursor, count, [&](size_t i) { fn(at(i)); });
  }

  // Bytes held: entry blocks, the array and the index.
  size_t memory_usage() const noexcept { return table_.memory_usage(); }

 private:
  static Pair decode(const char* block) noexcept;
  // A new block holding field and value.
  static char* make_block(std::string_view field, std::string_view value);
  struct FieldOf {
    static std::string_view key(const char* block) noexcept { return decode(block).field; }
  };

  lunar::DenseTable<FieldOf> table_;
};

}  // namespace hashes

#endif  // LUNAR_MODULES_HASHES_HASH_TABLE_H
