// lunar/dense_table.hpp — a hash table of byte-string keys in a dense array, for the large
// encodings of collection types (hashes, sets, sorted sets).
//
// Entries are blocks from lunar_alloc that the caller lays out; `KeyOf::key(block)` reads the
// key back from a block. The blocks live in a dense array (positions 0..size()-1) and a
// robin-hood index (tsl::robin_set of 32-bit positions, 8 bytes per bucket, hashes not stored)
// finds a key's position. Removing an entry moves the last one into its hole, so entries only
// ever move downward and new ones are added at the top: a cursor that walks positions downward
// (scan) returns every entry present for the whole walk at least once, across growth and
// shrinking — the guarantee HSCAN/SSCAN/ZSCAN give.
//
// Keys are hashed with a per-process random seed (set_dense_table_seed at module init), so a
// client cannot aim keys at one bucket. Not thread-safe; the rules of lunar.h apply.
#ifndef LUNAR_DENSE_TABLE_HPP
#define LUNAR_DENSE_TABLE_HPP

#include <lunar/module.hpp>
#include <tsl/robin_set.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace lunar {

namespace dense_detail {
inline uint64_t g_seed = 0x243f6a8885a308d3ULL;

inline uint64_t fold_mul(uint64_t a, uint64_t b) noexcept {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
}  // namespace dense_detail

// Sets the seed of hash_bytes (call once at module init with a random value).
inline void set_dense_table_seed(uint64_t seed) noexcept { dense_detail::g_seed = seed; }

// A seeded 64-bit hash of bytes: 8-byte words xored into the state and mixed by a folded
// multiply; the length and the seed enter the initial state.
inline uint64_t hash_bytes(std::string_view s) noexcept {
  using dense_detail::fold_mul;
  constexpr uint64_t kMul1 = 0x9e3779b97f4a7c15ULL, kMul2 = 0xd6e8feb86659fd93ULL;
  const uint64_t seed = dense_detail::g_seed;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = fold_mul(seed ^ (n * kMul1), kMul2);
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
  return fold_mul(h ^ seed, kMul2);
}

template <class KeyOf>
class DenseTable {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  DenseTable() : index_(0, Hash{this}, Eq{this}) { index_.max_load_factor(kMaxLoad); }
  ~DenseTable() {
    for (char* b : blocks_) lunar_free(b);
  }
  // The index's functors point at this object: it never moves.
  DenseTable(const DenseTable&) = delete;
  DenseTable& operator=(const DenseTable&) = delete;

  size_t size() const noexcept { return blocks_.size(); }
  const char* block(size_t i) const noexcept { return blocks_[i]; }
  char* block(size_t i) noexcept { return blocks_[i]; }
  std::string_view key(size_t i) const noexcept { return KeyOf::key(blocks_[i]); }

  // The position of `key`, or npos; `hash` = hash_bytes(key) when the caller has it.
  size_t find(std::string_view key) const { return find(key, hash_bytes(key)); }
  size_t find(std::string_view key, uint64_t hash) const {
    auto it = index_.find(key, static_cast<size_t>(hash));
    return it == index_.end() ? npos : *it;
  }
  // Adds `block` (ownership passes to the table; its key must not be present, hash =
  // hash_bytes(key)) at the top; returns its position.
  size_t insert(char* block, uint64_t hash) {
    auto pos = static_cast<uint32_t>(blocks_.size());
    blocks_.push_back(block);
    block_bytes_ += lunar_alloc_size(block);
    pending_pos_ = pos;  // the index hashes the new position: give it the known hash
    pending_hash_ = hash;
    index_.insert(pos);
    pending_pos_ = UINT32_MAX;
    return pos;
  }
  size_t insert(char* block) { return insert(block, hash_bytes(KeyOf::key(block))); }
  // Replaces the block at position i by one with the same key (the old one is freed).
  void replace(size_t i, char* block) {
    block_bytes_ -= lunar_alloc_size(blocks_[i]);
    lunar_free(blocks_[i]);
    blocks_[i] = block;
    block_bytes_ += lunar_alloc_size(block);
  }
  // Removes `key` and frees its block; false when absent. The last entry takes its position.
  bool erase(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    uint32_t pos = *it;
    index_.erase(it);
    auto last = static_cast<uint32_t>(blocks_.size() - 1);
    block_bytes_ -= lunar_alloc_size(blocks_[pos]);
    lunar_free(blocks_[pos]);
    if (pos != last) {
      // The last entry keeps its key (hence its bucket): only its stored position changes. The
      // set exposes elements as const because they are its keys; the value is what we change.
      auto jt = index_.find(last);
      const_cast<uint32_t&>(*jt) = pos;
      blocks_[pos] = blocks_[last];
    }
    blocks_.pop_back();
    // Give memory back once mostly unused (as Redis resizes a dict below 10% fill); each
    // shrink needs the size to fall tenfold again: amortized O(1).
    if (blocks_.capacity() > kMinShrink && blocks_.size() * kShrinkRatio < blocks_.capacity())
      blocks_.shrink_to_fit();
    if (index_.bucket_count() > kMinShrink && index_.size() * kShrinkRatio < index_.bucket_count())
      index_.rehash(0);
    return true;
  }
  void reserve(size_t n) {
    blocks_.reserve(n);
    index_.reserve(n);
  }

  // One scan step: fn(position) for up to `count` positions below `cursor` (0 = from the top),
  // walking down; returns the next cursor, 0 when the walk is complete.
  template <class Fn>
  uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
    size_t c = size();
    if (cursor != 0 && cursor < c) c = static_cast<size_t>(cursor);
    for (size_t n = 0; c > 0 && n < count; n++) fn(--c);
    return c;
  }

  // Bytes held: the blocks, the array and the index (a bucket: position, probe distance, flag).
  size_t memory_usage() const noexcept {
    constexpr size_t kBucket = sizeof(uint32_t) + sizeof(int16_t) + 2;
    return sizeof(*this) + block_bytes_ + blocks_.capacity() * sizeof(char*) +
           index_.bucket_count() * kBucket;
  }

 private:
  static constexpr float kMaxLoad = 0.8f;     // as the keyspace's index
  static constexpr size_t kShrinkRatio = 10;  // shrink once ten times larger than the content
  static constexpr size_t kMinShrink = 64;    // ... and above this many slots

  // Hash and equality of index elements (positions) and lookups (key bytes).
  struct Hash {
    using is_transparent = void;
    const DenseTable* t;
    size_t operator()(uint32_t i) const noexcept {
      return i == t->pending_pos_ ? t->pending_hash_ : hash_bytes(t->key(i));
    }
    size_t operator()(std::string_view s) const noexcept { return hash_bytes(s); }
  };
  struct Eq {
    using is_transparent = void;
    const DenseTable* t;
    bool operator()(uint32_t a, uint32_t b) const noexcept { return a == b; }
    bool operator()(uint32_t a, std::string_view b) const noexcept { return t->key(a) == b; }
    bool operator()(std::string_view a, uint32_t b) const noexcept { return a == t->key(b); }
  };
  using Index = tsl::robin_set<uint32_t, Hash, Eq, Allocator<uint32_t>, false>;

  std::vector<char*, Allocator<char*>> blocks_;
  Index index_;
  size_t block_bytes_ = 0;  // usable bytes of all blocks
  uint32_t pending_pos_ = UINT32_MAX;
  uint64_t pending_hash_ = 0;
};

}  // namespace lunar

#endif  // LUNAR_DENSE_TABLE_HPP
