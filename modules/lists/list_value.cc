// The list data structure: an array of Packed nodes. See list_value.h for the node fill rules.
#include "list_value.h"

#include <new>

namespace lists {

namespace {

using Pos = lunar::Packed::Pos;
constexpr Pos npos = lunar::Packed::npos;

constexpr size_t kSafetyLimit = 8192;   // bytes of a node under a positive (count) fill
constexpr size_t kMinSizeLimit = 4096;  // bytes of a node under fill -1; each step doubles it
constexpr long long kMaxSizeLevel = 5;  // fill -5 and below: 64 KB

long long g_fill = -2;  // list-max-listpack-size

// Whether a node of `entries` elements taking `used` bytes respects the current fill. A node
// of one element always does.
bool within_limit(size_t used, size_t entries) {
  if (entries <= 1) return true;
  if (g_fill < 0) {
    long long level = -g_fill < kMaxSizeLevel ? -g_fill : kMaxSizeLevel;
    return used <= kMinSizeLimit << (level - 1);
  }
  return entries <= static_cast<unsigned long long>(g_fill) && used <= kSafetyLimit;
}

}  // namespace

void set_node_fill(long long fill) { g_fill = fill; }
long long node_fill() { return g_fill; }

// ---------------------------------------------------------------------------------------------
// Life cycle
// ---------------------------------------------------------------------------------------------
ListValue* ListValue::create() { return new (lunar_alloc(sizeof(ListValue))) ListValue(); }

ListValue* ListValue::clone() const {
  ListValue* c = create();
  c->nodes_.reserve(nodes_.size());
  for (const lunar::Packed& n : nodes_) c->nodes_.push_back(n.clone());
  c->count_ = count_;
  return c;
}

void ListValue::destroy(ListValue* v) {
  if (!v) return;
  v->~ListValue();
  lunar_free(v);
}

size_t ListValue::memory_usage() const {
  size_t total = lunar_alloc_size(const_cast<ListValue*>(this));
  if (nodes_.capacity()) total += lunar_alloc_size(const_cast<lunar::Packed*>(nodes_.data()));
  for (const lunar::Packed& n : nodes_) total += n.bytes();
  return total;
}

// ---------------------------------------------------------------------------------------------
// Node rules
// ---------------------------------------------------------------------------------------------
bool ListValue::fits(const lunar::Packed& node, size_t len) {
  return within_limit(node.used() + lunar::Packed::encoded_size(len), node.size() + 1);
}

// Two nodes' used() both count a header, so the sum slightly overestimates the merged size:
// a merge is never made that would break the limit.
bool ListValue::fits_together(const lunar::Packed& a, const lunar::Packed& b) {
  return within_limit(a.used() + b.used(), a.size() + b.size());
}

void ListValue::split(size_t i, Pos pos) {
  lunar::Packed tail;
  size_t moved = 0;
  for (Pos p = pos; p != npos; p = nodes_[i].next(p), moved++) tail.push_back(nodes_[i].at(p));
  nodes_[i].erase(pos, moved);
  nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(i + 1), std::move(tail));
}

void ListValue::remove_node(size_t i) {
  nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(i));
}

void ListValue::insert_in_node(size_t i, Pos pos, std::string_view v) {
  count_++;
  lunar::Packed& n = nodes_[i];
  if (fits(n, v.size())) {
    n.insert(pos, v);
    return;
  }
  bool at_head = pos == n.first(), at_tail = pos == npos;
  auto new_node_at = [&](size_t at) {
    lunar::Packed fresh;
    fresh.push_back(v);
    nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(at), std::move(fresh));
  };
  if (at_head) {
    if (i > 0 && fits(nodes_[i - 1], v.size())) {
      nodes_[i - 1].push_back(v);
    } else {
      new_node_at(i);
    }
    return;
  }
  if (at_tail) {
    if (i + 1 < nodes_.size() && fits(nodes_[i + 1], v.size())) {
      nodes_[i + 1].push_front(v);
    } else {
      new_node_at(i + 1);
    }
    return;
  }
  split(i, pos);  // node i ends before the insertion point, node i + 1 starts there
  if (fits(nodes_[i], v.size())) {
    nodes_[i].push_back(v);
  } else if (fits(nodes_[i + 1], v.size())) {
    nodes_[i + 1].push_front(v);
  } else {
    new_node_at(i + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Ends
// ---------------------------------------------------------------------------------------------
void ListValue::push(End where, std::string_view v) {
  if (nodes_.empty()) {
    nodes_.emplace_back();
    nodes_.back().push_back(v);
    count_++;
  } else if (where == End::kHead) {
    insert_in_node(0, nodes_[0].first(), v);
  } else {
    insert_in_node(nodes_.size() - 1, npos, v);
  }
}

std::string ListValue::pop(End where) {
  size_t i = where == End::kHead ? 0 : nodes_.size() - 1;
  lunar::Packed& n = nodes_[i];
  Pos p = where == End::kHead ? n.first() : n.last();
  std::string out(n.at(p));
  n.erase(p);
  count_--;
  if (n.empty()) remove_node(i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cursors
// ---------------------------------------------------------------------------------------------
ListValue::Cursor ListValue::at(long long i) const {
  long long n = static_cast<long long>(count_);
  if (i < 0) i += n;
  if (i < 0 || i >= n) return {};
  if (i <= n / 2) {
    for (size_t k = 0; k < nodes_.size(); k++) {
      long long sz = static_cast<long long>(nodes_[k].size());
      if (i < sz) return {k, nodes_[k].index(i)};
      i -= sz;
    }
  } else {
    long long from_tail = n - 1 - i;
    for (size_t k = nodes_.size(); k-- > 0;) {
      long long sz = static_cast<long long>(nodes_[k].size());
      if (from_tail < sz) return {k, nodes_[k].index(-1 - from_tail)};
      from_tail -= sz;
    }
  }
  return {};
}

ListValue::Cursor ListValue::front() const {
  return nodes_.empty() ? Cursor{} : Cursor{0, nodes_[0].first()};
}

ListValue::Cursor ListValue::back() const {
  return nodes_.empty() ? Cursor{} : Cursor{nodes_.size() - 1, nodes_.back().last()};
}

void ListValue::next(Cursor* c) const {
  c->pos = nodes_[c->node].next(c->pos);
  if (c->pos != npos) return;
  if (++c->node < nodes_.size()) {
    c->pos = nodes_[c->node].first();
  } else {
    *c = Cursor{};
  }
}

void ListValue::prev(Cursor* c) const {
  c->pos = nodes_[c->node].prev(c->pos);
  if (c->pos != npos) return;
  if (c->node > 0) {
    c->node--;
    c->pos = nodes_[c->node].last();
  } else {
    *c = Cursor{};
  }
}

// ---------------------------------------------------------------------------------------------
// Changes in the middle
// ---------------------------------------------------------------------------------------------
void ListValue::insert(Cursor c, bool after, std::string_view v) {
  insert_in_node(c.node, after ? nodes_[c.node].next(c.pos) : c.pos, v);
}

void ListValue::replace(Cursor c, std::string_view v) {
  lunar::Packed& n = nodes_[c.node];
  size_t old = lunar::Packed::encoded_size(n.at(c.pos).size());
  if (within_limit(n.used() - old + lunar::Packed::encoded_size(v.size()), n.size())) {
    n.replace(c.pos, v);
    return;
  }
  // Too big for this node: take the old element out and insert the new one where it was.
  Pos following = n.erase(c.pos);
  count_--;
  insert_in_node(c.node, following, v);
}

ListValue::Cursor ListValue::erase(Cursor c, bool forward) {
  lunar::Packed& n = nodes_[c.node];
  Pos following = n.erase(c.pos);
  count_--;
  if (n.empty()) {
    remove_node(c.node);
    if (forward) return c.node < nodes_.size() ? Cursor{c.node, nodes_[c.node].first()} : Cursor{};
    return c.node > 0 ? Cursor{c.node - 1, nodes_[c.node - 1].last()} : Cursor{};
  }
  if (forward) {
    if (following != npos) return {c.node, following};
    return c.node + 1 < nodes_.size() ? Cursor{c.node + 1, nodes_[c.node + 1].first()} : Cursor{};
  }
  Pos before = following == npos ? n.last() : n.prev(following);
  if (before != npos) return {c.node, before};
  return c.node > 0 ? Cursor{c.node - 1, nodes_[c.node - 1].last()} : Cursor{};
}

void ListValue::erase_head(size_t n) {
  size_t whole = 0;
  while (whole < nodes_.size() && n >= nodes_[whole].size()) {
    n -= nodes_[whole].size();
    count_ -= nodes_[whole].size();
    whole++;
  }
  nodes_.erase(nodes_.begin(), nodes_.begin() + static_cast<std::ptrdiff_t>(whole));
  if (n > 0 && !nodes_.empty()) {
    nodes_[0].erase(nodes_[0].first(), n);
    count_ -= n;
  }
}

void ListValue::erase_tail(size_t n) {
  size_t keep = nodes_.size();
  while (keep > 0 && n >= nodes_[keep - 1].size()) {
    n -= nodes_[keep - 1].size();
    count_ -= nodes_[keep - 1].size();
    keep--;
  }
  nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(keep), nodes_.end());
  if (n > 0 && !nodes_.empty()) {
    lunar::Packed& last = nodes_.back();
    last.erase(last.index(-static_cast<long long>(n)), n);
    count_ -= n;
  }
}

void ListValue::compact() {
  size_t out = 0;  // nodes_[0..out] are final; nodes_[i] is merged into nodes_[out] if it fits
  for (size_t i = 1; i < nodes_.size(); i++) {
    if (fits_together(nodes_[out], nodes_[i])) {
      for (Pos p = nodes_[i].first(); p != npos; p = nodes_[i].next(p))
        nodes_[out].push_back(nodes_[i].at(p));
      nodes_[i].clear();
    } else {
      ++out;
      if (out != i) nodes_[out] = std::move(nodes_[i]);
    }
  }
  if (!nodes_.empty())
    nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(out + 1), nodes_.end());
}

// ---------------------------------------------------------------------------------------------
// Checks (tests)
// ---------------------------------------------------------------------------------------------
std::string ListValue::check() const {
  size_t total = 0;
  for (size_t i = 0; i < nodes_.size(); i++) {
    const lunar::Packed& n = nodes_[i];
    if (n.empty()) return "node " + std::to_string(i) + " is empty";
    if (!within_limit(n.used(), n.size()))
      return "node " + std::to_string(i) + " (" + std::to_string(n.size()) + " elements, " +
             std::to_string(n.used()) + " bytes) exceeds the fill " + std::to_string(g_fill);
    total += n.size();
  }
  if (total != count_)
    return "count " + std::to_string(count_) + " but nodes hold " + std::to_string(total);
  return {};
}

}  // namespace lists
