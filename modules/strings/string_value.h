// The "string" value type, shared by the string commands (strings.cc) and the bitmap commands
// (bitmaps.cc): its representation, constructors and the helpers both families need.
//
// A value is one block from lunar_alloc: an 8-byte header (length and encoding), then the bytes.
// The encoding is what OBJECT ENCODING answers and follows Redis's rules:
//   int     a canonical integer that fits a long long, stored as that int64 (SET "123");
//   embstr  an immutable string of <= 44 bytes, allocated to its exact size;
//   raw     a longer string, or any string modified in place (APPEND, SETRANGE, SETBIT...);
//           a raw block may have spare capacity (lunar_alloc_size tells how much), which
//           in-place growth uses the way Redis's sds does.
// Writers never change an int or embstr value as such: make_writable turns it raw first.
#ifndef LUNAR_MODULES_STRINGS_STRING_VALUE_H
#define LUNAR_MODULES_STRINGS_STRING_VALUE_H

#include <cstdint>
#include <lunar/module.hpp>
#include <span>
#include <string_view>

namespace strings {

enum class Encoding : uint8_t { kInt, kEmbstr, kRaw };

inline constexpr size_t kEmbstrMaxLen = 44;  // OBJ_ENCODING_EMBSTR_SIZE_LIMIT
inline constexpr size_t kIntBufLen = 24;     // fits any long long in decimal, with a NUL

struct StringValue {
  uint64_t len : 56;  // bytes of the string (for kInt: its decimal length)
  uint64_t enc : 8;   // Encoding

  Encoding encoding() const { return static_cast<Encoding>(enc); }
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
};
static_assert(sizeof(StringValue) == 8);

// The registered type; set by register_string_type during init.
extern lunar_type* g_string_type;

// ---------------------------------------------------------------------------------------------
// Constructors. Each returns a new block the caller owns until it hands it to lunar_key_set.
// ---------------------------------------------------------------------------------------------

// A value for bytes a client sent, encoded as SET stores them (Redis's tryObjectEncoding):
// int when canonical and in range, else embstr or raw by length.
StringValue* make_from_arg(std::string_view s);
// A value for bytes produced by a command (createStringObject): embstr or raw by length.
StringValue* make_string(std::string_view s);
StringValue* make_int(long long v);
// Overwrites an int-encoded value with another integer, in place.
void set_int(StringValue* v, long long n);
// A raw value of `len` bytes copied from `s` (zero-filled past s.size()), with room for `cap`.
StringValue* make_raw(std::string_view s, size_t len, size_t cap);

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

// The value's bytes; an int is printed into `buf`. Valid while both the value and buf are.
std::string_view value_view(const StringValue* v, char (&buf)[kIntBufLen]);
// The value as a strict integer (Redis's getLongLongFromObject): false when it is not one.
bool value_to_ll(const StringValue* v, long long* out);
// Replies the value as a bulk string.
void reply_value(lunar_ctx* ctx, const StringValue* v);

// ---------------------------------------------------------------------------------------------
// Writing in place
// ---------------------------------------------------------------------------------------------

struct Writable {
  StringValue* value;  // raw, at least the requested length
  bool changed;        // the key was created or its length grew
};

// Makes the string at `key` (currently `v`, or nullptr when the key is missing) a raw value of
// at least `min_len` bytes, zero-padding new bytes, and returns it for in-place writes. A missing
// key is created with exactly `min_len` bytes. A value whose block has room is converted in
// place (an int printed into it); otherwise it is copied into a new raw block, sized greedily
// as sds does when growing (double below 1 MB, +1 MB above), which replaces it through
// lunar_key_set (expiry kept). The caller raises the keyspace event.
Writable make_writable(lunar_ctx* ctx, lunar_str key, StringValue* v, size_t min_len);

// proto-max-bulk-len: the longest string APPEND, SETRANGE and the bit commands may produce.
long long max_string_len();

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------
int register_string_type(lunar_module* m);
std::span<const lunar_command_def> bitmap_commands();

}  // namespace strings

#endif  // LUNAR_MODULES_STRINGS_STRING_VALUE_H
