// The request parser: turns a client's input bytes into one command's arguments at a time,
// multibulk ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") or inline ("GET k\r\n"), with Redis 7.0's exact
// acceptance rules and protocol error texts. Arguments are views into the caller's buffer (zero
// copy); only inline requests with quotes are unescaped into storage the parser owns.
#pragma once
#include <lunar/lunar.h>

#include <climits>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lunar::net {

struct ParseLimits {
  size_t max_bulk_len = 512ull << 20;  // proto-max-bulk-len
  size_t max_inline = 64 * 1024;       // inline line / count line without newline (fixed in Redis)
  // Largest multibulk count. Redis 7.0 accepts up to INT_MAX ("*1048577" is fine there; the
  // 1024*1024 limit is Redis 6's); argv grows with the data actually received, not the count.
  long long max_multibulk = INT_MAX;
};

enum class ParseStatus { kNeedMore, kCommand, kEmpty, kError };

class RespParser {
 public:
  // limits may be null (defaults) and may change between calls (CONFIG SET); not owned.
  explicit RespParser(const ParseLimits* limits);

  // Parses one request from data[0..len).
  // kCommand: *consumed bytes form one command; argv() holds views into `data` (or into parser
  //   storage for unescaped inline arguments), valid until the next parse() or reset().
  // kEmpty: *consumed bytes were an empty request (empty or blank inline line, "*0", "*-N") to
  //   skip.
  // kNeedMore: incomplete, *consumed = 0. Progress is kept as offsets: the next call must pass
  //   the same bytes again (possibly at another address, with more appended); they are not
  //   rescanned, so a command arriving in many reads is parsed in linear time.
  // kError: error() is Redis's reply text without the leading '-' (e.g. "ERR Protocol error:
  //   invalid multibulk length"); the caller replies and closes the connection. The parser must
  //   be reset() before reuse.
  ParseStatus parse(const char* data, size_t len, size_t* consumed);

  const std::vector<lunar_str>& argv() const { return argv_; }
  std::string_view error() const { return error_; }

  // After kNeedMore: the least total size of the current request, counted from its first byte
  // (data[0]), when known: the bulk being read and its CRLF included. 0 if unknown. For sizing
  // reads: a caller holding `len` bytes of it wants to read at least hint - len more.
  size_t bytes_needed_hint() const;

  // Redis caps requests of clients that must still AUTH: a multibulk count over 10 or a bulk
  // length over 16384 is a protocol error ("unauthenticated multibulk/bulk length").
  void set_unauthenticated(bool on) { unauthenticated_ = on; }

  // Forgets any partial request (start of a new connection or after an error).
  void reset();

 private:
  enum class Stage { kStart, kInline, kCount, kBulkHeader, kBulkData };
  struct Span {  // an argument as offsets from the start of the request
    size_t off, len;
  };

  ParseStatus parse_inline(const char* data, size_t len, size_t* consumed);
  ParseStatus parse_multibulk(const char* data, size_t len, size_t* consumed);
  // Finds the line terminator `term` from scan_ on, stopping at a NUL byte as Redis's strchr()
  // does (a NUL before the terminator leaves the request waiting until it is too big).
  // Returns its offset, or npos after recording how far the scan got.
  size_t find_terminator(const char* data, size_t len, char term);
  bool split_inline(const char* line, size_t len);
  ParseStatus fail(std::string_view text);
  const ParseLimits& limits() const;

  const ParseLimits* limits_;
  Stage stage_ = Stage::kStart;
  size_t pos_ = 0;           // parsed bytes of the current request
  size_t scan_ = 0;          // terminator search resumes here
  bool stuck_ = false;       // a NUL was met before the terminator
  long long remaining_ = 0;  // bulks still expected
  long long bulk_len_ = 0;   // length of the bulk being read
  bool unauthenticated_ = false;
  std::vector<Span> spans_;
  std::vector<lunar_str> argv_;
  std::string storage_;  // unescaped inline arguments
  std::string error_;
};

}  // namespace lunar::net
