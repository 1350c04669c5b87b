// The string family: GET SET (NX XX GET EX PX EXAT PXAT KEEPTTL) SETNX SETEX PSETEX GETSET
// GETDEL GETEX MGET MSET MSETNX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR DECR INCRBY DECRBY
// INCRBYFLOAT LCS, and the module's entry point (which also registers bitmaps.cc's commands).
//
// Values are strings::StringValue blocks (string_value.h). Replies, error texts, option
// parsing order and keyspace events follow Redis 7.0's t_string.c behaviour.
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "string_value.h"

namespace strings {
namespace {

using lunar::Found;

constexpr char kErrDecrOverflow[] = "ERR decrement would overflow";
constexpr char kErrOffsetRange[] = "ERR offset is out of range";
constexpr char kErrLcsTypes[] = "ERR The specified keys must contain string values";
constexpr char kErrLcsIdxLen[] =
    "ERR If you want both the length and indexes, please just use IDX.";
constexpr char kErrLcsTooLong[] = "ERR String too long for LCS";
constexpr char kErrLcsMemory[] =
    "ERR Insufficient memory, failed allocating transient memory for LCS";
constexpr size_t kLongDoubleBufLen = 5 * 1024;  // MAX_LONG_DOUBLE_CHARS

// SET / GETEX options (Redis's OBJ_* flags).
constexpr unsigned kNx = 1 << 0;
constexpr unsigned kXx = 1 << 1;
constexpr unsigned kGet = 1 << 2;
constexpr unsigned kKeepTtl = 1 << 3;
constexpr unsigned kPersist = 1 << 4;
constexpr unsigned kEx = 1 << 5;    // seconds from now
constexpr unsigned kPx = 1 << 6;    // milliseconds from now
constexpr unsigned kExAt = 1 << 7;  // unix time in seconds
constexpr unsigned kPxAt = 1 << 8;  // unix time in milliseconds
constexpr unsigned kAnyExpire = kEx | kPx | kExAt | kPxAt;

struct SetOptions {
  unsigned flags = 0;
  const lunar_str* expire = nullptr;  // the EX/PX/EXAT/PXAT argument
};

// What SET-like commands reply when they store, and when NX/XX stops them.
enum class SetReply { kOkOrNil, kOneOrZero };

// =============================================================================================
// Operations
// =============================================================================================

// Parses SET's options (from argv[3]) or GETEX's (from argv[2]) with Redis's rules: NX/XX
// exclude each other; an expiry kind excludes the other kinds, KEEPTTL and PERSIST (repeating
// the same kind is allowed, the last one wins); NX XX GET KEEPTTL are SET's, PERSIST is GETEX's.
// Replies a syntax error and returns false on anything else.
bool parse_set_options(lunar_ctx* ctx, int argc, const lunar_str* argv, bool is_set,
                       SetOptions* out) {
  unsigned& f = out->flags;
  for (int j = is_set ? 3 : 2; j < argc; j++) {
    const lunar_str& opt = argv[j];
    bool has_next = j + 1 < argc;
    unsigned expire_kind = lunar::arg_is(opt, "ex")     ? kEx
                           : lunar::arg_is(opt, "px")   ? kPx
                           : lunar::arg_is(opt, "exat") ? kExAt
                           : lunar::arg_is(opt, "pxat") ? kPxAt
                                                        : 0u;
    if (is_set && lunar::arg_is(opt, "nx") && !(f & kXx)) {
      f |= kNx;
    } else if (is_set && lunar::arg_is(opt, "xx") && !(f & kNx)) {
      f |= kXx;
    } else if (is_set && lunar::arg_is(opt, "get")) {
      f |= kGet;
    } else if (is_set && lunar::arg_is(opt, "keepttl") && !(f & (kPersist | kAnyExpire))) {
      f |= kKeepTtl;
    } else if (!is_set && lunar::arg_is(opt, "persist") && !(f & (kKeepTtl | kAnyExpire))) {
      f |= kPersist;
    } else if (expire_kind && has_next &&
               !(f & (kKeepTtl | kPersist | (kAnyExpire & ~expire_kind)))) {
      f |= expire_kind;
      out->expire = &argv[++j];
    } else {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return false;
    }
  }
  return true;
}

// Converts an expiry argument of kind `kind` (kEx/kPx/kExAt/kPxAt) to absolute unix ms, as
// Redis's getExpireMillisecondsOrReply: not an integer, <= 0, or overflowing once converted
// replies the error (naming `cmd`) and returns false.
bool expire_at_ms(lunar_ctx* ctx, lunar_str arg, unsigned kind, const char* cmd, long long* out) {
  long long v;
  if (!lunar::ll_arg(ctx, arg, &v)) return false;
  bool seconds = kind & (kEx | kExAt);
  bool relative = kind & (kEx | kPx);
  bool ok = v > 0 && !(seconds && v > LLONG_MAX / 1000);
  if (ok && seconds) v *= 1000;
  if (ok && relative) {
    long long now = lunar_ctx_now_ms(ctx);
    ok = v <= LLONG_MAX - now;
    if (ok) v += now;
  }
  if (!ok) {
    lunar_reply_errorf(ctx, LUNAR_ERR_INVALID_EXPIRE, cmd);
    return false;
  }
  *out = v;
  return true;
}

// Replies the string at `key`, or nil. Returns false after replying -WRONGTYPE.
bool get_generic(lunar_ctx* ctx, lunar_str key) {
  StringValue* v;
  switch (lunar::lookup_or_reply(ctx, key, LUNAR_READ, g_string_type, &v)) {
    case Found::kWrongType:
      return false;
    case Found::kNo:
      lunar_reply_null(ctx);
      return true;
    case Found::kYes:
      break;
  }
  reply_value(ctx, v);
  return true;
}

// Stores `val` under `key` and raises "set", then applies `expire_ms` (when > 0) and raises
// "expire". KEEPTTL keeps the key's current expiry; otherwise it is cleared.
void store(lunar_ctx* ctx, lunar_str key, lunar_str val, bool keep_ttl, long long expire_ms) {
  lunar_key_set(ctx, key, g_string_type, make_from_arg(lunar::view(val)),
                keep_ttl ? LUNAR_KEEPTTL : 0);
  lunar_key_signal_write(ctx, key, LUNAR_NOTIFY_STRING, "set");
  if (expire_ms > 0) {
    lunar_key_set_expire(ctx, key, expire_ms);
    lunar_key_signal_write(ctx, key, LUNAR_NOTIFY_GENERIC, "expire");
  }
}

// Redis's setGenericCommand, shared by SET SETNX SETEX PSETEX: validates the expiry, replies
// the old value first for GET, stops on NX/XX, stores, and replies per `kind` (nothing more
// after GET).
void set_generic(lunar_ctx* ctx, lunar_str key, lunar_str val, const SetOptions& opts,
                 const char* cmd, SetReply kind) {
  long long when = 0;
  unsigned expire_kind = opts.flags & kAnyExpire;
  if (expire_kind && !expire_at_ms(ctx, *opts.expire, expire_kind, cmd, &when)) return;
  if ((opts.flags & kGet) && !get_generic(ctx, key)) return;

  if (opts.flags & (kNx | kXx)) {
    bool found = lunar::key_exists(ctx, key, LUNAR_WRITE);
    if (found == ((opts.flags & kNx) != 0)) {
      if (opts.flags & kGet) return;
      if (kind == SetReply::kOneOrZero) {
        lunar_reply_int(ctx, 0);
      } else {
        lunar_reply_null(ctx);
      }
      return;
    }
  }
  store(ctx, key, val, opts.flags & kKeepTtl, when);
  if (opts.flags & kGet) return;
  if (kind == SetReply::kOneOrZero) {
    lunar_reply_int(ctx, 1);
  } else {
    lunar_reply_ok(ctx);
  }
}

// Adds `incr` to the integer at `key` (0 when missing), keeping its expiry; replies the result
// or Redis's not-an-integer / overflow errors.
void incr_generic(lunar_ctx* ctx, lunar_str key, long long incr) {
  StringValue* v = nullptr;
  Found f = lunar::lookup_or_reply(ctx, key, LUNAR_WRITE, g_string_type, &v);
  if (f == Found::kWrongType) return;
  long long old = 0;
  if (f == Found::kYes && !value_to_ll(v, &old)) {
    lunar::reply_error(ctx, LUNAR_ERR_NOT_INTEGER);
    return;
  }
  if ((incr < 0 && old < 0 && incr < LLONG_MIN - old) ||
      (incr > 0 && old > 0 && incr > LLONG_MAX - old)) {
    lunar::reply_error(ctx, LUNAR_ERR_OVERFLOW);
    return;
  }
  long long n = old + incr;
  if (f == Found::kYes && v->encoding() == Encoding::kInt) {
    set_int(v, n);
  } else {
    lunar_key_set(ctx, key, g_string_type, make_int(n), LUNAR_KEEPTTL);
  }
  lunar_key_signal_write(ctx, key, LUNAR_NOTIFY_STRING, "incrby");
  lunar_reply_int(ctx, n);
}

// Redis's MSET/MSETNX: an odd number of key/value arguments is an arity error; MSETNX stores
// nothing when any key exists.
void mset_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, bool nx, const char* cmd) {
  if (argc % 2 == 0) {
    lunar::reply_arity_error(ctx, cmd);
    return;
  }
  if (nx) {
    for (int j = 1; j < argc; j += 2) {
      if (lunar::key_exists(ctx, argv[j], LUNAR_WRITE)) {
        lunar_reply_int(ctx, 0);
        return;
      }
    }
  }
  for (int j = 1; j < argc; j += 2) store(ctx, argv[j], argv[j + 1], false, 0);
  if (nx) {
    lunar_reply_int(ctx, 1);
  } else {
    lunar_reply_ok(ctx);
  }
}

// The bytes [start, end] of `s` with Redis's GETRANGE index rules (negative from the end,
// clamped; an inverted range of two negative indexes is empty).
std::string_view substring(std::string_view s, long long start, long long end) {
  long long n = static_cast<long long>(s.size());
  if (start < 0 && end < 0 && start > end) return {};
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= n) end = n - 1;
  if (start > end || n == 0) return {};
  return s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1));
}

// ---------------------------------------------------------------------------------------------
// LCS
// ---------------------------------------------------------------------------------------------

struct LcsOptions {
  bool len = false, idx = false, with_match_len = false;
  long long min_match_len = 0;
};

// Parses LCS's options from argv[3]; replies the error and returns false on a bad one.
bool parse_lcs_options(lunar_ctx* ctx, int argc, const lunar_str* argv, LcsOptions* o) {
  for (int j = 3; j < argc; j++) {
    if (lunar::arg_is(argv[j], "idx")) {
      o->idx = true;
    } else if (lunar::arg_is(argv[j], "len")) {
      o->len = true;
    } else if (lunar::arg_is(argv[j], "withmatchlen")) {
      o->with_match_len = true;
    } else if (lunar::arg_is(argv[j], "minmatchlen") && j + 1 < argc) {
      if (!lunar::ll_arg(ctx, argv[++j], &o->min_match_len)) return false;
      if (o->min_match_len < 0) o->min_match_len = 0;
    } else {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return false;
    }
  }
  if (o->idx && o->len) {
    lunar::reply_error(ctx, kErrLcsIdxLen);
    return false;
  }
  return true;
}

// One contiguous match of an LCS: a[a_start..a_end] == b[b_start..b_end].
struct LcsRange {
  uint32_t a_start, a_end, b_start, b_end;
  uint32_t length() const { return a_end - a_start + 1; }
};

// The longest common subsequence of two strings: its length, its text and its maximal runs of
// adjacent matches, last run first (the order Redis reports them in).
struct Lcs {
  uint32_t len = 0;
  std::string text;
  std::vector<LcsRange> ranges;
};

enum class LcsStatus { kOk, kTooLong, kNoMemory };

// Computes the LCS of a and b with the classic DP table; with `walk`, also its text and runs,
// walking back from the table's end and preferring to drop a's byte on ties exactly as Redis
// does, so that the text and runs are Redis's. Writes no reply.
LcsStatus compute_lcs(std::string_view a, std::string_view b, bool walk, Lcs* out) {
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) return LcsStatus::kTooLong;
  const size_t alen = a.size(), blen = b.size(), cols = blen + 1;
  const unsigned long long cells = (unsigned long long)(alen + 1) * cols;
  // Transient memory that may be huge: failing to get it is an error reply, not an abort, so
  // this uses malloc rather than lunar_alloc (which never fails).
  uint32_t* dp = nullptr;
  if (cells <= SIZE_MAX / sizeof(uint32_t))
    dp = static_cast<uint32_t*>(std::malloc(cells * sizeof(uint32_t)));
  if (dp == nullptr) return LcsStatus::kNoMemory;
  auto at = [&](size_t i, size_t j) -> uint32_t& { return dp[i * cols + j]; };
  for (size_t j = 0; j <= blen; j++) at(0, j) = 0;
  for (size_t i = 1; i <= alen; i++) {
    at(i, 0) = 0;
    for (size_t j = 1; j <= blen; j++) {
      uint32_t up = at(i - 1, j), left = at(i, j - 1);
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : (up > left ? up : left);
    }
  }
  out->len = at(alen, blen);
  if (walk) out->text.resize(out->len);
  size_t i = alen, j = blen, pos = out->len;
  LcsRange run{};
  bool in_run = false;
  while (walk && i > 0 && j > 0) {
    bool run_ends;
    if (a[i - 1] == b[j - 1]) {
      out->text[--pos] = a[i - 1];
      if (!in_run) run = {uint32_t(i - 1), uint32_t(i - 1), uint32_t(j - 1), uint32_t(j - 1)};
      run.a_start = uint32_t(i - 1);  // matches walked back to back are adjacent in a and b
      run.b_start = uint32_t(j - 1);
      in_run = true;
      run_ends = run.a_start == 0 || run.b_start == 0;
      i--;
      j--;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        i--;
      } else {
        j--;
      }
      run_ends = in_run;
    }
    if (run_ends) {
      out->ranges.push_back(run);
      in_run = false;
    }
  }
  std::free(dp);
  return LcsStatus::kOk;
}

// LCS's IDX reply: {"matches": [[[a_start, a_end], [b_start, b_end], (len)], ...], "len": n},
// keeping the runs of at least MINMATCHLEN.
void reply_lcs_idx(lunar_ctx* ctx, const Lcs& lcs, const LcsOptions& o) {
  auto kept = [&](const LcsRange& r) {
    return o.min_match_len == 0 || r.length() >= o.min_match_len;
  };
  long n = 0;
  for (const LcsRange& r : lcs.ranges) n += kept(r);
  lunar_reply_map(ctx, 2);
  lunar::reply_bulk(ctx, "matches");
  lunar_reply_array(ctx, n);
  for (const LcsRange& r : lcs.ranges) {
    if (!kept(r)) continue;
    lunar_reply_array(ctx, o.with_match_len ? 3 : 2);
    lunar_reply_array(ctx, 2);
    lunar_reply_int(ctx, r.a_start);
    lunar_reply_int(ctx, r.a_end);
    lunar_reply_array(ctx, 2);
    lunar_reply_int(ctx, r.b_start);
    lunar_reply_int(ctx, r.b_end);
    if (o.with_match_len) lunar_reply_int(ctx, r.length());
  }
  lunar::reply_bulk(ctx, "len");
  lunar_reply_int(ctx, lcs.len);
}

// =============================================================================================
// Command handlers
// =============================================================================================

int get_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  get_generic(ctx, argv[1]);
  return LUNAR_OK;
}

int set_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  SetOptions opts;
  if (parse_set_options(ctx, argc, argv, true, &opts))
    set_generic(ctx, argv[1], argv[2], opts, "set", SetReply::kOkOrNil);
  return LUNAR_OK;
}

int setnx_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  set_generic(ctx, argv[1], argv[2], SetOptions{kNx, nullptr}, "setnx", SetReply::kOneOrZero);
  return LUNAR_OK;
}

int setex_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  set_generic(ctx, argv[1], argv[3], SetOptions{kEx, &argv[2]}, "setex", SetReply::kOkOrNil);
  return LUNAR_OK;
}

int psetex_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  set_generic(ctx, argv[1], argv[3], SetOptions{kPx, &argv[2]}, "psetex", SetReply::kOkOrNil);
  return LUNAR_OK;
}

int getset_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  if (get_generic(ctx, argv[1])) store(ctx, argv[1], argv[2], false, 0);
  return LUNAR_OK;
}

int getdel_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_string_type, &v);
  if (f == Found::kNo) lunar_reply_null(ctx);
  if (f != Found::kYes) return LUNAR_OK;
  reply_value(ctx, v);
  lunar_key_delete(ctx, argv[1]);
  lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_GENERIC, "del");
  return LUNAR_OK;
}

// GETEX: options first, then the key (nil when missing, before the expiry is validated), then
// the expiry; replies the value, then applies EX/PX/EXAT/PXAT (an absolute time already past
// deletes the key) or PERSIST.
int getex_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  SetOptions opts;
  if (!parse_set_options(ctx, argc, argv, false, &opts)) return LUNAR_OK;
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_string_type, &v);
  if (f == Found::kNo) lunar_reply_null(ctx);
  if (f != Found::kYes) return LUNAR_OK;
  unsigned kind = opts.flags & kAnyExpire;
  long long when = 0;
  if (kind && !expire_at_ms(ctx, *opts.expire, kind, "getex", &when)) return LUNAR_OK;
  reply_value(ctx, v);

  if ((kind & (kExAt | kPxAt)) && when <= lunar_ctx_now_ms(ctx)) {
    lunar_key_delete(ctx, argv[1]);
    lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_GENERIC, "del");
  } else if (kind) {
    lunar_key_set_expire(ctx, argv[1], when);
    lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_GENERIC, "expire");
  } else if ((opts.flags & kPersist) && lunar_key_get_expire(ctx, argv[1]) >= 0) {
    lunar_key_set_expire(ctx, argv[1], -1);
    lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_GENERIC, "persist");
  }
  return LUNAR_OK;
}

int mget_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  lunar_reply_array(ctx, argc - 1);
  for (int j = 1; j < argc; j++) {
    StringValue* v;
    if (lunar::lookup(ctx, argv[j], LUNAR_READ, g_string_type, &v) == Found::kYes) {
      reply_value(ctx, v);
    } else {
      lunar_reply_null(ctx);
    }
  }
  return LUNAR_OK;
}

int mset_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  mset_generic(ctx, argc, argv, false, "mset");
  return LUNAR_OK;
}

int msetnx_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  mset_generic(ctx, argc, argv, true, "msetnx");
  return LUNAR_OK;
}

int append_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_string_type, &v);
  if (f == Found::kWrongType) return LUNAR_OK;
  size_t total = argv[2].len;
  if (f == Found::kNo) {
    lunar_key_set(ctx, argv[1], g_string_type, make_from_arg(lunar::view(argv[2])), 0);
  } else {
    size_t old = v->len;
    total += old;
    if (total > static_cast<unsigned long long>(max_string_len())) {
      lunar::reply_error(ctx, LUNAR_ERR_STRING_TOO_LONG);
      return LUNAR_OK;
    }
    Writable w = make_writable(ctx, argv[1], v, total);
    if (argv[2].len) std::memcpy(w.value->bytes() + old, argv[2].ptr, argv[2].len);
  }
  lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_STRING, "append");
  lunar_reply_int(ctx, static_cast<long long>(total));
  return LUNAR_OK;
}

int strlen_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_string_type, &v);
  if (f != Found::kWrongType) lunar_reply_int(ctx, f == Found::kYes ? v->len : 0);
  return LUNAR_OK;
}

// GETRANGE and SUBSTR.
int getrange_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  long long start, end;
  if (!lunar::ll_arg(ctx, argv[2], &start) || !lunar::ll_arg(ctx, argv[3], &end)) return LUNAR_OK;
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_string_type, &v);
  if (f == Found::kNo) lunar::reply_bulk(ctx, {});
  if (f != Found::kYes) return LUNAR_OK;
  char buf[kIntBufLen];
  lunar::reply_bulk(ctx, substring(value_view(v, buf), start, end));
  return LUNAR_OK;
}

// SETRANGE: a negative offset is an error; an empty value changes nothing (and creates no
// key); otherwise the string is zero-padded up to the offset and overwritten there.
int setrange_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  long long offset;
  if (!lunar::ll_arg(ctx, argv[2], &offset)) return LUNAR_OK;
  if (offset < 0) {
    lunar::reply_error(ctx, kErrOffsetRange);
    return LUNAR_OK;
  }
  StringValue* v = nullptr;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_string_type, &v);
  if (f == Found::kWrongType) return LUNAR_OK;
  const lunar_str& value = argv[3];
  if (value.len == 0) {
    lunar_reply_int(ctx, f == Found::kYes ? v->len : 0);
    return LUNAR_OK;
  }
  unsigned long long end = static_cast<unsigned long long>(offset) + value.len;
  if (end > static_cast<unsigned long long>(max_string_len())) {
    lunar::reply_error(ctx, LUNAR_ERR_STRING_TOO_LONG);
    return LUNAR_OK;
  }
  Writable w = make_writable(ctx, argv[1], f == Found::kYes ? v : nullptr, end);
  std::memcpy(w.value->bytes() + offset, value.ptr, value.len);
  lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_STRING, "setrange");
  lunar_reply_int(ctx, static_cast<long long>(w.value->len));
  return LUNAR_OK;
}

int incr_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  incr_generic(ctx, argv[1], 1);
  return LUNAR_OK;
}

int decr_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  incr_generic(ctx, argv[1], -1);
  return LUNAR_OK;
}

int incrby_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  long long incr;
  if (lunar::ll_arg(ctx, argv[2], &incr)) incr_generic(ctx, argv[1], incr);
  return LUNAR_OK;
}

int decrby_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  long long decr;
  if (!lunar::ll_arg(ctx, argv[2], &decr)) return LUNAR_OK;
  if (decr == LLONG_MIN) {
    lunar::reply_error(ctx, kErrDecrOverflow);
    return LUNAR_OK;
  }
  incr_generic(ctx, argv[1], -decr);
  return LUNAR_OK;
}

// INCRBYFLOAT: the stored value is parsed before the increment; the result is stored as the
// text INCRBYFLOAT replies (an embstr or raw string, never an int), keeping the expiry.
int incrbyfloat_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_string_type, &v);
  if (f == Found::kWrongType) return LUNAR_OK;
  long double value = 0, incr;
  char ibuf[kIntBufLen];
  if (f == Found::kYes && !lunar::long_double_arg(ctx, lunar::str(value_view(v, ibuf)), &value))
    return LUNAR_OK;
  if (!lunar::long_double_arg(ctx, argv[2], &incr)) return LUNAR_OK;
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    lunar::reply_error(ctx, LUNAR_ERR_NAN_OR_INF);
    return LUNAR_OK;
  }
  char buf[kLongDoubleBufLen];
  std::string_view text(buf, lunar_format_long_double(value, buf, sizeof buf, 1));
  lunar_key_set(ctx, argv[1], g_string_type, make_string(text), LUNAR_KEEPTTL);
  lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_STRING, "incrbyfloat");
  lunar::reply_bulk(ctx, text);
  return LUNAR_OK;
}

// LCS: both keys are looked up (a missing key is an empty string, another type an error)
// before the options are parsed.
int lcs_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  StringValue *a = nullptr, *b = nullptr;
  Found fa = lunar::lookup(ctx, argv[1], LUNAR_READ, g_string_type, &a);
  Found fb = lunar::lookup(ctx, argv[2], LUNAR_READ, g_string_type, &b);
  if (fa == Found::kWrongType || fb == Found::kWrongType) {
    lunar::reply_error(ctx, kErrLcsTypes);
    return LUNAR_OK;
  }
  LcsOptions opts;
  if (!parse_lcs_options(ctx, argc, argv, &opts)) return LUNAR_OK;
  char abuf[kIntBufLen], bbuf[kIntBufLen];
  std::string_view as = fa == Found::kYes ? value_view(a, abuf) : std::string_view();
  std::string_view bs = fb == Found::kYes ? value_view(b, bbuf) : std::string_view();
  Lcs lcs;
  LcsStatus st = compute_lcs(as, bs, !opts.len, &lcs);
  if (st != LcsStatus::kOk) {
    lunar::reply_error(ctx, st == LcsStatus::kTooLong ? kErrLcsTooLong : kErrLcsMemory);
  } else if (opts.len) {
    lunar_reply_int(ctx, lcs.len);
  } else if (opts.idx) {
    reply_lcs_idx(ctx, lcs, opts);
  } else {
    lunar::reply_bulk(ctx, lcs.text);
  }
  return LUNAR_OK;
}

// =============================================================================================
// Registration
// =============================================================================================

constexpr char kAclString[] = "string";
constexpr char kGetRangeComplexity[] =
    "O(N) where N is the length of the returned string. The complexity is ultimately "
    "determined by the returned length, but because creating a substring from an existing "
    "string is very cheap, it can be considered O(1) for small strings.";

using lunar::command;
constexpr lunar::Keys kKey1{1, 1, 1};

const lunar_command_def kStringCommands[] = {
    command("append", append_command, 3, "write denyoom fast", kKey1, kAclString,
            {"Append a value to a key", "2.0.0", "string",
             "O(1). The amortized time complexity is O(1) assuming the appended value is small "
             "and the already present value is of any size, since the dynamic string library "
             "used by Redis will double the free space available on every reallocation."},
            "RW insert"),
    command("decr", decr_command, 2, "write denyoom fast", kKey1, kAclString,
            {"Decrement the integer value of a key by one", "1.0.0", "string", "O(1)"},
            "RW access update"),
    command(
        "decrby", decrby_command, 3, "write denyoom fast", kKey1, kAclString,
        {"Decrement the integer value of a key by the given number", "1.0.0", "string", "O(1)"},
        "RW access update"),
    command("get", get_command, 2, "readonly fast", kKey1, kAclString,
            {"Get the value of a key", "1.0.0", "string", "O(1)"}, "RO access"),
    command("getdel", getdel_command, 2, "write fast", kKey1, kAclString,
            {"Get the value of a key and delete the key", "6.2.0", "string", "O(1)"},
            "RW access delete"),
    command(
        "getex", getex_command, -2, "write fast", kKey1, kAclString,
        {"Get the value of a key and optionally set its expiration", "6.2.0", "string", "O(1)"},
        "RW access update"),
    command(
        "getrange", getrange_command, 4, "readonly", kKey1, kAclString,
        {"Get a substring of the string stored at a key", "2.4.0", "string", kGetRangeComplexity},
        "RO access"),
    command("getset", getset_command, 3, "write denyoom fast", kKey1, kAclString,
            {"Set the string value of a key and return its old value", "1.0.0", "string", "O(1)"},
            "RW access update"),
    command("incr", incr_command, 2, "write denyoom fast", kKey1, kAclString,
            {"Increment the integer value of a key by one", "1.0.0", "string", "O(1)"},
            "RW access update"),
    command(
        "incrby", incrby_command, 3, "write denyoom fast", kKey1, kAclString,
        {"Increment the integer value of a key by the given amount", "1.0.0", "string", "O(1)"},
        "RW access update"),
    command("incrbyfloat", incrbyfloat_command, 3, "write denyoom fast", kKey1, kAclString,
            {"Increment the float value of a key by the given amount", "2.6.0", "string", "O(1)"},
            "RW access update"),
    command("lcs", lcs_command, -3, "readonly", {1, 2, 1}, kAclString,
            {"Find longest common substring", "7.0.0", "string",
             "O(N*M) where N and M are the lengths of s1 and s2, respectively"}, "RO access"),
    command("mget", mget_command, -2, "readonly fast", {1, -1, 1}, kAclString,
            {"Get the values of all the given keys", "1.0.0", "string",
             "O(N) where N is the number of keys to retrieve."}, "RO access"),
    command("mset", mset_command, -3, "write denyoom", {1, -1, 2}, kAclString,
            {"Set multiple keys to multiple values", "1.0.1", "string",
             "O(N) where N is the number of keys to set."}, "OW update"),
    command("msetnx", msetnx_command, -3, "write denyoom", {1, -1, 2}, kAclString,
            {"Set multiple keys to multiple values, only if none of the keys exist", "1.0.1",
             "string", "O(N) where N is the number of keys to set."}, "OW insert"),
    command("psetex", psetex_command, 4, "write denyoom", kKey1, kAclString,
            {"Set the value and expiration in milliseconds of a key", "2.6.0", "string", "O(1)"},
            "OW update"),
    command("set", set_command, -3, "write denyoom", kKey1, kAclString,
            {"Set the string value of a key", "1.0.0", "string", "O(1)"},
            "RW access update variable_flags"),
    command("setex", setex_command, 4, "write denyoom", kKey1, kAclString,
            {"Set the value and expiration of a key", "2.0.0", "string", "O(1)"}, "OW update"),
    command("setnx", setnx_command, 3, "write denyoom fast", kKey1, kAclString,
            {"Set the value of a key, only if the key does not exist", "1.0.0", "string", "O(1)"},
            "OW insert"),
    command(
        "setrange", setrange_command, 4, "write denyoom", kKey1, kAclString,
        {"Overwrite part of a string at key starting at the specified offset", "2.2.0", "string",
         "O(1), not counting the time taken to copy the new string in place. Usually, this "
         "string is very small so the amortized complexity is O(1). Otherwise, complexity "
         "is O(M) with M being the length of the value argument."}, "RW update"),
    command("strlen", strlen_command, 2, "readonly fast", kKey1, kAclString,
            {"Get the length of the value stored in a key", "2.2.0", "string", "O(1)"}, "RO"),
    command(
        "substr", getrange_command, 4, "readonly", kKey1, kAclString,
        {"Get a substring of the string stored at a key", "1.0.0", "string", kGetRangeComplexity},
        "RO access"),
};

// The module's init: the "string" type, then the string and bitmap commands. Takes no
// arguments.
int strings_init(lunar_module* m, int argc, const lunar_str*) {
  if (argc != 0) {
    lunar_log(m, 3, "the strings module takes no arguments");
    return LUNAR_EINVAL;
  }
  int rc = register_string_type(m);
  if (rc == LUNAR_OK) rc = lunar::register_commands(m, kStringCommands);
  if (rc == LUNAR_OK) rc = lunar::register_commands(m, bitmap_commands());
  return rc;
}

}  // namespace
}  // namespace strings

LUNAR_MODULE("strings", 1, strings::strings_init, nullptr);
