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
// Raises a keyspace event of class `cls` (LUNAR_NOTIFY_*): when notify-keyspace-events enables
// the class, publishes it through the server's publisher (the pub/sub module) on
// __keyspace@<db>__:<key> and/or __keyevent@<db>__:<event>.
void notify_event(int cls, std::string_view event, std::string_view key, int db);
// notify-keyspace-events: the K and E bits next to the LUNAR_NOTIFY_* classes (Redis's values).
inline constexpr long long kNotifyKeyspace = 1 << 0;
inline constexpr long long kNotifyKeyevent = 1 << 1;
// Parses the letters of notify-keyspace-events; false on an unknown letter.
bool parse_notify_flags(std::string_view s, long long* out);
// The flags as CONFIG GET prints them (Redis's order; "A" for all classes).
std::string notify_flags_string(long long flags);
// One active expiry cycle over all databases, bounded by `budget_us`.
void active_expire_cycle(long long budget_us);

}  // namespace lunar
