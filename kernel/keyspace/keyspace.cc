#include "kernel/keyspace/keyspace.h"

#include "kernel/command/blocking.h"
#include "kernel/server.h"
#include "kernel/tx/tx.h"

namespace lunar {

bool expire_if_needed(int db, Slot* s) {
  if (s->expire_ms < 0 || s->expire_ms > g_server.cmd_time_ms) return false;
  std::string key(s->key->view());
  db_at(db).erase(key);
  g_server.stats.expired_keys++;
  signal_modified(db, key);
  notify_event(LUNAR_NOTIFY_EXPIRED, "expired", key, db);
  return true;
}

Slot* lookup_write(int db, std::string_view key) {
  Slot* s = db_at(db).find(key);
  if (s && expire_if_needed(db, s)) return nullptr;
  return s;
}

Slot* lookup_read(int db, std::string_view key) {
  Slot* s = lookup_write(db, key);
  if (s) {
    g_server.stats.keyspace_hits++;
    s->lru = lru_clock();
  } else {
    g_server.stats.keyspace_misses++;
    notify_event(LUNAR_NOTIFY_KEY_MISS, "keymiss", key, db);
  }
  return s;
}

Slot* set_key(int db, std::string_view key, const TypeRec* type, void* value, bool keep_ttl) {
  Db& d = db_at(db);
  Slot* s = d.find(key);
  if (s) {
    d.replace_value(s, type, value);
    if (!keep_ttl && s->expire_ms >= 0) d.set_expire(s, -1);
    s->lru = lru_clock();
  } else {
    s = d.insert(key, type, value);
    notify_event(LUNAR_NOTIFY_NEW, "new", key, db);
  }
  signal_modified(db, key);
  return s;
}

bool delete_key(int db, std::string_view key) {
  if (!db_at(db).erase(key)) return false;
  signal_modified(db, key);
  return true;
}

void signal_modified(int db, std::string_view key) {
  g_server.stats.dirty++;
  tx::touch_key(db, key);
  blocking::signal_key(db, key);
}

void signal_db_replacing(int db, int replaced_with) { tx::touch_db(db, replaced_with); }

void signal_flushed(int db) { blocking::signal_db(db); }


// Redis's adaptive cycle: per database, sample up to 20 volatile keys, delete the expired ones,
// and go on while more than a quarter of the sample was expired, within the time budget.
void active_expire_cycle(long long budget_us) {
  long long start = now_us();
  g_server.cmd_time_ms = now_ms();
  size_t per_loop = 20 + 5 * static_cast<size_t>(g_server.settings.active_expire_effort - 1);
  for (int i = 0; i < static_cast<int>(g_server.dbs.size()); i++) {
    Db& d = db_at(i);
    while (d.volatile_count() > 0) {
      size_t sampled = 0, expired = 0;
      size_t n = per_loop < d.volatile_count() ? per_loop : d.volatile_count();
      for (size_t k = 0; k < n; k++) {
        Slot* s = d.random_volatile();
        if (!s) break;
        sampled++;
        if (expire_if_needed(i, s)) expired++;
      }
      if (now_us() - start > budget_us) return;
      if (sampled == 0 || expired * 4 <= sampled) break;
    }
  }
}

}  // namespace lunar
