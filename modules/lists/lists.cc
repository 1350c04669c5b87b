// The list family: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LINSERT LRANGE LREM LSET
// LTRIM LPOS LMOVE RPOPLPUSH LMPOP here, BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP in
// lists_blocking.cc; the "list" type, its config parameters and the module's entry point.
//
// Values are lists::ListValue (list_value.h): Packed nodes, OBJECT ENCODING "quicklist" as in
// Redis 7.0. Replies, error texts, the order in which arguments and keys are checked, and the
// keyspace events follow Redis 7.0's t_list.c behaviour. A list that becomes empty is deleted
// (event "del" after the command's own event).
#include "lists.h"

#include <climits>
#include <string>
#include <vector>

namespace lists {

lunar_type* g_list_type = nullptr;

namespace {

using lunar::Found;

constexpr char kErrPositive[] = "ERR value is out of range, must be positive";
constexpr char kErrRankZero[] =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr char kErrCountNegative[] = "ERR COUNT can't be negative";
constexpr char kErrMaxlenNegative[] = "ERR MAXLEN can't be negative";
constexpr char kErrNumkeys[] = "ERR numkeys should be greater than 0";
constexpr char kErrCountPositive[] = "ERR count should be greater than 0";

// RDB type bytes a list is read from: QUICKLIST_2 (written), QUICKLIST, ZIPLIST, LIST.
constexpr uint8_t kRdbTypes[] = {18, 14, 10, 1};

const char* push_event(End where) { return where == End::kHead ? "lpush" : "rpush"; }
const char* pop_event(End where) { return where == End::kHead ? "lpop" : "rpop"; }

// Raises the pop event on `key`, then deletes the key (event "del") when `list` is empty.
void signal_pop(lunar_ctx* ctx, lunar_str key, const ListValue* list, End where) {
  lunar::signal_removal(ctx, key, LUNAR_NOTIFY_LIST, pop_event(where), list->empty());
}

// Replies the element at `c` and removes it.
void reply_and_erase(lunar_ctx* ctx, ListValue* list, End where) {
  ListValue::Cursor c = where == End::kHead ? list->front() : list->back();
  lunar::reply_bulk(ctx, list->get(c));
  list->erase(c, where == End::kHead);
}

// Redis's LRANGE/LTRIM index rules: negative indexes count from the end; the range is clamped
// to the list. Returns false when it selects nothing.
bool normalize_range(long long len, long long* start, long long* end) {
  if (*start < 0) *start += len;
  if (*end < 0) *end += len;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= len) return false;
  if (*end >= len) *end = len - 1;
  return true;
}

}  // namespace

// =============================================================================================
// Shared operations (lists.h)
// =============================================================================================

bool parse_end(lunar_ctx* ctx, lunar_str arg, End* out) {
  if (lunar::arg_is(arg, "left")) {
    *out = End::kHead;
  } else if (lunar::arg_is(arg, "right")) {
    *out = End::kTail;
  } else {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return false;
  }
  return true;
}

void pop_one_and_reply(lunar_ctx* ctx, lunar_str key, ListValue* list, End where) {
  reply_and_erase(ctx, list, where);
  signal_pop(ctx, key, list, where);
}

long long pop_range_and_reply(lunar_ctx* ctx, lunar_str key, ListValue* list, End where,
                              long long count) {
  long long n = static_cast<long long>(list->size());
  if (count < n) n = count;
  lunar_reply_array(ctx, n);
  for (long long i = 0; i < n; i++) reply_and_erase(ctx, list, where);
  signal_pop(ctx, key, list, where);
  return n;
}

// Redis 7.0 raises the push event on the destination before the pop event on the source. When
// src and dst are one key, dst's pointer is src's, so the element goes back into the same list
// before the emptiness check.
Served move_or_reply(lunar_ctx* ctx, lunar_str src, lunar_str dst, End from, End to) {
  ListValue* s;
  Found fs = lunar::lookup_or_reply(ctx, src, LUNAR_WRITE, g_list_type, &s);
  if (fs == Found::kNo) return Served::kNone;
  if (fs == Found::kWrongType) return Served::kError;
  ListValue* d;
  Found fd = lunar::lookup_or_reply(ctx, dst, LUNAR_WRITE, g_list_type, &d);
  if (fd == Found::kWrongType) return Served::kError;
  std::string value = s->pop(from);
  if (fd == Found::kNo) {
    d = ListValue::create();
    d->push(to, value);
    lunar_key_set(ctx, dst, g_list_type, d, 0);
  } else {
    d->push(to, value);
  }
  lunar_key_signal_write(ctx, dst, LUNAR_NOTIFY_LIST, push_event(to));
  lunar::reply_bulk(ctx, value);
  signal_pop(ctx, src, s, from);
  return Served::kYes;
}

// Redis's order: numkeys (1..LLONG_MAX), then that many keys must be followed by the direction,
// then COUNT at most once (1..LLONG_MAX).
bool parse_mpop(lunar_ctx* ctx, int argc, const lunar_str* argv, int numkeys_at, MpopArgs* out) {
  long long numkeys;
  if (!lunar::ll_arg(ctx, argv[numkeys_at], &numkeys, kErrNumkeys)) return false;
  if (numkeys <= 0) {
    lunar::reply_error(ctx, kErrNumkeys);
    return false;
  }
  if (numkeys > argc - numkeys_at - 2) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return false;
  }
  int where_at = numkeys_at + 1 + static_cast<int>(numkeys);
  if (!parse_end(ctx, argv[where_at], &out->where)) return false;
  out->numkeys = static_cast<int>(numkeys);
  out->keys = argv + numkeys_at + 1;
  out->count = -1;
  for (int j = where_at + 1; j < argc; j++) {
    if (out->count == -1 && lunar::arg_is(argv[j], "count") && j + 1 < argc) {
      if (!lunar::ll_arg_range(ctx, argv[++j], 1, LLONG_MAX, &out->count, kErrCountPositive))
        return false;
    } else {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return false;
    }
  }
  if (out->count == -1) out->count = 1;
  return true;
}

Served pop_first_and_reply(lunar_ctx* ctx, int nkeys, const lunar_str* keys, End where,
                           long long count) {
  for (int j = 0; j < nkeys; j++) {
    ListValue* list;
    Found f = lunar::lookup_or_reply(ctx, keys[j], LUNAR_WRITE, g_list_type, &list);
    if (f == Found::kWrongType) return Served::kError;
    if (f == Found::kNo) continue;
    lunar_reply_array(ctx, 2);
    lunar::reply_bulk(ctx, lunar::view(keys[j]));
    lunar_str pop = lunar::str(where == End::kHead ? "LPOP" : "RPOP");
    if (count >= 1) {
      std::string n = std::to_string(pop_range_and_reply(ctx, keys[j], list, where, count));
      const lunar_str rewritten[] = {pop, keys[j], lunar::str(n)};
      lunar_replicate(ctx, 3, rewritten);
    } else {
      pop_one_and_reply(ctx, keys[j], list, where);
      const lunar_str rewritten[] = {pop, keys[j]};
      lunar_replicate(ctx, 2, rewritten);
    }
    return Served::kYes;
  }
  return Served::kNone;
}

namespace {

// =============================================================================================
// Command handlers
// =============================================================================================

// LPUSH RPUSH LPUSHX RPUSHX: pushes every element in order; the X forms do nothing (reply 0)
// when the key is missing. Replies the new length.
void push_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, End where, bool existing) {
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_list_type, &list);
  if (f == Found::kWrongType) return;
  if (f == Found::kNo && existing) {
    lunar_reply_int(ctx, 0);
    return;
  }
  bool created = f == Found::kNo;
  if (created) list = ListValue::create();
  for (int j = 2; j < argc; j++) list->push(where, lunar::view(argv[j]));
  long long len = static_cast<long long>(list->size());
  if (created) lunar_key_set(ctx, argv[1], g_list_type, list, 0);
  lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_LIST, push_event(where));
  lunar_reply_int(ctx, len);
}

int lpush_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  push_generic(ctx, argc, argv, End::kHead, false);
  return LUNAR_OK;
}
int rpush_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  push_generic(ctx, argc, argv, End::kTail, false);
  return LUNAR_OK;
}
int lpushx_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  push_generic(ctx, argc, argv, End::kHead, true);
  return LUNAR_OK;
}
int rpushx_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  push_generic(ctx, argc, argv, End::kTail, true);
  return LUNAR_OK;
}

// LPOP/RPOP key [count]: the count is checked before the key. Without a count: an element or
// null; with one: an array (empty for 0 on an existing list) or a null array for a missing key.
void pop_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, End where, const char* name) {
  if (argc > 3) {
    lunar::reply_arity_error(ctx, name);
    return;
  }
  long long count = -1;
  if (argc == 3 && !lunar::ll_arg_range(ctx, argv[2], 0, LLONG_MAX, &count, kErrPositive)) return;
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_list_type, &list);
  if (f == Found::kWrongType) return;
  if (f == Found::kNo) {
    if (count >= 0) {
      lunar_reply_null_array(ctx);
    } else {
      lunar_reply_null(ctx);
    }
  } else if (count < 0) {
    pop_one_and_reply(ctx, argv[1], list, where);
  } else if (count == 0) {
    lunar_reply_array(ctx, 0);
  } else {
    pop_range_and_reply(ctx, argv[1], list, where, count);
  }
}

int lpop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  pop_generic(ctx, argc, argv, End::kHead, "lpop");
  return LUNAR_OK;
}
int rpop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  pop_generic(ctx, argc, argv, End::kTail, "rpop");
  return LUNAR_OK;
}

int llen_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_list_type, &list);
  if (f != Found::kWrongType)
    lunar_reply_int(ctx, f == Found::kYes ? static_cast<long long>(list->size()) : 0);
  return LUNAR_OK;
}

// LINDEX: the key is looked up before the index is parsed (a missing key answers null even for
// a bad index).
int lindex_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_list_type, &list);
  if (f == Found::kNo) lunar_reply_null(ctx);
  if (f != Found::kYes) return LUNAR_OK;
  long long index;
  if (!lunar::ll_arg(ctx, argv[2], &index)) return LUNAR_OK;
  ListValue::Cursor c = list->at(index);
  if (c.valid()) {
    lunar::reply_bulk(ctx, list->get(c));
  } else {
    lunar_reply_null(ctx);
  }
  return LUNAR_OK;
}

// LINSERT key BEFORE|AFTER pivot element: the new length, 0 for a missing key, -1 when the
// pivot is not found (the first match from the head is used).
int linsert_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  bool after;
  if (lunar::arg_is(argv[2], "after")) {
    after = true;
  } else if (lunar::arg_is(argv[2], "before")) {
    after = false;
  } else {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return LUNAR_OK;
  }
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_list_type, &list);
  if (f == Found::kNo) lunar_reply_int(ctx, 0);
  if (f != Found::kYes) return LUNAR_OK;
  std::string_view pivot = lunar::view(argv[3]);
  ListValue::Cursor c = list->front();
  while (c.valid() && list->get(c) != pivot) list->next(&c);
  if (!c.valid()) {
    lunar_reply_int(ctx, -1);
    return LUNAR_OK;
  }
  list->insert(c, after, lunar::view(argv[4]));
  lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_LIST, "linsert");
  lunar_reply_int(ctx, static_cast<long long>(list->size()));
  return LUNAR_OK;
}

// LRANGE: indexes are parsed before the key is looked up.
int lrange_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  long long start, end;
  if (!lunar::ll_arg(ctx, argv[2], &start) || !lunar::ll_arg(ctx, argv[3], &end)) return LUNAR_OK;
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_list_type, &list);
  if (f == Found::kWrongType) return LUNAR_OK;
  if (f == Found::kNo || !normalize_range(static_cast<long long>(list->size()), &start, &end)) {
    lunar_reply_array(ctx, 0);
    return LUNAR_OK;
  }
  lunar_reply_array(ctx, end - start + 1);
  ListValue::Cursor c = list->at(start);
  for (long long i = start; i <= end; i++, list->next(&c)) lunar::reply_bulk(ctx, list->get(c));
  return LUNAR_OK;
}

// LTRIM: raises "ltrim" even when nothing was removed; an emptied list is deleted.
int ltrim_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  long long start, end;
  if (!lunar::ll_arg(ctx, argv[2], &start) || !lunar::ll_arg(ctx, argv[3], &end)) return LUNAR_OK;
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_list_type, &list);
  if (f == Found::kNo) lunar_reply_ok(ctx);
  if (f != Found::kYes) return LUNAR_OK;
  long long len = static_cast<long long>(list->size());
  if (normalize_range(len, &start, &end)) {
    list->erase_tail(static_cast<size_t>(len - end - 1));
    list->erase_head(static_cast<size_t>(start));
  } else {
    list->erase_head(static_cast<size_t>(len));
  }
  lunar::signal_removal(ctx, argv[1], LUNAR_NOTIFY_LIST, "ltrim", list->empty());
  lunar_reply_ok(ctx);
  return LUNAR_OK;
}

// LREM key count element: count > 0 removes the first `count` matches from the head, < 0 from
// the tail, 0 all of them. Replies how many were removed; "lrem" only when some were.
int lrem_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  long long count;
  if (!lunar::ll_arg(ctx, argv[2], &count)) return LUNAR_OK;
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_list_type, &list);
  if (f == Found::kNo) lunar_reply_int(ctx, 0);
  if (f != Found::kYes) return LUNAR_OK;
  std::string_view element = lunar::view(argv[3]);
  bool forward = count >= 0;
  unsigned long long limit = count == 0  ? ULLONG_MAX
                             : count > 0 ? static_cast<unsigned long long>(count)
                                         : 0ULL - static_cast<unsigned long long>(count);
  unsigned long long removed = 0;
  ListValue::Cursor c = forward ? list->front() : list->back();
  while (c.valid() && removed < limit) {
    if (list->get(c) == element) {
      c = list->erase(c, forward);
      removed++;
    } else if (forward) {
      list->next(&c);
    } else {
      list->prev(&c);
    }
  }
  if (removed > 0) {
    if (!list->empty()) list->compact();
    lunar::signal_removal(ctx, argv[1], LUNAR_NOTIFY_LIST, "lrem", list->empty());
  }
  lunar_reply_int(ctx, static_cast<long long>(removed));
  return LUNAR_OK;
}

// LSET: the key (no such key / WRONGTYPE) is checked before the index is parsed.
int lset_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_list_type, &list);
  if (f == Found::kNo) lunar::reply_error(ctx, LUNAR_ERR_NO_SUCH_KEY);
  if (f != Found::kYes) return LUNAR_OK;
  long long index;
  if (!lunar::ll_arg(ctx, argv[2], &index)) return LUNAR_OK;
  ListValue::Cursor c = list->at(index);
  if (!c.valid()) {
    lunar::reply_error(ctx, LUNAR_ERR_OUT_OF_RANGE);
    return LUNAR_OK;
  }
  list->replace(c, lunar::view(argv[3]));
  lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_LIST, "lset");
  lunar_reply_ok(ctx);
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// LPOS
// ---------------------------------------------------------------------------------------------

struct LposOptions {
  long long rank = 1;
  long long count = -1;  // -1: no COUNT (reply one position), 0: every match
  long long maxlen = 0;  // 0: no limit
};

// Options are read left to right and each value is checked as it is read (so the first bad
// one is reported), all before the key is looked up.
bool parse_lpos_options(lunar_ctx* ctx, int argc, const lunar_str* argv, LposOptions* o) {
  for (int j = 3; j < argc; j++) {
    bool has_value = j + 1 < argc;
    if (lunar::arg_is(argv[j], "rank") && has_value) {
      if (!lunar::ll_arg(ctx, argv[++j], &o->rank)) return false;
      if (o->rank == 0) {
        lunar::reply_error(ctx, kErrRankZero);
        return false;
      }
    } else if (lunar::arg_is(argv[j], "count") && has_value) {
      if (!lunar::ll_arg_range(ctx, argv[++j], 0, LLONG_MAX, &o->count, kErrCountNegative))
        return false;
    } else if (lunar::arg_is(argv[j], "maxlen") && has_value) {
      if (!lunar::ll_arg_range(ctx, argv[++j], 0, LLONG_MAX, &o->maxlen, kErrMaxlenNegative))
        return false;
    } else {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return false;
    }
  }
  return true;
}

// The positions (from the head) of the matches of `element` LPOS reports: found walking from
// the head (rank > 0) or the tail (rank < 0), skipping the first |rank| - 1 matches, comparing
// at most MAXLEN elements, stopping after COUNT (one without COUNT, all for COUNT 0). RANK
// -9223372036854775808 behaves in Redis 7.0 as "from the tail, no skipping, COUNT ignored" (its
// negation overflows); reproduced here.
std::vector<long long> lpos_search(const ListValue* list, std::string_view element,
                                   const LposOptions& o) {
  bool forward = o.rank > 0;
  bool overflowed = o.rank == LLONG_MIN;
  long long skip = overflowed ? 0 : (forward ? o.rank : -o.rank) - 1;
  long long limit = o.count < 0 ? 1 : (overflowed || o.count == 0 ? LLONG_MAX : o.count);
  long long len = static_cast<long long>(list->size());
  std::vector<long long> found;
  ListValue::Cursor c = forward ? list->front() : list->back();
  for (long long i = 0; c.valid() && (o.maxlen == 0 || i < o.maxlen); i++) {
    if (list->get(c) == element && skip-- <= 0) {
      found.push_back(forward ? i : len - 1 - i);
      if (static_cast<long long>(found.size()) >= limit) break;
    }
    if (forward) {
      list->next(&c);
    } else {
      list->prev(&c);
    }
  }
  return found;
}

// LPOS key element [RANK r] [COUNT n] [MAXLEN m]: without COUNT a position or null; with it an
// array (empty for a missing key).
int lpos_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  LposOptions o;
  if (!parse_lpos_options(ctx, argc, argv, &o)) return LUNAR_OK;
  ListValue* list;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_list_type, &list);
  if (f == Found::kWrongType) return LUNAR_OK;
  std::vector<long long> found;
  if (f == Found::kYes) found = lpos_search(list, lunar::view(argv[2]), o);
  if (o.count >= 0) {
    lunar_reply_array(ctx, static_cast<long>(found.size()));
    for (long long p : found) lunar_reply_int(ctx, p);
  } else if (found.empty()) {
    lunar_reply_null(ctx);
  } else {
    lunar_reply_int(ctx, found[0]);
  }
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// LMOVE RPOPLPUSH LMPOP
// ---------------------------------------------------------------------------------------------

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT: both directions are parsed first; null when
// the source is missing (the destination is not checked then).
int lmove_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  End from, to;
  if (!parse_end(ctx, argv[3], &from) || !parse_end(ctx, argv[4], &to)) return LUNAR_OK;
  if (move_or_reply(ctx, argv[1], argv[2], from, to) == Served::kNone) lunar_reply_null(ctx);
  return LUNAR_OK;
}

int rpoplpush_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  if (move_or_reply(ctx, argv[1], argv[2], End::kTail, End::kHead) == Served::kNone)
    lunar_reply_null(ctx);
  return LUNAR_OK;
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: [key, [elements]] from the first key
// holding a list, or a null array.
int lmpop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  MpopArgs a;
  if (!parse_mpop(ctx, argc, argv, 1, &a)) return LUNAR_OK;
  if (pop_first_and_reply(ctx, a.numkeys, a.keys, a.where, a.count) == Served::kNone)
    lunar_reply_null_array(ctx);
  return LUNAR_OK;
}

// =============================================================================================
// The type and the config parameters
// =============================================================================================


// list-max-listpack-size (alias list-max-ziplist-size) sets the node fill of lists written
// from now on; list-compress-depth is accepted and stored, nodes are never compressed. Both are
// plain integers, as in Redis.
long long g_fill = -2, g_compress_depth = 0;

int on_fill_change(void*, const char**) {
  set_node_fill(g_fill);
  return 0;
}

const lunar_config_def kConfigs[] = {
    {sizeof(lunar_config_def), "list-max-listpack-size", LUNAR_CONFIG_INT, LUNAR_CONFIG_PLAIN,
     "-2", INT_MIN, INT_MAX, nullptr, &g_fill, on_fill_change, nullptr, "list-max-ziplist-size"},
    {sizeof(lunar_config_def), "list-compress-depth", LUNAR_CONFIG_INT, LUNAR_CONFIG_PLAIN, "0", 0,
     INT_MAX, nullptr, &g_compress_depth, nullptr, nullptr, nullptr},
};

int register_configs(lunar_module* m) {
  int rc = lunar::register_configs(m, kConfigs);
  if (rc == LUNAR_OK) set_node_fill(g_fill);
  return rc;
}

int register_list_type(lunar_module* m) {
  return lunar::register_type(m, "list", &lunar::type_methods<ListValue, ListValue::destroy>,
                              kRdbTypes, &g_list_type);
}

// =============================================================================================
// Registration
// =============================================================================================

constexpr char kAclList[] = "list";
constexpr char kPushComplexity[] =
    "O(1) for each element added, so O(N) to add N elements when the command is called with "
    "multiple arguments.";
constexpr char kPopComplexity[] = "O(N) where N is the number of elements returned";

using lunar::command;
constexpr lunar::Keys kKey1{1, 1, 1};
constexpr lunar::Keys kKeys12{1, 2, 1};

const lunar_command_def kListCommands[] = {
    command("lindex", lindex_command, 3, "readonly", kKey1, kAclList,
            {"Get an element from a list by its index", "1.0.0", "list",
             "O(N) where N is the number of elements to traverse to get to the element at "
             "index. This makes asking for the first or the last element of the list O(1)."},
            "RO access"),
    command("linsert", linsert_command, 5, "write denyoom", kKey1, kAclList,
            {"Insert an element before or after another element in a list", "2.2.0", "list",
             "O(N) where N is the number of elements to traverse before seeing the value "
             "pivot. This means that inserting somewhere on the left end on the list (head) can "
             "be considered O(1) and inserting somewhere on the right end (tail) is O(N)."},
            "RW insert"),
    command("llen", llen_command, 2, "readonly fast", kKey1, kAclList,
            {"Get the length of a list", "1.0.0", "list", "O(1)"}, "RO"),
    command("lmove", lmove_command, 5, "write denyoom", kKeys12, kAclList,
            {"Pop an element from a list, push it to another list and return it", "6.2.0", "list",
             "O(1)"}, "RW access delete"),
    command("lmpop", lmpop_command, -4, "write movablekeys", lunar::kNoKeys, kAclList,
            {"Pop elements from a list", "7.0.0", "list",
             "O(N+M) where N is the number of provided keys and M is the number of elements "
             "returned."}),
    command("lpop", lpop_command, -2, "write fast", kKey1, kAclList,
            {"Remove and get the first elements in a list", "1.0.0", "list", kPopComplexity},
            "RW access delete"),
    command("lpos", lpos_command, -3, "readonly", kKey1, kAclList,
            {"Return the index of matching elements on a list", "6.0.6", "list",
             "O(N) where N is the number of elements in the list, for the average case. When "
             "searching for elements near the head or the tail of the list, or when the MAXLEN "
             "option is provided, the command may run in constant time."}, "RO access"),
    command("lpush", lpush_command, -3, "write denyoom fast", kKey1, kAclList,
            {"Prepend one or multiple elements to a list", "1.0.0", "list", kPushComplexity},
            "RW insert"),
    command("lpushx", lpushx_command, -3, "write denyoom fast", kKey1, kAclList,
            {"Prepend an element to a list, only if the list exists", "2.2.0", "list",
             kPushComplexity}, "RW insert"),
    command("lrange", lrange_command, 4, "readonly", kKey1, kAclList,
            {"Get a range of elements from a list", "1.0.0", "list",
             "O(S+N) where S is the distance of start offset from HEAD for small lists, from "
             "nearest end (HEAD or TAIL) for large lists; and N is the number of elements in "
             "the specified range."}, "RO access"),
    command("lrem", lrem_command, 4, "write", kKey1, kAclList,
            {"Remove elements from a list", "1.0.0", "list",
             "O(N+M) where N is the length of the list and M is the number of elements "
             "removed."}, "RW delete"),
    command("lset", lset_command, 4, "write denyoom", kKey1, kAclList,
            {"Set the value of an element in a list by its index", "1.0.0", "list",
             "O(N) where N is the length of the list. Setting either the first or the last "
             "element of the list is O(1)."}, "RW update"),
    command("ltrim", ltrim_command, 4, "write", kKey1, kAclList,
            {"Trim a list to the specified range", "1.0.0", "list",
             "O(N) where N is the number of elements to be removed by the operation."},
            "RW delete"),
    command("rpop", rpop_command, -2, "write fast", kKey1, kAclList,
            {"Remove and get the last elements in a list", "1.0.0", "list", kPopComplexity},
            "RW access delete"),
    command("rpoplpush", rpoplpush_command, 3, "write denyoom", kKeys12, kAclList,
            {"Remove the last element in a list, prepend it to another list and return it", "1.2.0",
             "list", "O(1)"}, "RW access delete"),
    command("rpush", rpush_command, -3, "write denyoom fast", kKey1, kAclList,
            {"Append one or multiple elements to a list", "1.0.0", "list", kPushComplexity},
            "RW insert"),
    command(
        "rpushx", rpushx_command, -3, "write denyoom fast", kKey1, kAclList,
        {"Append an element to a list, only if the list exists", "2.2.0", "list", kPushComplexity},
        "RW insert"),
};

// The module's init: the "list" type, its config parameters, then the commands. Takes no
// arguments.
int lists_init(lunar_module* m, int argc, const lunar_str*) {
  if (argc != 0) {
    lunar_log(m, 3, "the lists module takes no arguments");
    return LUNAR_EINVAL;
  }
  int rc = register_list_type(m);
  if (rc == LUNAR_OK) rc = register_configs(m);
  if (rc == LUNAR_OK) rc = lunar::register_commands(m, kListCommands);
  if (rc == LUNAR_OK) rc = lunar::register_commands(m, blocking_commands());
  return rc;
}

}  // namespace
}  // namespace lists

LUNAR_MODULE("lists", 1, lists::lists_init, nullptr);
