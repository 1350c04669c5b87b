// Key access with Redis's semantics on top of Db: lazy expiry, hit/miss statistics, the
// "key modified" signal (WATCH, dirty counter) and keyspace events.
#pragma once
#include <string_view>

#include "kernel/keyspace/db.h"

namespace lunar {

// Looks a key up for reading: expires it if due, counts a keyspace hit or miss, touches its LRU
// clock. nullptr when absent.
Slot* lookup_read(int db, std::string_view key);
// Looks a key up for writing: expires it if due; no statistics.
Slot* lookup_write(int db, std::string_view key);
// Deletes the key if its expiry has passed (raising "expired"); true when it did.
bool expire_if_needed(int db, Slot* s);
// Stores a value under key (creating or replacing); clears the expiry unless keep_ttl.
Slot* set_key(int db, std::string_view key, const TypeRec* type, void* value, bool keep_ttl);
// Deletes a key: true when it existed. Signals the modification.
bool delete_key(int db, std::string_view key);
// A write happened to key: WATCH invalidation and the dirty counter.
void signal_modified(int db, std::string_view key);
// Database `db` is about to be emptied (replaced_with = -1: FLUSHDB/FLUSHALL) or to exchange
// contents with `replaced_with` (SWAPDB): WATCHes of keys that change fail.
void signal_db_replacing(int db, int replaced_with);
// A whole database changed (FLUSHDB, SWAPDB), after the fact: clients blocked on keys that now
// exist are served.
void signal_flushed(int db);
// Raises a keyspace event of class `cls` (LUNAR_NOTIFY_*). Delivery to subscribers comes with
// the pub/sub module; until then events are counted for INFO only.
void notify_event(int cls, std::string_view event, std::string_view key, int db);
// One active expiry cycle over all databases, bounded by `budget_us`.
void active_expire_cycle(long long budget_us);

}  // namespace lunar
