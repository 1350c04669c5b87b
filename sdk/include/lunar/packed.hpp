// lunar/packed.hpp — a compact sequence of byte strings in one allocation, for the small
// encodings of collection types (Redis's "listpack" idea, in Lunar's own format).
//
// Layout of the single block (from lunar_alloc, so used_memory sees it):
//   [count: size_t][used: size_t] then the entries, each
//   [length: LEB128 varint, 1-5 bytes][the bytes][backlen: 1-5 bytes]
// backlen is the size of varint + bytes written so that it reads from its last byte leftwards
// (7 bits per byte, high bit = "more bytes to the left"): the sequence walks both ways without
// an index. An entry of n < 127 bytes costs n + 2 bytes.
//
// Positions (Pos) are byte offsets of entries; any mutation may invalidate every Pos except the
// one a mutating function returns. An empty Packed holds no allocation. Not thread-safe; the
// rules of lunar.h apply (main thread only, lunar__api_ptr set by LUNAR_MODULE).
#ifndef LUNAR_PACKED_HPP
#define LUNAR_PACKED_HPP

#include <lunar/lunar.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

namespace lunar {

class Packed {
 public:
  using Pos = size_t;
  static constexpr Pos npos = static_cast<Pos>(-1);

  Packed() noexcept = default;
  Packed(Packed&& o) noexcept : buf_(std::exchange(o.buf_, nullptr)) {}
  Packed& operator=(Packed&& o) noexcept {
    if (this != &o) {
      clear();
      buf_ = std::exchange(o.buf_, nullptr);
    }
    return *this;
  }
  Packed(const Packed&) = delete;
  Packed& operator=(const Packed&) = delete;
  ~Packed() { clear(); }

  // A deep copy.
  Packed clone() const {
    Packed p;
    if (buf_) {
      p.buf_ = static_cast<char*>(lunar_alloc(used()));
      std::memcpy(p.buf_, buf_, used());
    }
    return p;
  }
  // Frees everything; the sequence becomes empty.
  void clear() noexcept {
    lunar_free(buf_);
    buf_ = nullptr;
  }

  size_t size() const noexcept { return buf_ ? hdr()[0] : 0; }
  bool empty() const noexcept { return size() == 0; }
  // Bytes of memory held (the allocation's usable size), for MEMORY USAGE.
  size_t bytes() const noexcept { return buf_ ? lunar_alloc_size(buf_) : 0; }
  // Bytes of the encoding itself (header included); 0 when empty.
  size_t used() const noexcept { return buf_ ? hdr()[1] : 0; }

  // ---- walking ----------------------------------------------------------------------------
  Pos first() const noexcept { return empty() ? npos : kHeader; }
  Pos last() const noexcept { return empty() ? npos : used() - back_len(used()); }
  Pos next(Pos p) const noexcept {
    Pos n = p + entry_size(p);
    return n >= used() ? npos : n;
  }
  Pos prev(Pos p) const noexcept { return p <= kHeader ? npos : p - back_len(p); }
  // The entry's bytes; valid until the next mutation.
  std::string_view at(Pos p) const noexcept {
    size_t len, hl = read_varint(buf_ + p, &len);
    return std::string_view(buf_ + p + hl, len);
  }
  // The entry at index i (negative counts from the end, -1 the last); npos when out of range.
  // Walks from the nearer end.
  Pos index(long long i) const noexcept {
    long long n = static_cast<long long>(size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) return npos;
    Pos p;
    if (i <= n / 2) {
      p = first();
      while (i-- > 0) p = next(p);
    } else {
      p = last();
      for (long long k = n - 1; k > i; k--) p = prev(p);
    }
    return p;
  }
  // The first entry equal to v among from, then every (skip+1)-th entry after it (skip 1
  // visits the fields of field/value pairs); npos when none.
  Pos find(std::string_view v, Pos from, size_t skip = 0) const noexcept {
    for (Pos p = from; p != npos;) {
      if (at(p) == v) return p;
      p = next(p);
      for (size_t k = 0; k < skip && p != npos; k++) p = next(p);
    }
    return npos;
  }

  // ---- mutation -----------------------------------------------------------------------------
  // Inserts v before the entry at `before` (npos appends). Returns the new entry's Pos.
  Pos insert(Pos before, std::string_view v) {
    size_t need = encoded_size(v.size());
    reserve(need);
    Pos at_pos = before == npos ? used() : before;
    std::memmove(buf_ + at_pos + need, buf_ + at_pos, used() - at_pos);
    write_entry(buf_ + at_pos, v);
    hdr()[0] += 1;
    hdr()[1] += need;
    return at_pos;
  }
  void push_back(std::string_view v) { insert(npos, v); }
  void push_front(std::string_view v) { insert(empty() ? npos : kHeader, v); }

  // Removes n entries starting at p (fewer if the sequence ends first). Returns the Pos of the
  // entry that followed them, or npos. Frees the block when nothing is left.
  Pos erase(Pos p, size_t n = 1) {
    Pos end = p;
    size_t removed = 0;
    while (removed < n && end < used()) {
      end += entry_size(end);
      removed++;
    }
    std::memmove(buf_ + p, buf_ + end, used() - end);
    hdr()[0] -= removed;
    hdr()[1] -= end - p;
    if (hdr()[0] == 0) {
      clear();
      return npos;
    }
    shrink();
    return p >= used() ? npos : p;
  }
  // Replaces the entry at p with v; returns its (unchanged) Pos.
  Pos replace(Pos p, std::string_view v) {
    size_t old = entry_size(p), need = encoded_size(v.size());
    if (need > old) reserve(need - old);
    std::memmove(buf_ + p + need, buf_ + p + old, used() - p - old);
    write_entry(buf_ + p, v);
    hdr()[1] = hdr()[1] + need - old;
    if (need < old) shrink();
    return p;
  }

  // Bytes an entry of n bytes takes in the encoding.
  static constexpr size_t encoded_size(size_t n) noexcept {
    size_t body = varint_len(n) + n;
    return body + varint_len(body);
  }

 private:
  static constexpr size_t kHeader = 2 * sizeof(size_t);

  size_t* hdr() const noexcept { return reinterpret_cast<size_t*>(buf_); }

  static constexpr size_t varint_len(size_t v) noexcept {
    size_t n = 1;
    while (v >= 0x80) {
      v >>= 7;
      n++;
    }
    return n;
  }
  // Reads the forward varint at p into *v; returns its length.
  static size_t read_varint(const char* p, size_t* v) noexcept {
    size_t r = 0, shift = 0, i = 0;
    for (;;) {
      auto b = static_cast<unsigned char>(p[i++]);
      r |= static_cast<size_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    *v = r;
    return i;
  }
  // The size (varint + bytes + backlen) of the entry at p.
  size_t entry_size(Pos p) const noexcept {
    size_t len, hl = read_varint(buf_ + p, &len);
    return hl + len + varint_len(hl + len);
  }
  // The size of the entry that ends just before `end`, read from its backlen.
  size_t back_len(Pos end) const noexcept {
    size_t body = 0, shift = 0, i = 0;
    for (;;) {
      auto b = static_cast<unsigned char>(buf_[end - 1 - i]);
      i++;
      body |= static_cast<size_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    return body + i;
  }
  static void write_entry(char* p, std::string_view v) noexcept {
    size_t n = v.size(), i = 0;
    do {
      auto b = static_cast<unsigned char>(n & 0x7f);
      n >>= 7;
      if (n) b |= 0x80;
      p[i++] = static_cast<char>(b);
    } while (n);
    if (!v.empty()) std::memcpy(p + i, v.data(), v.size());
    size_t body = i + v.size(), bl = varint_len(body);
    // The backlen's first (leftmost) byte holds the highest bits; every byte but the leftmost
    // carries the "more to the left" bit, read right to left.
    char* q = p + body + bl - 1;
    for (size_t k = 0; k < bl; k++) {
      auto b = static_cast<unsigned char>(body & 0x7f);
      body >>= 7;
      if (k + 1 < bl) b |= 0x80;
      *q-- = static_cast<char>(b);
    }
  }
  // Makes room for `extra` more bytes (allocating the header on first use).
  void reserve(size_t extra) {
    size_t cur = used() ? used() : kHeader, want = cur + extra;
    if (!buf_) {
      buf_ = static_cast<char*>(lunar_alloc(want));
      hdr()[0] = 0;
      hdr()[1] = kHeader;
    } else if (lunar_alloc_size(buf_) < want) {
      size_t grow = want + want / 4;
      buf_ = static_cast<char*>(lunar_realloc(buf_, grow));
    }
  }
  // Gives memory back after a removal when much of the block is unused.
  void shrink() {
    if (buf_ && lunar_alloc_size(buf_) > 2 * used() + 64)
      buf_ = static_cast<char*>(lunar_realloc(buf_, used()));
  }

  char* buf_ = nullptr;
};

}  // namespace lunar

#endif  // LUNAR_PACKED_HPP
