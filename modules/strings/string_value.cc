// The "string" value type: representation, constructors, type callbacks. See string_value.h.
#include "string_value.h"

#include <charconv>
#include <cstring>
#include <limits>

namespace strings {

lunar_type* g_string_type = nullptr;

namespace {

constexpr size_t kGreedyLimit = 1024 * 1024;                     // SDS_MAX_PREALLOC
constexpr long long kDefaultMaxStringLen = 512LL * 1024 * 1024;  // proto-max-bulk-len default
constexpr uint8_t kRdbTypeString = 0;                            // RDB_TYPE_STRING

StringValue* alloc_value(size_t payload, size_t len, Encoding enc) {
  auto* v = static_cast<StringValue*>(lunar_alloc(sizeof(StringValue) + payload));
  v->len = len;
  v->enc = static_cast<uint8_t>(enc);
  return v;
}

long long int_of(const StringValue* v) {
  long long n;
  std::memcpy(&n, v->bytes(), sizeof n);
  return n;
}

// Bytes a raw block can hold without reallocating.
size_t capacity(const StringValue* v) {
  return lunar_alloc_size(const_cast<StringValue*>(v)) - sizeof(StringValue);
}

// ---------------------------------------------------------------------------------------------
// Type callbacks
// ---------------------------------------------------------------------------------------------
void free_value(void*, void* value) { lunar_free(value); }

size_t memory_usage(void*, const void* value) { return lunar_alloc_size(const_cast<void*>(value)); }

// COPY keeps the encoding, as Redis's dupStringObject does.
void* copy_value(void*, const void* value) {
  const auto* v = static_cast<const StringValue*>(value);
  size_t payload = v->encoding() == Encoding::kInt ? sizeof(long long) : v->len;
  StringValue* c = alloc_value(payload, v->len, v->encoding());
  std::memcpy(c->bytes(), v->bytes(), payload);
  return c;
}

const char* encoding_name(void*, const void* value) {
  switch (static_cast<const StringValue*>(value)->encoding()) {
    case Encoding::kInt:
      return "int";
    case Encoding::kEmbstr:
      return "embstr";
    case Encoding::kRaw:
      break;
  }
  return "raw";
}

// A string reads as one element, its bytes (how SORT's BY and GET patterns read strings).
void for_each(void*, const void* value, int (*fn)(void*, lunar_str, double), void* arg) {
  char buf[kIntBufLen];
  std::string_view s = value_view(static_cast<const StringValue*>(value), buf);
  fn(arg, lunar::str(s), std::numeric_limits<double>::quiet_NaN());
}

constexpr lunar_type_methods kMethods = {sizeof(lunar_type_methods), free_value, memory_usage,
                                         copy_value, encoding_name, for_each, nullptr};
constexpr uint8_t kRdbTypes[] = {kRdbTypeString};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------------------------
StringValue* make_int(long long n) {
  StringValue* v = alloc_value(sizeof n, 0, Encoding::kInt);
  set_int(v, n);
  return v;
}

void set_int(StringValue* v, long long n) {
  char buf[kIntBufLen];
  auto res = std::to_chars(buf, buf + sizeof buf, n);
  v->len = static_cast<size_t>(res.ptr - buf);
  std::memcpy(v->bytes(), &n, sizeof n);
}

StringValue* make_string(std::string_view s) {
  StringValue* v = alloc_value(s.size(), s.size(),
                               s.size() <= kEmbstrMaxLen ? Encoding::kEmbstr : Encoding::kRaw);
  if (!s.empty()) std::memcpy(v->bytes(), s.data(), s.size());
  return v;
}

StringValue* make_from_arg(std::string_view s) {
  long long n;
  // A canonical long long has at most 20 characters ("-9223372036854775808").
  if (!s.empty() && s.size() <= 20 && lunar::parse_ll(lunar::str(s), &n)) return make_int(n);
  return make_string(s);
}

StringValue* make_raw(std::string_view s, size_t len, size_t cap) {
  StringValue* v = alloc_value(cap, len, Encoding::kRaw);
  size_t copied = s.size() < len ? s.size() : len;
  if (copied) std::memcpy(v->bytes(), s.data(), copied);
  if (len > copied) std::memset(v->bytes() + copied, 0, len - copied);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------
std::string_view value_view(const StringValue* v, char (&buf)[kIntBufLen]) {
  if (v->encoding() == Encoding::kInt) {
    auto res = std::to_chars(buf, buf + sizeof buf, int_of(v));
    return {buf, static_cast<size_t>(res.ptr - buf)};
  }
  return {v->bytes(), v->len};
}

bool value_to_ll(const StringValue* v, long long* out) {
  if (v->encoding() == Encoding::kInt) {
    *out = int_of(v);
    return true;
  }
  return lunar::parse_ll(lunar_str{v->bytes(), v->len}, out);
}

void reply_value(lunar_ctx* ctx, const StringValue* v) {
  char buf[kIntBufLen];
  lunar::reply_bulk(ctx, value_view(v, buf));
}

// ---------------------------------------------------------------------------------------------
// Writing in place
// ---------------------------------------------------------------------------------------------
Writable make_writable(lunar_ctx* ctx, lunar_str key, StringValue* v, size_t min_len) {
  if (v == nullptr) {
    StringValue* nv = make_raw({}, min_len, min_len);
    lunar_key_set(ctx, key, g_string_type, nv, 0);
    return {nv, true};
  }
  size_t old_len = v->len;
  size_t want = min_len > old_len ? min_len : old_len;
  if (capacity(v) >= want) {
    // Fits in its own block: an int is printed there and an embstr relabelled, which (unlike a
    // replacement through lunar_key_set) does not mark the key modified, as Redis's unsharing
    // does not.
    if (v->encoding() == Encoding::kInt) {
      char buf[kIntBufLen];
      std::string_view digits = value_view(v, buf);
      std::memcpy(v->bytes(), digits.data(), digits.size());
    }
    v->enc = static_cast<uint8_t>(Encoding::kRaw);
    if (want > old_len) std::memset(v->bytes() + old_len, 0, want - old_len);
    v->len = want;
    return {v, want > old_len};
  }
  size_t cap = want;
  if (want > old_len) cap = want < kGreedyLimit ? want * 2 : want + kGreedyLimit;
  char buf[kIntBufLen];
  StringValue* nv = make_raw(value_view(v, buf), want, cap);
  // A copy that only grows signals the change; a pure re-encoding does not (Redis's unsharing).
  lunar_key_set(ctx, key, g_string_type, nv, want > old_len ? LUNAR_KEEPTTL : LUNAR_SAME_CONTENT);
  return {nv, want > old_len};
}

long long max_string_len() {
  char buf[32];
  long long n;
  if (lunar_config_get("proto-max-bulk-len", buf, sizeof buf) == LUNAR_OK &&
      lunar::parse_ll(lunar::str(buf), &n))
    return n;
  return kDefaultMaxStringLen;
}

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------
int register_string_type(lunar_module* m) {
  lunar_type_def def = {sizeof(lunar_type_def),
                        "string",
                        &kMethods,
                        nullptr,
                        kRdbTypes,
                        static_cast<int>(sizeof kRdbTypes)};
  int rc = lunar_register_type(m, &def, &g_string_type);
  if (rc != LUNAR_OK) lunar_log(m, 3, "cannot register type 'string': %s", lunar_strerror(rc));
  return rc;
}

}  // namespace strings
