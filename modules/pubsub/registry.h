// The subscription registry of the pubsub module: which client is subscribed to which channel,
// pattern or shard channel, in both directions.
//
// Each namespace (Kind) maps a name to its subscribers, a list of client ids in subscription order
// (Redis delivers in that order). Each client maps, per namespace, the names it is subscribed to
// onto its node in that list, so that unsubscribing, and dropping a client that disconnects, cost
// O(1) per subscription. A client's map keys are views of the namespace map's keys (node-based maps
// keep keys in place), so every name is stored once. A name with no subscribers left and a client
// with no subscriptions left are erased: nothing stays behind.
//
// Pure C++: no SDK calls, no replies. Not reentrant: callers must not change the registry while
// they iterate it (pubsub.cc defers the drops that client events ask for during a delivery).
#ifndef LUNAR_MODULES_PUBSUB_REGISTRY_H
#define LUNAR_MODULES_PUBSUB_REGISTRY_H

#include <cstddef>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pubsub {

using ClientId = long long;

// The three namespaces; the values are lunar.h's LUNAR_SUB_* kinds.
enum Kind : int { kChannels = 0, kPatterns = 1, kShardChannels = 2 };
inline constexpr int kKinds = 3;

class Registry {
 public:
  using Subscribers = std::list<ClientId>;

  // Subscribes `client` to `name`; false (and no change) when it already was.
  bool add(Kind k, ClientId client, std::string_view name);
  // Unsubscribes `client` from `name`; false when it was not subscribed.
  bool remove(Kind k, ClientId client, std::string_view name);
  // Drops every subscription of `client` (a no-op for an unknown client).
  void remove_client(ClientId client);
  // Drops everything.
  void clear();

  // Copies of the names `client` is subscribed to in namespace k (any order).
  std::vector<std::string> names_of(Kind k, ClientId client) const;
  // How many names of namespace k `client` is subscribed to.
  size_t count(Kind k, ClientId client) const;
  // The subscribers of `name` in namespace k, or nullptr when it has none.
  const Subscribers* subscribers(Kind k, std::string_view name) const;
  // How many distinct names namespace k has (PUBSUB NUMPAT for kPatterns).
  size_t size(Kind k) const { return topics_[k].size(); }
  // True when no client has any subscription.
  bool empty() const { return clients_.empty(); }

  // Calls f(name, subscribers) for every name of namespace k (unspecified order).
  template <class F>
  void for_each(Kind k, F&& f) const {
    for (const auto& [name, subs] : topics_[k]) f(std::string_view(name), subs);
  }

 private:
  // Hash and equality that let a std::string-keyed map be searched with a string_view.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
  };
  using TopicMap = std::unordered_map<std::string, Subscribers, Hash, Eq>;
  // Per client and namespace: name (a view of the TopicMap key) -> its node in the topic list.
  using ClientMap = std::unordered_map<std::string_view, Subscribers::iterator>;
  struct ClientSubs {
    ClientMap of[kKinds];
    bool empty() const {
      for (const ClientMap& m : of)
        if (!m.empty()) return false;
      return true;
    }
  };

  // Unlinks `node` from the list of `name` in namespace k, erasing the name when it empties.
  void unlink(Kind k, std::string_view name, Subscribers::iterator node);

  TopicMap topics_[kKinds];
  std::unordered_map<ClientId, ClientSubs> clients_;
};

}  // namespace pubsub

#endif  // LUNAR_MODULES_PUBSUB_REGISTRY_H
