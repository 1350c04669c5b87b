// TOML <-> parameter text.
#include "kernel/config/toml_values.h"

#include <cstdio>

namespace lunar::config {

// An integer exactly as written in the file ("700", "0o700" -> "700"): unixsocketperm's digits
// are octal, as in redis.conf.
static std::string raw_integer_digits(const toml::value& v) {
  const toml::source_location loc = v.location();
  std::string raw;
  if (loc.column() >= 1 && loc.column() - 1 < loc.line_str().size())
    raw = loc.line_str().substr(loc.column() - 1, loc.region());
  std::erase(raw, '_');
  if (raw.rfind("0o", 0) == 0) raw.erase(0, 2);
  return raw.empty() ? std::to_string(v.as_integer()) : raw;
}

bool toml_to_text(const Param& p, const toml::value& v, std::string* text) {
  switch (v.type()) {
    case toml::value_t::boolean:
      if (p.kind != Kind::kBool) return false;
      *text = v.as_boolean() ? "yes" : "no";
      return true;
    case toml::value_t::integer:
      if (p.kind == Kind::kOctal) {
        *text = raw_integer_digits(v);
        return true;
      }
      if (p.kind != Kind::kInt && p.kind != Kind::kMemory && p.kind != Kind::kString) return false;
      *text = std::to_string(v.as_integer());
      return true;
    case toml::value_t::string:
      *text = v.as_string().str;
      return true;
    case toml::value_t::array: {
      if (p.kind != Kind::kWords && p.kind != Kind::kSave) return false;
      text->clear();
      for (const toml::value& e : v.as_array()) {
        std::string item;
        if (e.is_string()) {
          item = e.as_string().str;
        } else if (e.is_integer() && p.kind == Kind::kSave) {
          item = std::to_string(e.as_integer());
        } else {
          return false;
        }
        if (p.kind == Kind::kWords && split_words(item).size() != 1) return false;
        if (!text->empty()) *text += ' ';
        *text += item;
      }
      return true;
    }
    default:
      return false;
  }
}

std::string toml_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string text_to_toml(const Param& p, const std::string& text) {
  switch (p.kind) {
    case Kind::kBool:
      return text == "yes" ? "true" : "false";
    case Kind::kInt:
      return text;
    case Kind::kMemory: {
      unsigned long long v;
      if (!parse_memory(text, &v) || v == 0) return text;
      static const struct {
        unsigned long long size;
        const char* unit;
      } units[] = {{1ull << 30, "gb"}, {1ull << 20, "mb"}, {1ull << 10, "kb"}};
      for (const auto& u : units)
        if (v % u.size == 0) return std::string(1, '"').append(std::to_string(v / u.size)).append(u.unit).append(1, '"');
      return text;
    }
    case Kind::kOctal:
      return text == "0" ? "0" : "0o" + text;
    case Kind::kWords: {
      std::string out = "[";
      for (const std::string& w : split_words(text))
        out += (out.size() > 1 ? ", " : "") + toml_quote(w);
      return out + "]";
    }
    default:
      return toml_quote(text);
  }
}

}  // namespace lunar::config
