// SHA-1 (script ids), the RDB codec pieces (FUNCTION DUMP/RESTORE) and the Lua <-> reply
// conversions, checked against known values.
#include <catch2/catch.hpp>

#include "kernel/net/reply.h"
#include "kernel/script/lua_reply.h"
#include "kernel/script/sha1.h"
#include "kernel/util/rdb_codec.h"

using namespace lunar;

TEST_CASE("sha1_hex matches FIPS 180 vectors", "[script]") {
  CHECK(script::sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(script::sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(script::sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  // 55, 56 and 64 bytes: the padding boundaries.
  CHECK(script::sha1_hex(std::string(55, 'a')) == "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  CHECK(script::sha1_hex(std::string(56, 'a')) == "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  CHECK(script::sha1_hex(std::string(64, 'a')) == "0098ba824b5c16427bd7a1122a5a442a25ec644d");
  // What Redis answers for SCRIPT LOAD "return 1".
  CHECK(script::sha1_hex("return 1") == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST_CASE("crc64 is Redis's Jones CRC", "[rdb]") {
  CHECK(rdb::crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caull);
  CHECK(rdb::crc64(0, "", 0) == 0);
}

TEST_CASE("rdb lengths and strings round trip", "[rdb]") {
  for (uint64_t len : {0ull, 1ull, 63ull, 64ull, 16383ull, 16384ull, 4294967295ull,
                       4294967296ull}) {
    std::string buf;
    rdb::append_len(&buf, len);
    size_t pos = 0;
    uint64_t got;
    bool enc;
    REQUIRE(rdb::read_len(buf, &pos, &got, &enc));
    CHECK(got == len);
    CHECK_FALSE(enc);
    CHECK(pos == buf.size());
  }
  std::string buf;
  rdb::append_string(&buf, std::string(300, 'x'));
  size_t pos = 0;
  std::string out;
  REQUIRE(rdb::read_string(buf, &pos, &out));
  CHECK(out == std::string(300, 'x'));
  // Truncated input is refused.
  pos = 0;
  CHECK_FALSE(rdb::read_string(buf.substr(0, 100), &pos, &out));
  // Integer encodings: 8, 16 and 32 bits.
  std::string ints = "\xc0\xfe\xc1\x39\x30\xc2\x15\xcd\x5b\x07";
  pos = 0;
  REQUIRE(rdb::read_string(ints, &pos, &out));
  CHECK(out == "-2");
  REQUIRE(rdb::read_string(ints, &pos, &out));
  CHECK(out == "12345");
  REQUIRE(rdb::read_string(ints, &pos, &out));
  CHECK(out == "123456789");
}

TEST_CASE("lzf_decompress handles literals and overlapping references", "[rdb]") {
  // "abc" as a literal run, then a reference 3 back of length 6: "abcabcabc".
  std::string in = std::string("\x02" "abc", 4) + std::string("\x80\x02", 2);
  std::string out;
  REQUIRE(rdb::lzf_decompress(in, 9, &out));
  CHECK(out == "abcabcabc");
  CHECK_FALSE(rdb::lzf_decompress(in, 8, &out));              // longer than declared
  CHECK_FALSE(rdb::lzf_decompress("\x80\x05", 6, &out));      // reference before the start
  CHECK_FALSE(rdb::lzf_decompress(std::string("\x05" "ab", 3), 6, &out));  // truncated literal
}

TEST_CASE("payloads carry version and checksum", "[rdb]") {
  std::string p = rdb::seal_payload("body");
  std::string_view body;
  REQUIRE(rdb::open_payload(p, &body));
  CHECK(body == "body");
  p[1] ^= 1;
  CHECK_FALSE(rdb::open_payload(p, &body));
  CHECK_FALSE(rdb::open_payload("short", &body));
}

namespace {
// Runs `code` (a chunk returning one value) and writes the value as a RESP3 reply.
std::string lua_to_resp(const char* code, int script_resp, int proto) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  REQUIRE(luaL_dostring(L, code) == 0);
  std::string out;
  RespWriter w(&out, proto);
  script::reply_from_lua(L, -1, &w, script_resp);
  lua_close(L);
  return out;
}
}  // namespace

TEST_CASE("Lua values become replies with Redis's rules", "[script]") {
  CHECK(lua_to_resp("return 3.99", 2, 2) == ":3\r\n");
  CHECK(lua_to_resp("return -3.99", 2, 2) == ":-3\r\n");
  CHECK(lua_to_resp("return 'x'", 2, 2) == "$1\r\nx\r\n");
  CHECK(lua_to_resp("return true", 2, 2) == ":1\r\n");
  CHECK(lua_to_resp("return false", 2, 2) == "$-1\r\n");
  CHECK(lua_to_resp("return false", 3, 3) == "#f\r\n");
  CHECK(lua_to_resp("return nil", 2, 3) == "_\r\n");
  CHECK(lua_to_resp("return {1, 'a', nil, 3}", 2, 2) == "*2\r\n:1\r\n$1\r\na\r\n");
  CHECK(lua_to_resp("return {ok='fine\\r\\n'}", 2, 2) == "+fine  \r\n");
  CHECK(lua_to_resp("return {err='BAD thing'}", 2, 2) == "-BAD thing\r\n");
  CHECK(lua_to_resp("return {double=1.5}", 2, 3) == ",1.5\r\n");
  CHECK(lua_to_resp("return {double=1.5}", 2, 2) == "$3\r\n1.5\r\n");
  CHECK(lua_to_resp("return {map={a=1}}", 2, 3) == "%1\r\n$1\r\na\r\n:1\r\n");
  CHECK(lua_to_resp("return {set={a=true}}", 2, 2) == "*1\r\n$1\r\na\r\n");
  CHECK(lua_to_resp("return {big_number='123'}", 2, 3) == "(123\r\n");
  CHECK(lua_to_resp("return {verbatim_string={format='txt', string='hi'}}", 2, 3) ==
        "=6\r\ntxt:hi\r\n");
  CHECK(lua_to_resp("return 1e300", 2, 2) == ":-9223372036854775808\r\n");
}

TEST_CASE("replies become Lua values with Redis's rules", "[script]") {
  lua_State* L = luaL_newstate();
  {
    script::LuaSink sink(L, 2);
    sink.aggregate(Agg::kMap, 1);
    sink.bulk("k");
    sink.dbl(2.5);
    REQUIRE(sink.values() == 1);
    // RESP2: a flat array {"k", "2.5"}
    lua_rawgeti(L, -1, 2);
    CHECK(std::string(lua_tostring(L, -1)) == "2.5");
    lua_settop(L, 0);
  }
  {
    script::LuaSink sink(L, 3);
    sink.aggregate(Agg::kSet, -1);
    sink.bulk("m");
    sink.set_length(Agg::kSet, 1);
    REQUIRE(sink.values() == 1);
    lua_getfield(L, -1, "set");
    lua_getfield(L, -1, "m");
    CHECK(lua_toboolean(L, -1));
    lua_settop(L, 0);
  }
  {
    script::LuaSink sink(L, 2);
    sink.error("WRONGTYPE bad");
    CHECK(sink.error_reply());
    lua_getfield(L, -1, "err");
    CHECK(std::string(lua_tostring(L, -1)) == "WRONGTYPE bad");
    lua_settop(L, 0);
  }
  lua_close(L);
}
