#include "kernel/net/resp_parser.h"

#include <algorithm>
#include <cstring>

#include "kernel/util/numbers.h"

namespace lunar::net {

namespace {

constexpr size_t kNpos = static_cast<size_t>(-1);
constexpr long long kMaxUnauthMultibulk = 10;    // Redis: count allowed before AUTH
constexpr long long kMaxUnauthBulk = 16384;      // Redis: bulk length allowed before AUTH
constexpr size_t kInitialArgvCap = 1024;         // argv reserved up front, whatever the count says
constexpr size_t kKeepArgvCap = 64 * 1024;       // larger argv arrays are freed after use
constexpr size_t kKeepStorageCap = 1024 * 1024;  // likewise for unescaped inline arguments

constexpr ParseLimits kDefaultLimits{};

// isspace() in the "C" locale: what sdssplitargs skips between arguments.
bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// What ends an unquoted inline argument (narrower than is_c_space: "a\vb" is one argument).
bool ends_unquoted(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The byte that a backslash and c stand for inside double quotes.
char unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

}  // namespace

RespParser::RespParser(const ParseLimits* limits) : limits_(limits) {}

const ParseLimits& RespParser::limits() const {
  return limits_ != nullptr ? *limits_ : kDefaultLimits;
}

void RespParser::reset() {
  stage_ = Stage::kStart;
  pos_ = scan_ = 0;
  stuck_ = false;
  remaining_ = bulk_len_ = 0;
  spans_.clear();
  argv_.clear();
  storage_.clear();
  error_.clear();
}

size_t RespParser::bytes_needed_hint() const {
  if (stage_ != Stage::kBulkData) return 0;
  return pos_ + static_cast<size_t>(bulk_len_) + 2;
}

ParseStatus RespParser::fail(std::string_view text) {
  error_.assign(text);
  return ParseStatus::kError;
}

ParseStatus RespParser::parse(const char* data, size_t len, size_t* consumed) {
  *consumed = 0;
  if (!error_.empty()) return ParseStatus::kError;
  if (stage_ == Stage::kStart) {
    if (spans_.capacity() > kKeepArgvCap) std::vector<Span>().swap(spans_);
    if (argv_.capacity() > kKeepArgvCap) std::vector<lunar_str>().swap(argv_);
    if (storage_.capacity() > kKeepStorageCap) std::string().swap(storage_);
    spans_.clear();
    argv_.clear();
    if (len == 0) return ParseStatus::kNeedMore;
    // Redis picks the request type from its first byte.
    stage_ = data[0] == '*' ? Stage::kCount : Stage::kInline;
    pos_ = scan_ = 0;
    stuck_ = false;
  }
  if (stage_ == Stage::kInline) return parse_inline(data, len, consumed);
  return parse_multibulk(data, len, consumed);
}

size_t RespParser::find_terminator(const char* data, size_t len, char term) {
  if (stuck_ || scan_ >= len) return kNpos;
  const char* from = data + scan_;
  size_t avail = len - scan_;
  const char* t = static_cast<const char*>(memchr(from, term, avail));
  size_t span = t != nullptr ? static_cast<size_t>(t - from) : avail;
  if (memchr(from, '\0', span) != nullptr) {
    stuck_ = true;
    return kNpos;
  }
  scan_ += span;  // at the terminator if found: a later call finds it again at once
  return t != nullptr ? scan_ : kNpos;
}

// ---------------------------------------------------------------------------------------------
// Inline requests
// ---------------------------------------------------------------------------------------------

// A line ends at '\n', with one '\r' before it dropped. Redis finds the '\n' with strchr(), so
// a NUL byte on the line leaves the request waiting until it exceeds max_inline.
ParseStatus RespParser::parse_inline(const char* data, size_t len, size_t* consumed) {
  size_t nl = find_terminator(data, len, '\n');
  if (nl == kNpos) {
    if (len > limits().max_inline) return fail("ERR Protocol error: too big inline request");
    return ParseStatus::kNeedMore;
  }
  size_t end = nl > 0 && data[nl - 1] == '\r' ? nl - 1 : nl;
  if (!split_inline(data, end)) return fail("ERR Protocol error: unbalanced quotes in request");
  *consumed = nl + 1;
  stage_ = Stage::kStart;
  return argv_.empty() ? ParseStatus::kEmpty : ParseStatus::kCommand;
}

// Splits a line into arguments as Redis's sdssplitargs: blanks (isspace) separate arguments;
// "..." takes \n \r \t \b \a \xHH and \<any> escapes, '...' only \'; a closing quote must be
// followed by a blank or the end; quotes may start mid-argument (a"b c" is "ab c"). Without
// quotes the arguments are views into `line`; with them, unescaped copies in storage_. Returns
// false on unbalanced quotes. `line` holds no NUL (parse_inline waits on those).
bool RespParser::split_inline(const char* line, size_t len) {
  argv_.clear();
  if (memchr(line, '"', len) == nullptr && memchr(line, '\'', len) == nullptr) {
    size_t i = 0;
    for (;;) {
      while (i < len && is_c_space(line[i])) i++;
      if (i == len) return true;
      size_t start = i;
      while (i < len && !ends_unquoted(line[i])) i++;
      argv_.push_back(lunar_str{line + start, i - start});
    }
  }

  // The C-string view sdssplitargs has: reading past the end gives '\0'.
  auto at = [line, len](size_t i) { return i < len ? line[i] : '\0'; };
  storage_.clear();
  spans_.clear();
  size_t i = 0;
  for (;;) {
    while (i < len && is_c_space(line[i])) i++;
    if (i == len) break;
    size_t start = storage_.size();
    bool in_dq = false, in_sq = false, done = false;
    while (!done) {
      char c = at(i);
      if (in_dq) {
        if (c == '\\' && at(i + 1) == 'x' && is_hex(at(i + 2)) && is_hex(at(i + 3))) {
          storage_.push_back(static_cast<char>(hex_value(at(i + 2)) * 16 + hex_value(at(i + 3))));
          i += 3;
        } else if (c == '\\' && at(i + 1) != '\0') {
          i++;
          storage_.push_back(unescape(line[i]));
        } else if (c == '"') {
          if (at(i + 1) != '\0' && !is_c_space(at(i + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          storage_.push_back(c);
        }
      } else if (in_sq) {
        if (c == '\\' && at(i + 1) == '\'') {
          i++;
          storage_.push_back('\'');
        } else if (c == '\'') {
          if (at(i + 1) != '\0' && !is_c_space(at(i + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          storage_.push_back(c);
        }
      } else if (c == '\0' || ends_unquoted(c)) {
        done = true;
      } else if (c == '"') {
        in_dq = true;
      } else if (c == '\'') {
        in_sq = true;
      } else {
        storage_.push_back(c);
      }
      if (i < len) i++;
    }
    spans_.push_back(Span{start, storage_.size() - start});
  }
  for (const Span& s : spans_) argv_.push_back(lunar_str{storage_.data() + s.off, s.len});
  return true;
}

// ---------------------------------------------------------------------------------------------
// Multibulk requests
// ---------------------------------------------------------------------------------------------

// "*<count>\r\n" then count times "$<len>\r\n<len bytes>\r\n". As in Redis, a count or length
// line ends at the first '\r' (found with strchr(), so a NUL before it stalls the request) and
// the byte after it, like the two bytes after a bulk, is skipped unchecked.
ParseStatus RespParser::parse_multibulk(const char* data, size_t len, size_t* consumed) {
  const ParseLimits& lim = limits();
  if (stage_ == Stage::kCount) {
    size_t cr = find_terminator(data, len, '\r');
    if (cr == kNpos) {
      if (len > lim.max_inline) return fail("ERR Protocol error: too big mbulk count string");
      return ParseStatus::kNeedMore;
    }
    if (cr + 1 >= len) return ParseStatus::kNeedMore;
    long long count;
    if (!string2ll(data + 1, cr - 1, &count) || count > lim.max_multibulk) {
      return fail("ERR Protocol error: invalid multibulk length");
    }
    if (count > kMaxUnauthMultibulk && unauthenticated_) {
      return fail("ERR Protocol error: unauthenticated multibulk length");
    }
    pos_ = cr + 2;
    if (count <= 0) {
      *consumed = pos_;
      stage_ = Stage::kStart;
      return ParseStatus::kEmpty;
    }
    remaining_ = count;
    spans_.reserve(std::min<size_t>(count, kInitialArgvCap));
    stage_ = Stage::kBulkHeader;
    scan_ = pos_;
    stuck_ = false;
  }

  for (;;) {
    if (stage_ == Stage::kBulkHeader) {
      size_t cr = find_terminator(data, len, '\r');
      if (cr == kNpos) {
        if (len - pos_ > lim.max_inline) {
          return fail("ERR Protocol error: too big bulk count string");
        }
        return ParseStatus::kNeedMore;
      }
      if (cr + 1 >= len) return ParseStatus::kNeedMore;
      if (data[pos_] != '$') {
        // Redis turns CR/LF in an error reply into spaces.
        char got = data[pos_] == '\r' || data[pos_] == '\n' ? ' ' : data[pos_];
        error_ = "ERR Protocol error: expected '$', got '";
        error_ += got;
        error_ += '\'';
        return ParseStatus::kError;
      }
      long long blen;
      if (!string2ll(data + pos_ + 1, cr - pos_ - 1, &blen) || blen < 0 ||
          static_cast<unsigned long long>(blen) > lim.max_bulk_len) {
        return fail("ERR Protocol error: invalid bulk length");
      }
      if (blen > kMaxUnauthBulk && unauthenticated_) {
        return fail("ERR Protocol error: unauthenticated bulk length");
      }
      pos_ = cr + 2;
      bulk_len_ = blen;
      stage_ = Stage::kBulkData;
    }

    if (len - pos_ < static_cast<size_t>(bulk_len_) + 2) return ParseStatus::kNeedMore;
    spans_.push_back(Span{pos_, static_cast<size_t>(bulk_len_)});
    pos_ += static_cast<size_t>(bulk_len_) + 2;
    if (--remaining_ == 0) break;
    stage_ = Stage::kBulkHeader;
    scan_ = pos_;
    stuck_ = false;
  }

  argv_.reserve(spans_.size());
  for (const Span& s : spans_) argv_.push_back(lunar_str{data + s.off, s.len});
  *consumed = pos_;
  stage_ = Stage::kStart;
  return ParseStatus::kCommand;
}

}  // namespace lunar::net
