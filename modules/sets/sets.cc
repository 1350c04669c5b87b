// The set family: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE SPOP SRANDMEMBER SSCAN
// SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE, the "set" type, its config
// parameter and the module's entry point.
//
// Values are sets::SetValue (set_value.h): an intset for small sets of integers, a hashtable
// beyond set-max-intset-entries or once a non-integer member is added. Replies, error texts,
// argument checking order, keyspace events and propagation follow Redis 7.0's t_set.c
// behaviour.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <lunar/module.hpp>
#include <numeric>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "set_value.h"

namespace sets {
namespace {

using lunar::Found;
using lunar::reply_bulk;
using lunar::view;

constexpr char kErrCountRange[] =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
constexpr char kErrNumkeys[] = "ERR numkeys should be greater than 0";
constexpr char kErrTooManyKeys[] = "ERR Number of keys can't be greater than number of args";
constexpr char kErrLimit[] = "ERR LIMIT can't be negative";
constexpr unsigned long long kSpopMoveMul = 5;  // SPOP_MOVE_STRATEGY_MUL

// RDB type bytes: RDB_TYPE_SET, RDB_TYPE_SET_INTSET.
constexpr uint8_t kRdbTypes[] = {2, 11};

lunar_type* g_set_type = nullptr;
std::mt19937_64 g_rng;  // SPOP / SRANDMEMBER picks; seeded at init

// set-max-intset-entries, a plain integer (Redis 7.0 has no listpack set encoding).
long long g_max_intset = 512;

const lunar_config_def kConfigs[] = {
    {sizeof(lunar_config_def), "set-max-intset-entries", LUNAR_CONFIG_INT, LUNAR_CONFIG_PLAIN,
     "512", 0, LLONG_MAX, nullptr, &g_max_intset, nullptr, nullptr, nullptr},
};

// =============================================================================================
// Helpers
// =============================================================================================

void reply_empty_set(lunar_ctx* ctx) { lunar_reply_set(ctx, 0); }
void reply_empty_array(lunar_ctx* ctx) { lunar_reply_array(ctx, 0); }
void reply_zero(lunar_ctx* ctx) { lunar_reply_int(ctx, 0); }
void reply_null(lunar_ctx* ctx) { lunar_reply_null(ctx); }
void reply_empty_scan(lunar_ctx* ctx) {
  lunar_reply_array(ctx, 2);
  reply_bulk(ctx, "0");
  lunar_reply_array(ctx, 0);
}

// lookupKeyReadOrReply + checkType: the set at `key`, or nullptr after replying `missing` or
// -WRONGTYPE.
SetValue* lookup_read(lunar_ctx* ctx, lunar_str key, void (*missing)(lunar_ctx*),
                      int flags = LUNAR_READ) {
  SetValue* s = nullptr;
  Found f = lunar::lookup_or_reply(ctx, key, flags, g_set_type, &s);
  if (f == Found::kNo) missing(ctx);
  return f == Found::kYes ? s : nullptr;
}

// A uniformly random index below n (n > 0).
size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(g_rng); }

// Replies the members of `s` as a set ('~' in RESP3), in the encoding's order.
void reply_members(lunar_ctx* ctx, const SetValue& s) {
  lunar_reply_set(ctx, static_cast<long>(s.size()));
  s.for_each([ctx](std::string_view m) { reply_bulk(ctx, m); });
}

// Propagates one SREM key m per popped member (what Redis 7.0 replicates SPOP with a count as;
// several propagated commands replay as one MULTI/EXEC block).
void replicate_srem(lunar_ctx* ctx, lunar_str key, const std::vector<std::string>& members) {
  for (const std::string& m : members) {
    lunar_str argv[] = {lunar::str("SREM"), key, lunar::str(m)};
    lunar_replicate(ctx, 3, argv);
  }
}

// The sets named by keys[0..n): nullptr for a missing key. False after replying -WRONGTYPE
// (every key is checked, even after a missing one, as Redis 7.0 does). Read lookups, for the
// *STORE forms too (they count keyspace hits and misses in Redis 7.0).
bool lookup_sets(lunar_ctx* ctx, const lunar_str* keys, int n, std::vector<SetValue*>* out) {
  out->assign(static_cast<size_t>(n), nullptr);
  for (int j = 0; j < n; j++) {
    SetValue* s = nullptr;
    Found f = lunar::lookup_or_reply(ctx, keys[j], LUNAR_READ, g_set_type, &s);
    if (f == Found::kWrongType) return false;
    (*out)[static_cast<size_t>(j)] = s;
  }
  return true;
}

// Stores `result` under `dst` (a *STORE command's destination) and replies its size; an empty
// result deletes `dst` instead. Takes ownership of result.
void store_result(lunar_ctx* ctx, lunar_str dst, SetValue* result, const char* event) {
  auto n = static_cast<long long>(result->size());
  if (n > 0) {
    lunar_key_set(ctx, dst, g_set_type, result, 0);
    lunar_key_signal_write(ctx, dst, LUNAR_NOTIFY_SET, event);
  } else {
    destroy_set(result);
    lunar::delete_key(ctx, dst);
  }
  lunar_reply_int(ctx, n);
}

// SINTER / SINTERSTORE / SINTERCARD over keys[0..n). dst: SINTERSTORE's destination or null;
// card: SINTERCARD (stops counting at `limit`, 0 = no limit).
void sinter_generic(lunar_ctx* ctx, const lunar_str* keys, int n, const lunar_str* dst,
                    bool card, unsigned long long limit) {
  std::vector<SetValue*> sets;
  if (!lookup_sets(ctx, keys, n, &sets)) return;
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
    // An intersection with a missing (empty) set is empty.
    if (dst) {
      store_result(ctx, *dst, make_set(), "sinterstore");
    } else if (card) {
      lunar_reply_int(ctx, 0);
    } else {
      reply_empty_set(ctx);
    }
    return;
  }
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  auto in_all = [&](std::string_view m) {
    for (size_t j = 1; j < sets.size(); j++) {
      if (sets[j] != sets[0] && !sets[j]->contains(m)) return false;
    }
    return true;
  };
  if (card) {
    unsigned long long count = 0;
    char buf[24];
    for (size_t i = 0, size = sets[0]->size(); i < size; i++) {
      if (limit && count >= limit) break;
      if (in_all(sets[0]->at(i, buf))) count++;
    }
    lunar_reply_int(ctx, static_cast<long long>(count));
    return;
  }
  SetValue* result = make_set();
  sets[0]->for_each([&](std::string_view m) {
    if (in_all(m)) result->add(m, g_max_intset);
  });
  if (dst) {
    store_result(ctx, *dst, result, "sinterstore");
    return;
  }
  // Replied in the smallest set's order, as Redis does.
  lunar_reply_set(ctx, static_cast<long>(result->size()));
  sets[0]->for_each([&](std::string_view m) {
    if (result->contains(m)) reply_bulk(ctx, m);
  });
  destroy_set(result);
}

// SUNION / SDIFF and their STORE forms over keys[0..n). The result is built as a new set (an
// intset while it can be) and replied in its order.
void sunion_diff_generic(lunar_ctx* ctx, const lunar_str* keys, int n, const lunar_str* dst,
                         bool diff) {
  std::vector<SetValue*> sets;
  if (!lookup_sets(ctx, keys, n, &sets)) return;
  SetValue* result = make_set();
  if (!diff) {
    for (SetValue* s : sets) {
      if (s) s->for_each([&](std::string_view m) { result->add(m, g_max_intset); });
    }
  } else if (sets[0]) {
    sets[0]->for_each([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); j++) {
        if (sets[j] == sets[0] || (sets[j] && sets[j]->contains(m))) return;
      }
      result->add(m, g_max_intset);
    });
  }
  if (dst) {
    store_result(ctx, *dst, result, diff ? "sdiffstore" : "sunionstore");
    return;
  }
  reply_members(ctx, *result);
  destroy_set(result);
}

// =============================================================================================
// Command handlers
// =============================================================================================

int sadd_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  SetValue* s = nullptr;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_set_type, &s);
  if (f == Found::kWrongType) return LUNAR_OK;
  bool created = f == Found::kNo;
  if (created) s = make_set();
  long long added = 0;
  for (int j = 2; j < argc; j++) added += s->add(view(argv[j]), g_max_intset);
  if (created) lunar_key_set(ctx, argv[1], g_set_type, s, 0);
  if (added) lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_SET, "sadd");
  lunar_reply_int(ctx, added);
  return LUNAR_OK;
}

int srem_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  SetValue* s = lookup_read(ctx, argv[1], reply_zero, LUNAR_WRITE);
  if (!s) return LUNAR_OK;
  long long removed = 0;
  bool emptied = false;
  for (int j = 2; j < argc; j++) {
    if (!s->erase(view(argv[j]))) continue;
    removed++;
    if (s->empty()) {
      emptied = true;
      break;
    }
  }
  if (removed) lunar::signal_removal(ctx, argv[1], LUNAR_NOTIFY_SET, "srem", emptied);
  lunar_reply_int(ctx, removed);
  return LUNAR_OK;
}

int scard_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  SetValue* s = lookup_read(ctx, argv[1], reply_zero);
  if (s) lunar_reply_int(ctx, static_cast<long long>(s->size()));
  return LUNAR_OK;
}

int sismember_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  SetValue* s = lookup_read(ctx, argv[1], reply_zero);
  if (s) lunar_reply_int(ctx, s->contains(view(argv[2])) ? 1 : 0);
  return LUNAR_OK;
}

// SMISMEMBER: a missing key answers 0 for every member.
int smismember_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  SetValue* s = nullptr;
  if (lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_set_type, &s) == Found::kWrongType)
    return LUNAR_OK;
  lunar_reply_array(ctx, argc - 2);
  for (int j = 2; j < argc; j++) lunar_reply_int(ctx, s && s->contains(view(argv[j])) ? 1 : 0);
  return LUNAR_OK;
}

int smembers_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  SetValue* s = lookup_read(ctx, argv[1], reply_empty_set);
  if (s) reply_members(ctx, *s);
  return LUNAR_OK;
}

// SMOVE src dst member: a missing source answers 0 before the destination's type is checked.
int smove_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  SetValue *src = nullptr, *dst = nullptr;
  Found fs = lunar::lookup(ctx, argv[1], LUNAR_WRITE, g_set_type, &src);
  Found fd = lunar::lookup(ctx, argv[2], LUNAR_WRITE, g_set_type, &dst);
  if (fs == Found::kNo) {
    lunar_reply_int(ctx, 0);
    return LUNAR_OK;
  }
  if (fs == Found::kWrongType || fd == Found::kWrongType) {
    lunar_reply_wrongtype(ctx);
    return LUNAR_OK;
  }
  std::string_view member = view(argv[3]);
  if (src == dst) {
    lunar_reply_int(ctx, src->contains(member) ? 1 : 0);
    return LUNAR_OK;
  }
  if (!src->erase(member)) {
    lunar_reply_int(ctx, 0);
    return LUNAR_OK;
  }
  lunar::signal_removal(ctx, argv[1], LUNAR_NOTIFY_SET, "srem", src->empty());
  bool added;
  if (!dst) {
    dst = make_set();
    added = dst->add(member, g_max_intset);
    lunar_key_set(ctx, argv[2], g_set_type, dst, 0);
  } else {
    added = dst->add(member, g_max_intset);
  }
  if (added) lunar_key_signal_write(ctx, argv[2], LUNAR_NOTIFY_SET, "sadd");
  lunar_reply_int(ctx, 1);
  return LUNAR_OK;
}

// SPOP key count: replies a set; propagated as DEL (the whole set) or SREMs of what it popped.
void spop_with_count(lunar_ctx* ctx, const lunar_str* argv) {
  long long lcount;
  if (!lunar::ll_arg_range(ctx, argv[2], 0, LLONG_MAX, &lcount, LUNAR_ERR_POSITIVE)) return;
  SetValue* s = lookup_read(ctx, argv[1], reply_empty_set, LUNAR_WRITE);
  if (!s) return;
  if (lcount == 0) {
    reply_empty_set(ctx);
    return;
  }
  auto count = static_cast<unsigned long long>(lcount);
  size_t size = s->size();
  if (count >= size) {
    // The whole set, in its order; the key goes.
    reply_members(ctx, *s);
    lunar_key_delete(ctx, argv[1]);
    lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_SET, "spop");
    lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_GENERIC, "del");
    lunar_str del[] = {lunar::str("DEL"), argv[1]};
    lunar_replicate(ctx, 2, del);
    return;
  }
  size_t remaining = size - static_cast<size_t>(count);
  std::vector<std::string> popped;
  char buf[24];
  if (remaining * kSpopMoveMul > count) {
    // Few to pop: remove random members one by one.
    popped.reserve(static_cast<size_t>(count));
    while (popped.size() < count) {
      popped.emplace_back(s->at(pick(s->size()), buf));
      s->erase(popped.back());
    }
  } else {
    // Few to keep: move `remaining` random members into a new set (encoded from scratch, as
    // Redis builds it) and pop the rest.
    SetValue* kept = make_set();
    for (size_t i = 0; i < remaining; i++) {
      std::string m(s->at(pick(s->size()), buf));
      kept->add(m, g_max_intset);
      s->erase(m);
    }
    popped.reserve(s->size());
    s->for_each([&](std::string_view m) { popped.emplace_back(m); });
    lunar_key_set(ctx, argv[1], g_set_type, kept, LUNAR_KEEPTTL);  // frees s
  }
  lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_SET, "spop");
  replicate_srem(ctx, argv[1], popped);
  lunar_reply_set(ctx, static_cast<long>(popped.size()));
  for (const std::string& m : popped) reply_bulk(ctx, m);
}

int spop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  if (argc == 3) {
    spop_with_count(ctx, argv);
    return LUNAR_OK;
  }
  if (argc > 3) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return LUNAR_OK;
  }
  SetValue* s = lookup_read(ctx, argv[1], reply_null, LUNAR_WRITE);
  if (!s) return LUNAR_OK;
  char buf[24];
  std::string m(s->at(pick(s->size()), buf));
  s->erase(m);
  lunar::signal_removal(ctx, argv[1], LUNAR_NOTIFY_SET, "spop", s->empty());
  lunar_str srem[] = {lunar::str("SREM"), argv[1], lunar::str(m)};
  lunar_replicate(ctx, 3, srem);
  reply_bulk(ctx, m);
  return LUNAR_OK;
}

// SRANDMEMBER key [count]: arrays; a negative count picks with repetition, a positive one
// distinct members (the whole set, in its order, when it covers it).
int srandmember_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  char buf[24];
  if (argc > 3) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return LUNAR_OK;
  }
  if (argc == 2) {
    SetValue* s = lookup_read(ctx, argv[1], reply_null);
    if (s) reply_bulk(ctx, s->at(pick(s->size()), buf));
    return LUNAR_OK;
  }
  long long count;
  if (!lunar::ll_arg_range(ctx, argv[2], -LLONG_MAX, LLONG_MAX, &count,
                           lunar::parse_ll(argv[2], &count) ? kErrCountRange
                                                            : LUNAR_ERR_NOT_INTEGER))
    return LUNAR_OK;
  SetValue* s = lookup_read(ctx, argv[1], reply_empty_array);
  if (!s) return LUNAR_OK;
  if (count == 0) {
    reply_empty_array(ctx);
    return LUNAR_OK;
  }
  size_t size = s->size();
  if (count < 0) {
    auto n = static_cast<unsigned long long>(-count);
    lunar_reply_array(ctx, static_cast<long>(n));
    while (n--) reply_bulk(ctx, s->at(pick(size), buf));
    return LUNAR_OK;
  }
  if (static_cast<unsigned long long>(count) >= size) {
    lunar_reply_array(ctx, static_cast<long>(size));
    s->for_each([ctx](std::string_view m) { reply_bulk(ctx, m); });
    return LUNAR_OK;
  }
  auto want = static_cast<size_t>(count);
  lunar_reply_array(ctx, static_cast<long>(want));
  if (want * 3 > size) {
    // Many: the first `want` of a partial shuffle of all positions.
    std::vector<size_t> pos(size);
    std::iota(pos.begin(), pos.end(), size_t{0});
    for (size_t i = 0; i < want; i++) {
      std::swap(pos[i], pos[i + pick(size - i)]);
      reply_bulk(ctx, s->at(pos[i], buf));
    }
    return LUNAR_OK;
  }
  std::unordered_set<size_t> seen;
  while (seen.size() < want) {
    size_t i = pick(size);
    if (seen.insert(i).second) reply_bulk(ctx, s->at(i, buf));
  }
  return LUNAR_OK;
}

// SSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is checked first, then the key
// (missing: an empty scan), then the options.
int sscan_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  unsigned long long cursor;
  if (!lunar::scan_cursor(ctx, argv[2], &cursor)) return LUNAR_OK;
  SetValue* s = lookup_read(ctx, argv[1], reply_empty_scan);
  if (!s) return LUNAR_OK;
  lunar::ScanOptions opts;
  if (!lunar::scan_options(ctx, argc, argv, 3, &opts)) return LUNAR_OK;
  std::vector<std::string> found;
  uint64_t next = s->scan(cursor, static_cast<size_t>(opts.count), [&](std::string_view m) {
    if (!opts.use_pattern || lunar_glob_match(opts.pattern, lunar::str(m), 0))
      found.emplace_back(m);
  });
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, next);
  lunar_reply_array(ctx, 2);
  reply_bulk(ctx, std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
  lunar_reply_array(ctx, static_cast<long>(found.size()));
  for (const std::string& m : found) reply_bulk(ctx, m);
  return LUNAR_OK;
}

int sinter_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  sinter_generic(ctx, argv + 1, argc - 1, nullptr, false, 0);
  return LUNAR_OK;
}

int sinterstore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  sinter_generic(ctx, argv + 2, argc - 2, &argv[1], false, 0);
  return LUNAR_OK;
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
int sintercard_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  long long numkeys;
  if (!lunar::ll_arg_range(ctx, argv[1], 1, LLONG_MAX, &numkeys, kErrNumkeys)) return LUNAR_OK;
  if (numkeys > argc - 2) {
    lunar::reply_error(ctx, kErrTooManyKeys);
    return LUNAR_OK;
  }
  long long limit = 0;
  for (int j = 2 + static_cast<int>(numkeys); j < argc; j++) {
    if (j + 1 < argc && lunar::arg_is(argv[j], "limit")) {
      if (!lunar::ll_arg_range(ctx, argv[j + 1], 0, LLONG_MAX, &limit, kErrLimit))
        return LUNAR_OK;
      j++;
    } else {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return LUNAR_OK;
    }
  }
  sinter_generic(ctx, argv + 2, static_cast<int>(numkeys), nullptr, true,
                 static_cast<unsigned long long>(limit));
  return LUNAR_OK;
}

int sunion_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  sunion_diff_generic(ctx, argv + 1, argc - 1, nullptr, false);
  return LUNAR_OK;
}

int sunionstore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  sunion_diff_generic(ctx, argv + 2, argc - 2, &argv[1], false);
  return LUNAR_OK;
}

int sdiff_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  sunion_diff_generic(ctx, argv + 1, argc - 1, nullptr, true);
  return LUNAR_OK;
}

int sdiffstore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  sunion_diff_generic(ctx, argv + 2, argc - 2, &argv[1], true);
  return LUNAR_OK;
}

// =============================================================================================
// The "set" type
// =============================================================================================


// =============================================================================================
// Registration
// =============================================================================================

using lunar::command;
constexpr lunar::Keys kKey1{1, 1, 1};
constexpr lunar::Keys kKeysAll{1, -1, 1};
constexpr lunar::Keys kKeys12{1, 2, 1};
constexpr const char* kAcl = "set";
constexpr const char* kInterComplexity =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
    "sets.";
constexpr const char* kUnionComplexity =
    "O(N) where N is the total number of elements in all given sets.";

constexpr lunar_command_def kSetCommands[] = {
    command("sadd", sadd_command, -3, "write denyoom fast", kKey1, kAcl,
            {"Add one or more members to a set", "1.0.0", "set",
             "O(1) for each element added, so O(N) to add N elements when the command is called "
             "with multiple arguments."},
            "RW insert"),
    command("scard", scard_command, 2, "readonly fast", kKey1, kAcl,
            {"Get the number of members in a set", "1.0.0", "set", "O(1)"}, "RO"),
    command("sdiff", sdiff_command, -2, "readonly", kKeysAll, kAcl,
            {"Subtract multiple sets", "1.0.0", "set", kUnionComplexity}, "RO access"),
    command("sdiffstore", sdiffstore_command, -3, "write denyoom", kKeysAll, kAcl,
            {"Subtract multiple sets and store the resulting set in a key", "1.0.0", "set",
             kUnionComplexity},
            "OW update"),
    command("sinter", sinter_command, -2, "readonly", kKeysAll, kAcl,
            {"Intersect multiple sets", "1.0.0", "set", kInterComplexity}, "RO access"),
    command("sintercard", sintercard_command, -3, "readonly movablekeys", lunar::kNoKeys, kAcl,
            {"Intersect multiple sets and return the cardinality of the result", "7.0.0", "set",
             kInterComplexity},
            "RO access"),
    command("sinterstore", sinterstore_command, -3, "write denyoom", kKeysAll, kAcl,
            {"Intersect multiple sets and store the resulting set in a key", "1.0.0", "set",
             kInterComplexity},
            "RW update"),
    command("sismember", sismember_command, 3, "readonly fast", kKey1, kAcl,
            {"Determine if a given value is a member of a set", "1.0.0", "set", "O(1)"}, "RO"),
    command("smembers", smembers_command, 2, "readonly", kKey1, kAcl,
            {"Get all the members in a set", "1.0.0", "set",
             "O(N) where N is the set cardinality."},
            "RO access"),
    command("smismember", smismember_command, -3, "readonly fast", kKey1, kAcl,
            {"Returns the membership associated with the given elements for a set", "6.2.0", "set",
             "O(N) where N is the number of elements being checked for membership"},
            "RO access"),
    command("smove", smove_command, 4, "write fast", kKeys12, kAcl,
            {"Move a member from one set to another", "1.0.0", "set", "O(1)"},
            "RW access delete"),
    command("spop", spop_command, -2, "write fast", kKey1, kAcl,
            {"Remove and return one or multiple random members from a set", "1.0.0", "set",
             "Without the count argument O(1), otherwise O(N) where N is the value of the passed "
             "count."},
            "RW access delete"),
    command("srandmember", srandmember_command, -2, "readonly", kKey1, kAcl,
            {"Get one or multiple random members from a set", "1.0.0", "set",
             "Without the count argument O(1), otherwise O(N) where N is the absolute value of "
             "the passed count."},
            "RO access"),
    command("srem", srem_command, -3, "write fast", kKey1, kAcl,
            {"Remove one or more members from a set", "1.0.0", "set",
             "O(N) where N is the number of members to be removed."},
            "RW delete"),
    command("sscan", sscan_command, -3, "readonly", kKey1, kAcl,
            {"Incrementally iterate Set elements", "2.8.0", "set",
             "O(1) for every call. O(N) for a complete iteration, including enough command "
             "calls for the cursor to return back to 0. N is the number of elements inside the "
             "collection.."},
            "RO access"),
    command("sunion", sunion_command, -2, "readonly", kKeysAll, kAcl,
            {"Add multiple sets", "1.0.0", "set", kUnionComplexity}, "RO access"),
    command("sunionstore", sunionstore_command, -3, "write denyoom", kKeysAll, kAcl,
            {"Add multiple sets and store the resulting set in a key", "1.0.0", "set",
             kUnionComplexity},
            "OW update"),
};

// The module's init: the config parameter, the "set" type, the commands. No arguments.
int sets_init(lunar_module* m, int argc, const lunar_str*) {
  if (argc != 0) {
    lunar_log(m, 3, "the sets module takes no arguments");
    return LUNAR_EINVAL;
  }
  std::random_device rd;
  lunar::set_dense_table_seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
  g_rng.seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
  int rc = lunar::register_configs(m, kConfigs);
  if (rc == LUNAR_OK)
    rc = lunar::register_type(m, "set", &lunar::type_methods<SetValue, destroy_set>, kRdbTypes,
                              &g_set_type);
  if (rc == LUNAR_OK) rc = lunar::register_commands(m, kSetCommands);
  return rc;
}

}  // namespace
}  // namespace sets

LUNAR_MODULE("sets", 1, sets::sets_init, nullptr);
