// SORT and SORT_RO (Redis 7.0), as their own module.
//
// Why a module of its own: SORT reads lists, sets and sorted sets (and, through BY/GET
// patterns, strings and hash fields), which live in four different modules. Putting it in any
// one of them would make that module depend on the others' internals. Instead this module sees
// every type only through the SDK: lunar_key_lookup (LUNAR_READ) gives a key's type and value,
// lunar_type_name tells "list"/"set"/"zset"/"hash"/"string" apart, and lunar_value_for_each
// (ABI 1.1, the types' for_each method) walks a value: a list head to tail, a set its members,
// a zset its members in rank order, a hash field, value, field, value..., a string its bytes as
// one element. A hash field is found by walking the hash's pairs (linear in the hash's size).
//
// STORE builds its list through the SDK too: lunar_find_type("list") and
// lunar_value_from_elements (the list type's from_elements method); without a lists module
// loaded, SORT ... STORE answers an error.
#include <lunar/module.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sort_module {
namespace {

constexpr char kErrSyntax[] = "ERR syntax error";
constexpr char kErrNotDouble[] = "ERR One or more scores can't be converted into double";
constexpr char kErrStore[] = "ERR SORT ... STORE needs the lists module";

std::string_view view(lunar_str s) { return {s.ptr, s.len}; }

// Appends every element of `value` (of type `t`) to `out`; false when the type cannot be
// walked.
bool collect(const lunar_type* t, const void* value, std::vector<std::string>* out) {
  auto fn = [](void* arg, lunar_str e, double) -> int {
    static_cast<std::vector<std::string>*>(arg)->emplace_back(e.ptr, e.len);
    return 0;
  };
  return lunar_value_for_each(t, value, fn, out) == LUNAR_OK;
}

// The string value of `key` when it holds a string, else nothing.
std::optional<std::string> string_at(lunar_ctx* ctx, std::string_view key) {
  lunar_type* t = nullptr;
  void* v = nullptr;
  if (lunar_key_lookup(ctx, lunar_str{key.data(), key.size()}, LUNAR_READ, &t, &v) != LUNAR_OK)
    return std::nullopt;
  if (std::strcmp(lunar_type_name(t), "string") != 0) return std::nullopt;
  std::vector<std::string> elems;
  if (!collect(t, v, &elems) || elems.size() != 1) return std::nullopt;
  return std::move(elems[0]);
}

// Field `field` of the hash at `key`, when `key` holds a hash with that field.
std::optional<std::string> hash_field_at(lunar_ctx* ctx, std::string_view key,
                                         std::string_view field) {
  lunar_type* t = nullptr;
  void* v = nullptr;
  if (lunar_key_lookup(ctx, lunar_str{key.data(), key.size()}, LUNAR_READ, &t, &v) != LUNAR_OK)
    return std::nullopt;
  if (std::strcmp(lunar_type_name(t), "hash") != 0) return std::nullopt;
  struct Walk {
    std::string_view field;
    bool is_value = false;  // the next element is a value
    bool hit = false;       // the last field matched
    std::optional<std::string> found;
  } walk;
  walk.field = field;
  auto fn = [](void* arg, lunar_str e, double) -> int {
    auto* w = static_cast<Walk*>(arg);
    if (w->is_value) {
      w->is_value = false;
      if (w->hit) {
        w->found.emplace(e.ptr, e.len);
        return 1;
      }
    } else {
      w->is_value = true;
      w->hit = view(e) == w->field;
    }
    return 0;
  };
  lunar_value_for_each(t, v, fn, &walk);
  return walk.found;
}

// Redis's pattern lookup for BY and GET: "#" is the element itself; otherwise the first '*'
// is replaced by the element, and a "->field" after that '*' (with a non-empty field) reads a
// hash field instead of a string. A pattern without '*', a missing key, a key of another type
// or a missing field give nothing.
std::optional<std::string> lookup_by_pattern(lunar_ctx* ctx, std::string_view pattern,
                                             std::string_view elem) {
  if (pattern == "#") return std::string(elem);
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t arrow = pattern.find("->", star + 1);
  std::string_view field;
  std::string_view postfix = pattern.substr(star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < pattern.size()) {
    field = pattern.substr(arrow + 2);
    postfix = pattern.substr(star + 1, arrow - star - 1);
  }
  std::string key;
  key.reserve(pattern.size() + elem.size());
  key.append(pattern.substr(0, star)).append(elem).append(postfix);
  if (!field.empty()) return hash_field_at(ctx, key, field);
  return string_at(ctx, key);
}

// Bytewise comparison (memcmp, then the shorter first), as Redis compares strings in the C
// locale.
int compare_bytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

struct Item {
  std::string elem;
  double score = 0;                  // numeric sort key
  std::optional<std::string> alpha;  // ALPHA BY sort key (nothing: the BY key was missing)
};

struct Options {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;
  long long limit_start = 0;
  long long limit_count = -1;
  std::optional<std::string_view> by;
  std::vector<std::string_view> gets;
  bool store = false;
  lunar_str store_key{};
};

// Parses the options from argv[2] in Redis's order; replies the first error and returns false.
bool parse_options(lunar_ctx* ctx, int argc, const lunar_str* argv, bool readonly,
                   Options* o) {
  for (int j = 2; j < argc; j++) {
    int left = argc - j - 1;
    const lunar_str& a = argv[j];
    if (lunar::arg_is(a, "asc")) {
      o->desc = false;
    } else if (lunar::arg_is(a, "desc")) {
      o->desc = true;
    } else if (lunar::arg_is(a, "alpha")) {
      o->alpha = true;
    } else if (lunar::arg_is(a, "limit") && left >= 2) {
      if (!lunar::ll_arg(ctx, argv[j + 1], &o->limit_start) ||
          !lunar::ll_arg(ctx, argv[j + 2], &o->limit_count))
        return false;
      j += 2;
    } else if (!readonly && lunar::arg_is(a, "store") && left >= 1) {
      o->store = true;
      o->store_key = argv[j + 1];
      j++;
    } else if (lunar::arg_is(a, "by") && left >= 1) {
      o->by = view(argv[j + 1]);
      if (o->by->find('*') == std::string_view::npos) o->dontsort = true;
      j++;
    } else if (lunar::arg_is(a, "get") && left >= 1) {
      o->gets.push_back(view(argv[j + 1]));
      j++;
    } else {
      lunar::reply_error(ctx, kErrSyntax);
      return false;
    }
  }
  return true;
}

// SORT ... STORE: the result (each element, or each GET's value with "" for a missing one)
// replaces `dst` as a list; an empty result deletes it. Replies the number of elements stored.
void store_result(lunar_ctx* ctx, const Options& o, const std::vector<Item>& items,
                  long long start, long long end, const lunar_type* list_type) {
  std::vector<std::string> out;
  for (long long j = start; j <= end; j++) {
    const Item& it = items[static_cast<size_t>(j)];
    if (o.gets.empty()) out.push_back(it.elem);
    for (std::string_view pat : o.gets)
      out.push_back(lookup_by_pattern(ctx, pat, it.elem).value_or(std::string()));
  }
  if (out.empty()) {
    lunar::delete_key(ctx, o.store_key);
  } else {
    std::vector<lunar_str> elems;
    elems.reserve(out.size());
    for (const std::string& e : out) elems.push_back(lunar::str(e));
    void* list = lunar_value_from_elements(list_type, elems.data(), elems.size());
    if (!list) {
      lunar::reply_error(ctx, kErrStore);
      return;
    }
    lunar_key_set(ctx, o.store_key, list_type, list, 0);
    lunar_key_signal_write(ctx, o.store_key, LUNAR_NOTIFY_LIST, "sortstore");
  }
  lunar_reply_int(ctx, static_cast<long long>(out.size()));
}

int sort_generic(lunar_ctx* ctx, int argc, const lunar_str* argv, bool readonly) {
  Options o;
  if (!parse_options(ctx, argc, argv, readonly, &o)) return LUNAR_OK;

  lunar_type* type = nullptr;
  void* value = nullptr;
  std::string kind;
  if (lunar_key_lookup(ctx, argv[1], LUNAR_READ, &type, &value) == LUNAR_OK) {
    kind = lunar_type_name(type);
    if (kind != "list" && kind != "set" && kind != "zset") {
      lunar_reply_wrongtype(ctx);
      return LUNAR_OK;
    }
  }
  const lunar_type* list_type = o.store ? lunar_find_type("list") : nullptr;
  if (o.store && !list_type) {
    lunar::reply_error(ctx, kErrStore);
    return LUNAR_OK;
  }

  // A set has no order of its own to keep: from a script (and for STORE) Redis sorts it
  // ALPHA instead, so that replicas get the same result.
  if (o.dontsort && kind == "set" && (o.store || (lunar_ctx_flags(ctx) & LUNAR_CTX_SCRIPT))) {
    o.dontsort = false;
    o.alpha = true;
    o.by.reset();
  }

  std::vector<std::string> elems;
  if (!kind.empty() && !collect(type, value, &elems)) {
    lunar::reply_error(ctx, "ERR the type of the key to sort cannot be read");
    return LUNAR_OK;
  }
  long long len = static_cast<long long>(elems.size());

  // LIMIT as Redis clamps it: [start, end], empty when end < start.
  long long start = o.limit_start < 0 ? 0 : o.limit_start;
  long long end = len - 1;
  // start + count - 1 past LLONG_MAX is past the end anyway.
  if (o.limit_count >= 0 && __builtin_add_overflow(start, o.limit_count - 1, &end)) end = len - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  std::vector<Item> items;
  if (o.dontsort && (kind == "list" || kind == "zset")) {
    // Original order, reversed by DESC, LIMIT applied directly.
    if (end >= start) {
      for (long long i = start; i <= end; i++) {
        size_t idx = static_cast<size_t>(o.desc ? len - 1 - i : i);
        items.push_back(Item{std::move(elems[idx]), 0, std::nullopt});
      }
    }
    end -= start;
    start = 0;
  } else {
    items.reserve(elems.size());
    for (auto& e : elems) items.push_back(Item{std::move(e), 0, std::nullopt});
  }

  if (!o.dontsort) {
    bool conversion_error = false;
    for (Item& it : items) {
      std::optional<std::string> byval;
      if (o.by) {
        byval = lookup_by_pattern(ctx, *o.by, it.elem);
        if (!byval) continue;
      }
      const std::string& src = o.by ? *byval : it.elem;
      if (o.alpha) {
        if (o.by) it.alpha = src;
      } else {
        // strtod over the whole string, as Redis: accepts what strtod does (leading spaces,
        // hex, "inf"; the empty string is 0) but not trailing bytes (a NUL included),
        // overflow or NaN.
        const char* p = src.c_str();
        char* eptr = nullptr;
        errno = 0;
        double d = std::strtod(p, &eptr);
        if (eptr != p + src.size() || errno == ERANGE || std::isnan(d)) conversion_error = true;
        it.score = d;
      }
    }
    if (conversion_error) {
      lunar::reply_error(ctx, kErrNotDouble);
      return LUNAR_OK;
    }
    bool by = o.by.has_value();
    auto cmp = [&](const Item& a, const Item& b) -> int {
      int c;
      if (!o.alpha) {
        c = a.score > b.score ? 1 : a.score < b.score ? -1 : compare_bytes(a.elem, b.elem);
      } else if (by) {
        if (!a.alpha || !b.alpha)
          c = (!a.alpha && !b.alpha) ? 0 : !a.alpha ? -1 : 1;
        else
          c = compare_bytes(*a.alpha, *b.alpha);
      } else {
        c = compare_bytes(a.elem, b.elem);
      }
      return o.desc ? -c : c;
    };
    std::stable_sort(items.begin(), items.end(),
                     [&](const Item& a, const Item& b) { return cmp(a, b) < 0; });
  }

  long long count = end >= start ? end - start + 1 : 0;
  long long per = o.gets.empty() ? 1 : static_cast<long long>(o.gets.size());
  if (o.store) {
    store_result(ctx, o, items, start, end, list_type);
    return LUNAR_OK;
  }
  lunar_reply_array(ctx, count * per);
  for (long long j = start; j <= end; j++) {
    const Item& it = items[static_cast<size_t>(j)];
    if (o.gets.empty()) lunar::reply_bulk(ctx, it.elem);
    for (std::string_view pat : o.gets) {
      std::optional<std::string> v = lookup_by_pattern(ctx, pat, it.elem);
      if (v)
        lunar::reply_bulk(ctx, *v);
      else
        lunar_reply_null(ctx);
    }
  }
  return LUNAR_OK;
}

int sort_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  return sort_generic(ctx, argc, argv, false);
}

int sort_ro_command(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  return sort_generic(ctx, argc, argv, true);
}

// =============================================================================================
// Registration
// =============================================================================================

using lunar::command;
constexpr lunar::Keys kKey1{1, 1, 1};
constexpr char kAclSort[] = "set sortedset list dangerous";
constexpr char kComplexity[] =
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
    "number of returned elements. When the elements are not sorted, complexity is O(N).";

const lunar_command_def kSortCommands[] = {
    command("sort", sort_command, -2, "write denyoom movablekeys", kKey1, kAclSort,
            {"Sort the elements in a list, set or sorted set", "1.0.0", "generic", kComplexity},
            "RO access"),
    command("sort_ro", sort_ro_command, -2, "readonly movablekeys", kKey1, kAclSort,
            {"Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
             "7.0.0", "generic", kComplexity},
            "RO access"),
};

int sort_init(lunar_module* m, int argc, const lunar_str*) {
  if (argc != 0) {
    lunar_log(m, 3, "the sort module takes no arguments");
    return LUNAR_EINVAL;
  }
  return lunar::register_commands(m, kSortCommands);
}

}  // namespace
}  // namespace sort_module

LUNAR_MODULE("sort", 1, sort_module::sort_init, nullptr);
