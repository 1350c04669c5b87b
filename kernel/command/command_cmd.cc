// COMMAND and its subcommands: (none), COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP,
// with Redis 7.0's reply shapes. Everything here reads the command table's metadata (declared
// once, in each command's registration row); nothing is kept on the side.
//
// Key specs. A command declares its keys as a legacy range (first, last, step). COMMAND INFO
// shows that range as one key spec of Redis's shape (begin_search "index", find_keys "range"),
// the way Redis 7.0 describes a module command registered with a range; its flags are derived
// from the command's flags (readonly: RO access; otherwise RW access update). GETKEYS extracts
// keys from the same range.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/module/module.h"
#include "kernel/util/glob.h"

namespace lunar {

namespace {

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------
// Resolves "name" or "container|sub" (any case) to a command; nullptr when unknown.
Command* find_by_fullname(std::string_view name) {
  size_t bar = name.find('|');
  Command* c = g_commands.find(name.substr(0, bar));
  if (!c || bar == std::string_view::npos) return c;
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  return c->find_sub(sub);
}

// The flags COMMAND INFO shows. "module" is left out: Lunar's own families are modules, and
// they claim the identity of Redis's built-in commands.
std::vector<std::string_view> visible_flags(const Command& c) {
  return command_flag_names(c.flags & ~static_cast<uint64_t>(kCmdModule));
}

std::vector<std::string_view> key_spec_flags(const Command& c) {
  if (!c.key_flags.empty()) return {c.key_flags.begin(), c.key_flags.end()};
  if (c.flags & kCmdReadonly) return {"RO", "access"};
  return {"RW", "access", "update"};
}

// The positions (indexes into argv) of the keys of a call of `c` with `argc` arguments, from
// the command's key range. Empty when the range does not fit the call (Redis returns no keys
// then and lets the command report the arity or syntax error).
std::vector<int> key_positions(const Command& c, int argc) {
  std::vector<int> pos;
  if (c.first_key <= 0) return pos;
  int last = c.last_key < 0 ? argc + c.last_key : c.last_key;
  int step = c.key_step > 0 ? c.key_step : 1;
  if (last >= argc || last < c.first_key) return pos;
  for (int j = c.first_key; j <= last; j += step) pos.push_back(j);
  return pos;
}

void reply_flag_set(ReplySink* r, const std::vector<std::string_view>& names) {
  r->aggregate(Agg::kSet, static_cast<long>(names.size()));
  for (std::string_view n : names) r->simple(n);
}

void reply_key_spec(ReplySink* r, const Command& c) {
  r->aggregate(Agg::kMap, 3);
  r->bulk("flags");
  reply_flag_set(r, key_spec_flags(c));
  r->bulk("begin_search");
  r->aggregate(Agg::kMap, 2);
  r->bulk("type");
  r->bulk("index");
  r->bulk("spec");
  r->aggregate(Agg::kMap, 1);
  r->bulk("index");
  r->integer(c.first_key);
  r->bulk("find_keys");
  r->aggregate(Agg::kMap, 2);
  r->bulk("type");
  r->bulk("range");
  r->bulk("spec");
  r->aggregate(Agg::kMap, 3);
  r->bulk("lastkey");
  r->integer(c.last_key < 0 ? c.last_key : c.last_key - c.first_key);
  r->bulk("keystep");
  r->integer(c.key_step);
  r->bulk("limit");
  r->integer(0);
}

// One COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL categories, tips,
// key specs, subcommands (each an entry of the same shape).
void reply_command_info(ReplySink* r, const Command& c) {
  r->aggregate(Agg::kArray, 10);
  r->bulk(c.fullname);
  r->integer(c.arity);
  reply_flag_set(r, visible_flags(c));
  r->integer(c.first_key);
  r->integer(c.last_key);
  r->integer(c.key_step);
  const auto& cats = acl_category_names();
  std::vector<std::string> acl;
  for (size_t i = 0; i < cats.size(); i++)
    if (c.acl & (1ull << i)) acl.push_back("@" + cats[i]);
  r->aggregate(Agg::kSet, static_cast<long>(acl.size()));
  for (const auto& a : acl) r->simple(a);
  r->aggregate(Agg::kSet, 0);  // tips: not declared in the command table
  r->aggregate(Agg::kSet, c.has_keys() ? 1 : 0);
  if (c.has_keys()) reply_key_spec(r, c);
  // Redis 7.0 sends subcommands as an array, and "none" as an empty set.
  r->aggregate(c.subcommands.empty() ? Agg::kSet : Agg::kArray,
               static_cast<long>(c.subcommands.size()));
  for (const auto& sub : c.subcommands) reply_command_info(r, *sub);
}

// One COMMAND DOCS value: a map of the documentation fields the command declares (group always;
// "module" when a module declared none), then its subcommands as a map of the same.
void reply_command_docs(ReplySink* r, const Command& c) {
  long n =
      1 + !c.summary.empty() + !c.since.empty() + !c.complexity.empty() + !c.subcommands.empty();
  r->aggregate(Agg::kMap, n);
  if (!c.summary.empty()) {
    r->bulk("summary");
    r->bulk(c.summary);
  }
  if (!c.since.empty()) {
    r->bulk("since");
    r->bulk(c.since);
  }
  r->bulk("group");
  r->bulk(c.group.empty() ? "module" : c.group);
  if (!c.complexity.empty()) {
    r->bulk("complexity");
    r->bulk(c.complexity);
  }
  if (!c.subcommands.empty()) {
    r->bulk("subcommands");
    r->aggregate(Agg::kMap, static_cast<long>(c.subcommands.size()));
    for (const auto& sub : c.subcommands) {
      r->bulk(sub->fullname);
      reply_command_docs(r, *sub);
    }
  }
}

// COMMAND LIST's filters.
struct ListFilter {
  enum Kind { kNone, kModule, kAclCat, kPattern } kind = kNone;
  std::string_view arg;
  int acl_bit = -1;  // for kAclCat: the category's bit, -1 when unknown (matches nothing)

  bool matches(const Command& c) const {
    switch (kind) {
      case kNone:
        return true;
      case kModule: {
        const lunar_module* m = c.owner ? c.owner : (c.parent ? c.parent->owner : nullptr);
        return m && m->name == arg;
      }
      case kAclCat:
        return acl_bit >= 0 && (c.acl & (1ull << acl_bit));
      case kPattern:
        return glob_match(arg, c.fullname, true);
    }
    return false;
  }
};

void collect_names(const Command& c, const ListFilter& f, std::vector<const std::string*>* out) {
  if (f.matches(c)) out->push_back(&c.fullname);
  for (const auto& sub : c.subcommands) collect_names(*sub, f, out);
}

int acl_bit_by_name(std::string_view name) {
  const auto& cats = acl_category_names();
  for (size_t i = 0; i < cats.size(); i++) {
    lunar_str s{name.data(), name.size()};
    if (arg_is(s, cats[i])) return static_cast<int>(i);
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------
// COMMAND: every command's entry.
int command_cmd(Ctx* ctx, int, const lunar_str*) {
  const auto& all = g_commands.all();
  ctx->reply->aggregate(Agg::kArray, static_cast<long>(all.size()));
  for (const auto& [name, cmd] : all) reply_command_info(ctx->reply, *cmd);
  return LUNAR_OK;
}

int command_count_cmd(Ctx* ctx, int, const lunar_str*) {
  ctx->reply->integer(static_cast<long long>(g_commands.all().size()));
  return LUNAR_OK;
}

// COMMAND INFO [name ...]: an entry per name (nil for unknown ones); every command without
// names.
int command_info_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc == 2) return command_cmd(ctx, argc, argv);
  ctx->reply->aggregate(Agg::kArray, argc - 2);
  for (int i = 2; i < argc; i++) {
    const Command* c = find_by_fullname(sv(argv[i]));
    if (c) {
      reply_command_info(ctx->reply, *c);
    } else {
      ctx->reply->null();
    }
  }
  return LUNAR_OK;
}

// COMMAND DOCS [name ...]: a map of name -> docs, unknown names left out; every command
// without names.
int command_docs_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  std::vector<const Command*> found;
  if (argc == 2) {
    for (const auto& [name, cmd] : g_commands.all()) found.push_back(cmd.get());
  } else {
    for (int i = 2; i < argc; i++)
      if (const Command* c = find_by_fullname(sv(argv[i]))) found.push_back(c);
  }
  ctx->reply->aggregate(Agg::kMap, static_cast<long>(found.size()));
  for (const Command* c : found) {
    ctx->reply->bulk(c->fullname);
    reply_command_docs(ctx->reply, *c);
  }
  return LUNAR_OK;
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: names of commands
// and subcommands ("config|get").
int command_list_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  ListFilter f;
  if (argc == 5 && arg_is(argv[2], "filterby")) {
    f.arg = sv(argv[4]);
    if (arg_is(argv[3], "module")) {
      f.kind = ListFilter::kModule;
    } else if (arg_is(argv[3], "aclcat")) {
      f.kind = ListFilter::kAclCat;
      f.acl_bit = acl_bit_by_name(f.arg);
    } else if (arg_is(argv[3], "pattern")) {
      f.kind = ListFilter::kPattern;
    } else {
      reply_syntax_error(ctx);
      return LUNAR_OK;
    }
  } else if (argc != 2) {
    reply_syntax_error(ctx);
    return LUNAR_OK;
  }
  std::vector<const std::string*> names;
  for (const auto& [name, cmd] : g_commands.all()) collect_names(*cmd, f, &names);
  ctx->reply->aggregate(Agg::kArray, static_cast<long>(names.size()));
  for (const std::string* n : names) ctx->reply->bulk(*n);
  return LUNAR_OK;
}

// COMMAND GETKEYS / GETKEYSANDFLAGS <command> [arg ...]: the keys of that call, with their key
// spec flags for GETKEYSANDFLAGS.
int getkeys_generic(Ctx* ctx, int argc, const lunar_str* argv, bool with_flags) {
  int cargc = argc - 2;
  const lunar_str* cargv = argv + 2;
  const Command* c = g_commands.lookup(cargc, cargv);
  if (!c) {
    reply_error(ctx, "ERR Invalid command specified");
    return LUNAR_OK;
  }
  bool channels_only = std::find(c->key_flags.begin(), c->key_flags.end(), "not_key") !=
                       c->key_flags.end();
  if ((!c->has_keys() || channels_only) && !(c->flags & kCmdMovableKeys)) {
    reply_error(ctx, "ERR The command has no key arguments");
    return LUNAR_OK;
  }
  if ((c->arity > 0 && c->arity != cargc) || cargc < -c->arity) {
    reply_error(ctx, "ERR Invalid number of arguments specified for command");
    return LUNAR_OK;
  }
  std::vector<int> pos = key_positions(*c, cargc);
  if (pos.empty() && !(c->flags & kCmdNoMandatoryKeys)) {
    reply_error(ctx, "ERR Invalid arguments specified for command");
    return LUNAR_OK;
  }
  ctx->reply->aggregate(Agg::kArray, static_cast<long>(pos.size()));
  for (int p : pos) {
    if (with_flags) {
      ctx->reply->aggregate(Agg::kArray, 2);
      ctx->reply->bulk(sv(cargv[p]));
      reply_flag_set(ctx->reply, key_spec_flags(*c));
    } else {
      ctx->reply->bulk(sv(cargv[p]));
    }
  }
  return LUNAR_OK;
}

int command_getkeys_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return getkeys_generic(ctx, argc, argv, false);
}

int command_getkeysandflags_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  return getkeys_generic(ctx, argc, argv, true);
}

int command_help_cmd(Ctx* ctx, int, const lunar_str*) {
  static const char* lines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
      "HELP",
      "    Prints this help."};
  reply_lines(ctx, lines);
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// Registration (metadata as Redis 7.0's COMMAND INFO / COMMAND DOCS show it)
// ---------------------------------------------------------------------------------------------
const KernelCommand kCommandCommands[] = {
    {"command", command_cmd, -1, "loading stale", 0, 0, 0, "connection",
     "Get array of Redis command details", "2.8.13", "server",
     "O(N) where N is the total number of Redis commands"},
    {"command|count", command_count_cmd, 2, "loading stale", 0, 0, 0, "connection",
     "Get total number of Redis commands", "2.8.13", "server", "O(1)"},
    {"command|list", command_list_cmd, -2, "loading stale", 0, 0, 0, "connection",
     "Get an array of Redis command names", "7.0.0", "server",
     "O(N) where N is the total number of Redis commands"},
    {"command|info", command_info_cmd, -2, "loading stale", 0, 0, 0, "connection",
     "Get array of specific Redis command details, or all when no argument is given.", "2.8.13",
     "server", "O(N) where N is the number of commands to look up"},
    {"command|docs", command_docs_cmd, -2, "loading stale", 0, 0, 0, "connection",
     "Get array of specific Redis command documentation", "7.0.0", "server",
     "O(N) where N is the number of commands to look up"},
    {"command|getkeys", command_getkeys_cmd, -4, "loading stale", 0, 0, 0, "connection",
     "Extract keys given a full Redis command", "2.8.13", "server",
     "O(N) where N is the number of arguments to the command"},
    {"command|getkeysandflags", command_getkeysandflags_cmd, -4, "loading stale", 0, 0, 0,
     "connection", "Extract keys and access flags given a full Redis command", "7.0.0", "server",
     "O(N) where N is the number of arguments to the command"},
    {"command|help", command_help_cmd, 2, "loading stale", 0, 0, 0, "connection",
     "Show helpful text about the different subcommands", "5.0.0", "server", "O(1)"},
};

}  // namespace

void register_command_commands() {
  register_table(kCommandCommands);
}

}  // namespace lunar
