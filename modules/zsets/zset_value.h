// The "zset" value type: distinct byte-string members, each with a double score, ordered by
// (score, member bytes) — Redis 7.0's two sorted-set encodings:
//   listpack  a lunar::Packed of member, score pairs in (score, member) order (the score as
//             its 8 raw bytes), for small sets;
//   skiplist  a skiplist with spans (rank and range in O(log n)) plus a member -> node index.
// A zset converts from listpack to skiplist, for good, when it grows past `max_entries`
// members or a member longer than `max_value` bytes is added (zset-max-listpack-*).
//
// Positions ("ranks") are 0-based in ascending order. This file and zset_value.cc are the
// module's data structure (no replies, no keyspace); the unit tests link them directly.
#ifndef LUNAR_MODULES_ZSETS_ZSET_VALUE_H
#define LUNAR_MODULES_ZSETS_ZSET_VALUE_H

#include <lunar/module.hpp>
#include <lunar/packed.hpp>

#include <cstddef>
#include <limits>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace zsets {

using Str = std::basic_string<char, std::char_traits<char>, lunar::Allocator<char>>;

// (score, member) order: by score, then by member bytes.
inline bool entry_less(double sa, std::string_view ma, double sb, std::string_view mb) noexcept {
  return sa < sb || (sa == sb && ma < mb);
}

class SkipList {
 public:
  static constexpr int kMaxLevel = 32;
  struct Node;
  struct Level {
    Node* next;
    size_t span;  // how many positions `next` is ahead of this node
  };
  struct Node {
    double score;
    Node* prev;
    uint32_t len;
    int nlevels;
    char* member;  // len bytes, owned
    Level level[1];
    std::string_view view() const noexcept { return {member, len}; }
  };

  SkipList();
  ~SkipList();
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  size_t size() const noexcept { return size_; }
  // Inserts a member known to be absent; returns its node.
  Node* insert(std::string_view m, double score);
  // Removes the node with exactly (score, m); false when absent.
  bool erase(std::string_view m, double score);
  // The 0-based rank of (score, m), which must be present.
  size_t rank(std::string_view m, double score) const noexcept;
  // The node at rank r (< size()).
  Node* at(size_t r) const noexcept;
  Node* first() const noexcept { return head_->level[0].next; }
  Node* last() const noexcept { return tail_; }
  // The number of leading nodes for which pred(node) holds (pred monotone: true then false).
  template <class Pred>
  size_t prefix_count(Pred&& pred) const {
    const Node* x = head_;
    size_t n = 0;
    for (int i = level_ - 1; i >= 0; i--) {
      while (x->level[i].next && pred(*x->level[i].next)) {
        n += x->level[i].span;
        x = x->level[i].next;
      }
    }
    return n;
  }
  size_t memory_usage() const noexcept { return bytes_; }

 private:
  static Node* make_node(int levels, std::string_view m, double score);
  static void free_node(Node* n) noexcept;
  int random_level();

  Node* head_;
  Node* tail_ = nullptr;
  size_t size_ = 0;
  int level_ = 1;
  size_t bytes_ = 0;
  uint64_t rng_ = 0x9e3779b97f4a7c15ULL;
};

class ZsetValue {
 public:
  enum class Encoding { kListpack, kSkiplist };
  ZsetValue() = default;
  ~ZsetValue();
  ZsetValue(const ZsetValue&) = delete;
  ZsetValue& operator=(const ZsetValue&) = delete;

  Encoding encoding() const noexcept { return skip_ ? Encoding::kSkiplist : Encoding::kListpack; }
  // OBJECT ENCODING's answer.
  const char* encoding_name() const noexcept { return skip_ ? "skiplist" : "listpack"; }
  size_t size() const noexcept { return skip_ ? skip_->size() : lp_.size() / 2; }
  bool empty() const noexcept { return size() == 0; }

  // The score of m; false when absent.
  bool score(std::string_view m, double* out) const;
  // Sets m's score (adds m when absent; converts first when the listpack would then hold more
  // than max_entries members or m is longer than max_value). True when m was added.
  bool set(std::string_view m, double score, long long max_entries, long long max_value);
  bool erase(std::string_view m);
  // m's ascending rank; false when absent.
  bool rank(std::string_view m, size_t* out) const;
  // The (member, score) at rank r (< size()).
  std::pair<std::string_view, double> at(size_t r) const noexcept;
  // The number of leading entries for which pred(member, score) holds (pred monotone).
  template <class Pred>
  size_t prefix_count(Pred&& pred) const {
    if (skip_) {
      return skip_->prefix_count(
          [&](const SkipList::Node& n) { return pred(n.view(), n.score); });
    }
    size_t n = 0;
    for (Pos p = lp_.first(); p != lunar::Packed::npos; n++) {
      Pos q = lp_.next(p);
      if (!pred(lp_.at(p), score_of(lp_.at(q)))) break;
      p = lp_.next(q);
    }
    return n;
  }
  // Calls fn(member, score) for ranks [start, start+count) ascending, or, with rev, for the
  // `count` ranks from start downwards (start, start-1, ...). No changes meanwhile.
  template <class Fn>
  void for_range(size_t start, size_t count, bool rev, Fn&& fn) const {
    if (count == 0) return;
    if (!skip_) {
      Pos p = lp_.index(static_cast<long long>(2 * start));
      for (size_t i = 0; i < count && p != lunar::Packed::npos; i++) {
        Pos q = lp_.next(p);
        fn(lp_.at(p), score_of(lp_.at(q)));
        if (rev) {
          p = p == lp_.first() ? lunar::Packed::npos : lp_.prev(lp_.prev(p));
        } else {
          p = lp_.next(q);
        }
      }
      return;
    }
    const SkipList::Node* n = skip_->at(start);
    for (size_t i = 0; i < count && n; i++) {
      fn(n->view(), n->score);
      n = rev ? n->prev : n->level[0].next;
    }
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for_range(0, size(), false, fn);
  }
  // f(member, score) in rank order until f returns true (the SDK's for_each callback).
  template <class F>
  void for_each_element(F&& f) const {
    bool stop = false;
    for_each([&](std::string_view m, double s) { stop = stop || f(m, s); });
  }

  void convert_to_skiplist();
  size_t memory_usage() const noexcept;
  ZsetValue* clone() const;

 private:
  using Index = std::unordered_map<std::string_view, SkipList::Node*, std::hash<std::string_view>,
                                   std::equal_to<>,
                                   lunar::Allocator<std::pair<const std::string_view,
                                                              SkipList::Node*>>>;
  using Pos = lunar::Packed::Pos;
  static double score_of(std::string_view bytes) noexcept {
    double d;
    std::memcpy(&d, bytes.data(), sizeof d);
    return d;
  }
  // The Pos of m's entry (npos when absent); *index receives its rank.
  Pos lp_find(std::string_view m, size_t* index) const noexcept;
  // Inserts the pair (m, score) at its place; m must be absent.
  void lp_insert(std::string_view m, double score);

  lunar::Packed lp_;
  SkipList* skip_ = nullptr;
  Index* index_ = nullptr;
};

ZsetValue* make_zset();
void destroy_zset(ZsetValue* z) noexcept;

}  // namespace zsets

#endif  // LUNAR_MODULES_ZSETS_ZSET_VALUE_H
