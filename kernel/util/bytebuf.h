// A growable byte buffer whose spare capacity can be filled in place (by a socket read), unlike
// std::string, whose bytes past size() are off limits.
#pragma once
#include <cstddef>
#include <cstring>

#include "kernel/util/memory.h"

namespace lunar {

class ByteBuf {
 public:
  ByteBuf() = default;
  ByteBuf(const ByteBuf&) = delete;
  ByteBuf& operator=(const ByteBuf&) = delete;
  ~ByteBuf() { memory::free(data_); }

  char* data() { return data_; }
  const char* data() const { return data_; }
  size_t size() const { return len_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return len_ == 0; }

  // Makes room for n more bytes after size(); returns where they go.
  char* prepare(size_t n) {
    if (cap_ - len_ < n) grow(len_ + n);
    return data_ + len_;
  }
  // Declares n bytes written at prepare()'s pointer.
  void commit(size_t n) { len_ += n; }
  void append(const char* p, size_t n) {
    std::memcpy(prepare(n), p, n);
    len_ += n;
  }
  // Drops the first n bytes.
  void consume(size_t n) {
    if (n >= len_) {
      len_ = 0;
      return;
    }
    std::memmove(data_, data_ + n, len_ - n);
    len_ -= n;
  }
  void clear() { len_ = 0; }
  // Returns memory above `keep` bytes of capacity when the buffer is empty.
  void shrink_if_empty(size_t keep) {
    if (len_ == 0 && cap_ > keep) {
      memory::free(data_);
      data_ = nullptr;
      cap_ = 0;
    }
  }

 private:
  void grow(size_t need) {
    size_t cap = cap_ ? cap_ : 1024;
    while (cap < need) cap *= 2;
    data_ = static_cast<char*>(memory::realloc(data_, cap));
    cap_ = cap;
  }
  char* data_ = nullptr;
  size_t len_ = 0, cap_ = 0;
};

}  // namespace lunar
