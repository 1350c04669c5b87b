// The zset data structure: see zset_value.h.
#include "zset_value.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>

namespace zsets {

// =============================================================================================
// SkipList
// =============================================================================================

SkipList::Node* SkipList::make_node(int levels, std::string_view m, double score) {
  size_t bytes = offsetof(Node, level) + sizeof(Level) * static_cast<size_t>(levels) + m.size();
  auto* n = static_cast<Node*>(lunar_alloc(bytes));
  n->score = score;
  n->prev = nullptr;
  n->len = static_cast<uint32_t>(m.size());
  n->nlevels = levels;
  for (int i = 0; i < levels; i++) n->level[i] = Level{nullptr, 0};
  if (!m.empty()) std::memcpy(const_cast<char*>(n->member()), m.data(), m.size());
  return n;
}

SkipList::SkipList() : head_(make_node(kMaxLevel, {}, 0)) {}

SkipList::~SkipList() { lunar_free(head_); }

size_t SkipList::memory_usage() const noexcept { return lunar_alloc_size(head_); }

// Level i+1 with probability 1/4 of level i, as Redis's skiplist.
int SkipList::random_level() {
  int lvl = 1;
  for (;;) {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    if ((rng_ & 3) != 0 || lvl >= kMaxLevel) break;
    lvl++;
  }
  return lvl;
}

SkipList::Node* SkipList::new_node(std::string_view m, double score) {
  return make_node(random_level(), m, score);
}

void SkipList::link(Node* n) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  const double score = n->score;
  const std::string_view m = n->view();
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; i--) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (x->level[i].next &&
           entry_less(x->level[i].next->score, x->level[i].next->view(), score, m)) {
      rank[i] += x->level[i].span;
      x = x->level[i].next;
    }
    update[i] = x;
  }
  int lvl = n->nlevels;
  if (lvl > level_) {
    for (int i = level_; i < lvl; i++) {
      rank[i] = 0;
      update[i] = head_;
      update[i]->level[i].span = size_;
    }
    level_ = lvl;
  }
  for (int i = 0; i < lvl; i++) {
    n->level[i].next = update[i]->level[i].next;
    update[i]->level[i].next = n;
    n->level[i].span = update[i]->level[i].span - (rank[0] - rank[i]);
    update[i]->level[i].span = rank[0] - rank[i] + 1;
  }
  for (int i = lvl; i < level_; i++) update[i]->level[i].span++;
  n->prev = update[0] == head_ ? nullptr : update[0];
  if (n->level[0].next) {
    n->level[0].next->prev = n;
  } else {
    tail_ = n;
  }
  size_++;
}

void SkipList::unlink(Node* n) {
  Node* update[kMaxLevel];
  const double score = n->score;
  const std::string_view m = n->view();
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (x->level[i].next &&
           entry_less(x->level[i].next->score, x->level[i].next->view(), score, m)) {
      x = x->level[i].next;
    }
    update[i] = x;
  }
  for (int i = 0; i < level_; i++) {
    if (update[i]->level[i].next == n) {
      update[i]->level[i].span += n->level[i].span - 1;
      update[i]->level[i].next = n->level[i].next;
    } else {
      update[i]->level[i].span--;
    }
  }
  if (n->level[0].next) {
    n->level[0].next->prev = n->prev;
  } else {
    tail_ = n->prev;
  }
  while (level_ > 1 && head_->level[level_ - 1].next == nullptr) level_--;
  size_--;
}

size_t SkipList::rank(std::string_view m, double score) const noexcept {
  return prefix_count([&](const Node& n) { return entry_less(n.score, n.view(), score, m); });
}

SkipList::Node* SkipList::at(size_t r) const noexcept {
  Node* x = head_;
  size_t traversed = 0;
  size_t want = r + 1;
  for (int i = level_ - 1; i >= 0; i--) {
    while (x->level[i].next && traversed + x->level[i].span <= want) {
      traversed += x->level[i].span;
      x = x->level[i].next;
    }
    if (traversed == want) return x;
  }
  return nullptr;
}

// =============================================================================================
// ZsetValue
// =============================================================================================

ZsetValue::~ZsetValue() {
  if (big_) {
    big_->~Big();
    lunar_free(big_);
  }
}

void ZsetValue::big_insert(std::string_view m, double sc, uint64_t hash) {
  SkipList::Node* n = big_->list.new_node(m, sc);
  big_->list.link(n);
  big_->table.insert(reinterpret_cast<char*>(n), hash);
}

ZsetValue::Pos ZsetValue::lp_find(std::string_view m, size_t* index) const noexcept {
  size_t i = 0;
  for (Pos p = lp_.first(); p != lunar::Packed::npos; p = lp_.next(lp_.next(p)), i++) {
    if (lp_.at(p) == m) {
      *index = i;
      return p;
    }
  }
  return lunar::Packed::npos;
}

void ZsetValue::lp_insert(std::string_view m, double sc) {
  Pos p = lp_.first();
  while (p != lunar::Packed::npos) {
    Pos q = lp_.next(p);
    if (entry_less(sc, m, score_of(lp_.at(q)), lp_.at(p))) break;
    p = lp_.next(q);
  }
  Pos np = lp_.insert(p, m);
  char bytes[sizeof(double)];
  std::memcpy(bytes, &sc, sizeof sc);
  lp_.insert(lp_.next(np), std::string_view(bytes, sizeof bytes));
}

bool ZsetValue::score(std::string_view m, double* out) const {
  if (big_) {
    size_t i = big_->table.find(m);
    if (i == lunar::DenseTable<NodeKey>::npos) return false;
    *out = node(i)->score;
    return true;
  }
  size_t i;
  Pos p = lp_find(m, &i);
  if (p == lunar::Packed::npos) return false;
  *out = score_of(lp_.at(lp_.next(p)));
  return true;
}

bool ZsetValue::set(std::string_view m, double sc, long long max_entries, long long max_value) {
  if (!big_) {
    if (sc == 0) sc = 0.0;  // a listpack stores -0 as the integer 0
    size_t i;
    Pos p = lp_find(m, &i);
    if (p != lunar::Packed::npos) {
      if (score_of(lp_.at(lp_.next(p))) == sc) return false;
      Str copy(m);  // m may not outlive the erase
      lp_.erase(p, 2);
      lp_insert(copy, sc);
      return false;
    }
    if (static_cast<long long>(size()) + 1 > max_entries ||
        static_cast<long long>(m.size()) > max_value) {
      convert_to_skiplist();
    } else {
      lp_insert(m, sc);
      return true;
    }
  }
  uint64_t h = lunar::hash_bytes(m);  // hashed once for the lookup and the insertion
  size_t i = big_->table.find(m, h);
  if (i != lunar::DenseTable<NodeKey>::npos) {
    SkipList::Node* n = node(i);
    if (n->score == sc) return false;
    // The node keeps its block (and its table position): unlinked and relinked at its new
    // place, or only rescored when its neighbours keep it in order.
    const SkipList::Node* prev = n->prev;
    const SkipList::Node* next = n->level[0].next;
    if ((!prev || entry_less(prev->score, prev->view(), sc, n->view())) &&
        (!next || entry_less(sc, n->view(), next->score, next->view()))) {
      n->score = sc;
      return false;
    }
    big_->list.unlink(n);
    n->score = sc;
    big_->list.link(n);
    return false;
  }
  big_insert(m, sc, h);
  return true;
}

bool ZsetValue::erase(std::string_view m) {
  if (!big_) {
    size_t i;
    Pos p = lp_find(m, &i);
    if (p == lunar::Packed::npos) return false;
    lp_.erase(p, 2);
    return true;
  }
  size_t i = big_->table.find(m);
  if (i == lunar::DenseTable<NodeKey>::npos) return false;
  SkipList::Node* n = node(i);
  big_->list.unlink(n);
  // m may be the node's own bytes: the table reads it only until it frees the node.
  big_->table.erase(n->view());
  return true;
}

bool ZsetValue::rank(std::string_view m, size_t* out) const {
  if (big_) {
    double sc;
    if (!score(m, &sc)) return false;
    *out = big_->list.rank(m, sc);
    return true;
  }
  return lp_find(m, out) != lunar::Packed::npos;
}

std::pair<std::string_view, double> ZsetValue::at(size_t r) const noexcept {
  if (big_) {
    SkipList::Node* n = big_->list.at(r);
    return {n->view(), n->score};
  }
  Pos p = lp_.index(static_cast<long long>(2 * r));
  return {lp_.at(p), score_of(lp_.at(lp_.next(p)))};
}

void ZsetValue::convert_to_skiplist() {
  if (big_) return;
  big_ = new (lunar_alloc(sizeof(Big))) Big();
  big_->table.reserve(lp_.size() / 2);
  for (Pos p = lp_.first(); p != lunar::Packed::npos; p = lp_.next(lp_.next(p))) {
    std::string_view m = lp_.at(p);
    big_insert(m, score_of(lp_.at(lp_.next(p))), lunar::hash_bytes(m));
  }
  lp_.clear();
}

size_t ZsetValue::memory_usage() const noexcept {
  size_t n = sizeof(ZsetValue);
  if (big_) {
    n += sizeof(SkipList) + big_->list.memory_usage() + big_->table.memory_usage();
  } else {
    n += lp_.bytes();
  }
  return n;
}

ZsetValue* ZsetValue::clone() const {
  ZsetValue* z = make_zset();
  if (big_) {
    z->convert_to_skiplist();
    z->big_->table.reserve(size());
    for_each([&](std::string_view m, double s) { z->big_insert(m, s, lunar::hash_bytes(m)); });
  } else {
    z->lp_ = lp_.clone();
  }
  return z;
}

ZsetValue* make_zset() { return new (lunar_alloc(sizeof(ZsetValue))) ZsetValue(); }

void destroy_zset(ZsetValue* z) noexcept {
  if (!z) return;
  z->~ZsetValue();
  lunar_free(z);
}

}  // namespace zsets
