// Replies. Command code (kernel and modules alike) emits RESP3-shaped replies through a
// ReplySink; the network sink (RespWriter) encodes them for the client's protocol, downgrading
// maps, sets, doubles, booleans, big numbers and verbatim strings for RESP2 as Redis does.
// Other sinks (a Lua script's redis.call, later) build values instead of bytes.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lunar {

enum class Agg { kArray = 1, kMap = 2, kSet = 3, kPush = 4 };

class ReplySink {
 public:
  virtual ~ReplySink() = default;
  virtual void simple(std::string_view s) = 0;
  // `s` is the whole error text including its code ("ERR ..."), without '-' or CRLF.
  virtual void error(std::string_view s) = 0;
  // An error already counted in INFO errorstats (a script's error raised by redis.call).
  virtual void error_counted(std::string_view s) { error(s); }
  virtual void integer(long long v) = 0;
  virtual void bulk(std::string_view s) = 0;
  virtual void null() = 0;
  virtual void null_array() = 0;
  virtual void dbl(double d) = 0;
  virtual void boolean(bool b) = 0;
  virtual void bignum(std::string_view digits) = 0;
  virtual void verbatim(std::string_view fmt3, std::string_view s) = 0;
  // n < 0: deferred, closed later by set_length (innermost first).
  virtual void aggregate(Agg kind, long n) = 0;
  virtual void set_length(Agg kind, long n) = 0;
};

// Discards everything (internal calls whose reply nobody reads).
class NullSink final : public ReplySink {
 public:
  void simple(std::string_view) override {}
  void error(std::string_view) override {}
  void integer(long long) override {}
  void bulk(std::string_view) override {}
  void null() override {}
  void null_array() override {}
  void dbl(double) override {}
  void boolean(bool) override {}
  void bignum(std::string_view) override {}
  void verbatim(std::string_view, std::string_view) override {}
  void aggregate(Agg, long) override {}
  void set_length(Agg, long) override {}
};

// Encodes into a byte buffer owned by the caller (a client's output buffer).
class RespWriter final : public ReplySink {
 public:
  RespWriter(std::string* out, int proto) : out_(out), proto_(proto) {}
  void set_proto(int proto) { proto_ = proto; }
  int proto() const { return proto_; }
  void set_out(std::string* out) { out_ = out; }

  void simple(std::string_view s) override;
  void error(std::string_view s) override;
  void error_counted(std::string_view s) override;
  void integer(long long v) override;
  void bulk(std::string_view s) override;
  void null() override;
  void null_array() override;
  void dbl(double d) override;
  void boolean(bool b) override;
  void bignum(std::string_view digits) override;
  void verbatim(std::string_view fmt3, std::string_view s) override;
  void aggregate(Agg kind, long n) override;
  void set_length(Agg kind, long n) override;

 private:
  void header(char type, long long n);
  void error_line(std::string_view s);
  std::string* out_;
  int proto_;
  std::vector<size_t> deferred_;  // offsets of open deferred headers
};

// Appends the decimal form of v; returns its length.
size_t append_ll(std::string* out, long long v);

}  // namespace lunar
