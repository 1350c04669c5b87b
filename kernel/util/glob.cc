#include "kernel/util/glob.h"

#include <utility>

namespace lunar {

namespace {

// Redis limits '*' recursion to this depth; deeper patterns never match.
constexpr int kMaxStarNesting = 1000;

int fold(int c, bool nocase) { return nocase && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

// Matches the single-byte element (anything but '*') starting at pattern[p] against c and
// stores in *next where the element ends. The extent of an element depends only on the pattern.
bool match_element(std::string_view pat, size_t p, char c, bool nocase, size_t* next) {
  const size_t n = pat.size();
  switch (pat[p]) {
    case '?':
      *next = p + 1;
      return true;
    case '[': {
      size_t i = p + 1;
      bool negate = i < n && pat[i] == '^';
      if (negate) i++;
      bool match = false;
      for (;;) {
        if (i < n && pat[i] == '\\' && n - i >= 2) {
          i++;
          if (pat[i] == c) match = true;  // escaped bytes compare case-sensitively
          i++;
        } else if (i < n && pat[i] == ']') {
          i++;
          break;
        } else if (i == n) {
          break;  // unterminated: the set ran to the end of the pattern
        } else if (n - i >= 3 && pat[i + 1] == '-') {
          // Ranges compare signed chars (Redis's char is signed on x86), then fold case.
          int start = static_cast<signed char>(pat[i]);
          int end = static_cast<signed char>(pat[i + 2]);
          if (start > end) std::swap(start, end);
          start = fold(start, nocase);
          end = fold(end, nocase);
          int ch = fold(static_cast<signed char>(c), nocase);
          if (ch >= start && ch <= end) match = true;
          i += 3;
        } else {
          if (fold(pat[i], nocase) == fold(c, nocase)) match = true;
          i++;
        }
      }
      *next = i;
      return match != negate;
    }
    case '\\':
      if (n - p >= 2) p++;
      [[fallthrough]];
    default:
      *next = p + 1;
      return fold(pat[p], nocase) == fold(c, nocase);
  }
}

}  // namespace

// Iterative matching with one backtrack point, the most recent star group: when what follows a
// star fails, retry it one byte further. Going back to earlier stars can never help (anything
// they could absorb, the latest star absorbs too), which is also why Redis's
// skipLongerMatches pruning is sound. The result equals Redis's recursive search, including its
// nesting limit: every match passes every star group, and the k-th non-trailing group runs at
// nesting depth k there.
bool glob_match(std::string_view pat, std::string_view str, bool nocase) {
  if (str.empty()) return pat.empty();
  const size_t n = pat.size();
  size_t p = 0, s = 0;
  size_t star_p = std::string_view::npos;  // pattern index after the latest star group
  size_t star_s = 0;                       // where that star's absorbed bytes end
  int star_groups = 0;
  for (;;) {
    if (s == str.size()) {
      while (p < n && pat[p] == '*') p++;
      return p == n;
    }
    if (p < n && pat[p] == '*') {
      while (p < n && pat[p] == '*') p++;
      if (p == n) return true;
      if (++star_groups > kMaxStarNesting) return false;
      star_p = p;
      star_s = s;
      continue;
    }
    size_t next;
    if (p < n && match_element(pat, p, str[s], nocase, &next)) {
      p = next;
      s++;
      continue;
    }
    if (star_p == std::string_view::npos || ++star_s == str.size()) return false;
    p = star_p;
    s = star_s;
  }
}

}  // namespace lunar
