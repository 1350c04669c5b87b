// The subscription registry (registry.h).
#include "registry.h"

namespace pubsub {

bool Registry::add(Kind k, ClientId client, std::string_view name) {
  ClientMap& mine = clients_[client].of[k];
  if (mine.find(name) != mine.end()) return false;
  auto topic = topics_[k].find(name);
  if (topic == topics_[k].end()) topic = topics_[k].emplace(std::string(name), Subscribers()).first;
  Subscribers& subs = topic->second;
  subs.push_back(client);
  mine.emplace(std::string_view(topic->first), std::prev(subs.end()));
  return true;
}

bool Registry::remove(Kind k, ClientId client, std::string_view name) {
  auto c = clients_.find(client);
  if (c == clients_.end()) return false;
  ClientMap& mine = c->second.of[k];
  auto it = mine.find(name);
  if (it == mine.end()) return false;
  Subscribers::iterator node = it->second;
  mine.erase(it);  // before unlink: its key is a view of the topic's name
  unlink(k, name, node);
  if (c->second.empty()) clients_.erase(c);
  return true;
}

void Registry::remove_client(ClientId client) {
  auto c = clients_.find(client);
  if (c == clients_.end()) return;
  for (int k = 0; k < kKinds; k++) {
    ClientMap& mine = c->second.of[k];
    // Each view is read before its topic can be erased; the map is dropped right after.
    for (auto& [name, node] : mine) unlink(static_cast<Kind>(k), name, node);
    mine.clear();
  }
  clients_.erase(c);
}

void Registry::clear() {
  clients_.clear();
  for (TopicMap& t : topics_) t.clear();
}

std::vector<std::string> Registry::names_of(Kind k, ClientId client) const {
  std::vector<std::string> out;
  auto c = clients_.find(client);
  if (c == clients_.end()) return out;
  out.reserve(c->second.of[k].size());
  for (const auto& entry : c->second.of[k]) out.emplace_back(entry.first);
  return out;
}

size_t Registry::count(Kind k, ClientId client) const {
  auto c = clients_.find(client);
  return c == clients_.end() ? 0 : c->second.of[k].size();
}

const Registry::Subscribers* Registry::subscribers(Kind k, std::string_view name) const {
  auto t = topics_[k].find(name);
  return t == topics_[k].end() ? nullptr : &t->second;
}

void Registry::unlink(Kind k, std::string_view name, Subscribers::iterator node) {
  auto t = topics_[k].find(name);
  if (t == topics_[k].end()) return;  // cannot happen: every node belongs to a live topic
  t->second.erase(node);
  if (t->second.empty()) topics_[k].erase(t);
}

}  // namespace pubsub
