// The zset data structure: see zset_value.h.
#include "zset_value.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace zsets {

// =============================================================================================
// SkipList
// =============================================================================================

SkipList::Node* SkipList::make_node(int levels, std::string_view m, double score) {
  size_t bytes = sizeof(Node) + sizeof(Level) * static_cast<size_t>(levels - 1);
  auto* n = static_cast<Node*>(lunar_alloc(bytes));
  n->score = score;
  n->prev = nullptr;
  n->len = static_cast<uint32_t>(m.size());
  n->nlevels = levels;
  n->member = static_cast<char*>(lunar_alloc(m.size() ? m.size() : 1));
  if (!m.empty()) std::memcpy(n->member, m.data(), m.size());
  for (int i = 0; i < levels; i++) n->level[i] = Level{nullptr, 0};
  return n;
}

void SkipList::free_node(Node* n) noexcept {
  lunar_free(n->member);
  lunar_free(n);
}

SkipList::SkipList() : head_(make_node(kMaxLevel, {}, 0)) {}

SkipList::~SkipList() {
  Node* n = head_->level[0].next;
  while (n) {
    Node* next = n->level[0].next;
    free_node(n);
    n = next;
  }
  free_node(head_);
}

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

SkipList::Node* SkipList::insert(std::string_view m, double score) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
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
  int lvl = random_level();
  if (lvl > level_) {
    for (int i = level_; i < lvl; i++) {
      rank[i] = 0;
      update[i] = head_;
      update[i]->level[i].span = size_;
    }
    level_ = lvl;
  }
  Node* n = make_node(lvl, m, score);
  bytes_ += sizeof(Node) + sizeof(Level) * static_cast<size_t>(lvl - 1) + m.size();
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
  return n;
}

bool SkipList::erase(std::string_view m, double score) {
  Node* update[kMaxLevel];
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (x->level[i].next &&
           entry_less(x->level[i].next->score, x->level[i].next->view(), score, m)) {
      x = x->level[i].next;
    }
    update[i] = x;
  }
  x = x->level[0].next;
  if (!x || x->score != score || x->view() != m) return false;
  for (int i = 0; i < level_; i++) {
    if (update[i]->level[i].next == x) {
      update[i]->level[i].span += x->level[i].span - 1;
      update[i]->level[i].next = x->level[i].next;
    } else {
      update[i]->level[i].span--;
    }
  }
  if (x->level[0].next) {
    x->level[0].next->prev = x->prev;
  } else {
    tail_ = x->prev;
  }
  while (level_ > 1 && head_->level[level_ - 1].next == nullptr) level_--;
  bytes_ -= sizeof(Node) + sizeof(Level) * static_cast<size_t>(x->nlevels - 1) + x->len;
  free_node(x);
  size_--;
  return true;
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
  if (skip_) {
    index_->~Index();
    lunar_free(index_);
    skip_->~SkipList();
    lunar_free(skip_);
  }
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
  if (skip_) {
    auto it = index_->find(m);
    if (it == index_->end()) return false;
    *out = it->second->score;
    return true;
  }
  size_t i;
  Pos p = lp_find(m, &i);
  if (p == lunar::Packed::npos) return false;
  *out = score_of(lp_.at(lp_.next(p)));
  return true;
}

bool ZsetValue::set(std::string_view m, double sc, long long max_entries, long long max_value) {
  if (!skip_) {
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
  auto it = index_->find(m);
  if (it != index_->end()) {
    SkipList::Node* n = it->second;
    if (n->score == sc) return false;
    Str copy(n->view());
    index_->erase(it);
    skip_->erase(copy, n->score);
    SkipList::Node* nn = skip_->insert(copy, sc);
    index_->emplace(nn->view(), nn);
    return false;
  }
  SkipList::Node* nn = skip_->insert(m, sc);
  index_->emplace(nn->view(), nn);
  return true;
}

bool ZsetValue::erase(std::string_view m) {
  if (!skip_) {
    size_t i;
    Pos p = lp_find(m, &i);
    if (p == lunar::Packed::npos) return false;
    lp_.erase(p, 2);
    return true;
  }
  auto it = index_->find(m);
  if (it == index_->end()) return false;
  SkipList::Node* n = it->second;
  double sc = n->score;
  Str copy(n->view());
  index_->erase(it);
  skip_->erase(copy, sc);
  return true;
}

bool ZsetValue::rank(std::string_view m, size_t* out) const {
  if (skip_) {
    double sc;
    if (!score(m, &sc)) return false;
    *out = skip_->rank(m, sc);
    return true;
  }
  return lp_find(m, out) != lunar::Packed::npos;
}

std::pair<std::string_view, double> ZsetValue::at(size_t r) const noexcept {
  if (skip_) {
    SkipList::Node* n = skip_->at(r);
    return {n->view(), n->score};
  }
  Pos p = lp_.index(static_cast<long long>(2 * r));
  return {lp_.at(p), score_of(lp_.at(lp_.next(p)))};
}

void ZsetValue::convert_to_skiplist() {
  if (skip_) return;
  skip_ = new (lunar_alloc(sizeof(SkipList))) SkipList();
  index_ = new (lunar_alloc(sizeof(Index))) Index();
  index_->reserve(lp_.size());
  for (Pos p = lp_.first(); p != lunar::Packed::npos; p = lp_.next(lp_.next(p))) {
    SkipList::Node* n = skip_->insert(lp_.at(p), score_of(lp_.at(lp_.next(p))));
    index_->emplace(n->view(), n);
  }
  lp_.clear();
}

size_t ZsetValue::memory_usage() const noexcept {
  size_t n = sizeof(ZsetValue);
  if (skip_) {
    n += skip_->memory_usage() + index_->size() * (sizeof(void*) * 4) +
         index_->bucket_count() * sizeof(void*);
  } else {
    n += lp_.bytes();
  }
  return n;
}

ZsetValue* ZsetValue::clone() const {
  ZsetValue* z = make_zset();
  if (skip_) {
    z->convert_to_skiplist();
    for_each([&](std::string_view m, double s) {
      SkipList::Node* n = z->skip_->insert(m, s);
      z->index_->emplace(n->view(), n);
    });
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
