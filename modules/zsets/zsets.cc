// The sorted-set family: ZADD ZINCRBY ZCARD ZSCORE ZMSCORE ZREM ZRANK ZREVRANK ZCOUNT ZLEXCOUNT
// ZRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREVRANGE ZRANGESTORE
// ZREMRANGEBYRANK/SCORE/LEX ZPOPMIN ZPOPMAX ZSCAN ZRANDMEMBER, ZUNION ZINTER ZDIFF and their
// STORE forms, ZINTERCARD, ZMPOP and the blocking BZPOPMIN BZPOPMAX BZMPOP; the "zset" type,
// its config parameters and the module's entry point.
//
// Values are zsets::ZsetValue (zset_value.h). Replies, error texts, argument checking order,
// keyspace events and propagation follow Redis 7.0's t_zset.c behaviour. ZSCAN's steps (and so
// the order of members in its replies) over a skiplist zset follow Lunar's table, not Redis's
// dict: only SCAN's guarantees are shared.
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <lunar/module.hpp>
#include <random>
#include <string>
#include <unordered_map>
#include <algorithm>
#include <vector>

#include "zset_value.h"

namespace zsets {
namespace {

using lunar::Found;
using lunar::reply_bulk;
using lunar::view;

constexpr char kErrNotFloatRange[] = "ERR min or max is not a float";
constexpr char kErrLexRange[] = "ERR min or max not valid string range item";
constexpr char kErrNaN[] = "ERR resulting score is not a number (NaN)";
constexpr char kErrCountRange[] =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";

constexpr uint8_t kRdbTypes[] = {5, 3, 12, 17};

lunar_type* g_zset_type = nullptr;
std::mt19937_64 g_rng;

long long g_max_entries = 128;
long long g_max_value = 64;

const lunar_config_def kConfigs[] = {
    {sizeof(lunar_config_def), "zset-max-listpack-entries", LUNAR_CONFIG_INT, LUNAR_CONFIG_PLAIN,
     "128", 0, LLONG_MAX, nullptr, &g_max_entries, nullptr, nullptr, "zset-max-ziplist-entries"},
    {sizeof(lunar_config_def), "zset-max-listpack-value", LUNAR_CONFIG_INT, LUNAR_CONFIG_MEMORY,
     "64", 0, LLONG_MAX, nullptr, &g_max_value, nullptr, nullptr, "zset-max-ziplist-value"},
};

// =============================================================================================
// Helpers
// =============================================================================================

void reply_empty_array(lunar_ctx* ctx) { lunar_reply_array(ctx, 0); }
void reply_zero(lunar_ctx* ctx) { lunar_reply_int(ctx, 0); }
void reply_null(lunar_ctx* ctx) { lunar_reply_null(ctx); }

ZsetValue* lookup_read(lunar_ctx* ctx, lunar_str key, void (*missing)(lunar_ctx*),
                       int flags = LUNAR_READ) {
  ZsetValue* z = nullptr;
  Found f = lunar::lookup_or_reply(ctx, key, flags, g_zset_type, &z);
  if (f == Found::kNo) missing(ctx);
  return f == Found::kYes ? z : nullptr;
}

// A new zset in the encoding Redis creates for `size` members whose longest is `maxlen`.
ZsetValue* create_zset(size_t size, size_t maxlen) {
  ZsetValue* z = make_zset();
  if (g_max_entries == 0 || static_cast<long long>(size) > g_max_entries ||
      static_cast<long long>(maxlen) > g_max_value) {
    z->convert_to_skiplist();
  }
  return z;
}

struct Scored {
  std::string member;
  double score;
};

// Replies members (with scores: RESP2 flat member/score, RESP3 [member, score] pairs when
// `nested`, else flat).
void reply_scored(lunar_ctx* ctx, const std::vector<Scored>& items, bool withscores,
                  bool nested = true) {
  bool pairs = withscores && nested && lunar_ctx_resp(ctx) == 3;
  long n = static_cast<long>(items.size());
  lunar_reply_array(ctx, withscores && !pairs ? n * 2 : n);
  for (const Scored& e : items) {
    if (pairs) lunar_reply_array(ctx, 2);
    reply_bulk(ctx, e.member);
    if (withscores) lunar_reply_double(ctx, e.score);
  }
}

// Deletes the key when the zset emptied, raising "del" after `event` (raised when changed).
void after_removal(lunar_ctx* ctx, lunar_str key, ZsetValue* z, const char* event) {
  lunar::signal_removal(ctx, key, LUNAR_NOTIFY_ZSET, event, z->empty());
}

// ---------------------------------------------------------------------------------------------
// Ranges
// ---------------------------------------------------------------------------------------------

struct ScoreRange {
  double min, max;
  bool minex = false, maxex = false;
};

// One bound of a score range as Redis reads it: "(" makes it exclusive; the rest goes through
// strtod, which must consume it all; NaN is rejected.
bool parse_score_bound(lunar_str arg, double* out, bool* ex) {
  std::string s(arg.ptr, arg.len);
  const char* p = s.c_str();
  *ex = false;
  if (*p == '(') {
    *ex = true;
    p++;
  }
  char* end;
  double v = std::strtod(p, &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *out = v;
  return true;
}

bool parse_score_range(lunar_str min, lunar_str max, ScoreRange* r) {
  return parse_score_bound(min, &r->min, &r->minex) && parse_score_bound(max, &r->max, &r->maxex);
}

struct LexBound {
  enum Kind { kMinusInf, kPlusInf, kValue } kind;
  std::string value;
  bool ex = false;
};
struct LexRange {
  LexBound min, max;
};

bool parse_lex_bound(lunar_str arg, LexBound* b) {
  std::string_view s = view(arg);
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
    case '-':
      if (s.size() != 1) return false;
      b->kind = s[0] == '+' ? LexBound::kPlusInf : LexBound::kMinusInf;
      return true;
    case '(':
    case '[':
      b->kind = LexBound::kValue;
      b->ex = s[0] == '(';
      b->value.assign(s.substr(1));
      return true;
    default:
      return false;
  }
}

bool parse_lex_range(lunar_str min, lunar_str max, LexRange* r) {
  return parse_lex_bound(min, &r->min) && parse_lex_bound(max, &r->max);
}

// The ranks [lo, hi) whose scores lie in r (lo >= hi: none).
std::pair<size_t, size_t> score_span(const ZsetValue& z, const ScoreRange& r) {
  size_t lo = z.prefix_count(
      [&](std::string_view, double s) { return r.minex ? s <= r.min : s < r.min; });
  size_t hi = z.prefix_count(
      [&](std::string_view, double s) { return r.maxex ? s < r.max : s <= r.max; });
  if (r.min > r.max || (r.min == r.max && (r.minex || r.maxex))) hi = lo;
  return {lo, hi};
}

// The ranks [lo, hi) whose members lie in r (meaningful when all scores are equal).
std::pair<size_t, size_t> lex_span(const ZsetValue& z, const LexRange& r) {
  auto below = [&](const LexBound& b, bool upper) -> size_t {
    if (b.kind == LexBound::kMinusInf) return 0;
    if (b.kind == LexBound::kPlusInf) return z.size();
    // lower bound: members < v (inclusive) or <= v (exclusive); upper: <= v or < v.
    bool le = upper ? !b.ex : b.ex;
    return z.prefix_count([&](std::string_view m, double) { return le ? m <= b.value : m < b.value; });
  };
  size_t lo = below(r.min, false), hi = below(r.max, true);
  bool empty = false;
  if (r.min.kind == LexBound::kPlusInf || r.max.kind == LexBound::kMinusInf) empty = true;
  if (r.min.kind == LexBound::kValue && r.max.kind == LexBound::kValue) {
    int c = r.min.value.compare(r.max.value);
    if (c > 0 || (c == 0 && (r.min.ex || r.max.ex))) empty = true;
  }
  if (empty || hi < lo) hi = lo;
  return {lo, hi};
}

// Redis's rank normalization: the ranks [start, end] of a zset of `len`; false when empty.
bool rank_span(long long start, long long end, long long len, long long* s, long long* e) {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return false;
  if (end >= len) end = len - 1;
  *s = start;
  *e = end;
  return true;
}

// Collects `count` entries from rank `start` (downwards when rev).
std::vector<Scored> collect(const ZsetValue& z, size_t start, size_t count, bool rev) {
  std::vector<Scored> out;
  out.reserve(count);
  z.for_range(start, count, rev,
              [&](std::string_view m, double s) { out.push_back(Scored{std::string(m), s}); });
  return out;
}

// The entries of span [lo, hi) after `offset` and up to `limit` (< 0: all); rev from the top.
std::vector<Scored> collect_span(const ZsetValue& z, std::pair<size_t, size_t> span, bool rev,
                                 long long offset, long long limit) {
  auto [lo, hi] = span;
  if (hi <= lo || offset < 0) return {};
  size_t n = hi - lo;
  if (static_cast<unsigned long long>(offset) >= n) return {};
  n -= static_cast<size_t>(offset);
  if (limit >= 0 && static_cast<unsigned long long>(limit) < n) n = static_cast<size_t>(limit);
  size_t start = rev ? hi - 1 - static_cast<size_t>(offset) : lo + static_cast<size_t>(offset);
  return collect(z, start, n, rev);
}

// =============================================================================================
// ZADD / ZINCRBY
// =============================================================================================

constexpr int kIncr = 1, kNx = 2, kXx = 4, kGt = 8, kLt = 16, kCh = 32;

void zadd_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, int flags) {
  int j = 2;
  for (; j < argc; j++) {
    if (lunar::arg_is(argv[j], "nx")) {
      flags |= kNx;
    } else if (lunar::arg_is(argv[j], "xx")) {
      flags |= kXx;
    } else if (lunar::arg_is(argv[j], "ch")) {
      flags |= kCh;
    } else if (lunar::arg_is(argv[j], "incr")) {
      flags |= kIncr;
    } else if (lunar::arg_is(argv[j], "gt")) {
      flags |= kGt;
    } else if (lunar::arg_is(argv[j], "lt")) {
      flags |= kLt;
    } else {
      break;
    }
  }
  int elements = argc - j;
  if (elements % 2 || elements == 0) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return;
  }
  elements /= 2;
  bool incr = flags & kIncr, nx = flags & kNx, xx = flags & kXx, gt = flags & kGt,
       lt = flags & kLt;
  if (nx && xx) {
    lunar::reply_error(ctx, "ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    lunar::reply_error(ctx, "ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (incr && elements > 1) {
    lunar::reply_error(ctx, "ERR INCR option supports a single increment-element pair");
    return;
  }
  std::vector<double> scores(static_cast<size_t>(elements));
  for (int i = 0; i < elements; i++) {
    if (!lunar::double_arg(ctx, argv[j + 2 * i], &scores[static_cast<size_t>(i)])) return;
  }
  ZsetValue* z = nullptr;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_zset_type, &z);
  if (f == Found::kWrongType) return;
  if (f == Found::kNo) {
    if (xx) {
      if (incr) {
        lunar_reply_null(ctx);
      } else {
        lunar_reply_int(ctx, 0);
      }
      return;
    }
    z = create_zset(1, argv[j + 1].len);
    lunar_key_set(ctx, argv[1], g_zset_type, z, 0);
  }
  long long added = 0, updated = 0, processed = 0;
  double newscore = 0;
  bool nan = false;
  for (int i = 0; i < elements; i++) {
    std::string_view m = view(argv[j + 2 * i + 1]);
    double sc = scores[static_cast<size_t>(i)];
    double cur;
    if (z->score(m, &cur)) {
      if (nx) continue;
      if (incr) {
        sc += cur;
        if (std::isnan(sc)) {
          nan = true;
          break;
        }
      }
      if ((lt && sc >= cur) || (gt && sc <= cur)) continue;
      newscore = sc;
      processed++;
      if (sc != cur) {
        z->set(m, sc, g_max_entries, g_max_value);
        updated++;
      }
    } else {
      if (xx) continue;
      z->set(m, sc, g_max_entries, g_max_value);
      newscore = sc;
      added++;
      processed++;
    }
  }
  if (nan) {
    lunar::reply_error(ctx, kErrNaN);
  } else if (incr) {
    if (processed) {
      lunar_reply_double(ctx, newscore);
    } else {
      lunar_reply_null(ctx);
    }
  } else {
    lunar_reply_int(ctx, (flags & kCh) ? added + updated : added);
  }
  if (added || updated) lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_ZSET, incr ? "zincr" : "zadd");
}

int zadd_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zadd_generic(ctx, argc, argv, 0);
  return LUNAR_OK;
}

// ZINCRBY key increment member: ZADD key INCR increment member.
int zincrby_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  lunar_str args[] = {argv[0], argv[1], argv[2], argv[3]};
  zadd_generic(ctx, 4, args, kIncr);
  return LUNAR_OK;
}

// =============================================================================================
// Reads
// =============================================================================================

int zcard_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  ZsetValue* z = lookup_read(ctx, argv[1], reply_zero);
  if (z) lunar_reply_int(ctx, static_cast<long long>(z->size()));
  return LUNAR_OK;
}

int zscore_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  ZsetValue* z = lookup_read(ctx, argv[1], reply_null);
  if (!z) return LUNAR_OK;
  double s;
  if (z->score(view(argv[2]), &s)) {
    lunar_reply_double(ctx, s);
  } else {
    lunar_reply_null(ctx);
  }
  return LUNAR_OK;
}

int zmscore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  ZsetValue* z = nullptr;
  if (lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_zset_type, &z) == Found::kWrongType)
    return LUNAR_OK;
  lunar_reply_array(ctx, argc - 2);
  for (int j = 2; j < argc; j++) {
    double s;
    if (z && z->score(view(argv[j]), &s)) {
      lunar_reply_double(ctx, s);
    } else {
      lunar_reply_null(ctx);
    }
  }
  return LUNAR_OK;
}

void zrank_generic(lunar_ctx* ctx, const lunar_str* argv, bool rev) {
  ZsetValue* z = lookup_read(ctx, argv[1], reply_null);
  if (!z) return;
  size_t r;
  if (!z->rank(view(argv[2]), &r)) {
    lunar_reply_null(ctx);
    return;
  }
  lunar_reply_int(ctx, static_cast<long long>(rev ? z->size() - 1 - r : r));
}

int zrank_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  zrank_generic(ctx, argv, false);
  return LUNAR_OK;
}

int zrevrank_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  zrank_generic(ctx, argv, true);
  return LUNAR_OK;
}

int zcount_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  ScoreRange r;
  if (!parse_score_range(argv[2], argv[3], &r)) {
    lunar::reply_error(ctx, kErrNotFloatRange);
    return LUNAR_OK;
  }
  ZsetValue* z = lookup_read(ctx, argv[1], reply_zero);
  if (!z) return LUNAR_OK;
  auto [lo, hi] = score_span(*z, r);
  lunar_reply_int(ctx, hi > lo ? static_cast<long long>(hi - lo) : 0);
  return LUNAR_OK;
}

int zlexcount_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  LexRange r;
  if (!parse_lex_range(argv[2], argv[3], &r)) {
    lunar::reply_error(ctx, kErrLexRange);
    return LUNAR_OK;
  }
  ZsetValue* z = lookup_read(ctx, argv[1], reply_zero);
  if (!z) return LUNAR_OK;
  auto [lo, hi] = lex_span(*z, r);
  lunar_reply_int(ctx, static_cast<long long>(hi - lo));
  return LUNAR_OK;
}

// =============================================================================================
// ZRANGE and its older forms, ZRANGESTORE
// =============================================================================================

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Dir { kAuto, kForward, kReverse };

// zrangeGenericCommand: argv[start] is the source key, then min, max, then options. dst: the
// ZRANGESTORE destination or null.
void zrange_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, int start,
                    const lunar_str* dst, RangeType type, Dir dir) {
  bool withscores = false;
  long long offset = 0, limit = -1;
  bool has_limit = false;
  for (int j = start + 3; j < argc; j++) {
    int left = argc - j - 1;
    if (lunar::arg_is(argv[j], "withscores")) {
      withscores = true;
    } else if (lunar::arg_is(argv[j], "limit") && left >= 2) {
      if (!lunar::ll_arg(ctx, argv[j + 1], &offset) || !lunar::ll_arg(ctx, argv[j + 2], &limit))
        return;
      has_limit = true;
      j += 2;
    } else if (dir == Dir::kAuto && lunar::arg_is(argv[j], "rev")) {
      dir = Dir::kReverse;
    } else if (type == RangeType::kAuto && lunar::arg_is(argv[j], "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && lunar::arg_is(argv[j], "byscore")) {
      type = RangeType::kScore;
    } else {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return;
    }
  }
  if (dir == Dir::kAuto) dir = Dir::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  if (dst && withscores) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return;
  }
  if (has_limit && type == RangeType::kRank) {
    lunar::reply_error(
        ctx,
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return;
  }
  if (withscores && type == RangeType::kLex) {
    lunar::reply_error(ctx, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  bool rev = dir == Dir::kReverse;
  int minidx = start + 1, maxidx = start + 2;
  if (rev && type != RangeType::kRank) std::swap(minidx, maxidx);
  long long rstart = 0, rend = 0;
  ScoreRange sr;
  LexRange lr;
  switch (type) {
    case RangeType::kScore:
      if (!parse_score_range(argv[minidx], argv[maxidx], &sr)) {
        lunar::reply_error(ctx, kErrNotFloatRange);
        return;
      }
      break;
    case RangeType::kLex:
      if (!parse_lex_range(argv[minidx], argv[maxidx], &lr)) {
        lunar::reply_error(ctx, kErrLexRange);
        return;
      }
      break;
    default:
      if (!lunar::ll_arg(ctx, argv[minidx], &rstart) || !lunar::ll_arg(ctx, argv[maxidx], &rend))
        return;
      break;
  }
  ZsetValue* z = nullptr;
  Found f = lunar::lookup_or_reply(ctx, argv[start], LUNAR_READ, g_zset_type, &z);
  if (f == Found::kWrongType) return;
  std::vector<Scored> items;
  if (z) {
    if (type == RangeType::kRank) {
      long long s, e, len = static_cast<long long>(z->size());
      if (rank_span(rstart, rend, len, &s, &e)) {
        size_t first = static_cast<size_t>(rev ? len - 1 - s : s);
        items = collect(*z, first, static_cast<size_t>(e - s + 1), rev);
      }
    } else if (type == RangeType::kScore) {
      items = collect_span(*z, score_span(*z, sr), rev, offset, limit);
    } else {
      items = collect_span(*z, lex_span(*z, lr), rev, offset, limit);
    }
  }
  if (!dst) {
    reply_scored(ctx, items, withscores);
    return;
  }
  if (items.empty()) {
    lunar::delete_key(ctx, *dst);
    lunar_reply_int(ctx, 0);
    return;
  }
  size_t maxlen = 0;
  for (const Scored& e : items) maxlen = std::max(maxlen, e.member.size());
  ZsetValue* out = create_zset(items.size(), maxlen);
  for (const Scored& e : items) out->set(e.member, e.score, LLONG_MAX, LLONG_MAX);
  lunar_key_set(ctx, *dst, g_zset_type, out, 0);
  lunar_key_signal_write(ctx, *dst, LUNAR_NOTIFY_ZSET, "zrangestore");
  lunar_reply_int(ctx, static_cast<long long>(items.size()));
}

int zrange_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zrange_generic(ctx, argc, argv, 1, nullptr, RangeType::kAuto, Dir::kAuto);
  return LUNAR_OK;
}
int zrevrange_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zrange_generic(ctx, argc, argv, 1, nullptr, RangeType::kRank, Dir::kReverse);
  return LUNAR_OK;
}
int zrangebyscore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zrange_generic(ctx, argc, argv, 1, nullptr, RangeType::kScore, Dir::kForward);
  return LUNAR_OK;
}
int zrevrangebyscore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zrange_generic(ctx, argc, argv, 1, nullptr, RangeType::kScore, Dir::kReverse);
  return LUNAR_OK;
}
int zrangebylex_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zrange_generic(ctx, argc, argv, 1, nullptr, RangeType::kLex, Dir::kForward);
  return LUNAR_OK;
}
int zrevrangebylex_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zrange_generic(ctx, argc, argv, 1, nullptr, RangeType::kLex, Dir::kReverse);
  return LUNAR_OK;
}
int zrangestore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zrange_generic(ctx, argc, argv, 2, &argv[1], RangeType::kAuto, Dir::kAuto);
  return LUNAR_OK;
}

// =============================================================================================
// Removals
// =============================================================================================

int zrem_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  ZsetValue* z = lookup_read(ctx, argv[1], reply_zero, LUNAR_WRITE);
  if (!z) return LUNAR_OK;
  long long removed = 0;
  for (int j = 2; j < argc; j++) {
    if (z->erase(view(argv[j]))) removed++;
    if (z->empty()) break;
  }
  if (removed) after_removal(ctx, argv[1], z, "zrem");
  lunar_reply_int(ctx, removed);
  return LUNAR_OK;
}

enum class RemType { kRank, kScore, kLex };

void zremrange_generic(lunar_ctx* ctx, const lunar_str* argv, RemType type) {
  long long rstart = 0, rend = 0;
  ScoreRange sr;
  LexRange lr;
  if (type == RemType::kRank) {
    if (!lunar::ll_arg(ctx, argv[2], &rstart) || !lunar::ll_arg(ctx, argv[3], &rend)) return;
  } else if (type == RemType::kScore) {
    if (!parse_score_range(argv[2], argv[3], &sr)) {
      lunar::reply_error(ctx, kErrNotFloatRange);
      return;
    }
  } else if (!parse_lex_range(argv[2], argv[3], &lr)) {
    lunar::reply_error(ctx, kErrLexRange);
    return;
  }
  ZsetValue* z = lookup_read(ctx, argv[1], reply_zero, LUNAR_WRITE);
  if (!z) return;
  std::pair<size_t, size_t> span{0, 0};
  if (type == RemType::kRank) {
    long long s, e;
    if (rank_span(rstart, rend, static_cast<long long>(z->size()), &s, &e))
      span = {static_cast<size_t>(s), static_cast<size_t>(e + 1)};
  } else if (type == RemType::kScore) {
    span = score_span(*z, sr);
  } else {
    span = lex_span(*z, lr);
  }
  if (span.second <= span.first) {
    lunar_reply_int(ctx, 0);
    return;
  }
  std::vector<Scored> items = collect(*z, span.first, span.second - span.first, false);
  for (const Scored& e : items) z->erase(e.member);
  static const char* const kEvents[] = {"zremrangebyrank", "zremrangebyscore", "zremrangebylex"};
  after_removal(ctx, argv[1], z, kEvents[static_cast<int>(type)]);
  lunar_reply_int(ctx, static_cast<long long>(items.size()));
}

int zremrangebyrank_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  zremrange_generic(ctx, argv, RemType::kRank);
  return LUNAR_OK;
}
int zremrangebyscore_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  zremrange_generic(ctx, argv, RemType::kScore);
  return LUNAR_OK;
}
int zremrangebylex_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  zremrange_generic(ctx, argv, RemType::kLex);
  return LUNAR_OK;
}

// ZPOPMIN / ZPOPMAX key [count]
void zpop_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, bool max) {
  if (argc > 3) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return;
  }
  long long count = 1;
  if (argc == 3 && !lunar::ll_arg_range(ctx, argv[2], 0, LLONG_MAX, &count, LUNAR_ERR_POSITIVE))
    return;
  ZsetValue* z = lookup_read(ctx, argv[1], reply_empty_array, LUNAR_WRITE);
  if (!z) return;
  if (count == 0) {
    reply_empty_array(ctx);
    return;
  }
  size_t n = std::min(static_cast<size_t>(count), z->size());
  std::vector<Scored> items = collect(*z, max ? z->size() - 1 : 0, n, max);
  for (const Scored& e : items) z->erase(e.member);
  after_removal(ctx, argv[1], z, max ? "zpopmax" : "zpopmin");
  reply_scored(ctx, items, true, argc == 3);
}

int zpopmin_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zpop_generic(ctx, argc, argv, false);
  return LUNAR_OK;
}
int zpopmax_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zpop_generic(ctx, argc, argv, true);
  return LUNAR_OK;
}

// =============================================================================================
// ZUNION ZINTER ZDIFF, their STORE forms, ZINTERCARD
// =============================================================================================

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

void aggregate_into(double* target, double val, Aggregate a) {
  switch (a) {
    case Aggregate::kSum:
      *target = *target + val;
      if (std::isnan(*target)) *target = 0.0;
      break;
    case Aggregate::kMin:
      *target = val < *target ? val : *target;
      break;
    case Aggregate::kMax:
      *target = val > *target ? val : *target;
      break;
  }
}

// A plain set input read as a sorted set whose members all score 1, as Redis reads it; the set
// belongs to the sets module and is read through its type's for_each callback. The caller
// destroys the copy; nullptr when the type cannot be iterated.
ZsetValue* zset_from_set(const lunar_type* t, const void* value) {
  ZsetValue* z = make_zset();
  auto add = [](void* arg, lunar_str member, double) {
    static_cast<ZsetValue*>(arg)->set(lunar::view(member), 1.0, g_max_entries, g_max_value);
    return 0;
  };
  if (lunar_value_for_each(t, value, add, z) == LUNAR_OK) return z;
  destroy_zset(z);
  return nullptr;
}

// The input key of a set operation: a zset, a set (read as scores 1, copied into *owned), or
// nullptr for a missing key. False after replying -WRONGTYPE for any other type.
bool read_setop_input(lunar_ctx* ctx, lunar_str key, ZsetValue** out, ZsetValue** owned) {
  lunar_type* t = nullptr;
  void* v = nullptr;
  *out = nullptr;
  if (lunar_key_lookup(ctx, key, LUNAR_READ, &t, &v) != LUNAR_OK) return true;
  if (t == g_zset_type) {
    *out = static_cast<ZsetValue*>(v);
    return true;
  }
  if (std::string_view(lunar_type_name(t)) == "set" && (*owned = zset_from_set(t, v))) {
    *out = *owned;
    return true;
  }
  lunar_reply_wrongtype(ctx);
  return false;
}

// zunionInterDiffGenericCommand: argv[numkeys_idx] is numkeys, the keys follow, then options.
// Inputs are sorted sets or sets (whose members score 1).
void zsetop_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, const lunar_str* dst,
                    int numkeys_idx, SetOp op, bool card_only, const char* name) {
  long long setnum;
  if (!lunar::ll_arg(ctx, argv[numkeys_idx], &setnum)) return;
  if (setnum < 1) {
    lunar_reply_errorf(ctx, "ERR at least 1 input key is needed for '%s' command", name);
    return;
  }
  if (setnum > argc - (numkeys_idx + 1)) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return;
  }
  struct Src {
    ZsetValue* z;
    double weight;
  };
  std::vector<Src> src(static_cast<size_t>(setnum));
  // Copies of set inputs, freed on every way out.
  struct Owned {
    std::vector<ZsetValue*> v;
    ~Owned() {
      for (ZsetValue* z : v) destroy_zset(z);
    }
  } owned;
  int j = numkeys_idx + 1;
  for (size_t i = 0; i < src.size(); i++, j++) {
    ZsetValue* z = nullptr;
    ZsetValue* copy = nullptr;
    bool ok = read_setop_input(ctx, argv[j], &z, &copy);
    if (copy) owned.v.push_back(copy);
    if (!ok) return;
    src[i] = Src{z, 1.0};
  }
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  long long limit = 0;
  int remaining = argc - j;
  while (remaining) {
    if (op != SetOp::kDiff && !card_only && remaining >= setnum + 1 &&
        lunar::arg_is(argv[j], "weights")) {
      j++;
      remaining--;
      for (size_t i = 0; i < src.size(); i++, j++, remaining--) {
        if (!lunar::double_arg(ctx, argv[j], &src[i].weight, "ERR weight value is not a float"))
          return;
      }
    } else if (op != SetOp::kDiff && !card_only && remaining >= 2 &&
               lunar::arg_is(argv[j], "aggregate")) {
      j++;
      remaining--;
      if (lunar::arg_is(argv[j], "sum")) {
        agg = Aggregate::kSum;
      } else if (lunar::arg_is(argv[j], "min")) {
        agg = Aggregate::kMin;
      } else if (lunar::arg_is(argv[j], "max")) {
        agg = Aggregate::kMax;
      } else {
        lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
        return;
      }
      j++;
      remaining--;
    } else if (remaining >= 1 && !dst && !card_only && lunar::arg_is(argv[j], "withscores")) {
      j++;
      remaining--;
      withscores = true;
    } else if (card_only && remaining >= 2 && lunar::arg_is(argv[j], "limit")) {
      j++;
      remaining--;
      if (!lunar::ll_arg_range(ctx, argv[j], 0, LLONG_MAX, &limit, "ERR LIMIT can't be negative"))
        return;
      j++;
      remaining--;
    } else {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return;
    }
  }
  auto len = [](const Src& s) { return s.z ? s.z->size() : 0; };
  if (op != SetOp::kDiff) {
    std::stable_sort(src.begin(), src.end(),
                     [&](const Src& a, const Src& b) { return len(a) < len(b); });
  }
  std::vector<Scored> result;
  if (op == SetOp::kInter) {
    if (len(src[0]) > 0) {
      long long count = 0;
      src[0].z->for_each([&](std::string_view m, double s0) {
        if (card_only && limit && count >= limit) return;
        double score = src[0].weight * s0;
        if (std::isnan(score)) score = 0;
        for (size_t i = 1; i < src.size(); i++) {
          double v;
          if (src[i].z == src[0].z) {
            v = s0;
          } else if (!src[i].z || !src[i].z->score(m, &v)) {
            return;
          }
          aggregate_into(&score, v * src[i].weight, agg);
        }
        count++;
        if (!card_only) result.push_back(Scored{std::string(m), score});
      });
      if (card_only) {
        lunar_reply_int(ctx, count);
        return;
      }
    } else if (card_only) {
      lunar_reply_int(ctx, 0);
      return;
    }
  } else if (op == SetOp::kUnion) {
    std::unordered_map<std::string, double> acc;
    for (const Src& s : src) {
      if (!s.z) continue;
      s.z->for_each([&](std::string_view m, double sc) {
        double score = s.weight * sc;
        if (std::isnan(score)) score = 0;
        auto [it, fresh] = acc.try_emplace(std::string(m), score);
        if (!fresh) aggregate_into(&it->second, score, agg);
      });
    }
    result.reserve(acc.size());
    for (auto& [m, sc] : acc) result.push_back(Scored{m, sc});
  } else if (src[0].z) {
    src[0].z->for_each([&](std::string_view m, double sc) {
      double v;
      for (size_t i = 1; i < src.size(); i++) {
        if (src[i].z == src[0].z || (src[i].z && src[i].z->score(m, &v))) return;
      }
      result.push_back(Scored{std::string(m), sc});
    });
  }
  std::sort(result.begin(), result.end(), [](const Scored& a, const Scored& b) {
    return entry_less(a.score, a.member, b.score, b.member);
  });
  if (!dst) {
    reply_scored(ctx, result, withscores);
    return;
  }
  static const char* const kEvents[] = {"zunionstore", "zinterstore", "zdiffstore"};
  if (result.empty()) {
    lunar::delete_key(ctx, *dst);
    lunar_reply_int(ctx, 0);
    return;
  }
  size_t maxlen = 0;
  for (const Scored& e : result) maxlen = std::max(maxlen, e.member.size());
  ZsetValue* out = create_zset(result.size(), maxlen);
  for (const Scored& e : result) out->set(e.member, e.score, LLONG_MAX, LLONG_MAX);
  lunar_key_set(ctx, *dst, g_zset_type, out, 0);
  lunar_key_signal_write(ctx, *dst, LUNAR_NOTIFY_ZSET, kEvents[static_cast<int>(op)]);
  lunar_reply_int(ctx, static_cast<long long>(result.size()));
}

int zunion_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zsetop_generic(ctx, argc, argv, nullptr, 1, SetOp::kUnion, false, "zunion");
  return LUNAR_OK;
}
int zinter_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zsetop_generic(ctx, argc, argv, nullptr, 1, SetOp::kInter, false, "zinter");
  return LUNAR_OK;
}
int zdiff_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zsetop_generic(ctx, argc, argv, nullptr, 1, SetOp::kDiff, false, "zdiff");
  return LUNAR_OK;
}
int zunionstore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zsetop_generic(ctx, argc, argv, &argv[1], 2, SetOp::kUnion, false, "zunionstore");
  return LUNAR_OK;
}
int zinterstore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zsetop_generic(ctx, argc, argv, &argv[1], 2, SetOp::kInter, false, "zinterstore");
  return LUNAR_OK;
}
int zdiffstore_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zsetop_generic(ctx, argc, argv, &argv[1], 2, SetOp::kDiff, false, "zdiffstore");
  return LUNAR_OK;
}
int zintercard_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  zsetop_generic(ctx, argc, argv, nullptr, 1, SetOp::kInter, true, "zintercard");
  return LUNAR_OK;
}

// =============================================================================================
// ZMPOP and the blocking pops BZPOPMIN BZPOPMAX BZMPOP
// =============================================================================================

enum class Served { kYes, kNone, kError };

// Pops up to `count` entries from the first of keys[0..n) holding a zset (-WRONGTYPE when a
// key before it holds another type) and replies [key, [[member, score], ...]] (`flat`: [key,
// member, score], BZPOPMIN's form). Raises zpopmin/zpopmax (and del) and propagates
// ZPOPMIN/ZPOPMAX key [n] as Redis 7.0 writes it (`count_arg`: with n, the number popped).
Served pop_first(lunar_ctx* ctx, int n, const lunar_str* keys, bool max, long long count,
                 bool flat, bool count_arg) {
  for (int i = 0; i < n; i++) {
    ZsetValue* z = nullptr;
    Found f = lunar::lookup_or_reply(ctx, keys[i], LUNAR_WRITE, g_zset_type, &z);
    if (f == Found::kWrongType) return Served::kError;
    if (f == Found::kNo) continue;
    size_t k = std::min(static_cast<size_t>(count), z->size());
    std::vector<Scored> items = collect(*z, max ? z->size() - 1 : 0, k, max);
    for (const Scored& e : items) z->erase(e.member);
    after_removal(ctx, keys[i], z, max ? "zpopmax" : "zpopmin");
    if (flat) {
      lunar_reply_array(ctx, 3);
      lunar_reply_bulk(ctx, keys[i].ptr, keys[i].len);
      reply_bulk(ctx, items[0].member);
      lunar_reply_double(ctx, items[0].score);
    } else {
      lunar_reply_array(ctx, 2);
      lunar_reply_bulk(ctx, keys[i].ptr, keys[i].len);
      lunar_reply_array(ctx, static_cast<long>(items.size()));
      for (const Scored& e : items) {
        lunar_reply_array(ctx, 2);
        reply_bulk(ctx, e.member);
        lunar_reply_double(ctx, e.score);
      }
    }
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, items.size());
    lunar_str rep[] = {lunar::str(max ? "ZPOPMAX" : "ZPOPMIN"), keys[i],
                       lunar::str(std::string_view(buf, static_cast<size_t>(res.ptr - buf)))};
    lunar_replicate(ctx, count_arg ? 3 : 2, rep);
    return Served::kYes;
  }
  return Served::kNone;
}

struct MpopArgs {
  int numkeys;
  const lunar_str* keys;
  bool max;
  long long count;
};

// ZMPOP's arguments from argv[numkeys_at]: numkeys, keys, MIN|MAX, [COUNT count].
bool parse_mpop(lunar_ctx* ctx, int argc, const lunar_str* argv, int numkeys_at, MpopArgs* a) {
  long long numkeys;
  if (!lunar::ll_arg_range(ctx, argv[numkeys_at], 1, LLONG_MAX, &numkeys,
                           "ERR numkeys should be greater than 0"))
    return false;
  if (numkeys >= argc - numkeys_at - 1) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return false;
  }
  int where_at = numkeys_at + 1 + static_cast<int>(numkeys);
  if (lunar::arg_is(argv[where_at], "min")) {
    a->max = false;
  } else if (lunar::arg_is(argv[where_at], "max")) {
    a->max = true;
  } else {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return false;
  }
  long long count = -1;
  for (int j = where_at + 1; j < argc; j++) {
    bool more = argc - 1 - j > 0;
    if (count == -1 && more && lunar::arg_is(argv[j], "count")) {
      j++;
      if (!lunar::ll_arg_range(ctx, argv[j], 1, LLONG_MAX, &count,
                               "ERR count should be greater than 0"))
        return false;
    } else {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return false;
    }
  }
  a->numkeys = static_cast<int>(numkeys);
  a->keys = argv + numkeys_at + 1;
  a->count = count == -1 ? 1 : count;
  return true;
}

int zmpop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  MpopArgs a;
  if (!parse_mpop(ctx, argc, argv, 1, &a)) return LUNAR_OK;
  if (pop_first(ctx, a.numkeys, a.keys, a.max, a.count, false, true) == Served::kNone)
    lunar_reply_null_array(ctx);
  return LUNAR_OK;
}

// Serves from the keys (only the one that woke the client, when it was woken), else blocks on
// all of them; where the client cannot block, replies a null array.
void serve_or_block(lunar_ctx* ctx, int n, const lunar_str* keys, bool max, long long count,
                    bool flat, bool count_arg, long long deadline) {
  lunar_str ready;
  int sn = n;
  const lunar_str* sk = keys;
  if (lunar_ctx_ready_key(ctx, &ready) == LUNAR_OK) {
    sn = 1;
    sk = &ready;
  }
  if (pop_first(ctx, sn, sk, max, count, flat, count_arg) != Served::kNone) return;
  if (lunar_block_on_keys(ctx, n, keys, g_zset_type, deadline, 0) != LUNAR_OK)
    lunar_reply_null_array(ctx);
}

// BZPOPMIN/BZPOPMAX key [key ...] timeout: the timeout is parsed first.
void bzpop_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, bool max) {
  long long deadline;
  if (lunar_parse_timeout(ctx, argv[argc - 1], &deadline) != LUNAR_OK) return;
  serve_or_block(ctx, argc - 2, argv + 1, max, 1, true, false, deadline);
}

int bzpopmin_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  bzpop_generic(ctx, argc, argv, false);
  return LUNAR_OK;
}
int bzpopmax_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  bzpop_generic(ctx, argc, argv, true);
  return LUNAR_OK;
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: ZMPOP's arguments are checked
// before the timeout.
int bzmpop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  MpopArgs a;
  if (!parse_mpop(ctx, argc, argv, 2, &a)) return LUNAR_OK;
  long long deadline;
  if (lunar_parse_timeout(ctx, argv[1], &deadline) != LUNAR_OK) return LUNAR_OK;
  serve_or_block(ctx, a.numkeys, a.keys, a.max, a.count, false, true, deadline);
  return LUNAR_OK;
}

// =============================================================================================
// ZSCAN, ZRANDMEMBER
// =============================================================================================

// A score as Redis 7.0 keeps it in a listpack, which ZSCAN returns as is: an integral score in
// [-2^62, 2^62] as an integer, any other as %.17g (inf, -inf).
std::string_view format_listpack_score(double s, char* buf, size_t size) {
  constexpr double kLimit = 4611686018427387904.0;  // 2^62
  if (s >= -kLimit && s <= kLimit && s == static_cast<double>(static_cast<long long>(s))) {
    auto res = std::to_chars(buf, buf + size, static_cast<long long>(s));
    return {buf, static_cast<size_t>(res.ptr - buf)};
  }
  return {buf, lunar_format_double(s, buf, size)};
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is checked first, then the key
// (missing: an empty scan), then the options (COUNT < 1 is a syntax error). A listpack answers
// every member in rank order with cursor 0; a skiplist steps through ZsetValue::scan, about
// COUNT members a step. Scores as bulk strings.
int zscan_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  unsigned long long cursor;
  if (!lunar::scan_cursor(ctx, argv[2], &cursor)) return LUNAR_OK;
  ZsetValue* z = lookup_read(ctx, argv[1], [](lunar_ctx* c) {
    lunar_reply_array(c, 2);
    reply_bulk(c, "0");
    lunar_reply_array(c, 0);
  });
  if (!z) return LUNAR_OK;
  lunar::ScanOptions opts;
  if (!lunar::scan_options(ctx, argc, argv, 3, &opts)) return LUNAR_OK;
  // Views into the zset, which does not change while the reply is built.
  std::vector<std::pair<std::string_view, double>> found;
  uint64_t next = z->scan(cursor, static_cast<size_t>(opts.count), [&](std::string_view m,
                                                                        double s) {
    if (!opts.use_pattern || lunar_glob_match(opts.pattern, lunar::str(m), 0))
      found.emplace_back(m, s);
  });
  char buf[128];
  auto res = std::to_chars(buf, buf + sizeof buf, next);
  lunar_reply_array(ctx, 2);
  reply_bulk(ctx, std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
  lunar_reply_array(ctx, static_cast<long>(found.size() * 2));
  const bool listpack = z->encoding() == ZsetValue::Encoding::kListpack;
  for (const auto& [m, s] : found) {
    reply_bulk(ctx, m);
    reply_bulk(ctx, listpack ? format_listpack_score(s, buf, sizeof buf)
                             : std::string_view(buf, lunar_format_double(s, buf, sizeof buf)));
  }
  return LUNAR_OK;
}

size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(g_rng); }

// ZRANDMEMBER key [count [WITHSCORES]]
int zrandmember_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  if (argc >= 3) {
    long long l;
    if (!lunar::ll_arg(ctx, argv[2], &l)) return LUNAR_OK;
    if (l == LLONG_MIN) {
      lunar::reply_error(ctx, kErrCountRange);
      return LUNAR_OK;
    }
    bool withscores = false;
    if (argc > 4 || (argc == 4 && !lunar::arg_is(argv[3], "withscores"))) {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return LUNAR_OK;
    }
    if (argc == 4) {
      withscores = true;
      if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
        lunar::reply_error(ctx, "ERR value is out of range");
        return LUNAR_OK;
      }
    }
    ZsetValue* z = lookup_read(ctx, argv[1], reply_empty_array);
    if (!z) return LUNAR_OK;
    if (l == 0) {
      reply_empty_array(ctx);
      return LUNAR_OK;
    }
    std::vector<Scored> items;
    size_t size = z->size();
    if (l < 0) {
      auto n = static_cast<unsigned long long>(-l);
      items.reserve(static_cast<size_t>(std::min<unsigned long long>(n, 1 << 20)));
      for (unsigned long long i = 0; i < n; i++) {
        auto [m, s] = z->at(pick(size));
        items.push_back(Scored{std::string(m), s});
      }
    } else if (static_cast<unsigned long long>(l) >= size) {
      items = collect(*z, 0, size, false);
    } else {
      // Distinct picks: a partial shuffle of the ranks.
      std::vector<size_t> ranks(size);
      for (size_t i = 0; i < size; i++) ranks[i] = i;
      for (size_t i = 0; i < static_cast<size_t>(l); i++) {
        size_t k = i + pick(size - i);
        std::swap(ranks[i], ranks[k]);
        auto [m, s] = z->at(ranks[i]);
        items.push_back(Scored{std::string(m), s});
      }
    }
    reply_scored(ctx, items, withscores);
    return LUNAR_OK;
  }
  ZsetValue* z = lookup_read(ctx, argv[1], reply_null);
  if (!z) return LUNAR_OK;
  reply_bulk(ctx, z->at(pick(z->size())).first);
  return LUNAR_OK;
}

// =============================================================================================
// The "zset" type
// =============================================================================================


// =============================================================================================
// Registration
// =============================================================================================

using lunar::command;
constexpr lunar::Keys kKey1{1, 1, 1};
constexpr lunar::Keys kKeys12{1, 2, 1};
constexpr const char* kAcl = "sortedset";
constexpr const char* kRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements returned.";
constexpr const char* kRangeLimitComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
    "with LIMIT), you can consider it O(log(N)).";
constexpr const char* kRemComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements removed by the operation.";
constexpr const char* kPopComplexity =
    "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number "
    "of elements popped.";

constexpr const char* kInterComplexity =
    "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
    "number of input sorted sets and M being the number of elements in the resulting sorted set.";
constexpr const char* kUnionComplexity =
    "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the "
    "number of elements in the resulting sorted set.";

constexpr const char* kMpopComplexity =
    "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements "
    "in the sorted set, and M being the number of elements popped.";

constexpr lunar_command_def kZsetCommands[] = {
    command("bzmpop", bzmpop_command, -5, "write blocking movablekeys", lunar::kNoKeys, kAcl,
            {"Remove and return members with scores in a sorted set or block until one is "
             "available",
             "7.0.0", "sorted-set", kMpopComplexity},
            "RW access delete"),
    command("bzpopmax", bzpopmax_command, -3, "write noscript blocking fast", {1, -2, 1}, kAcl,
            {"Remove and return the member with the highest score from one or more sorted sets, "
             "or block until one is available",
             "5.0.0", "sorted-set",
             "O(log(N)) with N being the number of elements in the sorted set."},
            "RW access delete"),
    command("bzpopmin", bzpopmin_command, -3, "write noscript blocking fast", {1, -2, 1}, kAcl,
            {"Remove and return the member with the lowest score from one or more sorted sets, "
             "or block until one is available",
             "5.0.0", "sorted-set",
             "O(log(N)) with N being the number of elements in the sorted set."},
            "RW access delete"),
    command("zadd", zadd_command, -4, "write denyoom fast", kKey1, kAcl,
            {"Add one or more members to a sorted set, or update its score if it already exists",
             "1.2.0", "sorted-set",
             "O(log(N)) for each item added, where N is the number of elements in the sorted "
             "set."},
            "RW update"),
    command("zcard", zcard_command, 2, "readonly fast", kKey1, kAcl,
            {"Get the number of members in a sorted set", "1.2.0", "sorted-set", "O(1)"}, "RO"),
    command("zcount", zcount_command, 4, "readonly fast", kKey1, kAcl,
            {"Count the members in a sorted set with scores within the given values", "2.0.0",
             "sorted-set", "O(log(N)) with N being the number of elements in the sorted set."},
            "RO access"),
    command("zdiff", zdiff_command, -3, "readonly movablekeys", lunar::kNoKeys, kAcl,
            {"Subtract multiple sorted sets", "6.2.0", "sorted-set",
             "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the "
             "sets, N is the size of the first set, and K is the size of the result set."},
            "RO access"),
    command("zdiffstore", zdiffstore_command, -4, "write denyoom movablekeys", kKey1, kAcl,
            {"Subtract multiple sorted sets and store the resulting sorted set in a new key",
             "6.2.0", "sorted-set",
             "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the "
             "sets, N is the size of the first set, and K is the size of the result set."},
            "OW update"),
    command("zincrby", zincrby_command, 4, "write denyoom fast", kKey1, kAcl,
            {"Increment the score of a member in a sorted set", "1.2.0", "sorted-set",
             "O(log(N)) where N is the number of elements in the sorted set."},
            "RW access update"),
    command("zinter", zinter_command, -3, "readonly movablekeys", lunar::kNoKeys, kAcl,
            {"Intersect multiple sorted sets", "6.2.0", "sorted-set", kInterComplexity},
            "RO access"),
    command("zintercard", zintercard_command, -3, "readonly movablekeys", lunar::kNoKeys, kAcl,
            {"Intersect multiple sorted sets and return the cardinality of the result", "7.0.0",
             "sorted-set",
             "O(N*K) worst case with N being the smallest input sorted set, K being the number "
             "of input sorted sets."},
            "RO access"),
    command("zinterstore", zinterstore_command, -4, "write denyoom movablekeys", kKey1, kAcl,
            {"Intersect multiple sorted sets and store the resulting sorted set in a new key",
             "2.0.0", "sorted-set", kInterComplexity},
            "OW update"),
    command("zlexcount", zlexcount_command, 4, "readonly fast", kKey1, kAcl,
            {"Count the number of members in a sorted set between a given lexicographical range",
             "2.8.9", "sorted-set",
             "O(log(N)) with N being the number of elements in the sorted set."},
            "RO access"),
    command("zmpop", zmpop_command, -4, "write movablekeys", lunar::kNoKeys, kAcl,
            {"Remove and return members with scores in a sorted set", "7.0.0", "sorted-set",
             kMpopComplexity},
            "RW access delete"),
    command("zmscore", zmscore_command, -3, "readonly fast", kKey1, kAcl,
            {"Get the score associated with the given members in a sorted set", "6.2.0",
             "sorted-set", "O(N) where N is the number of members being requested."},
            "RO access"),
    command("zpopmax", zpopmax_command, -2, "write fast", kKey1, kAcl,
            {"Remove and return members with the highest scores in a sorted set", "5.0.0",
             "sorted-set", kPopComplexity},
            "RW access delete"),
    command("zpopmin", zpopmin_command, -2, "write fast", kKey1, kAcl,
            {"Remove and return members with the lowest scores in a sorted set", "5.0.0",
             "sorted-set", kPopComplexity},
            "RW access delete"),
    command("zrandmember", zrandmember_command, -2, "readonly", kKey1, kAcl,
            {"Get one or multiple random elements from a sorted set", "6.2.0", "sorted-set",
             "O(N) where N is the number of elements returned"},
            "RO access"),
    command("zrange", zrange_command, -4, "readonly", kKey1, kAcl,
            {"Return a range of members in a sorted set", "1.2.0", "sorted-set",
             kRangeComplexity},
            "RO access"),
    command("zrangebylex", zrangebylex_command, -4, "readonly", kKey1, kAcl,
            {"Return a range of members in a sorted set, by lexicographical range", "2.8.9",
             "sorted-set", kRangeLimitComplexity},
            "RO access"),
    command("zrangebyscore", zrangebyscore_command, -4, "readonly", kKey1, kAcl,
            {"Return a range of members in a sorted set, by score", "1.0.5", "sorted-set",
             kRangeLimitComplexity},
            "RO access"),
    command("zrangestore", zrangestore_command, -5, "write denyoom", kKeys12, kAcl,
            {"Store a range of members from sorted set into another key", "6.2.0", "sorted-set",
             "O(log(N)+M) with N being the number of elements in the sorted set and M the number "
             "of elements stored into the destination key."},
            "OW update"),
    command("zrank", zrank_command, 3, "readonly fast", kKey1, kAcl,
            {"Determine the index of a member in a sorted set", "2.0.0", "sorted-set",
             "O(log(N))"},
            "RO access"),
    command("zrem", zrem_command, -3, "write fast", kKey1, kAcl,
            {"Remove one or more members from a sorted set", "1.2.0", "sorted-set",
             "O(M*log(N)) with N being the number of elements in the sorted set and M the number "
             "of elements to be removed."},
            "RW delete"),
    command("zremrangebylex", zremrangebylex_command, 4, "write", kKey1, kAcl,
            {"Remove all members in a sorted set between the given lexicographical range",
             "2.8.9", "sorted-set", kRemComplexity},
            "RW delete"),
    command("zremrangebyrank", zremrangebyrank_command, 4, "write", kKey1, kAcl,
            {"Remove all members in a sorted set within the given indexes", "2.0.0", "sorted-set",
             kRemComplexity},
            "RW delete"),
    command("zremrangebyscore", zremrangebyscore_command, 4, "write", kKey1, kAcl,
            {"Remove all members in a sorted set within the given scores", "1.2.0", "sorted-set",
             kRemComplexity},
            "RW delete"),
    command("zrevrange", zrevrange_command, -4, "readonly", kKey1, kAcl,
            {"Return a range of members in a sorted set, by index, with scores ordered from high "
             "to low",
             "1.2.0", "sorted-set", kRangeComplexity},
            "RO access"),
    command("zrevrangebylex", zrevrangebylex_command, -4, "readonly", kKey1, kAcl,
            {"Return a range of members in a sorted set, by lexicographical range, ordered from "
             "higher to lower strings.",
             "2.8.9", "sorted-set", kRangeLimitComplexity},
            "RO access"),
    command("zrevrangebyscore", zrevrangebyscore_command, -4, "readonly", kKey1, kAcl,
            {"Return a range of members in a sorted set, by score, with scores ordered from high "
             "to low",
             "2.2.0", "sorted-set", kRangeLimitComplexity},
            "RO access"),
    command("zrevrank", zrevrank_command, 3, "readonly fast", kKey1, kAcl,
            {"Determine the index of a member in a sorted set, with scores ordered from high to "
             "low",
             "2.0.0", "sorted-set", "O(log(N))"},
            "RO access"),
    command("zscan", zscan_command, -3, "readonly", kKey1, kAcl,
            {"Incrementally iterate sorted sets elements and associated scores", "2.8.0",
             "sorted-set",
             "O(1) for every call. O(N) for a complete iteration, including enough command "
             "calls for the cursor to return back to 0. N is the number of elements inside the "
             "collection.."},
            "RO access"),
    command("zscore", zscore_command, 3, "readonly fast", kKey1, kAcl,
            {"Get the score associated with the given member in a sorted set", "1.2.0",
             "sorted-set", "O(1)"},
            "RO access"),
    command("zunion", zunion_command, -3, "readonly movablekeys", lunar::kNoKeys, kAcl,
            {"Add multiple sorted sets", "6.2.0", "sorted-set", kUnionComplexity}, "RO access"),
    command("zunionstore", zunionstore_command, -4, "write denyoom movablekeys", kKey1, kAcl,
            {"Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
             "sorted-set",
             "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M "
             "being the number of elements in the resulting sorted set."},
            "OW update"),
};

int zsets_init(lunar_module* m, int argc, const lunar_str*) {
  if (argc != 0) {
    lunar_log(m, 3, "the zsets module takes no arguments");
    return LUNAR_EINVAL;
  }
  std::random_device rd;
  lunar::set_dense_table_seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
  g_rng.seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
  int rc = lunar::register_configs(m, kConfigs);
  if (rc == LUNAR_OK)
    rc = lunar::register_type(m, "zset", &lunar::type_methods<ZsetValue, destroy_zset>,
                              kRdbTypes, &g_zset_type);
  if (rc == LUNAR_OK) rc = lunar::register_commands(m, kZsetCommands);
  return rc;
}

}  // namespace
}  // namespace zsets

LUNAR_MODULE("zsets", 1, zsets::zsets_init, nullptr);
