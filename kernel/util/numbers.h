// Number parsing and formatting with Redis 7.0's exact rules: what a command accepts as an
// integer or a float, and how a double or long double is printed in a reply.
//
// All functions take explicit lengths (arguments may contain NUL bytes) and never allocate for
// inputs of usual size. Parsing and printing assume the process's LC_NUMERIC locale is "C" (the
// default; Redis runs the same way), so '.' is the decimal point.
#pragma once
#include <cstddef>

namespace lunar {

// Longest input string2ld accepts is kMaxLongDoubleChars - 1 bytes (Redis's
// MAX_LONG_DOUBLE_CHARS); also a buffer size that fits any format_long_double output.
inline constexpr size_t kMaxLongDoubleChars = 5 * 1024;
// A buffer of this size fits any format_double output and any ll2string output.
inline constexpr size_t kMaxDoubleChars = 32;

// Parses a decimal integer as Redis's string2ll: an optional '-' then digits, nothing else (no
// spaces, no '+', no leading zeros, "-0" and "" rejected), within long long's range. Writes *out
// only on success.
bool string2ll(const char* s, size_t len, long long* out);
// string2ll restricted to long's range.
bool string2l(const char* s, size_t len, long* out);

// Writes v in decimal followed by a NUL into dst. Returns the length without the NUL, or 0 (and
// an empty string if dstlen > 0) when dst has fewer than length + 1 bytes.
int ll2string(char* dst, size_t dstlen, long long v);

// Parses a float as Redis's getDoubleFromObject (strtod): whole input must be consumed; rejects
// "", a leading space, trailing bytes (including NUL), NaN, overflow to +/-inf and underflow to
// 0. Accepts what strtod accepts otherwise: "inf", "+inf", "-Infinity", hex ("0x1p3"), ".5",
// "5.", "+1.5", denormals. Writes *out only on success.
bool string2d(const char* s, size_t len, double* out);
// Same rules with strtold (Redis's getLongDoubleFromObject); also rejects inputs of
// kMaxLongDoubleChars bytes or more. Writes *out only on success.
bool string2ld(const char* s, size_t len, long double* out);

// Formats a double the way Redis 7.0 replies one (RESP2 bulk and RESP3 ',' alike): "inf",
// "-inf", otherwise printf's "%.17g" ("3", "1e+20", "0.10000000000000001", "-0"). Writes a NUL;
// returns the length without it, or 0 if buf is too small (kMaxDoubleChars always fits).
size_t format_double(double d, char* buf, size_t len);

// Formats a long double as Redis's ld2string. humanfriendly (INCRBYFLOAT, HINCRBYFLOAT):
// "%.17Lf" with trailing zeros and a trailing '.' removed, "-0" printed as "0"; otherwise
// "%.17Lg". Infinities are "inf"/"-inf" in both modes. Writes a NUL; returns the length without
// it, or 0 when the untrimmed text does not fit in len - 1 bytes.
size_t format_long_double(long double d, char* buf, size_t len, bool humanfriendly);

}  // namespace lunar
