// The Lua sources under lua/, compiled into the binary (scripts/embed_lua.cmake).
#pragma once
#include <cstddef>
#include <string_view>

namespace lunar::script {

struct EmbeddedLua {
  const char* name;  // file name without ".lua"
  const char* text;
  size_t size;
};
extern const EmbeddedLua kEmbeddedLua[];
extern const size_t kEmbeddedLuaCount;

// The source of lua/<name>.lua; empty when there is none.
inline std::string_view embedded_lua(std::string_view name) {
  for (size_t i = 0; i < kEmbeddedLuaCount; i++)
    if (name == kEmbeddedLua[i].name) return {kEmbeddedLua[i].text, kEmbeddedLua[i].size};
  return {};
}

}  // namespace lunar::script
