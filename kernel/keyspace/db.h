// One database: key -> (type, value, expiry).
//
// Layout. Entries live in a dense vector (`slots_`); a tsl::robin_map maps each key to its slot
// index. Deleting swaps the last slot into the hole. Keys with an expiry are also listed in a
// dense `volatile_` vector (each slot remembers its position there), which the active expiry
// cycle and RANDOMKEY sample in O(1).
//
// SCAN guarantee. The cursor is a slot index bound c: everything at index >= c has been returned.
// A call returns slots c-1, c-2, ... downward (the first call, cursor 0, starts at the end) and
// the next cursor is the lowest index reached, or 0 when it reached the bottom. Slots only ever
// move downward (the last slot into a hole left by a delete) and new keys are appended at the
// top, and growing the vector keeps indices. So a key present for the whole iteration is either
// above c (already returned) or below c (still to come) at every moment and is returned at least
// once; it may be returned twice when it is moved below c after being returned. A cursor larger
// than the table (after many deletes) is clamped to its size, which loses nothing for the same
// reason.
#pragma once
#include <tsl/robin_map.h>

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "kernel/keyspace/types.h"

namespace lunar {

// A key's bytes, allocated once with their length in front; its address is stable.
struct KeyBlock {
  uint32_t len;
  char data[1];
  std::string_view view() const { return {data, len}; }
  static KeyBlock* make(std::string_view s);
  static void destroy(KeyBlock* k);
};

struct Slot {
  KeyBlock* key;
  void* value;
  const TypeRec* type;
  int64_t expire_ms;  // absolute unix ms, or -1
  uint32_t vol_pos;   // position in volatile_, or kNoPos
  uint32_t lru;       // seconds clock of last access (OBJECT IDLETIME)
};

uint64_t hash_bytes(std::string_view s);  // seeded at startup
void set_hash_seed(uint64_t seed);
uint32_t lru_clock();                       // current seconds clock for Slot::lru

class Db {
 public:
  static constexpr uint32_t kNoPos = UINT32_MAX;
  // Robin hood probing stays short at high load; 0.8 instead of robin_map's 0.5 saves a third of
  // the index's memory.
  static constexpr float kMaxLoadFactor = 0.8f;

  Db() { index_.max_load_factor(kMaxLoadFactor); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  size_t size() const { return slots_.size(); }
  size_t volatile_count() const { return volatile_.size(); }

  // Raw lookup: no expiry check. nullptr when absent. The pointer is valid until the next write
  // to this database.
  Slot* find(std::string_view key);
  // Inserts a new key (must not exist) and returns its slot.
  Slot* insert(std::string_view key, const TypeRec* type, void* value);
  // Replaces the value of an existing slot, freeing the old one.
  void replace_value(Slot* s, const TypeRec* type, void* value);
  // Removes the key and frees its value. Returns false when absent.
  bool erase(std::string_view key);
  // Removes the key without freeing the value; returns the detached value (for RENAME/MOVE).
  bool detach(std::string_view key, const TypeRec** type, void** value, int64_t* expire_ms);
  void set_expire(Slot* s, int64_t when_ms);  // -1 removes
  // Frees every value; leaves an empty database.
  void clear();
  void swap(Db& other);

  Slot& slot_at(size_t i) { return slots_[i]; }
  // A random key slot (nullptr when empty), and a random volatile slot.
  Slot* random_slot();
  Slot* random_volatile();

  // SCAN step: calls fn for up to `count` slots below `cursor`; returns the next cursor.
  uint64_t scan(uint64_t cursor, size_t count, const std::function<void(Slot&)>& fn);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(const KeyBlock* k) const { return hash_bytes(k->view()); }
    size_t operator()(std::string_view s) const { return hash_bytes(s); }
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(const KeyBlock* a, const KeyBlock* b) const { return a->view() == b->view(); }
    bool operator()(const KeyBlock* a, std::string_view b) const { return a->view() == b; }
    bool operator()(std::string_view a, const KeyBlock* b) const { return a == b->view(); }
  };
  using Index = tsl::robin_map<KeyBlock*, uint32_t, Hash, Eq,
                               std::allocator<std::pair<KeyBlock*, uint32_t>>, true>;

  void remove_slot(uint32_t idx, bool free_value);
  void volatile_remove(Slot& s);

  std::vector<Slot> slots_;
  Index index_;
  std::vector<uint32_t> volatile_;
};

}  // namespace lunar
