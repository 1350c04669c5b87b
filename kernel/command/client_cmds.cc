// CLIENT and its subcommands: ID, SETNAME, GETNAME, LIST, INFO, KILL, REPLY, NO-EVICT, PAUSE,
// UNPAUSE, GETREDIR, TRACKINGINFO, HELP, with Redis 7.0's replies and error texts.
//
// CLIENT LIST / CLIENT INFO print Redis 7.0's line format, field for field. Fields for machinery
// that lives outside the kernel or does not exist yet (pub/sub subscriptions, MULTI, ACL users,
// client tracking) show the values of a client that does not use it.
//
// REPLY OFF/SKIP and PAUSE only set state: the client's input loop (kernel/net/client.cc) drops
// the replies and holds paused requests; UNPAUSE resumes the held clients from the event loop
// right after the current command, never from inside it.
#include <uv.h>

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/net/client.h"
#include "kernel/command/blocking.h"
#include "kernel/server.h"
#include "kernel/tx/tx.h"
#include "kernel/util/numbers.h"

namespace lunar {

namespace {

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------
// Redis's client types as CLIENT LIST TYPE / CLIENT KILL TYPE name them; nullptr when unknown.
const char* client_type_by_name(const lunar_str& name) {
  if (arg_is(name, "normal")) return "normal";
  if (arg_is(name, "replica") || arg_is(name, "slave")) return "replica";
  if (arg_is(name, "master")) return "master";
  if (arg_is(name, "pubsub")) return "pubsub";
  return nullptr;
}

// CLIENT LIST's flags, in Redis 7.0's order.
std::string client_flags(const Client* c) {
  char f[16];
  size_t n = 0;
  if (c->pubsub()) f[n++] = 'P';
  if (c->flags & kClientMulti) f[n++] = 'x';
  if (c->flags & kClientBlocked) f[n++] = 'b';
  if (c->flags & kClientDirtyCas) f[n++] = 'd';
  if (c->flags & kClientCloseAfterReply) f[n++] = 'c';
  if (c->flags & kClientCloseAsap) f[n++] = 'A';
  if (c->flags & kClientUnixSocket) f[n++] = 'U';
  if (c->flags & kClientNoEvict) f[n++] = 'e';
  if (n == 0) f[n++] = 'N';
  return std::string(f, n);
}

// The length snprintf wrote into a buffer of `size` bytes.
size_t clamp_len(int n, size_t size) {
  return n < 0 ? 0 : std::min(static_cast<size_t>(n), size - 1);
}

// Appends one CLIENT LIST line (ending in '\n') in Redis 7.0's field order. The calling client
// (`ctx->client`) is shown running its current command, as Redis shows it, with `argv_mem` bytes
// of arguments; every other client shows the last command it ran.
void append_client_line(std::string* out, const Client* c, const Ctx* ctx, size_t argv_mem) {
  bool self = c == ctx->client;
  long long now = now_ms();
  size_t inflight = c->output_pending() - c->out.size();
  size_t qbuf = c->query_buffer_size();
  size_t qbuf_cap = c->query_buffer_capacity();
  size_t tot_mem = sizeof(Client) + qbuf_cap + c->out.capacity() + inflight + c->name.size() +
                   (self ? argv_mem : 0);
  const std::string& cmd = self && ctx->cmd ? ctx->cmd->fullname : c->last_cmd;
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, "id=%lld addr=%s laddr=%s fd=%d name=", c->id,
                        c->addr.c_str(), c->laddr.c_str(), c->fd());
  out->append(buf, clamp_len(n, sizeof buf));
  out->append(c->name);
  n = std::snprintf(
      buf, sizeof buf,
      " age=%lld idle=%lld flags=%s db=%d sub=%lld psub=%lld ssub=%lld multi=%lld qbuf=%zu qbuf-free=%zu "
      "argv-mem=%zu multi-mem=%zu rbs=%zu rbp=%zu obl=%zu oll=%d omem=%zu tot-mem=%zu events=%s "
      "cmd=",
      (now - c->created_ms) / 1000, (now - c->last_interaction_ms) / 1000, client_flags(c).c_str(),
      c->db, c->subs[0], c->subs[1], c->subs[2], tx::queued_count(c), qbuf, qbuf_cap - std::min(qbuf, qbuf_cap),
      self ? argv_mem : 0, tx::queued_bytes(c), c->out.capacity(),
      c->out.size(), c->out.size(), inflight ? 1 : 0, inflight, tot_mem, inflight ? "rw" : "r");
  out->append(buf, clamp_len(n, sizeof buf));
  out->append(cmd);
  n = std::snprintf(buf, sizeof buf, " user=default redir=-1 resp=%d\n", c->resp);
  out->append(buf, clamp_len(n, sizeof buf));
}

size_t argv_bytes(int argc, const lunar_str* argv) {
  size_t n = 0;
  for (int i = 0; i < argc; i++) n += argv[i].len;
  return n;
}


// Closes a client killed by CLIENT KILL: the caller itself gets its reply first, others go now.
void kill_client(Client* c, Client* caller) {
  if (c == caller) {
    c->close_after_reply();
  } else {
    c->close();
  }
}

// CLIENT KILL's filters (new form). Empty strings / 0 / nullptr mean "any".
struct KillFilter {
  long long id = 0;
  std::string addr, laddr;
  const char* type = nullptr;
  bool skipme = true;

  bool matches(const Client* c, const Client* caller) const {
    if (id && c->id != id) return false;
    if (!addr.empty() && c->addr != addr) return false;
    if (!laddr.empty() && c->laddr != laddr) return false;
    if (type && std::string_view(c->type_name()) != type) return false;
    if (skipme && c == caller) return false;
    return true;
  }
};

// Parses `CLIENT KILL <option> <value> ...`; replies the error and returns false on bad input.
bool parse_kill_filter(Ctx* ctx, int argc, const lunar_str* argv, KillFilter* f) {
  for (int i = 2; i < argc; i += 2) {
    bool more = i + 1 < argc;
    const lunar_str& opt = argv[i];
    if (more && arg_is(opt, "id")) {
      long long id;
      if (!string2ll(argv[i + 1].ptr, argv[i + 1].len, &id) || id <= 0) {
        reply_error(ctx, "ERR client-id should be greater than 0");
        return false;
      }
      f->id = id;
    } else if (more && arg_is(opt, "type")) {
      f->type = client_type_by_name(argv[i + 1]);
      if (!f->type) {
        reply_errorf(ctx, "ERR Unknown client type '%s'", std::string(sv(argv[i + 1])).c_str());
        return false;
      }
    } else if (more && arg_is(opt, "addr")) {
      f->addr = std::string(sv(argv[i + 1]));
    } else if (more && arg_is(opt, "laddr")) {
      f->laddr = std::string(sv(argv[i + 1]));
    } else if (more && arg_is(opt, "user")) {
      if (sv(argv[i + 1]) != "default") {
        reply_errorf(ctx, "ERR No such user '%s'", std::string(sv(argv[i + 1])).c_str());
        return false;
      }
    } else if (more && arg_is(opt, "skipme")) {
      if (arg_is(argv[i + 1], "yes")) {
        f->skipme = true;
      } else if (arg_is(argv[i + 1], "no")) {
        f->skipme = false;
      } else {
        reply_syntax_error(ctx);
        return false;
      }
    } else {
      reply_syntax_error(ctx);
      return false;
    }
  }
  return true;
}

// UNPAUSE resumes the held clients from the loop (a zero-delay timer), so that their queued
// commands never run inside the UNPAUSE command itself.
uv_timer_t g_resume_timer;
bool g_resume_timer_ready = false;

void on_resume_timer(uv_timer_t*) { resume_paused_clients(); }

void schedule_resume() {
  if (!g_resume_timer_ready) {
    uv_timer_init(g_server.loop, &g_resume_timer);
    uv_unref(reinterpret_cast<uv_handle_t*>(&g_resume_timer));  // never keeps the loop alive
    g_resume_timer_ready = true;
  }
  uv_timer_start(&g_resume_timer, on_resume_timer, 0, 0);
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------
int client_id_cmd(Ctx* ctx, int, const lunar_str*) {
  ctx->reply->integer(ctx->client->id);
  return LUNAR_OK;
}

int client_setname_cmd(Ctx* ctx, int, const lunar_str* argv) {
  if (!client_name_valid(sv(argv[2]))) {
    reply_error(ctx, "ERR Client names cannot contain spaces, newlines or special characters.");
    return LUNAR_OK;
  }
  ctx->client->name = std::string(sv(argv[2]));
  reply_ok(ctx);
  return LUNAR_OK;
}

int client_getname_cmd(Ctx* ctx, int, const lunar_str*) {
  if (ctx->client->name.empty()) {
    ctx->reply->null();
  } else {
    ctx->reply->bulk(ctx->client->name);
  }
  return LUNAR_OK;
}

// CLIENT LIST [TYPE normal|master|replica|pubsub] | [ID id [id ...]]
int client_list_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  std::string out;
  size_t argv_mem = argv_bytes(argc, argv);
  if (argc == 4 && arg_is(argv[2], "type")) {
    const char* type = client_type_by_name(argv[3]);
    if (!type) {
      reply_errorf(ctx, "ERR Unknown client type '%s'", std::string(sv(argv[3])).c_str());
      return LUNAR_OK;
    }
    for (const Client* c : g_server.clients)
      if (std::string_view(c->type_name()) == type) append_client_line(&out, c, ctx, argv_mem);
  } else if (argc >= 4 && arg_is(argv[2], "id")) {
    std::vector<long long> ids;
    for (int i = 3; i < argc; i++) {
      long long id;
      if (!string2ll(argv[i].ptr, argv[i].len, &id)) {
        reply_error(ctx, "ERR Invalid client ID");
        return LUNAR_OK;
      }
      ids.push_back(id);
    }
    for (long long id : ids)
      if (const Client* c = client_by_id(id)) append_client_line(&out, c, ctx, argv_mem);
  } else if (argc != 2) {
    reply_syntax_error(ctx);
    return LUNAR_OK;
  } else {
    for (const Client* c : g_server.clients) append_client_line(&out, c, ctx, argv_mem);
  }
  ctx->reply->verbatim("txt", out);
  return LUNAR_OK;
}

int client_info_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  std::string out;
  append_client_line(&out, ctx->client, ctx, argv_bytes(argc, argv));
  ctx->reply->verbatim("txt", out);
  return LUNAR_OK;
}

// CLIENT KILL addr:port (old form: +OK or "No such client") |
// CLIENT KILL <ID id|ADDR addr|LADDR addr|TYPE type|USER user|SKIPME yes|no> ... (the number
// of clients killed).
int client_kill_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  Client* caller = ctx->client;
  std::vector<Client*> victims;
  if (argc == 3) {
    std::string_view addr = sv(argv[2]);
    for (Client* c : g_server.clients)
      if (c->addr == addr) victims.push_back(c);
    if (victims.empty()) {
      reply_error(ctx, "ERR No such client");
      return LUNAR_OK;
    }
    for (Client* c : victims) kill_client(c, caller);
    reply_ok(ctx);
    return LUNAR_OK;
  }
  KillFilter filter;
  if (!parse_kill_filter(ctx, argc, argv, &filter)) return LUNAR_OK;
  for (Client* c : g_server.clients)
    if (filter.matches(c, caller)) victims.push_back(c);
  for (Client* c : victims) kill_client(c, caller);
  ctx->reply->integer(static_cast<long long>(victims.size()));
  return LUNAR_OK;
}

// CLIENT REPLY ON|OFF|SKIP: only ON answers (+OK); the input loop drops the replies of the
// commands that follow OFF, and of the one command that follows SKIP.
int client_reply_cmd(Ctx* ctx, int, const lunar_str* argv) {
  Client* c = ctx->client;
  if (arg_is(argv[2], "on")) {
    c->flags &= ~(kClientReplyOff | kClientReplySkip);
    reply_ok(ctx);
  } else if (arg_is(argv[2], "off")) {
    c->flags |= kClientReplyOff;
  } else if (arg_is(argv[2], "skip")) {
    if (!(c->flags & kClientReplyOff)) c->flags |= kClientReplySkipNext;
  } else {
    reply_syntax_error(ctx);
  }
  return LUNAR_OK;
}

int client_no_evict_cmd(Ctx* ctx, int, const lunar_str* argv) {
  if (arg_is(argv[2], "on")) {
    ctx->client->flags |= kClientNoEvict;
  } else if (arg_is(argv[2], "off")) {
    ctx->client->flags &= ~kClientNoEvict;
  } else {
    reply_syntax_error(ctx);
    return LUNAR_OK;
  }
  reply_ok(ctx);
  return LUNAR_OK;
}

// Redis's reply to a CLIENT subcommand given too many arguments.
void reply_client_syntax(Ctx* ctx, const lunar_str& sub) {
  reply_errorf(ctx,
               "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try CLIENT "
               "HELP.",
               std::string(sv(sub)).c_str());
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's blocking command with its timeout
// reply or an -UNBLOCKED error. :1 when that client was blocked, :0 otherwise. Redis checks the
// reason before the id.
int client_unblock_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc > 4) {
    reply_client_syntax(ctx, argv[1]);
    return LUNAR_OK;
  }
  auto why = blocking::UnblockReason::kTimeout;
  if (argc == 4) {
    if (arg_is(argv[3], "error")) {
      why = blocking::UnblockReason::kError;
    } else if (!arg_is(argv[3], "timeout")) {
      reply_error(ctx, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return LUNAR_OK;
    }
  }
  long long id;
  if (!arg_ll_or_reply(ctx, argv[2], &id)) return LUNAR_OK;
  Client* target = client_by_id(id);
  ctx->reply->integer(target && blocking::unblock_client(target, why) ? 1 : 0);
  return LUNAR_OK;
}

// CLIENT PAUSE timeout-ms [WRITE|ALL]. A pause already in force is only ever extended and
// made stricter, never shortened or relaxed. Redis checks the mode before the timeout.
int client_pause_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc > 4) {
    reply_client_syntax(ctx, argv[1]);
    return LUNAR_OK;
  }
  bool writes_only = false;
  if (argc == 4) {
    if (arg_is(argv[3], "write")) {
      writes_only = true;
    } else if (!arg_is(argv[3], "all")) {
      reply_error(ctx, "ERR CLIENT PAUSE mode must be WRITE or ALL");
      return LUNAR_OK;
    }
  }
  long long timeout;
  if (!string2ll(argv[2].ptr, argv[2].len, &timeout)) {
    reply_error(ctx, "ERR timeout is not an integer or out of range");
    return LUNAR_OK;
  }
  if (timeout < 0) {
    reply_error(ctx, "ERR timeout is negative");
    return LUNAR_OK;
  }
  long long now = now_ms();
  long long until = timeout > LLONG_MAX - now ? LLONG_MAX : now + timeout;
  if (g_server.clients_paused_until_ms > now) {
    g_server.pause_writes_only = g_server.pause_writes_only && writes_only;
    g_server.clients_paused_until_ms = std::max(g_server.clients_paused_until_ms, until);
  } else {
    g_server.pause_writes_only = writes_only;
    g_server.clients_paused_until_ms = until;
  }
  reply_ok(ctx);
  return LUNAR_OK;
}

int client_unpause_cmd(Ctx* ctx, int, const lunar_str*) {
  g_server.clients_paused_until_ms = 0;
  g_server.pause_writes_only = false;
  schedule_resume();
  reply_ok(ctx);
  return LUNAR_OK;
}

// Client-side caching is not implemented: tracking is always off.
int client_getredir_cmd(Ctx* ctx, int, const lunar_str*) {
  ctx->reply->integer(-1);
  return LUNAR_OK;
}

int client_trackinginfo_cmd(Ctx* ctx, int, const lunar_str*) {
  ReplySink* r = ctx->reply;
  r->aggregate(Agg::kMap, 3);
  r->bulk("flags");
  r->aggregate(Agg::kSet, 1);
  r->bulk("off");
  r->bulk("redirect");
  r->integer(-1);
  r->bulk("prefixes");
  r->aggregate(Agg::kArray, 0);
  return LUNAR_OK;
}

int client_help_cmd(Ctx* ctx, int, const lunar_str*) {
  static const char* lines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "HELP",
      "    Prints this help."};
  reply_lines(ctx, lines);
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// Registration (metadata as Redis 7.0's COMMAND INFO / COMMAND DOCS show it)
// ---------------------------------------------------------------------------------------------
const KernelCommand kClientCommands[] = {
    {"client", nullptr, -2, "", 0, 0, 0, "", "A container for client connection commands", "2.4.0",
     "connection", "Depends on subcommand."},
    {"client|id", client_id_cmd, 2, "noscript loading stale", 0, 0, 0, "connection",
     "Returns the client ID for the current connection", "5.0.0", "connection", "O(1)"},
    {"client|setname", client_setname_cmd, 3, "noscript loading stale", 0, 0, 0, "connection",
     "Set the current connection name", "2.6.9", "connection", "O(1)"},
    {"client|getname", client_getname_cmd, 2, "noscript loading stale", 0, 0, 0, "connection",
     "Get the current connection name", "2.6.9", "connection", "O(1)"},
    {"client|list", client_list_cmd, -2, "admin noscript loading stale", 0, 0, 0, "connection",
     "Get the list of client connections", "2.4.0", "connection",
     "O(N) where N is the number of client connections"},
    {"client|info", client_info_cmd, 2, "noscript loading stale", 0, 0, 0, "connection",
     "Returns information about the current client connection.", "6.2.0", "connection", "O(1)"},
    {"client|kill", client_kill_cmd, -3, "admin noscript loading stale", 0, 0, 0, "connection",
     "Kill the connection of a client", "2.4.0", "connection",
     "O(N) where N is the number of client connections"},
    {"client|reply", client_reply_cmd, 3, "noscript loading stale", 0, 0, 0, "connection",
     "Instruct the server whether to reply to commands", "3.2.0", "connection", "O(1)"},
    {"client|no-evict", client_no_evict_cmd, 3, "admin noscript loading stale", 0, 0, 0,
     "connection", "Set client eviction mode for the current connection", "7.0.0", "connection",
     "O(1)"},
    {"client|pause", client_pause_cmd, -3, "admin noscript loading stale", 0, 0, 0, "connection",
     "Stop processing commands from clients for some time", "2.9.50", "connection", "O(1)"},
    {"client|unpause", client_unpause_cmd, 2, "admin noscript loading stale", 0, 0, 0, "connection",
     "Resume processing of clients that were paused", "6.2.0", "connection",
     "O(N) Where N is the number of paused clients"},
    {"client|unblock", client_unblock_cmd, -3, "admin noscript loading stale", 0, 0, 0,
     "connection", "Unblock a client blocked in a blocking command from a different connection",
     "5.0.0", "connection", "O(log N) where N is the number of client connections"},
    {"client|getredir", client_getredir_cmd, 2, "noscript loading stale", 0, 0, 0, "connection",
     "Get tracking notifications redirection client ID if any", "6.0.0", "connection", "O(1)"},
    {"client|trackinginfo", client_trackinginfo_cmd, 2, "noscript loading stale", 0, 0, 0,
     "connection",
     "Return information about server assisted client side caching for the current "
     "connection",
     "6.2.0", "connection", "O(1)"},
    {"client|help", client_help_cmd, 2, "loading stale", 0, 0, 0, "connection",
     "Show helpful text about the different subcommands", "5.0.0", "connection", "O(1)"},
};

}  // namespace

void register_client_commands() {
  register_table(kClientCommands);
}

}  // namespace lunar
