// lunar/module.hpp — header-only C++20 sugar over the C ABI in lunar.h.
//
// Everything here is an inline wrapper around the API table; nothing crosses the ABI that
// lunar.h does not already define, so a module using this header is exactly as compatible as
// one using lunar.h alone. The rules of lunar.h apply unchanged (lifetimes, main thread only).
// Nothing here throws or allocates.
//
//   std::string_view  view(arg), str(sv)            byte strings both ways
//   arg_is(arg, "nx")                               option names, compared as Redis does
//   parse_ll / ll_arg / double_arg / ...            numbers with Redis's rules and error replies
//   lookup / lookup_or_reply / key_exists           key lookups (the WRONGTYPE guard)
//   reply_bulk / reply_simple / reply_error / ...   replies from std::string_view
//   command(...) / register_commands(...)           one row per command in a registration table
//   register_configs / type_methods / register_type config parameters and value types
//   Allocator<T>                                    std containers over lunar_alloc
//   scan_cursor / scan_options                      HSCAN/SSCAN/ZSCAN arguments
#ifndef LUNAR_MODULE_HPP
#define LUNAR_MODULE_HPP

#include <lunar/lunar.h>

#include <cctype>
#include <concepts>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace lunar {

// Redis's arity error, for commands whose argument count is checked beyond `arity` (MSET's
// pairs): format with the command's name.
inline constexpr const char kErrArityFmt[] = "ERR wrong number of arguments for '%s' command";

// ---------------------------------------------------------------------------------------------
// Byte strings
// ---------------------------------------------------------------------------------------------

// A view of an argument or any lunar_str; valid as long as the lunar_str's bytes are.
constexpr std::string_view view(lunar_str s) noexcept {
  return s.len ? std::string_view(s.ptr, s.len) : std::string_view();
}

// A lunar_str over a view's bytes (no copy).
constexpr lunar_str str(std::string_view s) noexcept { return lunar_str{s.data(), s.size()}; }

// True when `arg` names the option `name` as Redis's strcasecmp-based option parsing sees it:
// ASCII case-insensitive, and the argument is read up to its first NUL byte (so "nx\0junk"
// is "nx", as in Redis). `name` is the lower- or upper-case option name.
constexpr bool arg_is(lunar_str arg, std::string_view name) noexcept {
  size_t n = 0;
  while (n < arg.len && arg.ptr[n] != '\0') n++;
  if (n != name.size()) return false;
  for (size_t i = 0; i < n; i++) {
    char a = arg.ptr[i], b = name[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------
inline void reply_bulk(lunar_ctx* c, std::string_view s) {
  lunar_reply_bulk(c, s.data(), s.size());
}
inline void reply_simple(lunar_ctx* c, std::string_view s) {
  lunar_reply_simple(c, s.data(), s.size());
}
// `s` starts with its error code ("ERR ...", "WRONGTYPE ..."); see lunar_reply_error.
inline void reply_error(lunar_ctx* c, std::string_view s) {
  lunar_reply_error(c, s.data(), s.size());
}
// "-ERR wrong number of arguments for '<name>' command".
inline void reply_arity_error(lunar_ctx* c, const char* name) {
  lunar_reply_errorf(c, kErrArityFmt, name);
}

// ---------------------------------------------------------------------------------------------
// Numbers. The *_arg forms reply the error themselves and return false, so a handler reads
//   long long n; if (!lunar::ll_arg(ctx, argv[2], &n)) return LUNAR_OK;
// ---------------------------------------------------------------------------------------------

// Redis's string2ll: optional '-', digits, no spaces/'+'/leading zeros. *out is set on success.
inline bool parse_ll(lunar_str s, long long* out) { return lunar_parse_ll(s, out) == LUNAR_OK; }
inline bool parse_double(lunar_str s, double* out) {
  return lunar_parse_double(s, out) == LUNAR_OK;
}
inline bool parse_long_double(lunar_str s, long double* out) {
  return lunar_parse_long_double(s, out) == LUNAR_OK;
}

// An integer argument (getLongLongFromObjectOrReply); on failure replies `err`.
inline bool ll_arg(lunar_ctx* c, lunar_str s, long long* out,
                   const char* err = LUNAR_ERR_NOT_INTEGER) {
  if (parse_ll(s, out)) return true;
  reply_error(c, err);
  return false;
}

// An integer argument within [min, max] (getRangeLongFromObjectOrReply); a value that does not
// parse or is out of range replies `err`.
inline bool ll_arg_range(lunar_ctx* c, lunar_str s, long long min, long long max, long long* out,
                         const char* err = LUNAR_ERR_NOT_INTEGER) {
  long long v;
  if (!parse_ll(s, &v) || v < min || v > max) {
    reply_error(c, err);
    return false;
  }
  *out = v;
  return true;
}

// A float argument (getDoubleFromObjectOrReply); on failure replies `err`.
inline bool double_arg(lunar_ctx* c, lunar_str s, double* out,
                       const char* err = LUNAR_ERR_NOT_FLOAT) {
  if (parse_double(s, out)) return true;
  reply_error(c, err);
  return false;
}

// A long double argument (getLongDoubleFromObjectOrReply); on failure replies `err`.
inline bool long_double_arg(lunar_ctx* c, lunar_str s, long double* out,
                            const char* err = LUNAR_ERR_NOT_FLOAT) {
  if (parse_long_double(s, out)) return true;
  reply_error(c, err);
  return false;
}

// ---------------------------------------------------------------------------------------------
// SCAN-family arguments: "<key> <cursor> [MATCH pattern] [COUNT count]". Redis checks the
// cursor, then looks the key up (a missing key is an empty scan), then reads the options, so a
// handler calls scan_cursor, its lookup, then scan_options.
// ---------------------------------------------------------------------------------------------

struct ScanOptions {
  long long count = 10;     // COUNT, default 10
  lunar_str pattern{};      // MATCH
  bool use_pattern = false; // false for no MATCH or MATCH *
};

// The cursor as Redis reads it (strtoul up to a NUL byte; leading space, trailing bytes or
// overflow refused); false after replying "ERR invalid cursor".
inline bool scan_cursor(lunar_ctx* c, lunar_str arg, unsigned long long* out) {
  std::string s = arg.len ? std::string(arg.ptr, strnlen(arg.ptr, arg.len)) : std::string();
  errno = 0;
  char* end;
  unsigned long v = std::strtoul(s.c_str(), &end, 10);
  if ((!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) || *end != '\0' ||
      errno == ERANGE) {
    lunar_reply_error(c, "ERR invalid cursor", 18);
    return false;
  }
  *out = v;
  return true;
}

// MATCH and COUNT from argv[first] on; false after replying the error (COUNT < 1 and anything
// else unknown or incomplete are syntax errors, as in Redis).
inline bool scan_options(lunar_ctx* c, int argc, const lunar_str* argv, int first,
                         ScanOptions* out) {
  for (int i = first; i < argc; i += 2) {
    bool has_arg = argc - i >= 2;
    if (has_arg && arg_is(argv[i], "count")) {
      if (lunar_parse_ll(argv[i + 1], &out->count) != LUNAR_OK) {
        lunar_reply_error(c, LUNAR_ERR_NOT_INTEGER, sizeof LUNAR_ERR_NOT_INTEGER - 1);
        return false;
      }
      if (out->count < 1) {
        lunar_reply_error(c, LUNAR_ERR_SYNTAX, sizeof LUNAR_ERR_SYNTAX - 1);
        return false;
      }
    } else if (has_arg && arg_is(argv[i], "match")) {
      out->pattern = argv[i + 1];
      out->use_pattern = !(out->pattern.len == 1 && out->pattern.ptr[0] == '*');
    } else {
      lunar_reply_error(c, LUNAR_ERR_SYNTAX, sizeof LUNAR_ERR_SYNTAX - 1);
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------------

// A standard allocator over lunar_alloc/lunar_free, for containers inside values: what they hold
// is memory of the value (used_memory, MEMORY USAGE, and maxmemory see it).
template <class T>
struct Allocator {
  using value_type = T;
  Allocator() noexcept = default;
  template <class U>
  Allocator(const Allocator<U>&) noexcept {}
  T* allocate(size_t n) { return static_cast<T*>(lunar_alloc(n * sizeof(T))); }
  void deallocate(T* p, size_t) noexcept { lunar_free(p); }
  template <class U>
  bool operator==(const Allocator<U>&) const noexcept {
    return true;
  }
};

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------
enum class Found { kYes, kNo, kWrongType };

// Looks `key` up expecting a value of type `t` (flags LUNAR_READ or LUNAR_WRITE). *out is set
// only when kYes; the pointer follows lunar.h's lifetime rule 2.
template <class T>
Found lookup(lunar_ctx* c, lunar_str key, int flags, const lunar_type* t, T** out) {
  void* v = nullptr;
  int rc = lunar_key_lookup_typed(c, key, flags, t, &v);
  if (rc == LUNAR_OK) {
    *out = static_cast<T*>(v);
    return Found::kYes;
  }
  return rc == LUNAR_EWRONGTYPE ? Found::kWrongType : Found::kNo;
}

// True when `key` exists (of any type) in the context's database; flags as for lookup().
inline bool key_exists(lunar_ctx* c, lunar_str key, int flags) {
  lunar_type* t;
  void* v;
  return lunar_key_lookup(c, key, flags, &t, &v) == LUNAR_OK;
}

// After a command removed elements from `key`'s value: raises `event` (notification class
// `cls`), then, when the value is now empty, deletes the key and raises "del" — Redis's events
// for a collection that a removal emptied.
inline void signal_removal(lunar_ctx* c, lunar_str key, int cls, const char* event,
                           bool emptied) {
  lunar_key_signal_write(c, key, cls, event);
  if (emptied) {
    lunar_key_delete(c, key);
    lunar_key_signal_write(c, key, LUNAR_NOTIFY_GENERIC, "del");
  }
}

// Deletes `key` if it exists, raising "del" (a STORE command whose result is empty).
inline void delete_key(lunar_ctx* c, lunar_str key) {
  if (lunar_key_delete(c, key) == LUNAR_OK) lunar_key_signal_write(c, key, LUNAR_NOTIFY_GENERIC, "del");
}

// lookup(), but a key of another type is answered with -WRONGTYPE here (Redis's checkType), so
// a handler starts with:
//   switch (lunar::lookup_or_reply(ctx, argv[1], LUNAR_READ, type, &v)) { ... }
// or simply returns when the result is kWrongType.
template <class T>
Found lookup_or_reply(lunar_ctx* c, lunar_str key, int flags, const lunar_type* t, T** out) {
  Found f = lookup(c, key, flags, t, out);
  if (f == Found::kWrongType) lunar_reply_wrongtype(c);
  return f;
}

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------

// Key positions of a command: 1-based first and last argument, and the step (last -1 = the
// last argument, -2 the one before...). kNoKeys for commands without keys.
struct Keys {
  int first, last, step;
};
inline constexpr Keys kNoKeys{0, 0, 0};

// COMMAND DOCS fields.
struct Docs {
  const char* summary;
  const char* since;
  const char* group;
  const char* complexity;
};

// One row of a registration table; see lunar_command_def for the meaning of each field. All
// strings must be static.
constexpr lunar_command_def command(const char* name, lunar_command_fn handler, int arity,
                                    const char* flags, Keys keys, const char* acl_categories,
                                    Docs docs, const char* key_flags = nullptr) noexcept {
  return lunar_command_def{sizeof(lunar_command_def),
                           name,
                           handler,
                           arity,
                           flags,
                           keys.first,
                           keys.last,
                           keys.step,
                           acl_categories,
                           docs.summary,
                           docs.since,
                           docs.group,
                           docs.complexity,
                           key_flags};
}

// Registers every config parameter in order; stops at the first failure, logs it and returns its
// error code.
inline int register_configs(lunar_module* m, std::span<const lunar_config_def> defs) {
  for (const lunar_config_def& d : defs) {
    int rc = lunar_register_config(m, &d);
    if (rc != LUNAR_OK) {
      lunar_log(m, 3, "cannot register config '%s': %s", d.name, lunar_strerror(rc));
      return rc;
    }
  }
  return LUNAR_OK;
}

// A value type's callbacks from a C++ class: Free(T*) frees a value; T has
// `size_t memory_usage() const`, `T* clone() const` and `const char* encoding_name() const`,
// and, for a collection other modules may read, `void for_each_element(F&& f) const` calling
// f(std::string_view element, double score) -> bool (true stops).
template <class T>
concept ElementIterable = requires(const T& v) {
  v.for_each_element([](std::string_view, double) { return false; });
};

// ... and, for a type other modules may build (SORT ... STORE builds lists),
// `static T* from_elements(const lunar_str* elements, size_t n)`.
template <class T>
concept ElementConstructible = requires(const lunar_str* e, size_t n) {
  { T::from_elements(e, n) } -> std::same_as<T*>;
};

template <class T, void (*Free)(T*)>
inline constexpr lunar_type_methods type_methods = {
    sizeof(lunar_type_methods),
    [](void*, void* v) { Free(static_cast<T*>(v)); },
    [](void*, const void* v) -> size_t { return static_cast<const T*>(v)->memory_usage(); },
    [](void*, const void* v) -> void* { return static_cast<const T*>(v)->clone(); },
    [](void*, const void* v) -> const char* {
      return static_cast<const T*>(v)->encoding_name();
    },
    ElementIterable<T>
        ? +[](void*, const void* v, int (*fn)(void*, lunar_str, double), void* arg) {
            if constexpr (ElementIterable<T>) {
              static_cast<const T*>(v)->for_each_element([&](std::string_view e, double s) {
                return fn(arg, lunar_str{e.data(), e.size()}, s) != 0;
              });
            }
          }
        : nullptr,
    ElementConstructible<T> ? +[](void*, const lunar_str* e, size_t n) -> void* {
      if constexpr (ElementConstructible<T>) {
        return T::from_elements(e, n);
      } else {
        return nullptr;
      }
    }
                            : nullptr};

// Registers value type `name` (what TYPE answers) with its callbacks and the RDB type bytes it
// reads and writes; *out receives the handle. Logs and returns the error on failure.
inline int register_type(lunar_module* m, const char* name, const lunar_type_methods* methods,
                         std::span<const uint8_t> rdb_types, lunar_type** out) {
  const lunar_type_def def = {sizeof(lunar_type_def), name, methods, nullptr, rdb_types.data(),
                              static_cast<int>(rdb_types.size())};
  int rc = lunar_register_type(m, &def, out);
  if (rc != LUNAR_OK) lunar_log(m, 3, "cannot register type '%s': %s", name, lunar_strerror(rc));
  return rc;
}

// Registers every row in order. Stops at the first failure, logs which command failed and why,
// and returns that error code; LUNAR_OK when all were registered.
inline int register_commands(lunar_module* m, std::span<const lunar_command_def> defs) {
  for (const lunar_command_def& d : defs) {
    int rc = lunar_register_command(m, &d);
    if (rc != LUNAR_OK) {
      lunar_log(m, 3, "cannot register command '%s': %s", d.name, lunar_strerror(rc));
      return rc;
    }
  }
  return LUNAR_OK;
}

}  // namespace lunar

#endif  // LUNAR_MODULE_HPP
