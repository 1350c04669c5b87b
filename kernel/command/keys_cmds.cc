// Generic key commands: DEL UNLINK EXISTS TYPE TOUCH, EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL
// EXPIRETIME PEXPIRETIME PERSIST, KEYS SCAN RANDOMKEY, RENAME RENAMENX COPY MOVE SWAPDB, OBJECT.
//
// These work on any value type: the kernel never looks inside a value, it calls the type's
// callbacks (copy for COPY, encoding for OBJECT ENCODING) and compares type names only where
// Redis does (TYPE's answer, SCAN's TYPE filter). Behaviour and error texts are Redis 7.0's.
//
// Redis differences, by design of the keyspace:
//   - OBJECT REFCOUNT answers 1 for every value: Lunar shares no value between keys (Redis
//     answers 2147483647 for its shared small integers).
//   - OBJECT FREQ (under an LFU policy) answers Redis's initial counter (5) decayed by the
//     minutes since the key's last access: the keyspace keeps an access time, not an LFU counter.
//   - UNLINK frees values synchronously, like DEL.
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/keyspace/keyspace.h"
#include "kernel/server.h"
#include "kernel/util/glob.h"
#include "kernel/util/numbers.h"

namespace lunar {

namespace {

constexpr const char* kErrSameObject = "ERR source and destination objects are the same";
constexpr const char* kErrDbRange = "ERR DB index is out of range";
constexpr const char* kErrLfuOff =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";
constexpr const char* kErrLfuOn =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
constexpr long long kLfuInitVal = 5;  // Redis's LFU_INIT_VAL: the counter of a new key

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

// Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): expires the key if due and counts a keyspace
// hit or miss, but leaves the access time alone (EXISTS, TYPE, TTL, OBJECT).
Slot* lookup_read_notouch(int db, std::string_view key) {
  Slot* s = lookup_write(db, key);
  if (s) {
    g_server.stats.keyspace_hits++;
  } else {
    g_server.stats.keyspace_misses++;
    notify_event(LUNAR_NOTIFY_KEY_MISS, "keymiss", key, db);
  }
  return s;
}

// Whether a key would be expired now (KEYS skips such keys without deleting them).
bool is_expired(const Slot& s) { return s.expire_ms >= 0 && s.expire_ms <= g_server.cmd_time_ms; }

bool valid_db(long long id) { return id >= 0 && id < static_cast<long long>(g_server.dbs.size()); }

// Redis's getIntFromObjectOrReply: an int-ranged integer, or an error reply (`msg` when given,
// else Redis's two generic texts for "not an integer" and "outside int").
bool arg_int_or_reply(Ctx* ctx, const lunar_str& a, int* out, const char* msg = nullptr) {
  long long v;
  if (!string2ll(a.ptr, a.len, &v)) {
    reply_error(ctx, msg ? msg : LUNAR_ERR_NOT_INTEGER);
    return false;
  }
  if (v < INT_MIN || v > INT_MAX) {
    reply_error(ctx, msg ? msg
                         : "ERR value is out of range, value must between -2147483648 and "
                           "2147483647");
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

// A database index argument (MOVE, COPY DB): replies and returns false when it is not an int or
// names no database.
bool arg_db_or_reply(Ctx* ctx, const lunar_str& a, int* out) {
  if (!arg_int_or_reply(ctx, a, out)) return false;
  if (!valid_db(*out)) {
    reply_error(ctx, kErrDbRange);
    return false;
  }
  return true;
}

bool lfu_policy() { return g_server.settings.maxmemory_policy.find("lfu") != std::string::npos; }

// Puts a detached value under `key` in `db` (which must not hold it) with the given expiry and
// access time: the common tail of RENAME, MOVE and COPY.
void insert_value(int db, std::string_view key, const TypeRec* type, void* value, int64_t expire_ms,
                  uint32_t lru) {
  Slot* s = db_at(db).insert(key, type, value);
  if (expire_ms >= 0) db_at(db).set_expire(s, expire_ms);
  s->lru = lru;
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

// Deletes the keys that exist (expired ones count as absent); returns how many were deleted.
long long delete_keys(int db, int n, const lunar_str* keys) {
  long long deleted = 0;
  for (int i = 0; i < n; i++) {
    std::string_view k = sv(keys[i]);
    if (lookup_write(db, k) && delete_key(db, k)) {
      notify_event(LUNAR_NOTIFY_GENERIC, "del", k, db);
      deleted++;
    }
  }
  return deleted;
}

enum ExpireFlag { kExpireNX = 1, kExpireXX = 2, kExpireGT = 4, kExpireLT = 8 };

// Whether the NX/XX/GT/LT condition lets a key whose expiry is `current` (-1: none, counted as
// infinite) take the new absolute expiry `when`.
bool expire_condition_holds(int flags, int64_t current, long long when) {
  if ((flags & kExpireNX) && current != -1) return false;
  if ((flags & kExpireXX) && current == -1) return false;
  if ((flags & kExpireGT) && (current == -1 || when <= current)) return false;
  if ((flags & kExpireLT) && current != -1 && when >= current) return false;
  return true;
}

// Gives an existing key the absolute expiry `when` (ms); a time not in the future deletes the
// key instead, as Redis does (event "del").
void set_expiry(int db, std::string_view key, long long when) {
  if (when <= g_server.cmd_time_ms) {
    delete_key(db, key);
    notify_event(LUNAR_NOTIFY_GENERIC, "del", key, db);
    return;
  }
  db_at(db).set_expire(db_at(db).find(key), when);
  signal_modified(db, key);
  notify_event(LUNAR_NOTIFY_GENERIC, "expire", key, db);
}

enum class MoveResult { kMoved, kNoSource, kTargetExists };

// Moves the value of `from` in `src_db` to `to` in `dst_db`, with its expiry and access time
// (RENAME when the databases are equal, MOVE otherwise). An existing target is overwritten when
// `overwrite`, else left alone. The keys must differ when the databases are equal.
MoveResult move_value(int src_db, std::string_view from, int dst_db, std::string_view to,
                      bool overwrite) {
  if (!lookup_write(src_db, from)) return MoveResult::kNoSource;
  bool target_exists = lookup_write(dst_db, to) != nullptr;
  if (target_exists && !overwrite) return MoveResult::kTargetExists;
  // The target lookup may have expired a key and moved slots: find the source again.
  uint32_t lru = db_at(src_db).find(from)->lru;
  const TypeRec* type;
  void* value;
  int64_t expire_ms;
  db_at(src_db).detach(from, &type, &value, &expire_ms);
  if (target_exists) db_at(dst_db).erase(to);
  insert_value(dst_db, to, type, value, expire_ms, lru);
  signal_modified(src_db, from);
  signal_modified(dst_db, to);
  return MoveResult::kMoved;
}

enum class CopyResult { kCopied, kNoSource, kTargetExists, kNotSupported, kFailed };

// Copies `from` in `src_db` to `to` in `dst_db` through the type's copy callback, keeping the
// expiry; replaces an existing target only when `replace`.
CopyResult copy_value(int src_db, std::string_view from, int dst_db, std::string_view to,
                      bool replace) {
  Slot* src = lookup_read(src_db, from);
  if (!src) return CopyResult::kNoSource;
  // Slots may move on the next lookup; the type and value pointers do not.
  const TypeRec* type = src->type;
  const void* value = src->value;
  int64_t expire_ms = src->expire_ms;
  bool target_exists = lookup_write(dst_db, to) != nullptr;
  if (target_exists && !replace) return CopyResult::kTargetExists;
  if (!type->methods.copy) return CopyResult::kNotSupported;
  void* copy = type->methods.copy(type->type_ctx, value);
  if (!copy) return CopyResult::kFailed;
  if (target_exists) db_at(dst_db).erase(to);
  insert_value(dst_db, to, type, copy, expire_ms, lru_clock());
  signal_modified(dst_db, to);
  notify_event(LUNAR_NOTIFY_GENERIC, "copy_to", to, dst_db);
  return CopyResult::kCopied;
}

// A random live key of `db` (expired keys met on the way are deleted); nullptr when none.
Slot* random_live_slot(int db) {
  for (;;) {
    Slot* s = db_at(db).random_slot();
    if (!s || !expire_if_needed(db, s)) return s;
  }
}

// One SCAN step over `db` from `cursor`: the keys of up to `count` slots that match `pattern`
// (nullptr: all) and `type` (nullptr: any; case-insensitive type name) and are not expired.
// Expired keys are deleted after the step, so the step itself sees a stable table.
uint64_t scan_step(int db, uint64_t cursor, size_t count, const std::string_view* pattern,
                   const std::string_view* type, std::vector<std::string>* out) {
  std::vector<KeyBlock*> seen;  // key blocks stay put while their key lives
  uint64_t next = db_at(db).scan(cursor, count, [&](Slot& s) { seen.push_back(s.key); });
  for (size_t i = 0; i < seen.size(); i++) {
    std::string key(seen[i]->view());
    if (pattern && !glob_match(*pattern, key, false)) continue;
    // With a TYPE filter Redis reads the key as TYPE does (expiring it, counting a hit or miss).
    Slot* s = type ? lookup_read_notouch(db, key) : db_at(db).find(key);
    if (!s || expire_if_needed(db, s)) continue;
    if (type && (type->size() != s->type->name.size() ||
                 strncasecmp(type->data(), s->type->name.data(), type->size()) != 0))
      continue;
    out->push_back(std::move(key));
  }
  return next;
}

// Redis's SCAN cursor parsing (strtoul): leading '+'/'-' and an empty string are accepted, a
// leading space, trailing bytes or overflow are not.
bool parse_cursor(const lunar_str& a, uint64_t* out) {
  std::string s(sv(a));
  if (!s.empty() && isspace(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end;
  unsigned long v = std::strtoul(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  *out = v;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Handlers: DEL UNLINK EXISTS TYPE TOUCH
// ---------------------------------------------------------------------------------------------

// DEL key [key ...] / UNLINK key [key ...]: the number of keys deleted.
int del_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  ctx->reply->integer(delete_keys(ctx->db, argc - 1, argv + 1));
  return LUNAR_OK;
}

// EXISTS key [key ...]: how many of the arguments exist, counting repeats.
int exists_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  long long n = 0;
  for (int i = 1; i < argc; i++)
    if (lookup_read_notouch(ctx->db, sv(argv[i]))) n++;
  ctx->reply->integer(n);
  return LUNAR_OK;
}

// TYPE key: the type's name as a status reply, "none" when missing.
int type_cmd(Ctx* ctx, int, const lunar_str* argv) {
  Slot* s = lookup_read_notouch(ctx->db, sv(argv[1]));
  ctx->reply->simple(s ? std::string_view(s->type->name) : "none");
  return LUNAR_OK;
}

// TOUCH key [key ...]: updates access times; the number of keys that exist.
int touch_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  long long n = 0;
  for (int i = 1; i < argc; i++)
    if (lookup_read(ctx->db, sv(argv[i]))) n++;
  ctx->reply->integer(n);
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// Handlers: expiry
// ---------------------------------------------------------------------------------------------

// Parses EXPIRE's trailing NX/XX/GT/LT words into *flags; replies Redis's error and returns
// false on an unknown word or an incompatible combination.
bool parse_expire_flags(Ctx* ctx, int argc, const lunar_str* argv, int* flags) {
  *flags = 0;
  for (int i = 3; i < argc; i++) {
    if (arg_is(argv[i], "NX")) {
      *flags |= kExpireNX;
    } else if (arg_is(argv[i], "XX")) {
      *flags |= kExpireXX;
    } else if (arg_is(argv[i], "GT")) {
      *flags |= kExpireGT;
    } else if (arg_is(argv[i], "LT")) {
      *flags |= kExpireLT;
    } else {
      // Redis formats the option with %s: it stops at a NUL byte.
      reply_errorf(ctx, "ERR Unsupported option %s", std::string(sv(argv[i])).c_str());
      return false;
    }
  }
  if ((*flags & kExpireNX) && (*flags & (kExpireXX | kExpireGT | kExpireLT))) {
    reply_error(ctx, "ERR NX and XX, GT or LT options at the same time are not compatible");
    return false;
  }
  if ((*flags & kExpireGT) && (*flags & kExpireLT)) {
    reply_error(ctx, "ERR GT and LT options at the same time are not compatible");
    return false;
  }
  return true;
}

// EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX | XX | GT | LT]. The time is relative to
// `basetime_ms` (now, or 0 for the *AT forms) in seconds or milliseconds. Replies 1 when the
// expiry was set (or the key deleted for a time in the past), 0 when the key is missing or the
// condition failed; "invalid expire time" when the absolute time overflows.
int expire_generic(Ctx* ctx, int argc, const lunar_str* argv, long long basetime_ms, bool seconds) {
  int flags;
  if (!parse_expire_flags(ctx, argc, argv, &flags)) return LUNAR_OK;
  long long when;
  if (!arg_ll_or_reply(ctx, argv[2], &when)) return LUNAR_OK;
  bool overflow = seconds && (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000);
  if (!overflow && seconds) when *= 1000;
  if (overflow || when > LLONG_MAX - basetime_ms) {
    reply_errorf(ctx, LUNAR_ERR_INVALID_EXPIRE, ctx->cmd->fullname.c_str());
    return LUNAR_OK;
  }
  when += basetime_ms;
  std::string_view key = sv(argv[1]);
  Slot* s = lookup_write(ctx->db, key);
  if (!s || !expire_condition_holds(flags, s->expire_ms, when)) {
    ctx->reply->integer(0);
    return LUNAR_OK;
  }
  set_expiry(ctx->db, key, when);
  ctx->reply->integer(1);
  return LUNAR_OK;
}

int expire_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return expire_generic(ctx, argc, argv, g_server.cmd_time_ms, true);
}
int pexpire_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return expire_generic(ctx, argc, argv, g_server.cmd_time_ms, false);
}
int expireat_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return expire_generic(ctx, argc, argv, 0, true);
}
int pexpireat_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return expire_generic(ctx, argc, argv, 0, false);
}

// TTL / PTTL / EXPIRETIME / PEXPIRETIME key: -2 when missing, -1 without expiry, else the time
// left (or the absolute time when `absolute`) in ms or rounded seconds.
int ttl_generic(Ctx* ctx, const lunar_str& key, bool ms, bool absolute) {
  Slot* s = lookup_read_notouch(ctx->db, sv(key));
  if (!s) {
    ctx->reply->integer(-2);
    return LUNAR_OK;
  }
  if (s->expire_ms < 0) {
    ctx->reply->integer(-1);
    return LUNAR_OK;
  }
  // The key's existence follows the command's frozen time (a script's start), the remaining
  // time the clock, as Redis 7.0: inside a long script a due key reads as TTL 0.
  long long t = absolute ? s->expire_ms : s->expire_ms - now_ms();
  if (t < 0) t = 0;
  ctx->reply->integer(ms ? t : (t + 500) / 1000);
  return LUNAR_OK;
}

int ttl_cmd(Ctx* ctx, int, const lunar_str* argv) {
  return ttl_generic(ctx, argv[1], false, false);
}
int pttl_cmd(Ctx* ctx, int, const lunar_str* argv) {
  return ttl_generic(ctx, argv[1], true, false);
}
int expiretime_cmd(Ctx* ctx, int, const lunar_str* argv) {
  return ttl_generic(ctx, argv[1], false, true);
}
int pexpiretime_cmd(Ctx* ctx, int, const lunar_str* argv) {
  return ttl_generic(ctx, argv[1], true, true);
}

// PERSIST key: 1 when an expiry was removed, 0 when the key is missing or has none.
int persist_cmd(Ctx* ctx, int, const lunar_str* argv) {
  std::string_view key = sv(argv[1]);
  Slot* s = lookup_write(ctx->db, key);
  if (!s || s->expire_ms < 0) {
    ctx->reply->integer(0);
    return LUNAR_OK;
  }
  db_at(ctx->db).set_expire(s, -1);
  signal_modified(ctx->db, key);
  notify_event(LUNAR_NOTIFY_GENERIC, "persist", key, ctx->db);
  ctx->reply->integer(1);
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// Handlers: KEYS SCAN RANDOMKEY
// ---------------------------------------------------------------------------------------------

// KEYS pattern: every live key matching the glob ("*" matches all, the empty key included).
int keys_cmd(Ctx* ctx, int, const lunar_str* argv) {
  std::string_view pattern = sv(argv[1]);
  bool all = pattern == "*";
  Db& d = db_at(ctx->db);
  long n = 0;
  ctx->reply->aggregate(Agg::kArray, -1);
  for (size_t i = 0; i < d.size(); i++) {
    const Slot& s = d.slot_at(i);
    if (is_expired(s)) continue;
    if (!all && !glob_match(pattern, s.key->view(), false)) continue;
    ctx->reply->bulk(s.key->view());
    n++;
  }
  ctx->reply->set_length(Agg::kArray, n);
  return LUNAR_OK;
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: [next cursor, keys]. Options may repeat
// (the last wins); COUNT below 1 is a syntax error, as in Redis.
int scan_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  uint64_t cursor;
  if (!parse_cursor(argv[1], &cursor)) {
    reply_error(ctx, "ERR invalid cursor");
    return LUNAR_OK;
  }
  long count = 10;
  std::string_view pattern, type;
  bool use_pattern = false, use_type = false;
  for (int i = 2; i < argc; i++) {
    bool has_value = i + 1 < argc;
    if (arg_is(argv[i], "COUNT") && has_value) {
      if (!string2l(argv[i + 1].ptr, argv[i + 1].len, &count)) {
        reply_error(ctx, LUNAR_ERR_NOT_INTEGER);
        return LUNAR_OK;
      }
      if (count < 1) {
        reply_syntax_error(ctx);
        return LUNAR_OK;
      }
    } else if (arg_is(argv[i], "MATCH") && has_value) {
      pattern = sv(argv[i + 1]);
      use_pattern = pattern != "*";
    } else if (arg_is(argv[i], "TYPE") && has_value) {
      type = sv(argv[i + 1]);
      use_type = true;
    } else {
      reply_syntax_error(ctx);
      return LUNAR_OK;
    }
    i++;
  }
  std::vector<std::string> keys;
  uint64_t next = scan_step(ctx->db, cursor, static_cast<size_t>(count),
                            use_pattern ? &pattern : nullptr, use_type ? &type : nullptr, &keys);
  char buf[kMaxDoubleChars];
  int len = std::snprintf(buf, sizeof buf, "%" PRIu64, next);
  ctx->reply->aggregate(Agg::kArray, 2);
  ctx->reply->bulk(std::string_view(buf, static_cast<size_t>(len)));
  ctx->reply->aggregate(Agg::kArray, static_cast<long>(keys.size()));
  for (const auto& k : keys) ctx->reply->bulk(k);
  return LUNAR_OK;
}

// RANDOMKEY: a random live key, nil when the database is empty.
int randomkey_cmd(Ctx* ctx, int, const lunar_str*) {
  Slot* s = random_live_slot(ctx->db);
  if (s)
    ctx->reply->bulk(s->key->view());
  else
    ctx->reply->null();
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// Handlers: RENAME RENAMENX COPY MOVE SWAPDB
// ---------------------------------------------------------------------------------------------

// RENAME / RENAMENX key newkey: "no such key" when key is missing; renaming a key to itself
// does nothing. RENAME replies OK, RENAMENX 1 (renamed) or 0 (newkey exists).
int rename_generic(Ctx* ctx, const lunar_str* argv, bool nx) {
  std::string_view from = sv(argv[1]), to = sv(argv[2]);
  if (from == to) {
    if (!lookup_write(ctx->db, from))
      reply_error(ctx, LUNAR_ERR_NO_SUCH_KEY);
    else if (nx)
      ctx->reply->integer(0);
    else
      reply_ok(ctx);
    return LUNAR_OK;
  }
  switch (move_value(ctx->db, from, ctx->db, to, !nx)) {
    case MoveResult::kNoSource:
      reply_error(ctx, LUNAR_ERR_NO_SUCH_KEY);
      return LUNAR_OK;
    case MoveResult::kTargetExists:
      ctx->reply->integer(0);
      return LUNAR_OK;
    case MoveResult::kMoved:
      break;
  }
  notify_event(LUNAR_NOTIFY_GENERIC, "rename_from", from, ctx->db);
  notify_event(LUNAR_NOTIFY_GENERIC, "rename_to", to, ctx->db);
  if (nx)
    ctx->reply->integer(1);
  else
    reply_ok(ctx);
  return LUNAR_OK;
}

int rename_cmd(Ctx* ctx, int, const lunar_str* argv) { return rename_generic(ctx, argv, false); }
int renamenx_cmd(Ctx* ctx, int, const lunar_str* argv) { return rename_generic(ctx, argv, true); }

// COPY source destination [DB destination-db] [REPLACE]: 1 when copied, 0 when the source is
// missing or the destination exists (without REPLACE).
int copy_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  int dst_db = ctx->db;
  bool replace = false;
  for (int i = 3; i < argc; i++) {
    if (arg_is(argv[i], "REPLACE")) {
      replace = true;
    } else if (arg_is(argv[i], "DB") && i + 1 < argc) {
      if (!arg_db_or_reply(ctx, argv[++i], &dst_db)) return LUNAR_OK;
    } else {
      reply_syntax_error(ctx);
      return LUNAR_OK;
    }
  }
  if (dst_db == ctx->db && sv(argv[1]) == sv(argv[2])) {
    reply_error(ctx, kErrSameObject);
    return LUNAR_OK;
  }
  switch (copy_value(ctx->db, sv(argv[1]), dst_db, sv(argv[2]), replace)) {
    case CopyResult::kCopied:
      ctx->reply->integer(1);
      break;
    case CopyResult::kNoSource:
    case CopyResult::kTargetExists:
      ctx->reply->integer(0);
      break;
    case CopyResult::kNotSupported:
      reply_error(ctx, "ERR not supported for this module key");
      break;
    case CopyResult::kFailed:
      reply_error(ctx, "ERR module key failed to copy");
      break;
  }
  return LUNAR_OK;
}

// MOVE key db: 1 when moved, 0 when the key is missing here or exists there.
int move_cmd(Ctx* ctx, int, const lunar_str* argv) {
  int dst_db;
  if (!arg_db_or_reply(ctx, argv[2], &dst_db)) return LUNAR_OK;
  if (dst_db == ctx->db) {
    reply_error(ctx, kErrSameObject);
    return LUNAR_OK;
  }
  std::string_view key = sv(argv[1]);
  if (move_value(ctx->db, key, dst_db, key, false) != MoveResult::kMoved) {
    ctx->reply->integer(0);
    return LUNAR_OK;
  }
  notify_event(LUNAR_NOTIFY_GENERIC, "move_from", key, ctx->db);
  notify_event(LUNAR_NOTIFY_GENERIC, "move_to", key, dst_db);
  ctx->reply->integer(1);
  return LUNAR_OK;
}

// SWAPDB index1 index2: exchanges the contents of two databases; clients keep their selection.
int swapdb_cmd(Ctx* ctx, int, const lunar_str* argv) {
  int a, b;
  if (!arg_int_or_reply(ctx, argv[1], &a, "ERR invalid first DB index") ||
      !arg_int_or_reply(ctx, argv[2], &b, "ERR invalid second DB index"))
    return LUNAR_OK;
  if (!valid_db(a) || !valid_db(b)) {
    reply_error(ctx, kErrDbRange);
    return LUNAR_OK;
  }
  if (a != b) {
    signal_db_replacing(a, b);
    signal_db_replacing(b, a);
    db_at(a).swap(db_at(b));
    signal_flushed(a);
    signal_flushed(b);
  }
  g_server.stats.dirty++;
  reply_ok(ctx);
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// Handlers: OBJECT
// ---------------------------------------------------------------------------------------------

// The key of an OBJECT subcommand, or nullptr after replying nil. Does not touch the access
// time (OBJECT IDLETIME would otherwise always answer 0).
Slot* object_lookup_or_reply(Ctx* ctx, const lunar_str& key) {
  Slot* s = lookup_read_notouch(ctx->db, sv(key));
  if (!s) ctx->reply->null();
  return s;
}

int object_encoding_cmd(Ctx* ctx, int, const lunar_str* argv) {
  Slot* s = object_lookup_or_reply(ctx, argv[2]);
  if (!s) return LUNAR_OK;
  const auto& m = s->type->methods;
  const char* enc = m.encoding ? m.encoding(s->type->type_ctx, s->value) : nullptr;
  ctx->reply->bulk(enc ? enc : "unknown");
  return LUNAR_OK;
}

int object_refcount_cmd(Ctx* ctx, int, const lunar_str* argv) {
  if (object_lookup_or_reply(ctx, argv[2])) ctx->reply->integer(1);
  return LUNAR_OK;
}

int object_idletime_cmd(Ctx* ctx, int, const lunar_str* argv) {
  Slot* s = object_lookup_or_reply(ctx, argv[2]);
  if (!s) return LUNAR_OK;
  if (lfu_policy()) {
    reply_error(ctx, kErrLfuOn);
    return LUNAR_OK;
  }
  uint32_t now = lru_clock();
  ctx->reply->integer(now > s->lru ? static_cast<long long>(now - s->lru) : 0);
  return LUNAR_OK;
}

int object_freq_cmd(Ctx* ctx, int, const lunar_str* argv) {
  Slot* s = object_lookup_or_reply(ctx, argv[2]);
  if (!s) return LUNAR_OK;
  if (!lfu_policy()) {
    reply_error(ctx, kErrLfuOff);
    return LUNAR_OK;
  }
  uint32_t now = lru_clock();
  long long idle_minutes = now > s->lru ? static_cast<long long>(now - s->lru) / 60 : 0;
  ctx->reply->integer(idle_minutes >= kLfuInitVal ? 0 : kLfuInitVal - idle_minutes);
  return LUNAR_OK;
}

int object_help_cmd(Ctx* ctx, int, const lunar_str*) {
  static const char* const lines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  reply_lines(ctx, lines);
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------

const KernelCommand kKeysCommands[] = {
    {"del", del_cmd, -2, "write", 1, -1, 1, "keyspace", "Delete a key", "1.0.0", "generic",
     "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
     "value other than a string, the individual complexity for this key is O(M) where M is the "
     "number of elements in the list, set, sorted set or hash. Removing a single key that holds "
     "a string value is O(1).", "RM delete"},
    {"unlink", del_cmd, -2, "write fast", 1, -1, 1, "keyspace",
     "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
     "blocking.",
     "4.0.0", "generic",
     "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
     "different thread in order to reclaim memory, where N is the number of allocations the "
     "deleted objects where composed of.", "RM delete"},
    {"exists", exists_cmd, -2, "readonly fast", 1, -1, 1, "keyspace", "Determine if a key exists",
     "1.0.0", "generic", "O(N) where N is the number of keys to check.", "RO"},
    {"type", type_cmd, 2, "readonly fast", 1, 1, 1, "keyspace", "Determine the type stored at key",
     "1.0.0", "generic", "O(1)", "RO"},
    {"touch", touch_cmd, -2, "readonly fast", 1, -1, 1, "keyspace",
     "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     "3.2.1", "generic", "O(N) where N is the number of keys that will be touched.", "RO"},
    {"expire", expire_cmd, -3, "write fast", 1, 1, 1, "keyspace",
     "Set a key's time to live in seconds", "1.0.0", "generic", "O(1)", "RW update"},
    {"pexpire", pexpire_cmd, -3, "write fast", 1, 1, 1, "keyspace",
     "Set a key's time to live in milliseconds", "2.6.0", "generic", "O(1)", "RW update"},
    {"expireat", expireat_cmd, -3, "write fast", 1, 1, 1, "keyspace",
     "Set the expiration for a key as a UNIX timestamp", "1.2.0", "generic", "O(1)", "RW update"},
    {"pexpireat", pexpireat_cmd, -3, "write fast", 1, 1, 1, "keyspace",
     "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0",
     "generic", "O(1)", "RW update"},
    {"ttl", ttl_cmd, 2, "readonly fast", 1, 1, 1, "keyspace",
     "Get the time to live for a key in seconds", "1.0.0", "generic", "O(1)", "RO access"},
    {"pttl", pttl_cmd, 2, "readonly fast", 1, 1, 1, "keyspace",
     "Get the time to live for a key in milliseconds", "2.6.0", "generic", "O(1)", "RO access"},
    {"expiretime", expiretime_cmd, 2, "readonly fast", 1, 1, 1, "keyspace",
     "Get the expiration Unix timestamp for a key", "7.0.0", "generic", "O(1)", "RO access"},
    {"pexpiretime", pexpiretime_cmd, 2, "readonly fast", 1, 1, 1, "keyspace",
     "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "generic", "O(1)",
     "RO access"},
    {"persist", persist_cmd, 2, "write fast", 1, 1, 1, "keyspace",
     "Remove the expiration from a key", "2.2.0", "generic", "O(1)", "RW update"},
    {"keys", keys_cmd, 2, "readonly", 0, 0, 0, "keyspace dangerous",
     "Find all keys matching the given pattern", "1.0.0", "generic",
     "O(N) with N being the number of keys in the database, under the assumption that the key "
     "names in the database and the given pattern have limited length."},
    {"scan", scan_cmd, -2, "readonly", 0, 0, 0, "keyspace", "Incrementally iterate the keys space",
     "2.8.0", "generic",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection."},
    {"randomkey", randomkey_cmd, 1, "readonly", 0, 0, 0, "keyspace",
     "Return a random key from the keyspace", "1.0.0", "generic", "O(1)"},
    {"rename", rename_cmd, 3, "write", 1, 2, 1, "keyspace", "Rename a key", "1.0.0", "generic",
     "O(1)", "RW access delete"},
    {"renamenx", renamenx_cmd, 3, "write fast", 1, 2, 1, "keyspace",
     "Rename a key, only if the new key does not exist", "1.0.0", "generic", "O(1)",
     "RW access delete"},
    {"copy", copy_cmd, -3, "write denyoom", 1, 2, 1, "keyspace", "Copy a key", "6.2.0", "generic",
     "O(N) worst case for collections, where N is the number of nested items. O(1) for string "
     "values.", "RO access"},
    {"move", move_cmd, 3, "write fast", 1, 1, 1, "keyspace", "Move a key to another database",
     "1.0.0", "generic", "O(1)", "RW access update"},
    {"swapdb", swapdb_cmd, 3, "write fast", 0, 0, 0, "keyspace dangerous",
     "Swaps two Redis databases", "4.0.0", "server",
     "O(N) where N is the count of clients watching or blocking on keys from both databases."},
    {"object", nullptr, -2, "", 0, 0, 0, "", "A container for object introspection commands",
     "2.2.3", "generic", "Depends on subcommand."},
    {"object|encoding", object_encoding_cmd, 3, "readonly", 2, 2, 1, "keyspace",
     "Inspect the internal encoding of a Redis object", "2.2.3", "generic", "O(1)", "RO"},
    {"object|freq", object_freq_cmd, 3, "readonly", 2, 2, 1, "keyspace",
     "Get the logarithmic access frequency counter of a Redis object", "4.0.0", "generic", "O(1)",
     "RO"},
    {"object|help", object_help_cmd, 2, "loading stale", 0, 0, 0, "keyspace",
     "Show helpful text about the different subcommands", "6.2.0", "generic", "O(1)"},
    {"object|idletime", object_idletime_cmd, 3, "readonly", 2, 2, 1, "keyspace",
     "Get the time since a Redis object was last accessed", "2.2.3", "generic", "O(1)", "RO"},
    {"object|refcount", object_refcount_cmd, 3, "readonly", 2, 2, 1, "keyspace",
     "Get the number of references to the value of the key", "2.2.3", "generic", "O(1)", "RO"},
};

}  // namespace

void register_keys_commands() {
  register_table(kKeysCommands);
}

}  // namespace lunar
