// The "hashtable" encoding of a hash: field -> value pairs in a dense array of entry blocks, with
// a robin-hood index from field to array position.
//
// Layout. `entries_` is a dense vector of pointers to entry blocks (one lunar_alloc block per
// pair: [varint field length][varint value length][field][value]). `index_` is a
// tsl::robin_set of uint32_t array positions whose hash and equality read the field through the
// table, so each pair costs one 8-byte pointer, 8-byte index buckets (at a load factor of 0.4 to
// 0.8), and one block. Removing
// a pair moves the last entry into the hole (swap-remove) and renumbers it in the index.
//
// HSCAN guarantee. A cursor c is a position bound: everything at position >= c has been
// returned. A call returns positions c-1, c-2, ... downward (cursor 0 starts at the end) and the
// next cursor is the lowest position reached, or 0 when it reached the bottom. Entries only move
// downward (the last one into a hole) and new ones are appended at the top, and growing or
// shrinking the vector keeps positions, so a pair present for the whole iteration is either
// above c (already returned) or below c (still to come) at every moment: it is returned at least
// once, twice only when it moved below c after being returned. A cursor larger than the table
// is clamped to its size, which loses nothing for the same reason.
//
// Positions are 32-bit: a table holds at most 2^32 - 1 pairs (Redis's documented limit for a
// hash). Memory goes through lunar_alloc (lunar::Allocator), so used_memory sees all of it.
#ifndef LUNAR_MODULES_HASHES_HASH_TABLE_H
#define LUNAR_MODULES_HASHES_HASH_TABLE_H

#include <lunar/lunar.h>
#include <lunar/module.hpp>
#include <tsl/robin_set.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace hashes {


// A seeded 64-bit hash of bytes (the seed is drawn once per process; see set_hash_seed).
uint64_t hash_bytes(std::string_view s) noexcept;
void set_hash_seed(uint64_t seed) noexcept;

// One field/value pair as stored: views into an entry block, valid until the pair is changed or
// removed.
struct Pair {
  std::string_view field, value;
};

class HashTable {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  HashTable();
  ~HashTable();
  // The index's functors point at this object: it never moves.
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;

  size_t size() const noexcept { return entries_.size(); }
  // The pair at position i (0 <= i < size()).
  Pair at(size_t i) const noexcept { return decode(entries_[i]); }
  // The position of `field`, or npos.
  size_t find(std::string_view field) const;

  // Sets field to value; returns true when the field was added, false when it was updated.
  bool set(std::string_view field, std::string_view value);
  // Replaces the value of the pair at position i (its position does not change).
  void set_value(size_t i, std::string_view value);
  // Removes `field`; false when it was not there. Moves the last pair into its position.
  bool erase(std::string_view field);
  // Room for n pairs without regrowing.
  void reserve(size_t n);

  // One HSCAN step: calls fn(pair) for up to `count` pairs below `cursor` (0 = from the top);
  // returns the next cursor, 0 when the iteration is complete. See the header comment.
  template <class Fn>
  uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
    size_t c = size();
    if (cursor != 0 && cursor < c) c = static_cast<size_t>(cursor);
    for (size_t n = 0; c > 0 && n < count; n++) fn(at(--c));
    return c;
  }

  // Bytes held: entry blocks, the array and the index.
  size_t memory_usage() const noexcept;

 private:
  // Hash and equality of index elements (positions) and lookups (field bytes). Positions in the
  // index are unique, so two positions are equal only when they are the same number.
  struct Hash {
    using is_transparent = void;
    const HashTable* t;
    size_t operator()(uint32_t i) const noexcept;
    size_t operator()(std::string_view s) const noexcept { return hash_bytes(s); }
  };
  struct Eq {
    using is_transparent = void;
    const HashTable* t;
    bool operator()(uint32_t a, uint32_t b) const noexcept { return a == b; }
    bool operator()(uint32_t a, std::string_view b) const noexcept { return t->at(a).field == b; }
    bool operator()(std::string_view a, uint32_t b) const noexcept { return a == t->at(b).field; }
  };
  // No stored hash: a bucket is 8 bytes instead of 12; growing rehashes each field (as Redis's
  // dict does) and a probe compares fields.
  using Index = tsl::robin_set<uint32_t, Hash, Eq, lunar::Allocator<uint32_t>, false>;

  static Pair decode(const char* block) noexcept;
  // A new block holding field and value; adds its size to entry_bytes_.
  char* make_block(std::string_view field, std::string_view value);
  void free_block(char* block) noexcept;

  std::vector<char*, lunar::Allocator<char*>> entries_;
  Index index_;
  size_t entry_bytes_ = 0;  // usable bytes of all entry blocks
  // The hash of the field being inserted at position pending_pos_, computed once by set().
  mutable uint32_t pending_pos_ = UINT32_MAX;
  mutable size_t pending_hash_ = 0;
};

}  // namespace hashes

#endif  // LUNAR_MODULES_HASHES_HASH_TABLE_H
