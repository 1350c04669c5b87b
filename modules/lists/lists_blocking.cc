// The blocking list commands: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.
//
// Each handler serves at once when a key holds a list, exactly as its non-blocking form does;
// otherwise it blocks the client with lunar_block_on_keys and returns without replying. When a
// key becomes ready the kernel runs the same handler again (LUNAR_CTX_UNBLOCKED set), which
// serves or blocks again, keeping its place in line and its deadline. On timeout the kernel
// replies a null array, which is what Redis 7.0 replies for all five. Where the client cannot
// block (MULTI/EXEC, scripts) the handler replies as Redis 7.0 does there: a null array for
// BLPOP BRPOP BLMPOP, a null bulk for BLMOVE BRPOPLPUSH. Whatever is served is propagated as
// the non-blocking command Redis 7.0 writes to its AOF: LPOP/RPOP key [n], LMOVE, RPOPLPUSH.
#include "lists.h"

namespace lists {
namespace {

// Blocks on `keys` until one holds a list or `deadline_ms` passes; when the client cannot
// block, replies null (`null_bulk`) or a null array instead.
void block_or_reply(lunar_ctx* ctx, int nkeys, const lunar_str* keys, long long deadline_ms,
                    bool null_bulk) {
  if (lunar_block_on_keys(ctx, nkeys, keys, g_list_type, deadline_ms, 0) == LUNAR_OK) return;
  if (null_bulk) {
    lunar_reply_null(ctx);
  } else {
    lunar_reply_null_array(ctx);
  }
}

// The keys to serve from: all of them, or only the one that woke a waiting client (Redis serves
// a client from the key signalled ready first, even when an earlier key of its also has data).
std::span<const lunar_str> keys_to_serve(lunar_ctx* ctx, std::span<const lunar_str> keys,
                                         lunar_str* ready) {
  if (lunar_ctx_ready_key(ctx, ready) != LUNAR_OK) return keys;
  return {ready, 1};
}

// BLPOP/BRPOP key [key ...] timeout: the timeout is parsed first; then [key, element] from the
// first key holding a list (-WRONGTYPE if a key before it holds another type).
void bpop_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, End where) {
  long long deadline;
  if (lunar_parse_timeout(ctx, argv[argc - 1], &deadline) != LUNAR_OK) return;
  lunar_str ready;
  auto keys = keys_to_serve(ctx, {argv + 1, static_cast<size_t>(argc - 2)}, &ready);
  if (pop_first_and_reply(ctx, static_cast<int>(keys.size()), keys.data(), where, 0) ==
      Served::kNone)
    block_or_reply(ctx, argc - 2, argv + 1, deadline, false);
}

int blpop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  bpop_generic(ctx, argc, argv, End::kHead);
  return LUNAR_OK;
}

int brpop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  bpop_generic(ctx, argc, argv, End::kTail);
  return LUNAR_OK;
}

// BLMOVE/BRPOPLPUSH: directions, then the timeout, then LMOVE's work; blocks on the source only
// (a destination of another type is reported when an element is there to move). A move is
// propagated as its non-blocking form, `rewritten` (argv[0] replaced); a client served after
// waiting has its directions spelled "left"/"right", as Redis 7.0 writes them then.
void bmove_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, End from, End to,
                   const char* rewritten) {
  long long deadline;
  if (lunar_parse_timeout(ctx, argv[argc - 1], &deadline) != LUNAR_OK) return;
  switch (move_or_reply(ctx, argv[1], argv[2], from, to)) {
    case Served::kYes: {
      lunar_str nonblocking[5] = {lunar::str(rewritten), argv[1], argv[2]};
      bool woken = lunar_ctx_flags(ctx) & LUNAR_CTX_UNBLOCKED;
      for (int j = 3; j < argc - 1; j++) nonblocking[j] = argv[j];
      if (woken && argc == 6) {
        nonblocking[3] = lunar::str(from == End::kHead ? "left" : "right");
        nonblocking[4] = lunar::str(to == End::kHead ? "left" : "right");
      }
      lunar_replicate(ctx, argc - 1, nonblocking);
      break;
    }
    case Served::kNone:
      block_or_reply(ctx, 1, &argv[1], deadline, true);
      break;
    case Served::kError:
      break;
  }
}

int blmove_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  End from, to;
  if (parse_end(ctx, argv[3], &from) && parse_end(ctx, argv[4], &to))
    bmove_generic(ctx, argc, argv, from, to, "LMOVE");
  return LUNAR_OK;
}

int brpoplpush_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  bmove_generic(ctx, argc, argv, End::kTail, End::kHead, "RPOPLPUSH");
  return LUNAR_OK;
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: LMPOP's arguments are checked
// before the timeout (Redis's order).
int blmpop_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  MpopArgs a;
  if (!parse_mpop(ctx, argc, argv, 2, &a)) return LUNAR_OK;
  long long deadline;
  if (lunar_parse_timeout(ctx, argv[1], &deadline) != LUNAR_OK) return LUNAR_OK;
  lunar_str ready;
  auto keys = keys_to_serve(ctx, {a.keys, static_cast<size_t>(a.numkeys)}, &ready);
  if (pop_first_and_reply(ctx, static_cast<int>(keys.size()), keys.data(), a.where, a.count) ==
      Served::kNone)
    block_or_reply(ctx, a.numkeys, a.keys, deadline, false);
  return LUNAR_OK;
}

constexpr char kAclList[] = "list";
constexpr char kBmoveSummary[] =
    "Pop an element from a list, push it to another list and return it; or block until one is "
    "available";
constexpr char kBpopComplexity[] = "O(N) where N is the number of provided keys.";

using lunar::command;

const lunar_command_def kBlockingCommands[] = {
    command("blmove", blmove_command, 6, "write denyoom noscript blocking", {1, 2, 1}, kAclList,
            {kBmoveSummary, "6.2.0", "list", "O(1)"}, "RW access delete"),
    command("blmpop", blmpop_command, -5, "write blocking movablekeys", lunar::kNoKeys, kAclList,
            {"Pop elements from a list, or block until one is available", "7.0.0", "list",
             "O(N+M) where N is the number of provided keys and M is the number of elements "
             "returned."}),
    command("blpop", blpop_command, -3, "write noscript blocking", {1, -2, 1}, kAclList,
            {"Remove and get the first element in a list, or block until one is available", "2.0.0",
             "list", kBpopComplexity}, "RW access delete"),
    command("brpop", brpop_command, -3, "write noscript blocking", {1, -2, 1}, kAclList,
            {"Remove and get the last element in a list, or block until one is available", "2.0.0",
             "list", kBpopComplexity}, "RW access delete"),
    command("brpoplpush", brpoplpush_command, 4, "write denyoom noscript blocking", {1, 2, 1},
            kAclList, {kBmoveSummary, "2.2.0", "list", "O(1)"}, "RW access delete"),
};

}  // namespace

std::span<const lunar_command_def> blocking_commands() { return kBlockingCommands; }

}  // namespace lists
