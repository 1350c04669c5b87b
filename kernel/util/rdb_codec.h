// Pieces of Redis's RDB encoding the kernel needs itself (FUNCTION DUMP / RESTORE payloads):
// CRC-64 (Jones polynomial, as Redis), length and string encodings, LZF decompression.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lunar::rdb {

inline constexpr int kRdbVersion = 10;  // what Redis 7.0 writes
inline constexpr unsigned char kOpFunction2 = 245;

// CRC-64/Jones (reflected, polynomial 0xad93d23594c935a9), continuing from `crc`.
uint64_t crc64(uint64_t crc, const void* data, size_t len);

void append_len(std::string* out, uint64_t len);
void append_string(std::string* out, std::string_view s);  // plain (uncompressed) encoding

// Reads a length / string at *pos; false when the input is malformed or truncated.
bool read_len(std::string_view in, size_t* pos, uint64_t* len, bool* encoded);
bool read_string(std::string_view in, size_t* pos, std::string* out);

// Decompresses LZF data into exactly `out_len` bytes; false when malformed.
bool lzf_decompress(std::string_view in, size_t out_len, std::string* out);

// A DUMP-style payload: body + RDB version (2 bytes LE) + CRC-64 (8 bytes LE).
std::string seal_payload(std::string body);
// Checks the footer; on success *body is the payload without it.
bool open_payload(std::string_view payload, std::string_view* body);

}  // namespace lunar::rdb
