// Glob-style matching with Redis 7.0's stringmatchlen semantics, used by KEYS, SCAN MATCH,
// PSUBSCRIBE, CONFIG GET, COMMAND LIST FILTERBY PATTERN and friends.
#pragma once
#include <string_view>

namespace lunar {

// Whether `str` matches `pattern`:
//   *       any run of bytes; ?  any one byte; \x  the byte x literally;
//   [abc]   one of the listed bytes, [^abc] any other byte; [a-z] a range, [z-a] the same range
//           (bytes compare as signed chars, as Redis does); \x inside brackets is x literally and
//           always case-sensitive; an unterminated '[' takes the rest of the pattern as its set.
// nocase folds ASCII letters only. Quirks kept from Redis:
//   - an empty `str` matches only an empty pattern ("*" does not match ""; KEYS and SCAN treat
//     the pattern "*" specially, callers must too);
//   - a pattern needing more than 1000 levels of '*' (non-trailing star groups) never matches.
// Runs in O(|pattern| * |str|) time and constant stack, whatever the pattern.
bool glob_match(std::string_view pattern, std::string_view str, bool nocase);

}  // namespace lunar
