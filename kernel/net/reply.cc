#include "kernel/net/reply.h"

#include "kernel/command/command.h"
#include "kernel/server.h"
#include "kernel/util/numbers.h"

namespace lunar {

size_t append_ll(std::string* out, long long v) {
  char buf[24];
  int n = ll2string(buf, sizeof buf, v);
  out->append(buf, n);
  return n;
}

void RespWriter::header(char type, long long n) {
  char buf[32];
  buf[0] = type;
  int len = ll2string(buf + 1, sizeof buf - 3, n);
  buf[len + 1] = '\r';
  buf[len + 2] = '\n';
  out_->append(buf, len + 3);
}

void RespWriter::simple(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void RespWriter::error(std::string_view s) {
  count_error_reply(s);
  error_line(s);
}

void RespWriter::error_counted(std::string_view s) {
  g_server.stats.counted_error_replies++;
  error_line(s);
}

void RespWriter::error_line(std::string_view s) {
  out_->push_back('-');
  size_t start = out_->size();
  out_->append(s);
  // An error reply is one line: Redis replaces CR and LF by spaces.
  for (size_t i = start; i < out_->size(); i++) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n", 2);
}

void RespWriter::integer(long long v) { header(':', v); }

void RespWriter::bulk(std::string_view s) {
  header('$', static_cast<long long>(s.size()));
  out_->append(s);
  out_->append("\r\n", 2);
}

void RespWriter::null() {
  if (proto_ >= 3)
    out_->append("_\r\n", 3);
  else
    out_->append("$-1\r\n", 5);
}

void RespWriter::null_array() {
  if (proto_ >= 3)
    out_->append("_\r\n", 3);
  else
    out_->append("*-1\r\n", 5);
}

void RespWriter::dbl(double d) {
  char buf[128];
  size_t n = format_double(d, buf, sizeof buf);
  if (proto_ >= 3) {
    out_->push_back(',');
    out_->append(buf, n);
    out_->append("\r\n", 2);
  } else {
    bulk(std::string_view(buf, n));
  }
}

void RespWriter::boolean(bool b) {
  if (proto_ >= 3)
    out_->append(b ? "#t\r\n" : "#f\r\n", 4);
  else
    out_->append(b ? ":1\r\n" : ":0\r\n", 4);
}

void RespWriter::bignum(std::string_view digits) {
  if (proto_ >= 3) {
    out_->push_back('(');
    out_->append(digits);
    out_->append("\r\n", 2);
  } else {
    bulk(digits);
  }
}

void RespWriter::verbatim(std::string_view fmt3, std::string_view s) {
  if (proto_ >= 3) {
    header('=', static_cast<long long>(s.size() + 4));
    out_->append(fmt3.substr(0, 3));
    out_->push_back(':');
    out_->append(s);
    out_->append("\r\n", 2);
  } else {
    bulk(s);
  }
}

static char agg_char(Agg kind, int proto, long* n) {
  if (proto < 3) {
    if (kind == Agg::kMap && *n > 0) *n *= 2;
    return '*';
  }
  switch (kind) {
    case Agg::kMap: return '%';
    case Agg::kSet: return '~';
    case Agg::kPush: return '>';
    default: return '*';
  }
}

void RespWriter::aggregate(Agg kind, long n) {
  if (n < 0) {
    // Reserve nothing: remember where the header goes and insert it when the length is known.
    deferred_.push_back(out_->size());
    return;
  }
  char c = agg_char(kind, proto_, &n);
  header(c, n);
}

void RespWriter::set_length(Agg kind, long n) {
  if (deferred_.empty()) return;
  size_t at = deferred_.back();
  deferred_.pop_back();
  char c = agg_char(kind, proto_, &n);
  char buf[32];
  buf[0] = c;
  int len = ll2string(buf + 1, sizeof buf - 3, n);
  buf[len + 1] = '\r';
  buf[len + 2] = '\n';
  out_->insert(at, buf, len + 3);
}

}  // namespace lunar
