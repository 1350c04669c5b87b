// What the list commands share: the registered type, argument parsing and the operations both
// the plain commands (lists.cc) and the blocking ones (lists_blocking.cc) serve with. Every
// operation here writes its own reply and raises its own keyspace events.
#ifndef LUNAR_MODULES_LISTS_LISTS_H
#define LUNAR_MODULES_LISTS_LISTS_H

#include <lunar/module.hpp>
#include <span>

#include "list_value.h"

namespace lists {

// The registered "list" type; set during init.
extern lunar_type* g_list_type;

// LEFT / RIGHT (any case) as an End; anything else replies a syntax error and returns false.
bool parse_end(lunar_ctx* ctx, lunar_str arg, End* out);

// Replies one element popped from `where` of the list at `key` (which holds `list`) as a bulk
// string, then raises the pop event and deletes the key if the list became empty.
void pop_one_and_reply(lunar_ctx* ctx, lunar_str key, ListValue* list, End where);
// The same for up to `count` elements, replied as an array; returns how many were popped.
long long pop_range_and_reply(lunar_ctx* ctx, lunar_str key, ListValue* list, End where,
                              long long count);

enum class Served { kYes, kNone, kError };

// LMOVE's work: when `src` holds a list, moves one element from its `from` end to the `to` end
// of `dst` (created if missing) and replies it (kYes); replies -WRONGTYPE when src or dst holds
// another type (kError). kNone, having replied nothing, when `src` does not exist.
Served move_or_reply(lunar_ctx* ctx, lunar_str src, lunar_str dst, End from, End to);

// LMPOP / BLMPOP arguments: numkeys key [key ...] LEFT|RIGHT [COUNT count].
struct MpopArgs {
  int numkeys;
  const lunar_str* keys;
  End where;
  long long count;
};
// Parses them from argv[numkeys_at]; replies Redis's error and returns false on a bad one.
bool parse_mpop(lunar_ctx* ctx, int argc, const lunar_str* argv, int numkeys_at, MpopArgs* out);

// Pops from the first of `keys` holding a list: replies [key, element] (BLPOP's shape) or, with
// `count` >= 1, [key, [elements...]] (LMPOP's). kNone: no key held a list, nothing replied;
// kError: a key before any list held another type, -WRONGTYPE replied. What was done is
// propagated as Redis 7.0 does: LPOP/RPOP key, with the number popped in LMPOP's shape.
Served pop_first_and_reply(lunar_ctx* ctx, int nkeys, const lunar_str* keys, End where,
                           long long count);

// The blocking commands' registration rows (lists_blocking.cc).
std::span<const lunar_command_def> blocking_commands();

}  // namespace lists

#endif  // LUNAR_MODULES_LISTS_LISTS_H
