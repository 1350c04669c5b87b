#include "kernel/util/numbers.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace lunar {

namespace {

// isspace() in the "C" locale, without its sign-extension pitfalls for bytes >= 0x80.
bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// A NUL-terminated copy of s[0..len) for the strto* functions: on the stack when short.
class CString {
 public:
  CString(const char* s, size_t len) {
    if (len < sizeof small_) {
      memcpy(small_, s, len);
      small_[len] = '\0';
      ptr_ = small_;
    } else {
      big_.assign(s, len);
      ptr_ = big_.c_str();
    }
  }
  const char* c_str() const { return ptr_; }

 private:
  char small_[128];
  std::string big_;
  const char* ptr_;
};

// Redis rejects a strto* result that overflowed to infinity or underflowed to zero; a denormal
// result (ERANGE too on glibc) is kept.
template <typename F>
bool out_of_range(F v) {
  return errno == ERANGE && (std::isinf(v) || v == 0);
}

// "00".."99" for two digits at a time.
constexpr char kDigitPairs[201] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

int count_digits(unsigned long long v) {
  int n = 1;
  for (;;) {
    if (v < 10) return n;
    if (v < 100) return n + 1;
    if (v < 1000) return n + 2;
    if (v < 10000) return n + 3;
    v /= 10000;
    n += 4;
  }
}

}  // namespace

bool string2ll(const char* s, size_t len, long long* out) {
  if (len == 0) return false;
  if (len == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = s[0] == '-';
  if (negative) i++;
  // The first digit must be 1-9: no leading zeros, no "-0", no empty digits.
  if (i == len || s[i] < '1' || s[i] > '9') return false;
  unsigned long long v = 0;
  for (; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    unsigned d = s[i] - '0';
    if (v > (ULLONG_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > static_cast<unsigned long long>(LLONG_MAX) + 1) return false;
    *out = v == static_cast<unsigned long long>(LLONG_MAX) + 1 ? LLONG_MIN
                                                               : -static_cast<long long>(v);
  } else {
    if (v > static_cast<unsigned long long>(LLONG_MAX)) return false;
    *out = static_cast<long long>(v);
  }
  return true;
}

bool string2l(const char* s, size_t len, long* out) {
  long long v;
  if (!string2ll(s, len, &v) || v < LONG_MIN || v > LONG_MAX) return false;
  *out = static_cast<long>(v);
  return true;
}

int ll2string(char* dst, size_t dstlen, long long v) {
  bool negative = v < 0;
  unsigned long long u =
      negative ? 0ull - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  size_t length = count_digits(u) + (negative ? 1 : 0);
  if (length >= dstlen) {
    if (dstlen > 0) dst[0] = '\0';
    return 0;
  }
  dst[length] = '\0';
  char* p = dst + length;
  while (u >= 100) {
    unsigned idx = static_cast<unsigned>(u % 100) * 2;
    u /= 100;
    *--p = kDigitPairs[idx + 1];
    *--p = kDigitPairs[idx];
  }
  if (u >= 10) {
    unsigned idx = static_cast<unsigned>(u) * 2;
    *--p = kDigitPairs[idx + 1];
    *--p = kDigitPairs[idx];
  } else {
    *--p = static_cast<char>('0' + u);
  }
  if (negative) *--p = '-';
  return static_cast<int>(length);
}

bool string2d(const char* s, size_t len, double* out) {
  if (len == 0 || is_c_space(s[0])) return false;
  CString buf(s, len);
  char* end;
  errno = 0;
  double v = strtod(buf.c_str(), &end);
  if (end != buf.c_str() + len || out_of_range(v) || std::isnan(v)) return false;
  *out = v;
  return true;
}

bool string2ld(const char* s, size_t len, long double* out) {
  if (len == 0 || len >= kMaxLongDoubleChars || is_c_space(s[0])) return false;
  CString buf(s, len);
  char* end;
  errno = 0;
  long double v = strtold(buf.c_str(), &end);
  if (end != buf.c_str() + len || out_of_range(v) || std::isnan(v)) return false;
  *out = v;
  return true;
}

namespace {

// "inf"/"-inf" into buf (libc spellings differ across systems; Redis spells them itself).
size_t format_inf(bool negative, char* buf, size_t len) {
  const char* text = negative ? "-inf" : "inf";
  size_t n = negative ? 4 : 3;
  if (len < n + 1) return 0;
  memcpy(buf, text, n + 1);
  return n;
}

}  // namespace

size_t format_double(double d, char* buf, size_t len) {
  if (std::isinf(d)) return format_inf(d < 0, buf, len);
  int n = snprintf(buf, len, "%.17g", d);
  if (n < 0 || static_cast<size_t>(n) + 1 > len) return 0;
  return n;
}

size_t format_long_double(long double d, char* buf, size_t len, bool humanfriendly) {
  if (std::isinf(d)) {
    // Redis asks for room for "-inf\0" whatever the sign.
    if (len < 5) return 0;
    return format_inf(d < 0, buf, len);
  }
  int n = snprintf(buf, len, humanfriendly ? "%.17Lf" : "%.17Lg", d);
  if (n < 0 || static_cast<size_t>(n) + 1 > len) return 0;
  size_t l = n;
  if (humanfriendly && memchr(buf, '.', l) != nullptr) {
    while (buf[l - 1] == '0') l--;
    if (buf[l - 1] == '.') l--;
    // A tiny negative value rounds to "-0"; Redis prints it as "0".
    if (l == 2 && buf[0] == '-' && buf[1] == '0') {
      buf[0] = '0';
      l = 1;
    }
    buf[l] = '\0';
  }
  return l;
}

}  // namespace lunar
