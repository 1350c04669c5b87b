// The command table: one entry per command (and per subcommand of a container such as CONFIG),
// declared once with its metadata, which feeds dispatch, COMMAND INFO/DOCS and scripting checks.
#pragma once
#include <lunar/lunar.h>
#include <tsl/robin_map.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/net/reply.h"

namespace lunar {

class Client;

enum CmdFlag : uint64_t {
  kCmdWrite = 1ull << 0,
  kCmdReadonly = 1ull << 1,
  kCmdDenyOom = 1ull << 2,
  kCmdAdmin = 1ull << 3,
  kCmdPubsub = 1ull << 4,
  kCmdNoscript = 1ull << 5,
  kCmdBlocking = 1ull << 6,
  kCmdLoading = 1ull << 7,
  kCmdStale = 1ull << 8,
  kCmdSkipMonitor = 1ull << 9,
  kCmdSkipSlowlog = 1ull << 10,
  kCmdFast = 1ull << 11,
  kCmdNoAuth = 1ull << 12,
  kCmdMayReplicate = 1ull << 13,
  kCmdNoMandatoryKeys = 1ull << 14,
  kCmdNoMulti = 1ull << 15,
  kCmdAllowBusy = 1ull << 16,
  kCmdMovableKeys = 1ull << 17,
  kCmdModule = 1ull << 18,
  kCmdAsking = 1ull << 19,
  kCmdProtected = 1ull << 20,
  kCmdNoAsyncLoading = 1ull << 21,
};

struct Command {
  std::string name;      // lower case; for a subcommand, the subcommand's own name
  std::string fullname;  // "config|get" for subcommands, else name
  lunar_command_fn handler = nullptr;
  int arity = 0;
  uint64_t flags = 0;
  int first_key = 0, last_key = 0, key_step = 0;
  uint64_t acl = 0;  // bit i = category i of acl_category_names()
  std::string summary, since, group, complexity;
  std::vector<std::string> key_flags;  // key spec flags; empty = derived from `flags`
  lunar_module* owner = nullptr;
  Command* parent = nullptr;
  std::vector<std::unique_ptr<Command>> subcommands;
  // Statistics for INFO commandstats.
  long long calls = 0, usec = 0, rejected_calls = 0, failed_calls = 0;

  Command* find_sub(std::string_view sub) const;
  bool has_keys() const { return first_key > 0; }
};

// The ACL categories in Redis's order (as COMMAND INFO lists them).
const std::vector<std::string>& acl_category_names();
// Builds the flag and category bits from a lunar_command_def's strings; false with *bad set to
// the unknown word.
bool parse_command_flags(const char* s, uint64_t* out, std::string* bad);
bool parse_acl_categories(const char* s, uint64_t* out, std::string* bad);
// Adds the categories Redis derives from flags (@read, @write, @fast, @slow, ...).
uint64_t implicit_acl_categories(uint64_t flags, uint64_t acl);
// Key spec flags ("RW access delete"): false with *bad set to an unknown word.
bool parse_key_flags(const char* s, std::vector<std::string>* out, std::string* bad);
// The flag names of `flags`, in COMMAND INFO order.
std::vector<std::string_view> command_flag_names(uint64_t flags);

class CommandTable {
 public:
  // Registers a command; for "parent|sub", the parent must exist. Returns LUNAR_OK,
  // LUNAR_EEXIST or LUNAR_EINVAL.
  int add(std::unique_ptr<Command> cmd);
  // Removes a top-level command (module unload).
  void remove(std::string_view name);
  // Case-insensitive lookup of a top-level command.
  Command* find(std::string_view name) const;
  // Resolves argv to the command or subcommand to run (nullptr when unknown).
  Command* lookup(int argc, const lunar_str* argv) const;
  const tsl::robin_map<std::string, std::unique_ptr<Command>>& all() const { return cmds_; }

 private:
  tsl::robin_map<std::string, std::unique_ptr<Command>> cmds_;
  // Recent lookups by exact spelling (clients and scripts repeat the same few names); any
  // change to the table invalidates it.
  struct CacheEntry {
    std::string name;
    Command* cmd = nullptr;
    uint64_t generation = 0;
  };
  mutable CacheEntry cache_[16];
  uint64_t generation_ = 1;
};

extern CommandTable g_commands;

// Registers the kernel's own commands (each kernel/command/*.cc file adds its table).
void register_kernel_commands();

}  // namespace lunar

// One command call. Built on the stack by the dispatcher (or by a script's redis.call).
struct lunar_ctx {
  lunar::Client* client;  // the calling client; never null for network calls
  lunar::ReplySink* reply;
  int db;
  lunar::Command* cmd;
  lunar_module* module;  // the module of the running command, if any
  int argc = 0;               // the command's arguments (for blocking, which copies them)
  const lunar_str* argv = nullptr;
  int flags = 0;              // LUNAR_CTX_*
  lunar_str ready_key{nullptr, 0};  // with LUNAR_CTX_UNBLOCKED: the key that woke the command
};

namespace lunar {

using Ctx = lunar_ctx;

// A row of a kernel command table, the same shape modules use.
struct KernelCommand {
  const char* name;
  lunar_command_fn handler;
  int arity;
  const char* flags;
  int first_key, last_key, key_step;
  const char* acl;
  const char* summary;
  const char* since;
  const char* group;
  const char* complexity;
  // Key spec flags as COMMAND INFO shows them ("RW access delete"); nullptr (rows that leave it
  // out) derives them from `flags`, as for lunar_command_def.key_flags.
  const char* key_flags = nullptr;
};
// Registers a table of kernel commands; aborts on a malformed row (a programming error).
void register_table(const KernelCommand* rows, size_t n);
template <size_t N>
void register_table(const KernelCommand (&rows)[N]) {
  register_table(rows, N);
}

// Dispatches one request of `c`: lookup, arity, auth and state checks, then the handler.
void call_command(Client* c, int argc, const lunar_str* argv);

// Runs a command on behalf of `c` in database `db` without the client-facing checks (used by
// DEBUG POPULATE and, later, scripts). Replies go to `sink`, or nowhere when it is null.
// Returns false when the command does not exist or its arity does not match.
bool call_internal(Client* c, int db, int argc, const lunar_str* argv, ReplySink* sink);

// Reply helpers for kernel handlers.
inline std::string_view sv(const lunar_str& s) { return {s.ptr, s.len}; }
void reply_error(Ctx* ctx, std::string_view text);
void reply_errorf(Ctx* ctx, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_ok(Ctx* ctx);
void reply_syntax_error(Ctx* ctx);
// "ERR unknown subcommand 'x'. Try CONFIG HELP."
void reply_unknown_subcommand(Ctx* ctx, const lunar_str& sub, const char* container);
void reply_wrong_arity(Ctx* ctx, std::string_view fullname);
// A HELP reply: the lines as an array of simple strings.
void reply_lines(Ctx* ctx, const char* const* lines, size_t n);
template <size_t N>
void reply_lines(Ctx* ctx, const char* const (&lines)[N]) {
  reply_lines(ctx, lines, N);
}
// Case-insensitive comparison of an argument with a keyword.
bool arg_is(const lunar_str& a, std::string_view kw);
// Parses argv as a long long; replies LUNAR_ERR_NOT_INTEGER and returns false otherwise.
bool arg_ll_or_reply(Ctx* ctx, const lunar_str& a, long long* out);
// Counts an error reply in INFO errorstats.
void count_error_reply(std::string_view text);

}  // namespace lunar
