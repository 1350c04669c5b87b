// The "hashtable" encoding of a hash. See hash_table.h.
#include "hash_table.h"

#include <cstring>

namespace hashes {

namespace {

uint64_t g_seed = 0x243f6a8885a308d3ULL;  // replaced at module init by a random seed

constexpr uint64_t kMul1 = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kMul2 = 0xd6e8feb86659fd93ULL;
constexpr float kMaxLoad = 0.8f;     // the index's load factor, as the keyspace's
constexpr size_t kShrinkRatio = 10;  // the index shrinks once 10 times larger than its content
constexpr size_t kMinShrink = 64;    // ... and above this many buckets (the array: capacity)

// The high and low halves of a 64x64-bit product, folded together.
inline uint64_t fold_mul(uint64_t a, uint64_t b) noexcept {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr size_t varint_len(size_t v) noexcept {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

inline char* put_varint(char* p, size_t v) noexcept {
  do {
    auto b = static_cast<unsigned char>(v & 0x7f);
    v >>= 7;
    if (v) b |= 0x80;
    *p++ = static_cast<char>(b);
  } while (v);
  return p;
}

inline const char* get_varint(const char* p, size_t* v) noexcept {
  size_t r = 0, shift = 0;
  for (;;) {
    auto b = static_cast<unsigned char>(*p++);
    r |= static_cast<size_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  *v = r;
  return p;
}

}  // namespace

// Words of 8 bytes, each xored into the state and mixed by a folded multiply; the length and
// the seed enter the initial state so that an attacker who does not know the seed cannot aim
// fields at one bucket.
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
// Entry blocks
// ---------------------------------------------------------------------------------------------
Pair HashTable::decode(const char* block) noexcept {
  size_t flen, vlen;
  const char* p = get_varint(block, &flen);
  p = get_varint(p, &vlen);
  return {std::string_view(p, flen), std::string_view(p + flen, vlen)};
}

char* HashTable::make_block(std::string_view field, std::string_view value) {
  size_t n = varint_len(field.size()) + varint_len(value.size()) + field.size() + value.size();
  auto* b = static_cast<char*>(lunar_alloc(n));
  char* p = put_varint(put_varint(b, field.size()), value.size());
  if (!field.empty()) std::memcpy(p, field.data(), field.size());
  if (!value.empty()) std::memcpy(p + field.size(), value.data(), value.size());
  entry_bytes_ += lunar_alloc_size(b);
  return b;
}

void HashTable::free_block(char* block) noexcept {
  entry_bytes_ -= lunar_alloc_size(block);
  lunar_free(block);
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------
size_t HashTable::Hash::operator()(uint32_t i) const noexcept {
  if (i == t->pending_pos_) return t->pending_hash_;
  return hash_bytes(t->at(i).field);
}

HashTable::HashTable() : index_(0, Hash{this}, Eq{this}) { index_.max_load_factor(kMaxLoad); }

HashTable::~HashTable() {
  for (char* b : entries_) lunar_free(b);
}

size_t HashTable::find(std::string_view field) const {
  auto it = index_.find(field);
  return it == index_.end() ? npos : *it;
}

bool HashTable::set(std::string_view field, std::string_view value) {
  size_t h = hash_bytes(field);
  auto it = index_.find(field, h);
  if (it != index_.end()) {
    set_value(*it, value);
    return false;
  }
  auto pos = static_cast<uint32_t>(entries_.size());
  entries_.push_back(make_block(field, value));
  pending_pos_ = pos;
  pending_hash_ = h;
  index_.insert(pos);
  pending_pos_ = UINT32_MAX;
  return true;
}

void HashTable::set_value(size_t i, std::string_view value) {
  char* old = entries_[i];
  Pair cur = decode(old);
  size_t head = varint_len(cur.field.size());
  // In place when the value's length prefix keeps its size and the block has room without
  // being more than about twice what the pair needs.
  size_t need = head + varint_len(value.size()) + cur.field.size() + value.size();
  size_t avail = lunar_alloc_size(old);
  if (varint_len(value.size()) == varint_len(cur.value.size()) && need <= avail &&
      avail <= 2 * need + 16) {
    char* p = put_varint(old + head, value.size()) + cur.field.size();
    if (!value.empty()) std::memmove(p, value.data(), value.size());
    return;
  }
  entries_[i] = make_block(cur.field, value);
  free_block(old);
}

bool HashTable::erase(std::string_view field) {
  auto it = index_.find(field);
  if (it == index_.end()) return false;
  uint32_t pos = *it;
  index_.erase(it);
  auto last = static_cast<uint32_t>(entries_.size() - 1);
  free_block(entries_[pos]);
  if (pos != last) {
    // Renumber the last pair: its field (hence its hash and its bucket) is unchanged, so only
    // the stored position changes. The element is a plain uint32_t that the set created
    // non-const; the set only exposes it as const because it is its key.
    auto jt = index_.find(last);
    const_cast<uint32_t&>(*jt) = pos;
    entries_[pos] = entries_[last];
  }
  entries_.pop_back();
  // Give memory back once mostly unused (as Redis resizes a dict below 10% fill). Each shrink
  // costs O(size) and needs the size to fall tenfold again: amortized O(1).
  if (entries_.capacity() > kMinShrink && entries_.size() * kShrinkRatio < entries_.capacity())
    entries_.shrink_to_fit();
  if (index_.bucket_count() > kMinShrink && index_.size() * kShrinkRatio < index_.bucket_count())
    index_.rehash(0);
  return true;
}

void HashTable::reserve(size_t n) {
  entries_.reserve(n);
  index_.reserve(n);
}

size_t HashTable::memory_usage() const noexcept {
  // A bucket holds the position and the distance to its ideal bucket (and a flag), padded.
  constexpr size_t kBucket = sizeof(uint32_t) + sizeof(int16_t) + 2;
  return sizeof(HashTable) + entry_bytes_ + entries_.capacity() * sizeof(char*) +
         index_.bucket_count() * kBucket;
}

}  // namespace hashes
