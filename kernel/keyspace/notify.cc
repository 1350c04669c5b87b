// Keyspace notifications: notify-keyspace-events and delivery through the publisher.
#include <string>

#include "kernel/keyspace/keyspace.h"
#include "kernel/server.h"
#include "kernel/util/numbers.h"

namespace lunar {

namespace {
// Letters and bits, in the order CONFIG GET prints the classes that 'A' does not cover alone.
struct Letter {
  char c;
  long long bit;
};
constexpr Letter kClassLetters[] = {
    {'g', LUNAR_NOTIFY_GENERIC}, {'$', LUNAR_NOTIFY_STRING}, {'l', LUNAR_NOTIFY_LIST},
    {'s', LUNAR_NOTIFY_SET},     {'h', LUNAR_NOTIFY_HASH},   {'z', LUNAR_NOTIFY_ZSET},
    {'x', LUNAR_NOTIFY_EXPIRED}, {'e', LUNAR_NOTIFY_EVICTED}, {'t', LUNAR_NOTIFY_STREAM},
    {'d', LUNAR_NOTIFY_MODULE},  {'n', LUNAR_NOTIFY_NEW},
};
// 'A': every class except key-miss and new-key events.
constexpr long long kNotifyAll = LUNAR_NOTIFY_GENERIC | LUNAR_NOTIFY_STRING | LUNAR_NOTIFY_LIST |
                                 LUNAR_NOTIFY_SET | LUNAR_NOTIFY_HASH | LUNAR_NOTIFY_ZSET |
                                 LUNAR_NOTIFY_EXPIRED | LUNAR_NOTIFY_EVICTED |
                                 LUNAR_NOTIFY_STREAM | LUNAR_NOTIFY_MODULE;

void publish(const std::string& channel, std::string_view message) {
  const auto& p = g_server.publisher;
  p.fn(p.priv, {channel.data(), channel.size()}, {message.data(), message.size()});
}
}  // namespace

bool parse_notify_flags(std::string_view s, long long* out) {
  long long f = 0;
  for (char c : s) {
    if (c == 'A') {
      f |= kNotifyAll;
    } else if (c == 'K') {
      f |= kNotifyKeyspace;
    } else if (c == 'E') {
      f |= kNotifyKeyevent;
    } else if (c == 'm') {
      f |= LUNAR_NOTIFY_KEY_MISS;
    } else {
      bool known = false;
      for (const Letter& l : kClassLetters) {
        if (l.c == c) {
          f |= l.bit;
          known = true;
        }
      }
      if (!known) return false;
    }
  }
  *out = f;
  return true;
}

// As Redis 7.0 prints it: "A" hides the individual classes (and 'n', even when set).
std::string notify_flags_string(long long f) {
  std::string s;
  if ((f & kNotifyAll) == kNotifyAll) {
    s += 'A';
  } else {
    for (const Letter& l : kClassLetters)
      if (f & l.bit) s += l.c;
  }
  if (f & kNotifyKeyspace) s += 'K';
  if (f & kNotifyKeyevent) s += 'E';
  if (f & LUNAR_NOTIFY_KEY_MISS) s += 'm';
  return s;
}

void notify_event(int cls, std::string_view event, std::string_view key, int db) {
  long long f = g_server.settings.notify_keyspace_events;
  if (!(f & cls) || !g_server.publisher.fn) return;
  char dbbuf[24];
  std::string_view dbs(dbbuf, static_cast<size_t>(ll2string(dbbuf, sizeof dbbuf, db)));
  if (f & kNotifyKeyspace) {
    std::string channel = "__keyspace@";
    channel.append(dbs).append("__:").append(key);
    publish(channel, event);
  }
  if (f & kNotifyKeyevent) {
    std::string channel = "__keyevent@";
    channel.append(dbs).append("__:").append(event);
    publish(channel, key);
  }
}

}  // namespace lunar
