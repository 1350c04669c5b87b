// The hash family: HSET HMSET HSETNX HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL
// HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, the "hash" type and its two config parameters, and the
// module's entry point.
//
// Values are hashes::HashValue (hash_value.h): a listpack for small hashes, a hashtable beyond
// hash-max-listpack-entries / hash-max-listpack-value. Replies, error texts, argument checking
// order and keyspace events follow Redis 7.0's t_hash.c behaviour.
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <lunar/module.hpp>
#include <numeric>
#include <random>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "hash_value.h"

namespace hashes {
namespace {

using lunar::Found;

constexpr char kErrNotInteger[] = "ERR hash value is not an integer";
constexpr char kErrNotFloat[] = "ERR hash value is not a float";
constexpr char kErrIncrNanInf[] = "ERR value is NaN or Infinity";
constexpr char kErrOutOfRange[] = "ERR value is out of range";
constexpr char kErrCountRange[] =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
constexpr size_t kLongDoubleBufLen = 5 * 1024;  // MAX_LONG_DOUBLE_CHARS

// RDB type bytes: RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK, RDB_TYPE_HASH_ZIPLIST,
// RDB_TYPE_HASH_ZIPMAP.
constexpr uint8_t kRdbTypes[] = {4, 16, 13, 9};

lunar_type* g_hash_type = nullptr;
std::mt19937_64 g_rng;  // HRANDFIELD's picks; seeded at init

// =============================================================================================
// Config
// =============================================================================================

// hash-max-listpack-entries (a plain integer) and hash-max-listpack-value (a memory value), with
// their Redis 7.0 aliases; defaults are Redis's built-in ones, which CONFIG GET shows on a
// redis-server started without a config file.
long long g_max_entries = 512;
long long g_max_value = 64;

Limits limits() { return {g_max_entries, g_max_value}; }

const lunar_config_def kConfigs[] = {
    {sizeof(lunar_config_def), "hash-max-listpack-entries", LUNAR_CONFIG_INT, LUNAR_CONFIG_PLAIN,
     "512", 0, LLONG_MAX, nullptr, &g_max_entries, nullptr, nullptr, "hash-max-ziplist-entries"},
    {sizeof(lunar_config_def), "hash-max-listpack-value", LUNAR_CONFIG_INT, LUNAR_CONFIG_MEMORY,
     "64", 0, LLONG_MAX, nullptr, &g_max_value, nullptr, nullptr, "hash-max-ziplist-value"},
};

int register_configs(lunar_module* m) { return lunar::register_configs(m, kConfigs); }

// =============================================================================================
// Operations
// =============================================================================================

using lunar::reply_bulk;
using lunar::view;

void reply_empty_array(lunar_ctx* ctx) { lunar_reply_array(ctx, 0); }
void reply_empty_map(lunar_ctx* ctx) { lunar_reply_map(ctx, 0); }
void reply_zero(lunar_ctx* ctx) { lunar_reply_int(ctx, 0); }
void reply_null(lunar_ctx* ctx) { lunar_reply_null(ctx); }
void reply_empty_scan(lunar_ctx* ctx) {
  lunar_reply_array(ctx, 2);
  reply_bulk(ctx, "0");
  lunar_reply_array(ctx, 0);
}

// Redis's lookupKeyReadOrReply + checkType: the hash at `key`, or nullptr after replying
// `missing` (no such key) or -WRONGTYPE.
HashValue* lookup_read(lunar_ctx* ctx, lunar_str key, void (*missing)(lunar_ctx*)) {
  HashValue* h = nullptr;
  Found f = lunar::lookup_or_reply(ctx, key, LUNAR_READ, g_hash_type, &h);
  if (f == Found::kNo) missing(ctx);
  return f == Found::kYes ? h : nullptr;
}

// The hash a write command changes (Redis's hashTypeLookupWriteOrCreate): the existing one, or
// a new empty hash that enters the keyspace only at commit(); a new hash never committed is
// freed when the Writer goes out of scope.
class Writer {
 public:
  Writer() = default;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer() {
    if (created_) destroy_hash(h_);
  }

  // Looks `key` up for writing; false after replying -WRONGTYPE.
  bool open(lunar_ctx* ctx, lunar_str key) {
    Found f = lunar::lookup_or_reply(ctx, key, LUNAR_WRITE, g_hash_type, &h_);
    if (f == Found::kWrongType) return false;
    if (f == Found::kNo) {
      h_ = make_hash();
      created_ = true;
    }
    return true;
  }
  HashValue* operator->() const { return h_; }

  // Stores a new hash under `key` and raises keyspace event `event` (class hash).
  void commit(lunar_ctx* ctx, lunar_str key, const char* event) {
    if (created_) lunar_key_set(ctx, key, g_hash_type, h_, 0);
    created_ = false;
    lunar_key_signal_write(ctx, key, LUNAR_NOTIFY_HASH, event);
  }

 private:
  HashValue* h_ = nullptr;
  bool created_ = false;
};

// HSET / HMSET: field/value pairs (an odd count is an arity error, checked before the key),
// then the reply: the number of fields added, or +OK for HMSET.
void hset_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, const char* name,
                  bool reply_ok) {
  if (argc % 2 == 1) {
    lunar::reply_arity_error(ctx, name);
    return;
  }
  Writer w;
  if (!w.open(ctx, argv[1])) return;
  Limits lim = limits();
  long long added = 0;
  for (int j = 2; j < argc; j += 2) added += w->set(view(argv[j]), view(argv[j + 1]), lim);
  w.commit(ctx, argv[1], "hset");
  if (reply_ok) {
    lunar_reply_ok(ctx);
  } else {
    lunar_reply_int(ctx, added);
  }
}

// HKEYS / HVALS / HGETALL: every field and/or value in the hash's order; HGETALL is a map.
void getall_generic(lunar_ctx* ctx, lunar_str key, bool fields, bool values) {
  bool map = fields && values;
  HashValue* h = lookup_read(ctx, key, map ? reply_empty_map : reply_empty_array);
  if (!h) return;
  auto n = static_cast<long>(h->size());
  if (map) {
    lunar_reply_map(ctx, n);
  } else {
    lunar_reply_array(ctx, n);
  }
  h->for_each([&](std::string_view f, std::string_view v) {
    if (fields) reply_bulk(ctx, f);
    if (values) reply_bulk(ctx, v);
  });
}

// Replies `count` random pairs of `h` per HRANDFIELD's rules: a negative count picks with
// repetition; a positive count picks distinct fields, the whole hash (in its order) when count
// covers it. WITHVALUES adds the values: flat in RESP2, pairs of 2-element arrays in RESP3.
void reply_random_pairs(lunar_ctx* ctx, const HashValue& h, long long count, bool withvalues) {
  bool nested = withvalues && lunar_ctx_resp(ctx) >= 3;
  auto open = [&](unsigned long long n) {
    lunar_reply_array(ctx, static_cast<long>(withvalues && !nested ? n * 2 : n));
  };
  auto reply_pair = [&](std::string_view f, std::string_view v) {
    if (nested) lunar_reply_array(ctx, 2);
    reply_bulk(ctx, f);
    if (withvalues) reply_bulk(ctx, v);
  };
  size_t size = h.size();
  std::uniform_int_distribution<size_t> pick(0, size - 1);

  if (count < 0 || count == 1) {
    unsigned long long n = count < 0 ? 0ULL - static_cast<unsigned long long>(count) : 1;
    PairIndex index(h);
    open(n);
    while (n--) {
      Pair p = index.at(pick(g_rng));
      reply_pair(p.field, p.value);
    }
    return;
  }
  if (static_cast<unsigned long long>(count) >= size) {
    open(size);
    h.for_each(reply_pair);
    return;
  }
  auto want = static_cast<size_t>(count);
  PairIndex index(h);
  open(want);
  if (want * 3 > size) {
    // Many of them: the first `want` of a partial shuffle of all positions.
    std::vector<uint32_t> pos(size);
    std::iota(pos.begin(), pos.end(), 0u);
    for (size_t i = 0; i < want; i++) {
      std::uniform_int_distribution<size_t> rest(i, size - 1);
      std::swap(pos[i], pos[rest(g_rng)]);
      Pair p = index.at(pos[i]);
      reply_pair(p.field, p.value);
    }
    return;
  }
  // Few of them: random positions, skipping repeats.
  std::unordered_set<size_t> seen;
  seen.reserve(want);
  while (seen.size() < want) {
    size_t i = pick(g_rng);
    if (!seen.insert(i).second) continue;
    Pair p = index.at(i);
    reply_pair(p.field, p.value);
  }
}

// =============================================================================================
// Command handlers
// =============================================================================================

int hset_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  hset_generic(ctx, argc, argv, "hset", false);
  return LUNAR_OK;
}

int hmset_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  hset_generic(ctx, argc, argv, "hmset", true);
  return LUNAR_OK;
}

int hsetnx_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  Writer w;
  if (!w.open(ctx, argv[1])) return LUNAR_OK;
  if (w->exists(view(argv[2]))) {
    lunar_reply_int(ctx, 0);
    return LUNAR_OK;
  }
  w->set(view(argv[2]), view(argv[3]), limits());
  w.commit(ctx, argv[1], "hset");
  lunar_reply_int(ctx, 1);
  return LUNAR_OK;
}

int hget_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  HashValue* h = lookup_read(ctx, argv[1], reply_null);
  if (!h) return LUNAR_OK;
  if (auto v = h->get(view(argv[2]))) {
    reply_bulk(ctx, *v);
  } else {
    lunar_reply_null(ctx);
  }
  return LUNAR_OK;
}

// HMGET: a missing key answers nil for every field (but another type is -WRONGTYPE).
int hmget_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  HashValue* h = nullptr;
  if (lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_hash_type, &h) == Found::kWrongType)
    return LUNAR_OK;
  lunar_reply_array(ctx, argc - 2);
  for (int j = 2; j < argc; j++) {
    auto v = h ? h->get(view(argv[j])) : std::nullopt;
    if (v) {
      reply_bulk(ctx, *v);
    } else {
      lunar_reply_null(ctx);
    }
  }
  return LUNAR_OK;
}

// HDEL: removes the fields; a hash left empty is deleted ("hdel" then "del" events).
int hdel_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  HashValue* h = nullptr;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_hash_type, &h);
  if (f == Found::kNo) lunar_reply_int(ctx, 0);
  if (f != Found::kYes) return LUNAR_OK;
  long long deleted = 0;
  bool key_removed = false;
  for (int j = 2; j < argc; j++) {
    if (!h->erase(view(argv[j]))) continue;
    deleted++;
    if (h->empty()) {
      lunar_key_delete(ctx, argv[1]);  // frees h
      key_removed = true;
      break;
    }
  }
  if (deleted) {
    lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_HASH, "hdel");
    if (key_removed) lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_GENERIC, "del");
  }
  lunar_reply_int(ctx, deleted);
  return LUNAR_OK;
}

int hlen_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  HashValue* h = lookup_read(ctx, argv[1], reply_zero);
  if (h) lunar_reply_int(ctx, static_cast<long long>(h->size()));
  return LUNAR_OK;
}

int hstrlen_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  HashValue* h = lookup_read(ctx, argv[1], reply_zero);
  if (!h) return LUNAR_OK;
  auto v = h->get(view(argv[2]));
  lunar_reply_int(ctx, v ? static_cast<long long>(v->size()) : 0);
  return LUNAR_OK;
}

int hexists_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  HashValue* h = lookup_read(ctx, argv[1], reply_zero);
  if (h) lunar_reply_int(ctx, h->exists(view(argv[2])) ? 1 : 0);
  return LUNAR_OK;
}

int hkeys_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  getall_generic(ctx, argv[1], true, false);
  return LUNAR_OK;
}

int hvals_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  getall_generic(ctx, argv[1], false, true);
  return LUNAR_OK;
}

int hgetall_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  getall_generic(ctx, argv[1], true, true);
  return LUNAR_OK;
}

// HINCRBY: the increment is parsed before the key is looked up; a missing field counts as 0.
int hincrby_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  long long incr;
  if (!lunar::ll_arg(ctx, argv[3], &incr)) return LUNAR_OK;
  Writer w;
  if (!w.open(ctx, argv[1])) return LUNAR_OK;
  long long value = 0;
  if (auto cur = w->get(view(argv[2])); cur && !lunar::parse_ll(lunar::str(*cur), &value)) {
    lunar::reply_error(ctx, kErrNotInteger);
    return LUNAR_OK;
  }
  if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
      (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
    lunar::reply_error(ctx, LUNAR_ERR_OVERFLOW);
    return LUNAR_OK;
  }
  value += incr;
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  w->set(view(argv[2]), std::string_view(buf, static_cast<size_t>(res.ptr - buf)), limits());
  w.commit(ctx, argv[1], "hincrby");
  lunar_reply_int(ctx, value);
  return LUNAR_OK;
}

// HINCRBYFLOAT: the increment must be finite; the result is stored as the text it replies.
int hincrbyfloat_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  long double incr;
  if (!lunar::long_double_arg(ctx, argv[3], &incr)) return LUNAR_OK;
  if (std::isnan(incr) || std::isinf(incr)) {
    lunar::reply_error(ctx, kErrIncrNanInf);
    return LUNAR_OK;
  }
  Writer w;
  if (!w.open(ctx, argv[1])) return LUNAR_OK;
  long double value = 0;
  if (auto cur = w->get(view(argv[2]));
      cur && !lunar::parse_long_double(lunar::str(*cur), &value)) {
    lunar::reply_error(ctx, kErrNotFloat);
    return LUNAR_OK;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    lunar::reply_error(ctx, LUNAR_ERR_NAN_OR_INF);
    return LUNAR_OK;
  }
  char buf[kLongDoubleBufLen];
  std::string_view text(buf, lunar_format_long_double(value, buf, sizeof buf, 1));
  w->set(view(argv[2]), text, limits());
  w.commit(ctx, argv[1], "hincrbyfloat");
  reply_bulk(ctx, text);
  return LUNAR_OK;
}

// HRANDFIELD key [count [WITHVALUES]]: the count and options are checked before the key.
int hrandfield_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  if (argc == 2) {
    HashValue* h = lookup_read(ctx, argv[1], reply_null);
    if (!h) return LUNAR_OK;
    PairIndex index(*h);
    std::uniform_int_distribution<size_t> pick(0, index.size() - 1);
    reply_bulk(ctx, index.at(pick(g_rng)).field);
    return LUNAR_OK;
  }
  long long count;
  if (!lunar::ll_arg(ctx, argv[2], &count)) return LUNAR_OK;
  if (count == LLONG_MIN) {
    lunar::reply_error(ctx, kErrCountRange);
    return LUNAR_OK;
  }
  bool withvalues = argc == 4;
  if (argc > 4 || (withvalues && !lunar::arg_is(argv[3], "withvalues"))) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return LUNAR_OK;
  }
  if (withvalues && (count < -LLONG_MAX / 2 || count > LLONG_MAX / 2)) {
    lunar::reply_error(ctx, kErrOutOfRange);
    return LUNAR_OK;
  }
  HashValue* h = lookup_read(ctx, argv[1], reply_empty_array);
  if (!h) return LUNAR_OK;
  if (count == 0) {
    reply_empty_array(ctx);
    return LUNAR_OK;
  }
  reply_random_pairs(ctx, *h, count, withvalues);
  return LUNAR_OK;
}

// HSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is checked first, then the key
// (missing: an empty scan), then the options. COUNT < 1 is a syntax error.
int hscan_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  unsigned long long cursor;
  if (!lunar::scan_cursor(ctx, argv[2], &cursor)) return LUNAR_OK;
  HashValue* h = lookup_read(ctx, argv[1], reply_empty_scan);
  if (!h) return LUNAR_OK;
  lunar::ScanOptions opts;
  if (!lunar::scan_options(ctx, argc, argv, 3, &opts)) return LUNAR_OK;
  std::vector<Pair> found;
  auto visit = [&](std::string_view f, std::string_view v) {
    if (!opts.use_pattern || lunar_glob_match(opts.pattern, lunar::str(f), 0))
      found.push_back({f, v});
  };
  uint64_t next = h->scan(cursor, static_cast<size_t>(opts.count), visit);
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, next);
  lunar_reply_array(ctx, 2);
  reply_bulk(ctx, std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
  lunar_reply_array(ctx, static_cast<long>(found.size() * 2));
  for (const Pair& p : found) {
    reply_bulk(ctx, p.field);
    reply_bulk(ctx, p.value);
  }
  return LUNAR_OK;
}

// =============================================================================================
// The "hash" type
// =============================================================================================


int register_hash_type(lunar_module* m) {
  return lunar::register_type(m, "hash", &lunar::type_methods<HashValue, destroy_hash>,
                              kRdbTypes, &g_hash_type);
}

// =============================================================================================
// Registration
// =============================================================================================

using lunar::command;
constexpr lunar::Keys kKey1{1, 1, 1};
constexpr const char* kAcl = "hash";
constexpr const char* kGetAllComplexity = "O(N) where N is the size of the hash.";

constexpr lunar_command_def kHashCommands[] = {
    command("hdel", hdel_command, -3, "write fast", kKey1, kAcl,
            {"Delete one or more hash fields", "2.0.0", "hash",
             "O(N) where N is the number of fields to be removed."}, "RW delete"),
    command("hexists", hexists_command, 3, "readonly fast", kKey1, kAcl,
            {"Determine if a hash field exists", "2.0.0", "hash", "O(1)"}, "RO"),
    command("hget", hget_command, 3, "readonly fast", kKey1, kAcl,
            {"Get the value of a hash field", "2.0.0", "hash", "O(1)"}, "RO access"),
    command("hgetall", hgetall_command, 2, "readonly", kKey1, kAcl,
            {"Get all the fields and values in a hash", "2.0.0", "hash", kGetAllComplexity},
            "RO access"),
    command("hincrby", hincrby_command, 4, "write denyoom fast", kKey1, kAcl,
            {"Increment the integer value of a hash field by the given number", "2.0.0", "hash",
             "O(1)"}, "RW access update"),
    command(
        "hincrbyfloat", hincrbyfloat_command, 4, "write denyoom fast", kKey1, kAcl,
        {"Increment the float value of a hash field by the given amount", "2.6.0", "hash", "O(1)"},
        "RW access update"),
    command("hkeys", hkeys_command, 2, "readonly", kKey1, kAcl,
            {"Get all the fields in a hash", "2.0.0", "hash", kGetAllComplexity}, "RO access"),
    command("hlen", hlen_command, 2, "readonly fast", kKey1, kAcl,
            {"Get the number of fields in a hash", "2.0.0", "hash", "O(1)"}, "RO"),
    command("hmget", hmget_command, -3, "readonly fast", kKey1, kAcl,
            {"Get the values of all the given hash fields", "2.0.0", "hash",
             "O(N) where N is the number of fields being requested."}, "RO access"),
    command("hmset", hmset_command, -4, "write denyoom fast", kKey1, kAcl,
            {"Set multiple hash fields to multiple values", "2.0.0", "hash",
             "O(N) where N is the number of fields being set."}, "RW update"),
    command("hrandfield", hrandfield_command, -2, "readonly", kKey1, kAcl,
            {"Get one or multiple random fields from a hash", "6.2.0", "hash",
             "O(N) where N is the number of fields returned"}, "RO access"),
    command("hscan", hscan_command, -3, "readonly", kKey1, kAcl,
            {"Incrementally iterate hash fields and associated values", "2.8.0", "hash",
             "O(1) for every call. O(N) for a complete iteration, including enough command "
             "calls for the cursor to return back to 0. N is the number of elements inside the "
             "collection.."}, "RO access"),
    command("hset", hset_command, -4, "write denyoom fast", kKey1, kAcl,
            {"Set the string value of a hash field", "2.0.0", "hash",
             "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the "
             "command is called with multiple field/value pairs."}, "RW update"),
    command("hsetnx", hsetnx_command, 4, "write denyoom fast", kKey1, kAcl,
            {"Set the value of a hash field, only if the field does not exist", "2.0.0", "hash",
             "O(1)"}, "RW insert"),
    command("hstrlen", hstrlen_command, 3, "readonly fast", kKey1, kAcl,
            {"Get the length of the value of a hash field", "3.2.0", "hash", "O(1)"}, "RO"),
    command("hvals", hvals_command, 2, "readonly", kKey1, kAcl,
            {"Get all the values in a hash", "2.0.0", "hash", kGetAllComplexity}, "RO access"),
};

// The module's init: config parameters, the "hash" type, the commands. Takes no arguments.
int hashes_init(lunar_module* m, int argc, const lunar_str*) {
  if (argc != 0) {
    lunar_log(m, 3, "the hashes module takes no arguments");
    return LUNAR_EINVAL;
  }
  std::random_device rd;
  lunar::set_dense_table_seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
  g_rng.seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
  int rc = register_configs(m);
  if (rc == LUNAR_OK) rc = register_hash_type(m);
  if (rc == LUNAR_OK) rc = lunar::register_commands(m, kHashCommands);
  return rc;
}

}  // namespace
}  // namespace hashes

LUNAR_MODULE("hashes", 1, hashes::hashes_init, nullptr);
