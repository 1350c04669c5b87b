// Conversions between TOML values and parameter text (what CONFIG SET takes), shared by the
// startup reader and CONFIG REWRITE.
#pragma once
#include <string>
#include <string_view>
#include <toml.hpp>

#include "kernel/config/registry.h"

namespace lunar::config {

// The text a TOML value stands for, given the parameter's kind: true -> "yes", 6380 -> "6380",
// ["a", "b"] -> "a b". False when the kind takes no value of that TOML type.
bool toml_to_text(const Param& p, const toml::value& v, std::string* text);
// The TOML literal for a parameter's current text: yes -> true, 104857600 -> "100mb",
// "127.0.0.1 -::1" -> ["127.0.0.1", "-::1"], strings quoted.
std::string text_to_toml(const Param& p, const std::string& text);
// A TOML basic string ("..." with escapes).
std::string toml_quote(std::string_view s);

}  // namespace lunar::config
