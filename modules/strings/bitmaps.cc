// The bitmap family: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO. Bitmaps are
// ordinary string values (string_value.h); bit 0 is the most significant bit of byte 0, and
// bytes past a string's end read as zero. Writers turn the value raw and grow it zero-padded
// (make_writable), bounded by proto-max-bulk-len like Redis. Errors, argument order and the
// BITFIELD overflow arithmetic (quirks included) follow Redis 7.0's bitops.c behaviour.
#include <cstring>
#include <optional>
#include <vector>

#include "string_value.h"

namespace strings {
namespace {

using lunar::Found;

constexpr char kErrBitArg[] = "ERR The bit argument must be 1 or 0.";
constexpr char kErrBitopNot[] = "ERR BITOP NOT must be called with a single source key.";
constexpr char kErrFieldType[] =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
constexpr char kErrOverflowType[] = "ERR Invalid OVERFLOW type specified";
constexpr char kErrFieldReadOnly[] = "ERR BITFIELD_RO only supports the GET subcommand";

const uint8_t* ubytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// =============================================================================================
// Operations
// =============================================================================================

// A bit offset argument as Redis's getBitOffsetFromArgument: a non-negative integer whose byte
// is below proto-max-bulk-len; with `hash_form`, "#N" means N * bits (the product wraps as in
// Redis, so a huge N is rejected as negative). Replies the error and returns false otherwise.
bool bit_offset_arg(lunar_ctx* ctx, lunar_str arg, bool hash_form, int bits, uint64_t* out) {
  size_t skip = hash_form && arg.len > 0 && arg.ptr[0] == '#' ? 1 : 0;
  long long n;
  bool ok = lunar::parse_ll(lunar_str{arg.ptr + skip, arg.len - skip}, &n);
  if (ok && skip) n = static_cast<long long>(static_cast<unsigned long long>(n) * bits);
  if (!ok || n < 0 || (n >> 3) >= max_string_len()) {
    lunar::reply_error(ctx, LUNAR_ERR_BIT_OFFSET);
    return false;
  }
  *out = static_cast<uint64_t>(n);
  return true;
}

uint64_t popcount(const uint8_t* p, size_t n) {
  uint64_t count = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    count += __builtin_popcountll(w);
  }
  while (n--) count += __builtin_popcount(*p++);
  return count;
}

// Set bits of p in the bit range [first, last] (inclusive, within the string).
uint64_t count_bits(const uint8_t* p, uint64_t first, uint64_t last) {
  uint64_t fb = first >> 3, lb = last >> 3;
  uint64_t count = popcount(p + fb, lb - fb + 1);
  count -= __builtin_popcount(p[fb] & ~(0xFFu >> (first & 7)) & 0xFFu);  // before `first`
  count -= __builtin_popcount(p[lb] & (0xFFu >> ((last & 7) + 1)));      // after `last`
  return count;
}

// Position of the first bit equal to `bit` in the bit range [first, last] of p, or -1.
long long find_bit(const uint8_t* p, uint64_t first, uint64_t last, int bit) {
  const uint64_t fb = first >> 3, lb = last >> 3;
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};  // words with no candidate bit
  for (uint64_t i = fb; i <= lb; i++) {
    if (i != fb) {
      for (uint64_t w; i + 8 <= lb; i += 8) {  // whole words strictly before the last byte
        std::memcpy(&w, p + i, 8);
        if (w != skip_word) break;
      }
    }
    unsigned byte = (bit ? p[i] : ~p[i]) & 0xFFu;
    if (i == fb) byte &= 0xFFu >> (first & 7);
    if (i == lb) byte &= ~(0xFFu >> ((last & 7) + 1)) & 0xFFu;
    if (byte) return static_cast<long long>(i * 8) + __builtin_clz(byte) - 24;
  }
  return -1;
}

// Redis's range rules for BITCOUNT/BITPOS over `total` units (bytes or bits): negative indexes
// count from the end, then both are clamped into the string. False when the range is empty.
bool clamp_range(long long total, long long* start, long long* end) {
  if (*start < 0) *start += total;
  if (*end < 0) *end += total;
  if (*start < 0) *start = 0;
  if (*end < 0) *end = 0;
  if (*end >= total) *end = total - 1;
  return *start <= *end;
}

// The BYTE|BIT unit argument (*is_bit set for BIT). Replies a syntax error and returns false
// for anything else.
bool unit_arg(lunar_ctx* ctx, lunar_str arg, bool* is_bit) {
  *is_bit = lunar::arg_is(arg, "bit");
  if (*is_bit || lunar::arg_is(arg, "byte")) return true;
  lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
  return false;
}

// ---------------------------------------------------------------------------------------------
// BITFIELD fields
// ---------------------------------------------------------------------------------------------

enum class Overflow { kWrap, kSat, kFail };
enum class FieldOp { kGet, kSet, kIncrBy };

struct FieldType {
  bool is_signed;
  int bits;  // 1..64 signed, 1..63 unsigned
};

struct Field {
  FieldOp op;
  FieldType type;
  Overflow overflow;
  uint64_t offset;
  long long arg;  // SET value or INCRBY increment
};

// A field type argument: i1..i64 or u1..u63, lower case only (the width parsed as a strict
// integer, the argument read up to a NUL as Redis does). Replies the error and returns false
// otherwise.
bool field_type_arg(lunar_ctx* ctx, lunar_str arg, FieldType* out) {
  size_t n = 0;
  while (n < arg.len && arg.ptr[n] != '\0') n++;
  char c = n ? arg.ptr[0] : '\0';
  long long bits;
  bool ok = (c == 'i' || c == 'u') && lunar::parse_ll(lunar_str{arg.ptr + 1, n - 1}, &bits);
  out->is_signed = c == 'i';
  if (!ok || bits < 1 || bits > (out->is_signed ? 64 : 63)) {
    lunar::reply_error(ctx, kErrFieldType);
    return false;
  }
  out->bits = static_cast<int>(bits);
  return true;
}

// Reads `bits` (1..64) bits at bit `offset` of p[0, len) as an unsigned number; bytes past len
// read as zero.
uint64_t read_field(const uint8_t* p, size_t len, uint64_t offset, int bits) {
  uint64_t first = offset >> 3;
  unsigned __int128 acc = 0;  // the 9 bytes covering the field, big-endian
  for (uint64_t i = 0; i < 9; i++) acc = (acc << 8) | (first + i < len ? p[first + i] : 0);
  uint64_t v = static_cast<uint64_t>(acc >> (72 - static_cast<int>(offset & 7) - bits));
  return bits == 64 ? v : v & ((uint64_t{1} << bits) - 1);
}

// Writes the low `bits` bits of v at bit `offset` of p (which must be long enough).
void write_field(uint8_t* p, uint64_t offset, int bits, uint64_t v) {
  for (int i = 0; i < bits; i++) {
    uint64_t pos = offset + i;
    uint8_t mask = static_cast<uint8_t>(0x80u >> (pos & 7));
    if ((v >> (bits - 1 - i)) & 1) {
      p[pos >> 3] |= mask;
    } else {
      p[pos >> 3] &= static_cast<uint8_t>(~mask);
    }
  }
}

// The low `bits` bits of v as a two's complement number of that width.
int64_t sign_extend(uint64_t v, int bits) {
  if (bits < 64) {
    const uint64_t high = ~uint64_t{0} << bits;
    v = ((v >> (bits - 1)) & 1) ? v | high : v & ~high;
  }
  return static_cast<int64_t>(v);
}

struct FieldResult {
  uint64_t value;  // the bits to store (meaningful unless overflow under FAIL)
  bool overflow;
};

// value + incr for a signed field of `bits` under `ow`. The headroom is computed in wrapping
// arithmetic exactly as Redis does, which makes a SET of a value just above INT64_MIN count as
// an overflow upward (SAT then stores the maximum, as Redis does).
FieldResult add_signed(int64_t value, int64_t incr, int bits, Overflow ow) {
  const int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  const int64_t min = -max - 1;
  const int64_t up =
      static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  const int64_t down =
      static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  int dir = 0;
  if (value > max || (bits != 64 && incr > up) || (value >= 0 && incr > 0 && incr > up)) {
    dir = 1;
  } else if (value < min || (bits != 64 && incr < down) || (value < 0 && incr < 0 && incr < down)) {
    dir = -1;
  }
  if (dir == 0) return {static_cast<uint64_t>(value + incr), false};
  if (ow == Overflow::kSat) return {static_cast<uint64_t>(dir > 0 ? max : min), true};
  uint64_t sum = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
  return {static_cast<uint64_t>(sign_extend(sum, bits)), true};
}

// value + incr for an unsigned field of `bits` (<= 63) under `ow`. A negative SET value is
// seen as a huge unsigned one and so overflows upward, as in Redis.
FieldResult add_unsigned(uint64_t value, int64_t incr, int bits, Overflow ow) {
  const uint64_t max = (uint64_t{1} << bits) - 1;
  const int64_t up = static_cast<int64_t>(max - value);
  const int64_t down = static_cast<int64_t>(uint64_t{0} - value);
  int dir = 0;
  if (value > max || (incr > 0 && incr > up)) {
    dir = 1;
  } else if (incr < 0 && incr < down) {
    dir = -1;
  }
  if (dir == 0) return {value + static_cast<uint64_t>(incr), false};
  if (ow == Overflow::kSat) return {dir > 0 ? max : 0, true};
  return {(value + static_cast<uint64_t>(incr)) & max, true};
}

// Runs one SET or INCRBY on the raw bytes p[0, len) and returns its result (SET: the old value,
// INCRBY: the new one), or nullopt when it overflows under FAIL (then nothing is written).
std::optional<long long> run_write(uint8_t* p, size_t len, const Field& f) {
  const int bits = f.type.bits;
  const uint64_t raw_old = read_field(p, len, f.offset, bits);
  const bool is_set = f.op == FieldOp::kSet;
  long long old_value;
  FieldResult r;
  if (f.type.is_signed) {
    old_value = sign_extend(raw_old, bits);
    r = is_set ? add_signed(f.arg, 0, bits, f.overflow)
               : add_signed(old_value, f.arg, bits, f.overflow);
  } else {
    old_value = static_cast<long long>(raw_old);
    r = is_set ? add_unsigned(static_cast<uint64_t>(f.arg), 0, bits, f.overflow)
               : add_unsigned(raw_old, f.arg, bits, f.overflow);
  }
  if (r.overflow && f.overflow == Overflow::kFail) return std::nullopt;
  write_field(p, f.offset, bits, r.value);
  return is_set ? old_value : static_cast<long long>(r.value);
}

// Runs one GET on the string s (shorter strings read as zero-padded).
long long run_get(std::string_view s, const Field& f) {
  uint64_t raw = read_field(ubytes(s), s.size(), f.offset, f.type.bits);
  return f.type.is_signed ? sign_extend(raw, f.type.bits) : static_cast<long long>(raw);
}

// Parses BITFIELD's subcommands from argv[2] into `fields` (OVERFLOW changes the policy of the
// fields after it). Replies the first error and returns false.
bool parse_fields(lunar_ctx* ctx, int argc, const lunar_str* argv, std::vector<Field>* fields) {
  Overflow ow = Overflow::kWrap;
  for (int j = 2; j < argc; j++) {
    int rest = argc - j - 1;
    FieldOp op;
    if (lunar::arg_is(argv[j], "get") && rest >= 2) {
      op = FieldOp::kGet;
    } else if (lunar::arg_is(argv[j], "set") && rest >= 3) {
      op = FieldOp::kSet;
    } else if (lunar::arg_is(argv[j], "incrby") && rest >= 3) {
      op = FieldOp::kIncrBy;
    } else if (lunar::arg_is(argv[j], "overflow") && rest >= 1) {
      const lunar_str& kind = argv[++j];
      if (lunar::arg_is(kind, "wrap")) {
        ow = Overflow::kWrap;
      } else if (lunar::arg_is(kind, "sat")) {
        ow = Overflow::kSat;
      } else if (lunar::arg_is(kind, "fail")) {
        ow = Overflow::kFail;
      } else {
        lunar::reply_error(ctx, kErrOverflowType);
        return false;
      }
      continue;
    } else {
      lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
      return false;
    }
    Field f{op, {}, ow, 0, 0};
    if (!field_type_arg(ctx, argv[j + 1], &f.type) ||
        !bit_offset_arg(ctx, argv[j + 2], true, f.type.bits, &f.offset))
      return false;
    if (op != FieldOp::kGet && !lunar::ll_arg(ctx, argv[j + 3], &f.arg)) return false;
    fields->push_back(f);
    j += op == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

// BITFIELD and BITFIELD_RO. With only GETs the key is read (missing reads as zeros); with any
// write the key is created or grown to cover the furthest written bit first, then every field
// runs in order, and "setbit" is raised once if the key was created or grown or a write was
// done (a write refused by OVERFLOW FAIL does not count).
void bitfield_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, bool read_only) {
  std::vector<Field> fields;
  fields.reserve(static_cast<size_t>(argc) / 3);
  if (!parse_fields(ctx, argc, argv, &fields)) return;
  uint64_t highest = 0;  // furthest bit any write touches
  bool writes = false;
  for (const Field& f : fields) {
    if (f.op == FieldOp::kGet) continue;
    writes = true;
    if (f.offset + f.type.bits - 1 > highest) highest = f.offset + f.type.bits - 1;
  }
  if (writes && read_only) {
    lunar::reply_error(ctx, kErrFieldReadOnly);
    return;
  }
  StringValue* v = nullptr;
  Found found =
      lunar::lookup_or_reply(ctx, argv[1], writes ? LUNAR_WRITE : LUNAR_READ, g_string_type, &v);
  if (found == Found::kWrongType) return;
  bool changed = false;  // the key was created or grown, or a write succeeded
  if (writes) {
    Writable w = make_writable(ctx, argv[1], v, (highest >> 3) + 1);
    v = w.value;
    changed = w.changed;
  }

  lunar_reply_array(ctx, static_cast<long>(fields.size()));
  char buf[kIntBufLen];
  for (const Field& f : fields) {
    if (f.op == FieldOp::kGet) {
      lunar_reply_int(ctx, run_get(v ? value_view(v, buf) : std::string_view(), f));
    } else if (auto r = run_write(reinterpret_cast<uint8_t*>(v->bytes()), v->len, f)) {
      lunar_reply_int(ctx, *r);
      changed = true;
    } else {
      lunar_reply_null(ctx);
    }
  }
  if (changed) lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_STRING, "setbit");
}

// =============================================================================================
// Command handlers
// =============================================================================================

// SETBIT: replies the bit's old value; the key is made raw and grown as needed; "setbit" is
// raised when the key was created or grown or the bit changed.
int setbit_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  uint64_t offset;
  long long on;
  if (!bit_offset_arg(ctx, argv[2], false, 0, &offset)) return LUNAR_OK;
  if (!lunar::ll_arg(ctx, argv[3], &on, LUNAR_ERR_BIT_VALUE)) return LUNAR_OK;
  if (on & ~1LL) {
    lunar::reply_error(ctx, LUNAR_ERR_BIT_VALUE);
    return LUNAR_OK;
  }
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_WRITE, g_string_type, &v);
  if (f == Found::kWrongType) return LUNAR_OK;
  Writable w = make_writable(ctx, argv[1], f == Found::kYes ? v : nullptr, (offset >> 3) + 1);
  auto* byte = reinterpret_cast<uint8_t*>(w.value->bytes()) + (offset >> 3);
  uint8_t mask = static_cast<uint8_t>(0x80u >> (offset & 7));
  int old = (*byte & mask) != 0;
  if (w.changed || old != on) {
    *byte = static_cast<uint8_t>(on ? (*byte | mask) : (*byte & ~mask));
    lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_STRING, "setbit");
  }
  lunar_reply_int(ctx, old);
  return LUNAR_OK;
}

int getbit_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  uint64_t offset;
  if (!bit_offset_arg(ctx, argv[2], false, 0, &offset)) return LUNAR_OK;
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_string_type, &v);
  if (f == Found::kWrongType) return LUNAR_OK;
  int bit = 0;
  char buf[kIntBufLen];
  std::string_view s = f == Found::kYes ? value_view(v, buf) : std::string_view();
  if ((offset >> 3) < s.size()) bit = (ubytes(s)[offset >> 3] >> (7 - (offset & 7))) & 1;
  lunar_reply_int(ctx, bit);
  return LUNAR_OK;
}

// BITCOUNT key [start end [BYTE|BIT]]: a missing key is 0 before the range is even parsed, as
// in Redis 7.0.
int bitcount_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_string_type, &v);
  if (f == Found::kNo) lunar_reply_int(ctx, 0);
  if (f != Found::kYes) return LUNAR_OK;
  char buf[kIntBufLen];
  std::string_view s = value_view(v, buf);
  long long start = 0, end = static_cast<long long>(s.size()) - 1;
  bool is_bit = false;
  if (argc == 4 || argc == 5) {
    if (!lunar::ll_arg(ctx, argv[2], &start) || !lunar::ll_arg(ctx, argv[3], &end) ||
        (argc == 5 && !unit_arg(ctx, argv[4], &is_bit)))
      return LUNAR_OK;
  } else if (argc != 2) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return LUNAR_OK;
  }
  long long total = static_cast<long long>(s.size()) * (is_bit ? 8 : 1);
  bool inverted = start < 0 && end < 0 && start > end;  // empty before clamping (BITPOS differs)
  if (inverted || !clamp_range(total, &start, &end)) {
    lunar_reply_int(ctx, 0);
    return LUNAR_OK;
  }
  uint64_t first = is_bit ? start : start * 8, last = is_bit ? end : end * 8 + 7;
  lunar_reply_int(ctx, static_cast<long long>(count_bits(ubytes(s), first, last)));
  return LUNAR_OK;
}

// BITPOS key bit [start [end [BYTE|BIT]]]. Looking for a 0 without an explicit end treats the
// string as padded with zeros on the right (so all-ones answers the bit after it); with an
// explicit end, or looking for a 1, "not found" is -1.
int bitpos_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  long long bit;
  if (!lunar::ll_arg(ctx, argv[2], &bit)) return LUNAR_OK;
  if (bit != 0 && bit != 1) {
    lunar::reply_error(ctx, kErrBitArg);
    return LUNAR_OK;
  }
  StringValue* v;
  Found f = lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, g_string_type, &v);
  if (f == Found::kNo) lunar_reply_int(ctx, bit ? -1 : 0);
  if (f != Found::kYes) return LUNAR_OK;
  char buf[kIntBufLen];
  std::string_view s = value_view(v, buf);
  long long start = 0, end = static_cast<long long>(s.size()) - 1;
  bool is_bit = false, end_given = argc >= 5;
  if (argc >= 4 && argc <= 6) {
    if (!lunar::ll_arg(ctx, argv[3], &start) || (argc == 6 && !unit_arg(ctx, argv[5], &is_bit)) ||
        (end_given && !lunar::ll_arg(ctx, argv[4], &end)))
      return LUNAR_OK;
  } else if (argc != 3) {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return LUNAR_OK;
  }
  long long total = static_cast<long long>(s.size()) * (is_bit ? 8 : 1);
  if (!clamp_range(total, &start, &end)) {
    lunar_reply_int(ctx, -1);
    return LUNAR_OK;
  }
  uint64_t first = is_bit ? start : start * 8, last = is_bit ? end : end * 8 + 7;
  long long pos = find_bit(ubytes(s), first, last, static_cast<int>(bit));
  if (pos < 0 && bit == 0 && !end_given) pos = static_cast<long long>(last) + 1;
  lunar_reply_int(ctx, pos);
  return LUNAR_OK;
}

// BITOP op destkey key...: missing sources are empty strings, shorter ones are zero-padded; an
// empty result deletes destkey. The result is a new raw value (its expiry cleared).
int bitop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  enum { kAnd, kOr, kXor, kNot } op;
  if (lunar::arg_is(argv[1], "and")) {
    op = kAnd;
  } else if (lunar::arg_is(argv[1], "or")) {
    op = kOr;
  } else if (lunar::arg_is(argv[1], "xor")) {
    op = kXor;
  } else if (lunar::arg_is(argv[1], "not")) {
    op = kNot;
  } else {
    lunar::reply_error(ctx, LUNAR_ERR_SYNTAX);
    return LUNAR_OK;
  }
  if (op == kNot && argc != 4) {
    lunar::reply_error(ctx, kErrBitopNot);
    return LUNAR_OK;
  }
  struct Source {
    std::string_view bytes;
    char buf[kIntBufLen];
  };
  std::vector<Source> srcs(static_cast<size_t>(argc - 3));
  size_t maxlen = 0;
  for (size_t k = 0; k < srcs.size(); k++) {
    StringValue* v;
    Found f = lunar::lookup_or_reply(ctx, argv[3 + k], LUNAR_READ, g_string_type, &v);
    if (f == Found::kWrongType) return LUNAR_OK;
    if (f == Found::kYes) srcs[k].bytes = value_view(v, srcs[k].buf);
    if (srcs[k].bytes.size() > maxlen) maxlen = srcs[k].bytes.size();
  }
  const lunar_str& dest = argv[2];
  if (maxlen == 0) {
    lunar::delete_key(ctx, dest);
    lunar_reply_int(ctx, 0);
    return LUNAR_OK;
  }
  StringValue* res = make_raw(srcs[0].bytes, maxlen, maxlen);
  auto* out = reinterpret_cast<uint8_t*>(res->bytes());
  if (op == kNot) {
    for (size_t i = 0; i < maxlen; i++) out[i] = static_cast<uint8_t>(~out[i]);
  }
  for (size_t k = 1; k < srcs.size(); k++) {
    const uint8_t* in = ubytes(srcs[k].bytes);
    size_t n = srcs[k].bytes.size();
    if (op == kAnd) {
      for (size_t i = 0; i < n; i++) out[i] &= in[i];
      if (n < maxlen) std::memset(out + n, 0, maxlen - n);
    } else if (op == kOr) {
      for (size_t i = 0; i < n; i++) out[i] |= in[i];
    } else {
      for (size_t i = 0; i < n; i++) out[i] ^= in[i];
    }
  }
  lunar_key_set(ctx, dest, g_string_type, res, 0);
  lunar_key_signal_write(ctx, dest, LUNAR_NOTIFY_STRING, "set");
  lunar_reply_int(ctx, static_cast<long long>(maxlen));
  return LUNAR_OK;
}

int bitfield_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  bitfield_generic(ctx, argc, argv, false);
  return LUNAR_OK;
}

int bitfield_ro_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  bitfield_generic(ctx, argc, argv, true);
  return LUNAR_OK;
}

// =============================================================================================
// Registration
// =============================================================================================

constexpr char kAclBitmap[] = "bitmap";
constexpr lunar::Keys kKey1{1, 1, 1};
using lunar::command;

const lunar_command_def kBitmapCommands[] = {
    command("bitcount", bitcount_command, -2, "readonly", kKey1, kAclBitmap,
            {"Count set bits in a string", "2.6.0", "bitmap", "O(N)"}, "RO access"),
    command("bitfield", bitfield_command, -2, "write denyoom", kKey1, kAclBitmap,
            {"Perform arbitrary bitfield integer operations on strings", "3.2.0", "bitmap",
             "O(1) for each subcommand specified"}, "RW access update variable_flags"),
    command("bitfield_ro", bitfield_ro_command, -2, "readonly fast", kKey1, kAclBitmap,
            {"Perform arbitrary bitfield integer operations on strings. Read-only variant of "
             "BITFIELD",
             "6.0.0", "bitmap", "O(1) for each subcommand specified"}, "RO access"),
    command("bitop", bitop_command, -4, "write denyoom", {2, -1, 1}, kAclBitmap,
            {"Perform bitwise operations between strings", "2.6.0", "bitmap", "O(N)"}, "OW update"),
    command("bitpos", bitpos_command, -3, "readonly", kKey1, kAclBitmap,
            {"Find first bit set or clear in a string", "2.8.7", "bitmap", "O(N)"}, "RO access"),
    command("getbit", getbit_command, 3, "readonly fast", kKey1, kAclBitmap,
            {"Returns the bit value at offset in the string value stored at key", "2.2.0", "bitmap",
             "O(1)"}, "RO access"),
    command("setbit", setbit_command, 4, "write denyoom", kKey1, kAclBitmap,
            {"Sets or clears the bit at offset in the string value stored at key", "2.2.0",
             "bitmap", "O(1)"}, "RW access update"),
};

}  // namespace

std::span<const lunar_command_def> bitmap_commands() { return kBitmapCommands; }

}  // namespace strings
