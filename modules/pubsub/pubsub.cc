// The pubsub module: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH SSUBSCRIBE SUNSUBSCRIBE
// SPUBLISH and PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB/HELP, with Redis 7.0's
// replies in RESP2 and RESP3, and the server's publisher (keyspace notifications).
//
// Subscriptions live in a Registry (registry.h) keyed by client id. The kernel learns a client's
// subscription counts through lunar_client_set_subscriptions after every (un)subscribe, and does
// the rest of Redis's pub/sub client handling itself (RESP2's subscribed-mode command restriction,
// PING's subscribed form, CLIENT LIST's sub/psub/ssub, the pubsub output limits). Confirmations and
// messages are push replies: RESP3 '>' frames, RESP2 arrays.
//
// Not cluster mode: shard channels are a namespace of their own, delivered as "smessage", with no
// slot checks; patterns never match them.
//
// Client events (disconnect, RESET) drop that client's subscriptions. Writing to a client can make
// the kernel close it, so an event that arrives while this module walks the registry (a delivery, a
// handler) is queued and applied when the walk ends.
#include <lunar/module.hpp>

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "registry.h"

namespace pubsub {
namespace {

using lunar::command;
using lunar::Keys;
using lunar::kNoKeys;
using lunar::str;
using lunar::view;

constexpr char kFlagsSubscribe[] = "pubsub noscript loading stale";
constexpr char kFlagsPublish[] = "pubsub loading stale fast may_replicate";
constexpr char kFlagsInfo[] = "pubsub loading stale";  // PUBSUB's introspection subcommands
constexpr Keys kAllKeys{1, -1, 1};                     // SSUBSCRIBE / SUNSUBSCRIBE
constexpr Keys kFirstKey{1, 1, 1};                     // SPUBLISH

Registry g_registry;
int g_busy = 0;                              // > 0 while the registry is being walked
std::vector<lunar_event> g_deferred_events;  // client events that arrived meanwhile

// =============================================================================================
// Operations
// =============================================================================================

void apply_client_event(const lunar_event& ev);

// Marks a walk of the registry; client events that arrive during it are applied at its end.
class Busy {
 public:
  Busy() { g_busy++; }
  ~Busy() {
    if (--g_busy > 0) return;
    while (!g_deferred_events.empty()) {
      lunar_event ev = g_deferred_events.back();
      g_deferred_events.pop_back();
      apply_client_event(ev);
    }
  }
  Busy(const Busy&) = delete;
  Busy& operator=(const Busy&) = delete;
};

// The count a confirmation carries: channels + patterns for (P)SUBSCRIBE and (P)UNSUBSCRIBE, shard
// channels alone for S(UN)SUBSCRIBE (Redis 7.0).
long long confirmation_count(Kind k, ClientId id) {
  if (k == kShardChannels) return static_cast<long long>(g_registry.count(kShardChannels, id));
  return static_cast<long long>(g_registry.count(kChannels, id) + g_registry.count(kPatterns, id));
}

// One confirmation: [kind, name or null, count].
void reply_confirmation(lunar_ctx* ctx, std::string_view kind, const std::string_view* name,
                        long long count) {
  lunar_reply_push(ctx, 3);
  lunar::reply_bulk(ctx, kind);
  if (name) {
    lunar::reply_bulk(ctx, *name);
  } else {
    lunar_reply_null(ctx);
  }
  lunar_reply_int(ctx, count);
}

// Delivers `message` on `channel` to every subscriber of namespace k (channels or shard channels)
// and, for channels, to every subscriber of each matching pattern: subscribers of the channel
// first, in subscription order, then the patterns' subscribers. A client gets one message per
// matching subscription. Returns the number of deliveries (PUBLISH's reply).
long long publish(Kind k, lunar_str channel, lunar_str message) {
  Busy busy;
  long long receivers = 0;
  std::string_view kind = k == kShardChannels ? "smessage" : "message";
  if (const Registry::Subscribers* subs = g_registry.subscribers(k, view(channel))) {
    for (ClientId id : *subs) {
      receivers++;
      lunar_ctx* t = lunar_client_ctx(id);
      if (!t) continue;
      lunar_reply_push(t, 3);
      lunar::reply_bulk(t, kind);
      lunar_reply_bulk(t, channel.ptr, channel.len);
      lunar_reply_bulk(t, message.ptr, message.len);
    }
  }
  if (k != kChannels) return receivers;
  g_registry.for_each(kPatterns, [&](std::string_view pattern, const Registry::Subscribers& subs) {
    if (!lunar_glob_match(str(pattern), channel, 0)) return;
    for (ClientId id : subs) {
      receivers++;
      lunar_ctx* t = lunar_client_ctx(id);
      if (!t) continue;
      lunar_reply_push(t, 4);
      lunar::reply_bulk(t, "pmessage");
      lunar::reply_bulk(t, pattern);
      lunar_reply_bulk(t, channel.ptr, channel.len);
      lunar_reply_bulk(t, message.ptr, message.len);
    }
  });
  return receivers;
}

// The server's publisher (lunar_register_publisher): PUBLISH without a client.
long long publisher(void*, lunar_str channel, lunar_str message) {
  return publish(kChannels, channel, message);
}

// Drops a client's subscriptions after it disconnected or ran RESET. After RESET the client lives
// on: its counts in the kernel are cleared too (idempotent if the kernel already did).
void apply_client_event(const lunar_event& ev) {
  g_registry.remove_client(ev.client_id);
  if (ev.id != LUNAR_EVENT_CLIENT_RESET) return;
  if (lunar_ctx* t = lunar_client_ctx(ev.client_id)) {
    for (int k = 0; k < kKinds; k++) lunar_client_set_subscriptions(t, k, 0);
  }
}

void on_client_event(void*, const lunar_event* ev) {
  if (g_busy > 0) {
    g_deferred_events.push_back(*ev);
    return;
  }
  apply_client_event(*ev);
}

// Redis's DENY BLOCKING check: SSUBSCRIBE is refused inside MULTI and scripts, SUBSCRIBE and
// PSUBSCRIBE only in scripts (MULTI keeps them for backward compatibility). Replies the error and
// returns true when refused.
bool refuse_deny_blocking(lunar_ctx* ctx, Kind k, const char* upper_name) {
  int flags = lunar_ctx_flags(ctx);
  bool refused = k == kShardChannels ? (flags & (LUNAR_CTX_MULTI | LUNAR_CTX_SCRIPT)) != 0
                                     : (flags & LUNAR_CTX_SCRIPT) && !(flags & LUNAR_CTX_MULTI);
  if (refused)
    lunar_reply_errorf(ctx, "ERR %s isn't allowed for a DENY BLOCKING client", upper_name);
  return refused;
}

// (P|S)SUBSCRIBE: subscribes to every argument, one confirmation each (also for names already
// subscribed), then tells the kernel the new count.
void subscribe_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, Kind k,
                       std::string_view confirm, const char* upper_name) {
  if (refuse_deny_blocking(ctx, k, upper_name)) return;
  Busy busy;
  ClientId id = lunar_ctx_client_id(ctx);
  for (int j = 1; j < argc; j++) {
    std::string_view name = view(argv[j]);
    g_registry.add(k, id, name);
    reply_confirmation(ctx, confirm, &name, confirmation_count(k, id));
  }
  lunar_client_set_subscriptions(ctx, k, static_cast<long long>(g_registry.count(k, id)));
}

// (P|S)UNSUBSCRIBE: unsubscribes from every argument (names not subscribed are confirmed too), or
// with no argument from everything of the namespace; with nothing to leave, one confirmation with a
// null name.
void unsubscribe_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, Kind k,
                         std::string_view confirm) {
  Busy busy;
  ClientId id = lunar_ctx_client_id(ctx);
  if (argc > 1) {
    for (int j = 1; j < argc; j++) {
      std::string_view name = view(argv[j]);
      g_registry.remove(k, id, name);
      reply_confirmation(ctx, confirm, &name, confirmation_count(k, id));
    }
  } else {
    std::vector<std::string> names = g_registry.names_of(k, id);
    for (const std::string& n : names) {
      std::string_view name = n;
      g_registry.remove(k, id, name);
      reply_confirmation(ctx, confirm, &name, confirmation_count(k, id));
    }
    if (names.empty()) reply_confirmation(ctx, confirm, nullptr, confirmation_count(k, id));
  }
  lunar_client_set_subscriptions(ctx, k, static_cast<long long>(g_registry.count(k, id)));
}

// Redis's addReplySubcommandSyntaxError: the subcommand as typed, up to its first NUL and at most
// 128 bytes.
void reply_subcommand_syntax_error(lunar_ctx* ctx, lunar_str sub) {
  size_t n = 0;
  while (n < sub.len && n < 128 && sub.ptr[n] != '\0') n++;
  lunar_reply_errorf(ctx,
                     "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                     "PUBSUB HELP.",
                     static_cast<int>(n), sub.ptr);
}

// PUBSUB CHANNELS / SHARDCHANNELS [pattern]: the names of namespace k with subscribers, filtered by
// the glob pattern when given.
void channels_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, Kind k) {
  if (argc > 3) {
    reply_subcommand_syntax_error(ctx, argv[1]);
    return;
  }
  std::vector<std::string_view> names;
  g_registry.for_each(k, [&](std::string_view name, const Registry::Subscribers&) {
    if (argc == 2 || lunar_glob_match(argv[2], str(name), 0)) names.push_back(name);
  });
  lunar_reply_array(ctx, static_cast<long>(names.size()));
  for (std::string_view n : names) lunar::reply_bulk(ctx, n);
}

// PUBSUB NUMSUB / SHARDNUMSUB [name ...]: name, subscriber count pairs in a flat array (also in
// RESP3, as Redis 7.0). Pattern subscriptions are not counted.
void numsub_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, Kind k) {
  lunar_reply_array(ctx, 2L * (argc - 2));
  for (int j = 2; j < argc; j++) {
    const Registry::Subscribers* subs = g_registry.subscribers(k, view(argv[j]));
    lunar_reply_bulk(ctx, argv[j].ptr, argv[j].len);
    lunar_reply_int(ctx, subs ? static_cast<long long>(subs->size()) : 0);
  }
}

// =============================================================================================
// Command handlers
// =============================================================================================

int subscribe_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  subscribe_generic(ctx, argc, argv, kChannels, "subscribe", "SUBSCRIBE");
  return LUNAR_OK;
}

int psubscribe_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  subscribe_generic(ctx, argc, argv, kPatterns, "psubscribe", "PSUBSCRIBE");
  return LUNAR_OK;
}

int ssubscribe_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  subscribe_generic(ctx, argc, argv, kShardChannels, "ssubscribe", "SSUBSCRIBE");
  return LUNAR_OK;
}

int unsubscribe_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  unsubscribe_generic(ctx, argc, argv, kChannels, "unsubscribe");
  return LUNAR_OK;
}

int punsubscribe_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  unsubscribe_generic(ctx, argc, argv, kPatterns, "punsubscribe");
  return LUNAR_OK;
}

int sunsubscribe_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  unsubscribe_generic(ctx, argc, argv, kShardChannels, "sunsubscribe");
  return LUNAR_OK;
}

int publish_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  lunar_reply_int(ctx, publish(kChannels, argv[1], argv[2]));
  return LUNAR_OK;
}

int spublish_command(lunar_ctx* ctx, int, const lunar_str* argv) {
  lunar_reply_int(ctx, publish(kShardChannels, argv[1], argv[2]));
  return LUNAR_OK;
}

int pubsub_channels_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  channels_generic(ctx, argc, argv, kChannels);
  return LUNAR_OK;
}

int pubsub_shardchannels_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  channels_generic(ctx, argc, argv, kShardChannels);
  return LUNAR_OK;
}

int pubsub_numsub_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  numsub_generic(ctx, argc, argv, kChannels);
  return LUNAR_OK;
}

int pubsub_shardnumsub_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  numsub_generic(ctx, argc, argv, kShardChannels);
  return LUNAR_OK;
}

// The number of distinct patterns subscribed by any client (Redis 7.0 counts patterns, not pattern
// subscriptions).
int pubsub_numpat_command(lunar_ctx* ctx, int, const lunar_str*) {
  lunar_reply_int(ctx, static_cast<long long>(g_registry.size(kPatterns)));
  return LUNAR_OK;
}

int pubsub_help_command(lunar_ctx* ctx, int, const lunar_str*) {
  static constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: "
      "'*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, "
      "excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a "
      "<pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level "
      "channel(s)",
      "HELP",
      "    Prints this help."};
  lunar_reply_array(ctx, static_cast<long>(std::size(kLines)));
  for (std::string_view line : kLines) lunar::reply_simple(ctx, line);
  return LUNAR_OK;
}

// =============================================================================================
// Registration (metadata as Redis 7.0's COMMAND INFO / COMMAND DOCS show it; @pubsub, @slow and
// @fast follow from the flags)
// =============================================================================================
const lunar_command_def kPubsubCommands[] = {
    command("subscribe", subscribe_command, -2, kFlagsSubscribe, kNoKeys, "",
            {"Listen for messages published to the given channels", "2.0.0", "pubsub",
             "O(N) where N is the number of channels to subscribe to."}),
    command("unsubscribe", unsubscribe_command, -1, kFlagsSubscribe, kNoKeys, "",
            {"Stop listening for messages posted to the given channels", "2.0.0", "pubsub",
             "O(N) where N is the number of clients already subscribed to a "
             "channel."}),
    command("psubscribe", psubscribe_command, -2, kFlagsSubscribe, kNoKeys, "",
            {"Listen for messages published to channels matching the given "
             "patterns",
             "2.0.0", "pubsub",
             "O(N) where N is the number of patterns the client is already "
             "subscribed to."}),
    command("punsubscribe", punsubscribe_command, -1, kFlagsSubscribe, kNoKeys, "",
            {"Stop listening for messages posted to channels matching the "
             "given patterns",
             "2.0.0", "pubsub",
             "O(N+M) where N is the number of patterns the client is already "
             "subscribed and M "
             "is the number of total patterns subscribed in the system (by any "
             "client)."}),
    command("publish", publish_command, 3, kFlagsPublish, kNoKeys, "",
            {"Post a message to a channel", "2.0.0", "pubsub",
             "O(N+M) where N is the number of clients subscribed to the "
             "receiving channel and M "
             "is the total number of subscribed patterns (by any client)."}),
    command("ssubscribe", ssubscribe_command, -2, kFlagsSubscribe, kAllKeys, "",
            {"Listen for messages published to the given shard channels", "7.0.0", "pubsub",
             "O(N) where N is the number of shard channels to subscribe to."}, "not_key"),
    command("sunsubscribe", sunsubscribe_command, -1, kFlagsSubscribe, kAllKeys, "",
            {"Stop listening for messages posted to the given shard channels", "7.0.0", "pubsub",
             "O(N) where N is the number of clients already subscribed to a "
             "shard channel."}, "not_key"),
    command("spublish", spublish_command, 3, kFlagsPublish, kFirstKey, "",
            {"Post a message to a shard channel", "7.0.0", "pubsub",
             "O(N) where N is the number of clients subscribed to the "
             "receiving shard channel."}, "not_key"),
    command("pubsub", nullptr, -2, "", kNoKeys, "",
            {"A container for Pub/Sub commands", "2.8.0", "pubsub", "Depends on subcommand."}),
    command("pubsub|channels", pubsub_channels_command, -2, kFlagsInfo, kNoKeys, "",
            {"List active channels", "2.8.0", "pubsub",
             "O(N) where N is the number of active channels, and assuming "
             "constant time "
             "pattern matching (relatively short channels and patterns)"}),
    command("pubsub|numpat", pubsub_numpat_command, 2, kFlagsInfo, kNoKeys, "",
            {"Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub", "O(1)"}),
    command("pubsub|numsub", pubsub_numsub_command, -2, kFlagsInfo, kNoKeys, "",
            {"Get the count of subscribers for channels", "2.8.0", "pubsub",
             "O(N) for the NUMSUB subcommand, where N is the number of "
             "requested channels"}),
    command("pubsub|shardchannels", pubsub_shardchannels_command, -2, kFlagsInfo, kNoKeys, "",
            {"List active shard channels", "7.0.0", "pubsub",
             "O(N) where N is the number of active shard channels, and "
             "assuming constant time "
             "pattern matching (relatively short shard channels)."}),
    command("pubsub|shardnumsub", pubsub_shardnumsub_command, -2, kFlagsInfo, kNoKeys, "",
            {"Get the count of subscribers for shard channels", "7.0.0", "pubsub",
             "O(N) for the SHARDNUMSUB subcommand, where N is the number of "
             "requested shard "
             "channels"}),
    command("pubsub|help", pubsub_help_command, 2, "loading stale", kNoKeys, "",
            {"Show helpful text about the different subcommands", "6.2.0", "pubsub", "O(1)"}),
};

// INFO stats fields: channels, patterns and shard channels with at least one subscriber.
template <Kind k>
long long topics_with_subscribers(void*) {
  return static_cast<long long>(g_registry.size(k));
}

// The module's init: the commands, the client events that drop subscriptions, the server's
// publisher and INFO's pub/sub fields. Takes no arguments.
int pubsub_init(lunar_module* m, int argc, const lunar_str*) {
  if (argc != 0) {
    lunar_log(m, 3, "the pubsub module takes no arguments");
    return LUNAR_EINVAL;
  }
  int rc = lunar::register_commands(m, kPubsubCommands);
  for (int ev : {LUNAR_EVENT_CLIENT_CLOSED, LUNAR_EVENT_CLIENT_RESET}) {
    if (rc == LUNAR_OK) rc = lunar_register_event(m, ev, on_client_event, nullptr);
  }
  if (rc == LUNAR_OK) {
    rc = lunar_register_publisher(m, publisher, nullptr);
    if (rc != LUNAR_OK) lunar_log(m, 3, "cannot become the publisher: %s", lunar_strerror(rc));
  }
  if (rc == LUNAR_OK)
    rc = lunar_register_info_field(m, "pubsub_channels", topics_with_subscribers<kChannels>, nullptr);
  if (rc == LUNAR_OK)
    rc = lunar_register_info_field(m, "pubsub_patterns", topics_with_subscribers<kPatterns>, nullptr);
  if (rc == LUNAR_OK)
    rc = lunar_register_info_field(m, "pubsubshard_channels",
                                   topics_with_subscribers<kShardChannels>, nullptr);
  return rc;
}

// Unloading is refused while any client is subscribed (the kernel would keep counting it as a
// pub/sub client with nothing behind).
int pubsub_deinit(lunar_module*) {
  if (!g_registry.empty()) return LUNAR_EBUSY;
  g_registry.clear();
  return LUNAR_OK;
}

}  // namespace
}  // namespace pubsub

LUNAR_MODULE("pubsub", 1, pubsub::pubsub_init, pubsub::pubsub_deinit);
