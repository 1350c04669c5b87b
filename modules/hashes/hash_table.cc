// The "hashtable" encoding of a hash. See hash_table.h.
#include "hash_table.h"

#include <cstring>

namespace hashes {

namespace {

constexpr size_t varint_len(size_t v) noexcept {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

inline char* put_varint(char* p, size_t v) noexcept {
  do {
    auto b = static_cast<unsigned char>(v & 0x7f);
    v >>= 7;
    if (v) b |= 0x80;
    *p++ = static_cast<char>(b);
  } while (v);
  return p;
}

inline const char* get_varint(const char* p, size_t* v) noexcept {
  size_t r = 0, shift = 0;
  for (;;) {
    auto b = static_cast<unsigned char>(*p++);
    r |= static_cast<size_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  *v = r;
  return p;
}

}  // namespace

Pair HashTable::decode(const char* block) noexcept {
  size_t flen, vlen;
  const char* p = get_varint(block, &flen);
  p = get_varint(p, &vlen);
  return {std::string_view(p, flen), std::string_view(p + flen, vlen)};
}

char* HashTable::make_block(std::string_view field, std::string_view value) {
  size_t n = varint_len(field.size()) + varint_len(value.size()) + field.size() + value.size();
  auto* b = static_cast<char*>(lunar_alloc(n));
  char* p = put_varint(put_varint(b, field.size()), value.size());
  if (!field.empty()) std::memcpy(p, field.data(), field.size());
  if (!value.empty()) std::memcpy(p + field.size(), value.data(), value.size());
  return b;
}

bool HashTable::set(std::string_view field, std::string_view value) {
  uint64_t h = lunar::hash_bytes(field);  // hashed once for the lookup and the insertion
  size_t i = table_.find(field, h);
  if (i != npos) {
    set_value(i, value);
    return false;
  }
  table_.insert(make_block(field, value), h);
  return true;
}

void HashTable::set_value(size_t i, std::string_view value) {
  char* old = table_.block(i);
  Pair cur = decode(old);
  size_t head = varint_len(cur.field.size());
  // In place when the value's length prefix keeps its size and the block has room without
  // being more than about twice what the pair needs.
  size_t need = head + varint_len(value.size()) + cur.field.size() + value.size();
  size_t avail = lunar_alloc_size(old);
  if (varint_len(value.size()) == varint_len(cur.value.size()) && need <= avail &&
      avail <= 2 * need + 16) {
    char* p = put_varint(old + head, value.size()) + cur.field.size();
    if (!value.empty()) std::memmove(p, value.data(), value.size());
    return;
  }
  table_.replace(i, make_block(cur.field, value));
}

}  // namespace hashes
