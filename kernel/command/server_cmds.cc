// Connection and server commands: PING ECHO SELECT QUIT HELLO AUTH RESET DBSIZE TIME FLUSHDB
// FLUSHALL SHUTDOWN DEBUG.
#include <unistd.h>

#include <cmath>
#include <cstring>

#include "kernel/command/command.h"
#include "kernel/keyspace/keyspace.h"
#include "kernel/module/module.h"
#include "kernel/net/client.h"
#include "kernel/server.h"
#include "kernel/tx/tx.h"
#include "kernel/util/numbers.h"

namespace lunar {

namespace {

int ping_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc > 2) {
    reply_wrong_arity(ctx, "ping");
    return LUNAR_OK;
  }
  if (ctx->client && ctx->client->resp == 2 && ctx->client->pubsub()) {
    // Subscribed RESP2 clients get PING's answer in the shape of a message.
    ctx->reply->aggregate(Agg::kArray, 2);
    ctx->reply->bulk("pong");
    ctx->reply->bulk(argc == 2 ? sv(argv[1]) : std::string_view());
    return LUNAR_OK;
  }
  if (argc == 2)
    ctx->reply->bulk(sv(argv[1]));
  else
    ctx->reply->simple("PONG");
  return LUNAR_OK;
}

int echo_cmd(Ctx* ctx, int, const lunar_str* argv) {
  ctx->reply->bulk(sv(argv[1]));
  return LUNAR_OK;
}

int select_cmd(Ctx* ctx, int, const lunar_str* argv) {
  long long id;
  if (!string2ll(argv[1].ptr, argv[1].len, &id) || id < INT32_MIN || id > INT32_MAX) {
    reply_error(ctx, LUNAR_ERR_NOT_INTEGER);
    return LUNAR_OK;
  }
  if (id < 0 || id >= static_cast<long long>(g_server.dbs.size())) {
    reply_error(ctx, "ERR DB index is out of range");
    return LUNAR_OK;
  }
  ctx->client->db = static_cast<int>(id);
  reply_ok(ctx);
  return LUNAR_OK;
}

int quit_cmd(Ctx* ctx, int, const lunar_str*) {
  reply_ok(ctx);
  ctx->client->close_after_reply();
  return LUNAR_OK;
}

// Checks a password for the default user (the only user until ACL exists).
bool password_ok(std::string_view user, std::string_view pass) {
  if (user != "default") return false;
  const std::string& req = g_server.settings.requirepass;
  if (req.empty()) return true;
  return pass == req;
}

int auth_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc > 3) {
    reply_syntax_error(ctx);
    return LUNAR_OK;
  }
  std::string_view user = argc == 3 ? sv(argv[1]) : "default";
  std::string_view pass = sv(argv[argc - 1]);
  if (argc == 2 && g_server.settings.requirepass.empty()) {
    reply_error(ctx,
                "ERR AUTH <password> called without any password configured for the default "
                "user. Are you sure your configuration is correct?");
    return LUNAR_OK;
  }
  if (!password_ok(user, pass)) {
    reply_error(ctx, "WRONGPASS invalid username-password pair or user is disabled.");
    return LUNAR_OK;
  }
  ctx->client->flags |= kClientAuthenticated;
  reply_ok(ctx);
  return LUNAR_OK;
}

void reply_hello_map(Ctx* ctx) {
  Client* c = ctx->client;
  ReplySink* r = ctx->reply;
  r->aggregate(Agg::kMap, 7);
  r->bulk("server");
  r->bulk("redis");
  r->bulk("version");
  r->bulk(kRedisCompatVersion);
  r->bulk("proto");
  r->integer(c->resp);
  r->bulk("id");
  r->integer(c->id);
  r->bulk("mode");
  r->bulk("standalone");
  r->bulk("role");
  r->bulk("master");
  r->bulk("modules");
  const auto& mods = loaded_modules();
  r->aggregate(Agg::kArray, static_cast<long>(mods.size()));
  for (const auto& m : mods) {
    r->aggregate(Agg::kMap, 4);
    r->bulk("name");
    r->bulk(m->name);
    r->bulk("ver");
    r->integer(m->version);
    r->bulk("path");
    r->bulk(m->path);
    r->bulk("args");
    r->aggregate(Agg::kArray, static_cast<long>(m->args.size()));
    for (const auto& a : m->args) r->bulk(a);
  }
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
int hello_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  Client* c = ctx->client;
  long long ver = 0;
  int i = 1;
  if (argc >= 2) {
    if (!string2ll(argv[1].ptr, argv[1].len, &ver)) {
      reply_error(ctx, "ERR Protocol version is not an integer or out of range");
      return LUNAR_OK;
    }
    if (ver < 2 || ver > 3) {
      reply_error(ctx, "NOPROTO unsupported protocol version");
      return LUNAR_OK;
    }
    i = 2;
  }
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
  for (; i < argc; i++) {
    int more = argc - i - 1;
    if (arg_is(argv[i], "AUTH") && more >= 2) {
      user = sv(argv[i + 1]);
      pass = sv(argv[i + 2]);
      has_auth = true;
      i += 2;
    } else if (arg_is(argv[i], "SETNAME") && more >= 1) {
      name = sv(argv[i + 1]);
      has_name = true;
      i += 1;
    } else {
      reply_errorf(ctx, "ERR Syntax error in HELLO option '%s'", std::string(sv(argv[i])).c_str());
      return LUNAR_OK;
    }
  }
  if (has_auth && !password_ok(user, pass)) {
    reply_error(ctx, "WRONGPASS invalid username-password pair or user is disabled.");
    return LUNAR_OK;
  }
  if (has_auth) c->flags |= kClientAuthenticated;
  if (!(c->flags & kClientAuthenticated) && !g_server.settings.requirepass.empty()) {
    reply_error(ctx, "NOAUTH HELLO must be called with the client already authenticated, "
                     "otherwise the HELLO AUTH <user> <pass> option can be used to "
                     "authenticate the client and select the RESP protocol version at the same "
                     "time");
    return LUNAR_OK;
  }
  if (has_name) {
    if (!client_name_valid(name)) {
      reply_error(ctx, "ERR Client names cannot contain spaces, newlines or special characters.");
      return LUNAR_OK;
    }
    c->name = std::string(name);
  }
  if (ver) c->set_resp(static_cast<int>(ver));
  reply_hello_map(ctx);
  return LUNAR_OK;
}

int reset_cmd(Ctx* ctx, int, const lunar_str*) {
  Client* c = ctx->client;
  c->db = 0;
  c->set_resp(2);
  c->name.clear();
  c->flags &= ~(kClientReplyOff | kClientReplySkipNext | kClientReplySkip | kClientNoEvict);
  tx::reset_client(c);
  fire_event(LUNAR_EVENT_CLIENT_RESET, c->id);
  c->subs[0] = c->subs[1] = c->subs[2] = 0;
  if (!g_server.settings.requirepass.empty()) c->flags &= ~kClientAuthenticated;
  ctx->reply->simple("RESET");
  return LUNAR_OK;
}

int dbsize_cmd(Ctx* ctx, int, const lunar_str*) {
  ctx->reply->integer(static_cast<long long>(db_at(ctx->db).size()));
  return LUNAR_OK;
}

int time_cmd(Ctx* ctx, int, const lunar_str*) {
  long long us = now_us();
  char buf[32];
  ctx->reply->aggregate(Agg::kArray, 2);
  int n = ll2string(buf, sizeof buf, us / 1000000);
  ctx->reply->bulk(std::string_view(buf, n));
  n = ll2string(buf, sizeof buf, us % 1000000);
  ctx->reply->bulk(std::string_view(buf, n));
  return LUNAR_OK;
}

// FLUSHDB / FLUSHALL [ASYNC | SYNC]: the flush itself is synchronous either way (values are
// freed in place); ASYNC is accepted for compatibility.
bool parse_flush_flags(Ctx* ctx, int argc, const lunar_str* argv) {
  if (argc > 2 || (argc == 2 && !arg_is(argv[1], "ASYNC") && !arg_is(argv[1], "SYNC"))) {
    reply_syntax_error(ctx);
    return false;
  }
  return true;
}

void flush_db(int i) {
  signal_db_replacing(i, -1);
  g_server.stats.dirty += static_cast<long long>(db_at(i).size());
  db_at(i).clear();
  signal_flushed(i);
}

int flushdb_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  if (!parse_flush_flags(ctx, argc, argv)) return LUNAR_OK;
  flush_db(ctx->db);
  reply_ok(ctx);
  return LUNAR_OK;
}

int flushall_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  if (!parse_flush_flags(ctx, argc, argv)) return LUNAR_OK;
  for (int i = 0; i < static_cast<int>(g_server.dbs.size()); i++) flush_db(i);
  g_server.stats.dirty++;
  reply_ok(ctx);
  return LUNAR_OK;
}

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
int shutdown_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  bool abort = false, other = false, nosave = false;
  for (int i = 1; i < argc; i++) {
    if (arg_is(argv[i], "ABORT")) {
      abort = true;
    } else if (arg_is(argv[i], "NOSAVE")) {
      other = nosave = true;
    } else if ( arg_is(argv[i], "SAVE") || arg_is(argv[i], "NOW") ||
               arg_is(argv[i], "FORCE")) {
      other = true;
    } else {
      reply_syntax_error(ctx);
      return LUNAR_OK;
    }
  }
  if (abort) {
    if (other) {
      reply_syntax_error(ctx);
    } else {
      reply_error(ctx, "ERR No shutdown in progress.");
    }
    return LUNAR_OK;
  }
  // While a script is busy only SHUTDOWN NOSAVE may stop the server (the dataset may be
  // half-written by the script).
  if (g_server.busy_reply && !nosave) {
    reply_error(ctx, g_server.busy_reply);
    return LUNAR_OK;
  }
  log_line(kLogWarning, "User requested shutdown...");
  request_shutdown();
  ctx->client->flags |= kClientCloseAsap;
  return LUNAR_OK;
}

// DEBUG SLEEP <seconds> | POPULATE <count> [prefix] [size] | SET-ACTIVE-EXPIRE <0|1> | HELP
int debug_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  if (arg_is(argv[1], "SLEEP") && argc == 3) {
    double secs;
    if (!string2d(argv[2].ptr, argv[2].len, &secs)) {
      reply_error(ctx, LUNAR_ERR_NOT_FLOAT);
      return LUNAR_OK;
    }
    if (secs > 0) usleep(static_cast<useconds_t>(secs * 1e6));
    reply_ok(ctx);
    return LUNAR_OK;
  }
  if (arg_is(argv[1], "POPULATE") && argc >= 3 && argc <= 5) {
    long long count, size = 0;
    if (!string2ll(argv[2].ptr, argv[2].len, &count) || count < 0) {
      reply_error(ctx, LUNAR_ERR_POSITIVE);
      return LUNAR_OK;
    }
    std::string prefix = argc >= 4 ? std::string(sv(argv[3])) : "key";
    if (argc == 5 && (!string2ll(argv[4].ptr, argv[4].len, &size) || size < 0)) {
      reply_error(ctx, LUNAR_ERR_POSITIVE);
      return LUNAR_OK;
    }
    if (!g_commands.find("set")) {
      reply_error(ctx, "ERR DEBUG POPULATE needs the strings module (SET) loaded");
      return LUNAR_OK;
    }
    std::string key, val;
    for (long long j = 0; j < count; j++) {
      key = prefix + ":" + std::to_string(j);
      if (lookup_write(ctx->db, key)) continue;
      val = "value:" + std::to_string(j);
      if (size > 0) val.resize(static_cast<size_t>(size), '\0');
      lunar_str args[3] = {{"set", 3}, {key.data(), key.size()}, {val.data(), val.size()}};
      call_internal(ctx->client, ctx->db, 3, args, nullptr);
    }
    reply_ok(ctx);
    return LUNAR_OK;
  }
  if (arg_is(argv[1], "SET-ACTIVE-EXPIRE") && argc == 3) {
    g_server.active_expire_enabled = arg_is(argv[2], "1");
    reply_ok(ctx);
    return LUNAR_OK;
  }
  if (arg_is(argv[1], "HELP")) {
    static const char* lines[] = {
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num>. If <prefix> is specified then",
        "    it is used instead of the 'key' prefix. These are not propagated to",
        "    replicas. Cluster slots are not respected so keys not belonging to the",
        "    current node can be created in cluster mode.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "HELP",
        "    Print this help."};
    reply_lines(ctx, lines);
    return LUNAR_OK;
  }
  reply_errorf(ctx, "ERR unknown subcommand '%.128s'. Try DEBUG HELP.",
               std::string(sv(argv[1])).c_str());
  return LUNAR_OK;
}

const KernelCommand kServerCommands[] = {
    {"ping", ping_cmd, -1, "fast", 0, 0, 0, "connection", "Ping the server",
     "1.0.0", "connection", "O(1)"},
    {"echo", echo_cmd, 2, "loading stale fast", 0, 0, 0, "connection", "Echo the given string", "1.0.0",
     "connection", "O(1)"},
    {"select", select_cmd, 2, "loading stale fast", 0, 0, 0, "connection",
     "Change the selected database for the current connection", "1.0.0", "connection", "O(1)"},
    {"quit", quit_cmd, -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0,
     "connection", "Close the connection", "1.0.0", "connection", "O(1)"},
    {"auth", auth_cmd, -2, "noscript loading stale fast no_auth allow_busy", 0, 0, 0,
     "connection", "Authenticate to the server", "1.0.0", "connection",
     "O(N) where N is the number of passwords defined for the user"},
    {"hello", hello_cmd, -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0,
     "connection", "Handshake with Redis", "6.0.0", "connection", "O(1)"},
    {"reset", reset_cmd, 1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0,
     "connection", "Reset the connection", "6.2.0", "connection", "O(1)"},
    {"dbsize", dbsize_cmd, 1, "readonly fast", 0, 0, 0, "keyspace",
     "Return the number of keys in the selected database", "1.0.0", "server", "O(1)"},
    {"time", time_cmd, 1, "loading stale fast", 0, 0, 0, "", "Return the current server time", "2.6.0",
     "server", "O(1)"},
    {"flushdb", flushdb_cmd, -1, "write", 0, 0, 0, "keyspace dangerous",
     "Remove all keys from the current database", "1.0.0", "server",
     "O(N) where N is the number of keys in the selected database"},
    {"flushall", flushall_cmd, -1, "write", 0, 0, 0, "keyspace dangerous",
     "Remove all keys from all databases", "1.0.0", "server",
     "O(N) where N is the total number of keys in all databases"},
    {"shutdown", shutdown_cmd, -1, "admin noscript loading stale no_multi allow_busy", 0, 0, 0,
     "", "Synchronously save the dataset to disk and then shut down the server",
     "1.0.0", "server", "O(N) when saving, where N is the total number of keys in all databases "
     "when saving data, otherwise O(1)"},
    {"debug", debug_cmd, -2, "admin noscript loading stale", 0, 0, 0, "",
     "A container for debugging commands", "1.0.0", "server", "Depends on subcommand."},
};
}  // namespace

void register_server_commands() {
  register_table(kServerCommands);
}

}  // namespace lunar
