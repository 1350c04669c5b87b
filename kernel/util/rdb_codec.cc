#include "kernel/util/rdb_codec.h"

#include <cstring>

namespace lunar::rdb {

namespace {
struct Crc64Table {
  uint64_t t[256];
  Crc64Table() {
    const uint64_t poly = 0x95AC9329AC4BC9B5ull;  // 0xad93d23594c935a9 reflected
    for (int i = 0; i < 256; i++) {
      uint64_t c = static_cast<uint64_t>(i);
      for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
      t[i] = c;
    }
  }
};
const Crc64Table kCrc;
}  // namespace

uint64_t crc64(uint64_t crc, const void* data, size_t len) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < len; i++) crc = kCrc.t[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}

void append_len(std::string* out, uint64_t len) {
  if (len < (1u << 6)) {
    out->push_back(static_cast<char>(len));
  } else if (len < (1u << 14)) {
    out->push_back(static_cast<char>(0x40 | (len >> 8)));
    out->push_back(static_cast<char>(len & 0xFF));
  } else if (len <= UINT32_MAX) {
    out->push_back(static_cast<char>(0x80));
    for (int i = 3; i >= 0; i--) out->push_back(static_cast<char>((len >> (8 * i)) & 0xFF));
  } else {
    out->push_back(static_cast<char>(0x81));
    for (int i = 7; i >= 0; i--) out->push_back(static_cast<char>((len >> (8 * i)) & 0xFF));
  }
}

void append_string(std::string* out, std::string_view s) {
  append_len(out, s.size());
  out->append(s);
}

bool read_len(std::string_view in, size_t* pos, uint64_t* len, bool* encoded) {
  if (*pos >= in.size()) return false;
  auto b = static_cast<unsigned char>(in[(*pos)++]);
  *encoded = false;
  switch (b >> 6) {
    case 0:
      *len = b & 0x3F;
      return true;
    case 1:
      if (*pos >= in.size()) return false;
      *len = (static_cast<uint64_t>(b & 0x3F) << 8) | static_cast<unsigned char>(in[(*pos)++]);
      return true;
    case 2: {
      int n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
      if (n == 0 || *pos + n > in.size()) return false;
      uint64_t v = 0;
      for (int i = 0; i < n; i++) v = (v << 8) | static_cast<unsigned char>(in[(*pos)++]);
      *len = v;
      return true;
    }
    default:
      *encoded = true;
      *len = b & 0x3F;
      return true;
  }
}

bool read_string(std::string_view in, size_t* pos, std::string* out) {
  uint64_t len;
  bool encoded;
  if (!read_len(in, pos, &len, &encoded)) return false;
  if (!encoded) {
    if (len > in.size() - *pos) return false;
    out->assign(in.substr(*pos, len));
    *pos += len;
    return true;
  }
  if (len <= 2) {  // 8, 16 or 32-bit little-endian integer
    int n = 1 << len;
    if (*pos + n > in.size()) return false;
    uint32_t u = 0;
    for (int i = 0; i < n; i++) u |= static_cast<uint32_t>(static_cast<unsigned char>(in[*pos + i])) << (8 * i);
    *pos += n;
    long long v = n == 1 ? static_cast<int8_t>(u) : n == 2 ? static_cast<int16_t>(u) : static_cast<int32_t>(u);
    *out = std::to_string(v);
    return true;
  }
  if (len == 3) {  // LZF
    uint64_t clen, ulen;
    bool e1, e2;
    if (!read_len(in, pos, &clen, &e1) || !read_len(in, pos, &ulen, &e2) || e1 || e2) return false;
    if (clen > in.size() - *pos) return false;
    bool ok = lzf_decompress(in.substr(*pos, clen), ulen, out);
    *pos += clen;
    return ok;
  }
  return false;
}

bool lzf_decompress(std::string_view in, size_t out_len, std::string* out) {
  out->clear();
  out->reserve(out_len);
  size_t i = 0;
  while (i < in.size()) {
    unsigned ctrl = static_cast<unsigned char>(in[i++]);
    if (ctrl < 32) {  // a literal run of ctrl + 1 bytes
      size_t n = ctrl + 1;
      if (i + n > in.size() || out->size() + n > out_len) return false;
      out->append(in.substr(i, n));
      i += n;
    } else {  // a back reference
      size_t n = ctrl >> 5;
      if (n == 7) {
        if (i >= in.size()) return false;
        n += static_cast<unsigned char>(in[i++]);
      }
      if (i >= in.size()) return false;
      size_t back = ((ctrl & 0x1F) << 8) + static_cast<unsigned char>(in[i++]) + 1;
      n += 2;
      if (back > out->size() || out->size() + n > out_len) return false;
      size_t from = out->size() - back;
      for (size_t k = 0; k < n; k++) out->push_back((*out)[from + k]);  // may overlap
    }
  }
  return out->size() == out_len;
}

std::string seal_payload(std::string body) {
  body.push_back(static_cast<char>(kRdbVersion & 0xFF));
  body.push_back(static_cast<char>((kRdbVersion >> 8) & 0xFF));
  uint64_t crc = crc64(0, body.data(), body.size());
  for (int i = 0; i < 8; i++) body.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  return body;
}

bool open_payload(std::string_view payload, std::string_view* body) {
  if (payload.size() < 10) return false;
  size_t n = payload.size();
  int version = static_cast<unsigned char>(payload[n - 10]) |
                (static_cast<unsigned char>(payload[n - 9]) << 8);
  if (version > kRdbVersion) return false;
  uint64_t crc = 0;
  for (int i = 0; i < 8; i++)
    crc |= static_cast<uint64_t>(static_cast<unsigned char>(payload[n - 8 + i])) << (8 * i);
  if (crc64(0, payload.data(), n - 8) != crc) return false;
  *body = payload.substr(0, n - 10);
  return true;
}

}  // namespace lunar::rdb
