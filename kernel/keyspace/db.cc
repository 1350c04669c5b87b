#include "kernel/keyspace/db.h"

#include <cstring>
#include <ctime>
#include <random>

#include "kernel/util/memory.h"

namespace lunar {

namespace {
uint64_t g_seed = 0x9e3779b97f4a7c15ull;

inline uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

std::mt19937_64& rng() {
  static std::mt19937_64 g{std::random_device{}()};
  return g;
}
}  // namespace

// A seeded multiply-mix hash over 8-byte words; the random seed keeps bucket placement
// unpredictable to clients.
uint64_t hash_bytes(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = g_seed ^ (n * 0xa0761d6478bd642full);
  while (n >= 16) {
    h = mix(load64(p) ^ 0xe7037ed1a0b428dbull, load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = load64(p);
    b = load64(p + n - 8);
  } else if (n >= 4) {
    uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = (static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<uint8_t>(p[n >> 1])) << 8) |
        static_cast<uint8_t>(p[n - 1]);
  }
  return mix(a ^ 0x8ebc6af09c88c6e3ull ^ h, b ^ 0x589965cc75374cc3ull);
}

void set_hash_seed(uint64_t seed) { g_seed = seed | 1; }

uint32_t lru_clock() { return static_cast<uint32_t>(std::time(nullptr)); }

KeyBlock* KeyBlock::make(std::string_view s) {
  auto* k = static_cast<KeyBlock*>(memory::alloc(offsetof(KeyBlock, data) + s.size() + 1));
  k->len = static_cast<uint32_t>(s.size());
  std::memcpy(k->data, s.data(), s.size());
  k->data[s.size()] = '\0';
  return k;
}

void KeyBlock::destroy(KeyBlock* k) { memory::free(k); }

Db::~Db() { clear(); }

Slot* Db::find(std::string_view key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &slots_[it->second];
}

Slot* Db::insert(std::string_view key, const TypeRec* type, void* value) {
  KeyBlock* k = KeyBlock::make(key);
  uint32_t idx = static_cast<uint32_t>(slots_.size());
  slots_.push_back(Slot{k, value, type, -1, kNoPos, lru_clock()});
  index_.emplace(k, idx);
  const_cast<TypeRec*>(type)->live_values++;
  return &slots_.back();
}

void Db::replace_value(Slot* s, const TypeRec* type, void* value) {
  const_cast<TypeRec*>(s->type)->live_values--;
  free_value(s->type, s->value);
  s->type = type;
  s->value = value;
  const_cast<TypeRec*>(type)->live_values++;
}

void Db::volatile_remove(Slot& s) {
  if (s.vol_pos == kNoPos) return;
  uint32_t last = volatile_.back();
  volatile_[s.vol_pos] = last;
  slots_[last].vol_pos = s.vol_pos;
  volatile_.pop_back();
  s.vol_pos = kNoPos;
}

void Db::set_expire(Slot* s, int64_t when_ms) {
  s->expire_ms = when_ms;
  if (when_ms < 0) {
    volatile_remove(*s);
  } else if (s->vol_pos == kNoPos) {
    s->vol_pos = static_cast<uint32_t>(volatile_.size());
    volatile_.push_back(static_cast<uint32_t>(s - slots_.data()));
  }
}

// Removes slot idx: its key leaves the index, the last slot moves into the hole.
void Db::remove_slot(uint32_t idx, bool free_val) {
  Slot& s = slots_[idx];
  volatile_remove(s);
  index_.erase(s.key);
  KeyBlock::destroy(s.key);
  const_cast<TypeRec*>(s.type)->live_values--;
  if (free_val) free_value(s.type, s.value);
  uint32_t last = static_cast<uint32_t>(slots_.size() - 1);
  if (idx != last) {
    slots_[idx] = slots_[last];
    Slot& moved = slots_[idx];
    index_.find(moved.key).value() = idx;
    if (moved.vol_pos != kNoPos) volatile_[moved.vol_pos] = idx;
  }
  slots_.pop_back();
}

bool Db::erase(std::string_view key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  remove_slot(it->second, true);
  return true;
}

bool Db::detach(std::string_view key, const TypeRec** type, void** value, int64_t* expire_ms) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  Slot& s = slots_[it->second];
  *type = s.type;
  *value = s.value;
  *expire_ms = s.expire_ms;
  remove_slot(it->second, false);
  return true;
}

void Db::clear() {
  for (Slot& s : slots_) {
    const_cast<TypeRec*>(s.type)->live_values--;
    free_value(s.type, s.value);
    KeyBlock::destroy(s.key);
  }
  std::vector<Slot>().swap(slots_);
  Index().swap(index_);
  index_.max_load_factor(kMaxLoadFactor);
  std::vector<uint32_t>().swap(volatile_);
}

void Db::swap(Db& other) {
  slots_.swap(other.slots_);
  index_.swap(other.index_);
  volatile_.swap(other.volatile_);
}

Slot* Db::random_slot() {
  if (slots_.empty()) return nullptr;
  return &slots_[rng()() % slots_.size()];
}

Slot* Db::random_volatile() {
  if (volatile_.empty()) return nullptr;
  return &slots_[volatile_[rng()() % volatile_.size()]];
}

uint64_t Db::scan(uint64_t cursor, size_t count, const std::function<void(Slot&)>& fn) {
  uint64_t c = cursor == 0 || cursor > slots_.size() ? slots_.size() : cursor;
  if (count == 0) count = 1;
  while (c > 0 && count > 0) {
    --c;
    --count;
    fn(slots_[c]);
  }
  return c;
}

}  // namespace lunar
