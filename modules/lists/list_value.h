// The "list" value type's data structure: a sequence of lunar::Packed nodes (Redis's quicklist
// idea). Command code (lists.cc, lists_blocking.cc) sees only this interface.
//
// A list is an array of nodes, each a Packed block of one or more elements, never empty. How
// full a node may get is the node fill, Redis's list-max-listpack-size:
//   fill < 0   a node holds at most 4 KB << (-fill - 1) bytes of encoding (-1: 4 KB ... -5 and
//              below: 64 KB);
//   fill > 0   a node holds at most `fill` elements, and at most 8 KB unless it has only one;
//   fill == 0  one element per node.
// An element too large for any node sits alone in its own node (Redis's "plain" node). The fill
// in force when an element is added decides where it goes; CONFIG SET does not repack nodes.
// Redis 7.0 encodes every list as a quicklist (a short list is a quicklist of one node), so
// OBJECT ENCODING always answers "quicklist", for one node as for many.
//
// Memory: the ListValue, its node array and every node come from lunar_alloc. Not thread-safe;
// lunar.h's rules apply.
#ifndef LUNAR_MODULES_LISTS_LIST_VALUE_H
#define LUNAR_MODULES_LISTS_LIST_VALUE_H

#include <cstddef>
#include <limits>
#include <lunar/module.hpp>
#include <lunar/packed.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace lists {

// The node fill new elements are placed with (list-max-listpack-size); default -2 (8 KB).
void set_node_fill(long long fill);
long long node_fill();

enum class End { kHead, kTail };  // LEFT / RIGHT in the commands


class ListValue {
 public:
  // A position in the list: a node index and an entry position inside that node. Any mutation
  // invalidates every Cursor except those a mutating function returns.
  struct Cursor {
    size_t node = kNone;
    lunar::Packed::Pos pos = lunar::Packed::npos;
    bool valid() const { return node != kNone; }
  };
  static constexpr size_t kNone = static_cast<size_t>(-1);

  // A new empty list / a deep copy / the destruction of one, all through lunar_alloc.
  static ListValue* create();
  // A new list holding `elements` head to tail (the SDK's from_elements: SORT ... STORE).
  static ListValue* from_elements(const lunar_str* elements, size_t n) {
    ListValue* l = create();
    for (size_t i = 0; i < n; i++) l->push(End::kTail, {elements[i].ptr, elements[i].len});
    return l;
  }
  ListValue* clone() const;
  // OBJECT ENCODING's answer: "quicklist" for every list, as in Redis 7.0 (a small list is one
  // node, but 7.0 has no listpack encoding for lists).
  const char* encoding_name() const noexcept { return "quicklist"; }
  static void destroy(ListValue* v);

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return nodes_.size(); }
  // Bytes held: the value, its node array and every node's block.
  size_t memory_usage() const;

  // ---- ends -----------------------------------------------------------------------------------
  void push(End where, std::string_view v);
  // Removes and returns the element at `where`; the list must not be empty.
  std::string pop(End where);

  // ---- cursors --------------------------------------------------------------------------------
  // The element at index i (negative counts from the end); invalid when out of range.
  Cursor at(long long i) const;
  Cursor front() const;
  Cursor back() const;
  // Steps to the next/previous element; the cursor becomes invalid past an end.
  void next(Cursor* c) const;
  void prev(Cursor* c) const;
  // The element's bytes; valid until the next mutation.
  std::string_view get(Cursor c) const { return nodes_[c.node].at(c.pos); }
  // f(element, NaN) for every element, head to tail, until f returns true (the SDK's for_each
  // callback: other modules read lists through it).
  template <class F>
  void for_each_element(F&& f) const {
    for (Cursor c = front(); c.valid(); next(&c))
      if (f(get(c), std::numeric_limits<double>::quiet_NaN())) return;
  }

  // ---- changes in the middle --------------------------------------------------------------------
  // Inserts v before (after = false) or after the element at c.
  void insert(Cursor c, bool after, std::string_view v);
  // Replaces the element at c with v.
  void replace(Cursor c, std::string_view v);
  // Removes the element at c; returns the cursor of the element that followed it (forward) or
  // preceded it (!forward), invalid when there is none.
  Cursor erase(Cursor c, bool forward);
  // Removes n elements from the head / the tail (fewer if the list is shorter).
  void erase_head(size_t n);
  void erase_tail(size_t n);
  // Merges neighbouring nodes that fit in one node together (after many removals).
  void compact();

  // For tests: every node non-empty, within the fill it could have been built with, and the
  // element count right. Returns a description of the first violation, or empty.
  std::string check() const;
  // For tests: the elements of node i.
  size_t node_size(size_t i) const { return nodes_[i].size(); }

 private:
  ListValue() = default;
  ~ListValue() = default;

  // Whether `node` may take one more element of `len` bytes under the current fill.
  static bool fits(const lunar::Packed& node, size_t len);
  // Whether nodes a and b together fit in one node under the current fill.
  static bool fits_together(const lunar::Packed& a, const lunar::Packed& b);
  // Moves the entries of node i from `pos` onwards into a new node i + 1.
  void split(size_t i, lunar::Packed::Pos pos);
  // Inserts v before `pos` of node i (npos: at its end), splitting or using a neighbour when
  // node i is full.
  void insert_in_node(size_t i, lunar::Packed::Pos pos, std::string_view v);
  void remove_node(size_t i);

  using Nodes = std::vector<lunar::Packed, lunar::Allocator<lunar::Packed>>;
  Nodes nodes_;
  size_t count_ = 0;
};

}  // namespace lists

#endif  // LUNAR_MODULES_LISTS_LIST_VALUE_H
