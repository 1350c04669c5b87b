// The "zset" value type: distinct byte-string members, each with a double score, ordered by
// (score, member bytes) — Redis 7.0's two sorted-set encodings:
//   listpack  a lunar::Packed of member, score pairs in (score, member) order (the score as
//             its 8 raw bytes), for small sets;
//   skiplist  a skiplist with spans (rank and range in O(log n)) whose nodes (one lunar_alloc
//             block each: score, links, then the member bytes) are also the entries of a
//             lunar::DenseTable, the member -> node index; the table owns the nodes. Its
//             positions give ZSCAN a downward cursor with SCAN's guarantee (dense_table.hpp).
// A zset converts from listpack to skiplist, for good, when it grows past `max_entries`
// members or a member longer than `max_value` bytes is added (zset-max-listpack-*).
//
// Positions ("ranks") are 0-based in ascending order. This file and zset_value.cc are the
// module's data structure (no replies, no keyspace); the unit tests link them directly.
#ifndef LUNAR_MODULES_ZSETS_ZSET_VALUE_H
#define LUNAR_MODULES_ZSETS_ZSET_VALUE_H

#include <lunar/dense_table.hpp>
#include <lunar/module.hpp>
#include <lunar/packed.hpp>

#include <cstddef>
#include <limits>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zsets {

using Str = std::basic_string<char, std::char_traits<char>, lunar::Allocator<char>>;

// (score, member) order: by score, then by member bytes.
inline bool entry_less(double sa, std::string_view ma, double sb, std::string_view mb) noexcept {
  return sa < sb || (sa == sb && ma < mb);
}

// The ordered side of the skiplist encoding. It links and unlinks nodes but does not own them
// (ZsetValue's table does); it owns only its head.
class SkipList {
 public:
  static constexpr int kMaxLevel = 32;
  struct Node;
  struct Level {
    Node* next;
    size_t span;  // how many positions `next` is ahead of this node
  };
  // One block: this header, nlevels Levels, then the len member bytes.
  struct Node {
    double score;
    Node* prev;
    uint32_t len;
    int32_t nlevels;
    Level level[1];
    const char* member() const noexcept {
      return reinterpret_cast<const char*>(level + nlevels);
    }
    std::string_view view() const noexcept { return {member(), len}; }
  };

  SkipList();
  ~SkipList();
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  size_t size() const noexcept { return size_; }
  // A new unlinked node (a lunar_alloc block, freed with lunar_free) with a random level.
  Node* new_node(std::string_view m, double score);
  // Links node n (not linked, its member absent from the list) at its (score, member) place.
  void link(Node* n);
  // Unlinks node n, which must be linked; the node is not freed.
  void unlink(Node* n);
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
  // Bytes held by the list itself (the head; the nodes are counted by their owner).
  size_t memory_usage() const noexcept;

 private:
  static Node* make_node(int levels, std::string_view m, double score);
  int random_level();

  Node* head_;
  Node* tail_ = nullptr;
  size_t size_ = 0;
  int level_ = 1;
  uint64_t rng_ = 0x9e3779b97f4a7c15ULL;
};

class ZsetValue {
 public:
  enum class Encoding { kListpack, kSkiplist };
  ZsetValue() = default;
  ~ZsetValue();
  ZsetValue(const ZsetValue&) = delete;
  ZsetValue& operator=(const ZsetValue&) = delete;

  Encoding encoding() const noexcept { return big_ ? Encoding::kSkiplist : Encoding::kListpack; }
  // OBJECT ENCODING's answer.
  const char* encoding_name() const noexcept { return big_ ? "skiplist" : "listpack"; }
  size_t size() const noexcept { return big_ ? big_->list.size() : lp_.size() / 2; }
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
    if (big_) {
      return big_->list.prefix_count(
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
    if (!big_) {
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
    const SkipList::Node* n = big_->list.at(start);
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

  // One ZSCAN step: a listpack calls fn(member, score) for every entry in rank order and
  // returns 0, whatever the cursor and count (as Redis); a skiplist walks its table's positions
  // downward from `cursor` (0 = the start) for `count` entries, and returns the next cursor (0
  // when complete). An entry present from the first step to the last is visited at least once
  // however the zset changes between steps.
  template <class Fn>
  uint64_t scan(uint64_t cursor, size_t count, Fn&& fn) const {
    if (big_) {
      return big_->table.scan(cursor, count, [&](size_t i) {
        const SkipList::Node* n = node(i);
        fn(n->view(), n->score);
      });
    }
    for_each(fn);
    return 0;
  }

  void convert_to_skiplist();
  size_t memory_usage() const noexcept;
  ZsetValue* clone() const;

 private:
  // The member -> node index: the table's entries are the skiplist's nodes.
  struct NodeKey {
    static std::string_view key(const char* block) noexcept {
      return reinterpret_cast<const SkipList::Node*>(block)->view();
    }
  };
  // The skiplist encoding. Members are destroyed in reverse: the table (the nodes) first.
  struct Big {
    SkipList list;
    lunar::DenseTable<NodeKey> table;
  };
  SkipList::Node* node(size_t i) const noexcept {
    return reinterpret_cast<SkipList::Node*>(const_cast<char*>(big_->table.block(i)));
  }
  // Adds a node for m (absent; hash = lunar::hash_bytes(m)) to the list and the table.
  void big_insert(std::string_view m, double score, uint64_t hash);
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
  Big* big_ = nullptr;  // the skiplist encoding, or nullptr for a listpack
};

ZsetValue* make_zset();
void destroy_zset(ZsetValue* z) noexcept;

}  // namespace zsets

#endif  // LUNAR_MODULES_ZSETS_ZSET_VALUE_H
