// The parameter registry: value parsers with Redis's rules, parameter builders, module
// parameters and CONFIG SET's all-or-nothing transaction.
#include "kernel/config/registry.h"

#include <strings.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "kernel/module/module.h"
#include "kernel/server.h"
#include "kernel/util/numbers.h"

namespace lunar::config {

// ---------------------------------------------------------------------------------------------
// Value parsers
// ---------------------------------------------------------------------------------------------
std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return r;
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) i++;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') i++;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

static bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool parse_bool(std::string_view s, bool* out, std::string* err) {
  if (equals_nocase(s, "yes")) {
    *out = true;
  } else if (equals_nocase(s, "no")) {
    *out = false;
  } else {
    *err = "argument must be 'yes' or 'no'";
    return false;
  }
  return true;
}

bool parse_memory(std::string_view s, unsigned long long* out) {
  size_t digits = 0;
  while (digits < s.size() && isdigit(static_cast<unsigned char>(s[digits]))) digits++;
  std::string_view unit = s.substr(digits);
  unsigned long long mul;
  if (unit.empty() || equals_nocase(unit, "b")) {
    mul = 1;
  } else if (equals_nocase(unit, "k")) {
    mul = 1000;
  } else if (equals_nocase(unit, "kb")) {
    mul = 1024;
  } else if (equals_nocase(unit, "m")) {
    mul = 1000 * 1000;
  } else if (equals_nocase(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (equals_nocase(unit, "g")) {
    mul = 1000ull * 1000 * 1000;
  } else if (equals_nocase(unit, "gb")) {
    mul = 1024ull * 1024 * 1024;
  } else {
    return false;
  }
  unsigned long long v = 0;
  for (size_t i = 0; i < digits; i++) {
    unsigned d = static_cast<unsigned>(s[i] - '0');
    if (v > (ULLONG_MAX - d) / 10) {
      v = ULLONG_MAX;
      break;
    }
    v = v * 10 + d;
  }
  *out = v > ULLONG_MAX / mul ? ULLONG_MAX : v * mul;
  return true;
}

bool parse_number(const Param& p, std::string_view s, long long* out, std::string* err) {
  long long v;
  // Memory values never take a sign (Redis's memtoull); module integers may.
  if (p.kind == Kind::kMemory || !string2ll(s.data(), s.size(), &v)) {
    unsigned long long u;
    bool units = p.kind == Kind::kMemory || (p.flags & kUnits);
    if (!units || !parse_memory(s, &u)) {
      *err = p.kind == Kind::kMemory ? "argument must be a memory value"
                                     : "argument couldn't be parsed into an integer";
      return false;
    }
    v = u > static_cast<unsigned long long>(LLONG_MAX) ? LLONG_MAX : static_cast<long long>(u);
  }
  if (v < p.min || v > p.max) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "argument must be between %lld and %lld inclusive", p.min,
                  p.max);
    *err = buf;
    return false;
  }
  *out = v;
  return true;
}

static std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); i++) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

bool parse_enum(const Param& p, std::string_view s, size_t* out, std::string* err) {
  for (size_t i = 0; i < p.enum_values.size(); i++) {
    if (equals_nocase(s, p.enum_values[i])) {
      *out = i;
      return true;
    }
  }
  *err = "argument(s) must be one of the following: " + join(p.enum_values, ", ");
  return false;
}

std::string Param::allowed() const {
  if (!allowed_text.empty()) return allowed_text;
  switch (kind) {
    case Kind::kBool:
      return "must be yes or no (true or false)";
    case Kind::kInt:
    case Kind::kMemory: {
      std::string what =
          kind == Kind::kInt
              ? (flags & kUnits ? "an integer (units such as 1kb or 2mb allowed)" : "an integer")
              : "a memory size (bytes, or a string with a unit: \"100mb\", \"2gb\")";
      if (max == LLONG_MAX) {
        if (kind == Kind::kMemory && min == 0) return "must be " + what;
        return "must be " + what + " >= " + std::to_string(min);
      }
      return "must be " + what + " between " + std::to_string(min) + " and " + std::to_string(max);
    }
    case Kind::kEnum:
      return "must be one of: " + join(enum_values, ", ");
    default:
      return "must be a string";
  }
}

// ---------------------------------------------------------------------------------------------
// Builders over kernel storage
// ---------------------------------------------------------------------------------------------
static std::unique_ptr<Param> new_param(std::string name, Kind kind, std::string def) {
  auto p = std::make_unique<Param>();
  p->name = std::move(name);
  p->kind = kind;
  p->default_text = std::move(def);
  return p;
}

std::unique_ptr<Param> bool_param(std::string name, long long* storage, bool def) {
  auto p = new_param(std::move(name), Kind::kBool, def ? "yes" : "no");
  p->get = [storage] { return std::string(*storage ? "yes" : "no"); };
  p->set = [storage](std::string_view s, std::string* err) {
    bool b;
    if (!parse_bool(s, &b, err)) return SetStatus::kInvalid;
    *storage = b;
    return SetStatus::kOk;
  };
  return p;
}

std::unique_ptr<Param> int_param(std::string name, Kind kind, long long min, long long max,
                                 long long def, std::function<long long()> load,
                                 std::function<void(long long)> store) {
  auto p = new_param(std::move(name), kind, std::to_string(def));
  p->min = min;
  p->max = max;
  p->get = [load] { return std::to_string(load()); };
  Param* self = p.get();
  p->set = [self, store](std::string_view s, std::string* err) {
    long long v;
    if (!parse_number(*self, s, &v, err)) return SetStatus::kInvalid;
    store(v);
    return SetStatus::kOk;
  };
  return p;
}

std::unique_ptr<Param> enum_param(std::string name, std::string* storage,
                                  std::vector<std::string> values, std::string def) {
  auto p = new_param(std::move(name), Kind::kEnum, std::move(def));
  p->enum_values = std::move(values);
  p->get = [storage] { return *storage; };
  Param* self = p.get();
  p->set = [self, storage](std::string_view s, std::string* err) {
    size_t i;
    if (!parse_enum(*self, s, &i, err)) return SetStatus::kInvalid;
    *storage = self->enum_values[i];
    return SetStatus::kOk;
  };
  return p;
}

std::unique_ptr<Param> string_param(std::string name, std::string* storage, std::string def) {
  auto p = new_param(std::move(name), Kind::kString, std::move(def));
  p->get = [storage] { return *storage; };
  p->set = [storage](std::string_view s, std::string*) {
    storage->assign(s);
    return SetStatus::kOk;
  };
  return p;
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------
Registry& registry() {
  static Registry r;
  return r;
}

void Registry::clear() {
  names_.clear();
  params_.clear();
}

int Registry::add(std::unique_ptr<Param> p) {
  if (names_.count(p->name) || (!p->alias.empty() && names_.count(p->alias))) return LUNAR_EEXIST;
  names_[p->name] = p.get();
  if (!p->alias.empty()) names_[p->alias] = p.get();
  params_.push_back(std::move(p));
  return LUNAR_OK;
}

Param* Registry::find(std::string_view name, std::string* matched) const {
  std::string key = lower(name);
  auto it = names_.find(key);
  if (it == names_.end()) return nullptr;
  if (matched) *matched = std::move(key);
  return it->second;
}

void Registry::remove_if(const std::function<bool(const Param&)>& pred) {
  std::erase_if(names_, [&](const auto& e) { return pred(*e.second); });
  std::erase_if(params_, [&](const std::unique_ptr<Param>& p) { return pred(*p); });
}

// Apply hooks outlive register_kernel_params() resets: main installs them once.
static std::unordered_map<std::string, ApplyHook>& apply_hooks() {
  static std::unordered_map<std::string, ApplyHook> hooks;
  return hooks;
}

void set_apply_hook(std::string_view name, ApplyHook hook) {
  apply_hooks()[std::string(name)] = hook;
}

static ApplyHook hook_of(const Param* p) {
  if (p->owner) return nullptr;
  auto it = apply_hooks().find(p->name);
  return it == apply_hooks().end() ? nullptr : it->second;
}

void register_kernel_params() {
  registry().clear();
  reset_startup_state();
  add_kernel_params(&registry());
  for (const auto& p : registry().params()) {
    std::string err;
    if (p->set(p->default_text, &err) != SetStatus::kOk) {
      std::fprintf(stderr, "lunar: bad default for '%s': %s\n", p->name.c_str(), err.c_str());
      std::abort();
    }
  }
}

bool get(std::string_view name, std::string* out) {
  Param* p = registry().find(name);
  if (!p) return false;
  *out = p->get();
  return true;
}

// ---------------------------------------------------------------------------------------------
// CONFIG SET
// ---------------------------------------------------------------------------------------------
std::string set_atomic(const std::vector<std::pair<std::string_view, std::string_view>>& pairs) {
  struct Item {
    Param* p;
    std::string matched;  // lower-case name or alias that was used
    std::string old;
  };
  std::vector<Item> items;
  std::string unknown, bad_arg, bad_why;
  bool invalid = false;
  // Redis checks every name first: the first unknown name wins unless an earlier pair already
  // failed; then immutable/protected parameters and repeated names.
  for (const auto& [name, value] : pairs) {
    std::string matched;
    Param* p = registry().find(name, &matched);
    if (!p) {
      if (!invalid) unknown = std::string(name);
      invalid = true;
      continue;
    }
    if (invalid) continue;
    if (p->flags & (kImmutable | kProtected)) {
      bad_why = p->flags & kImmutable ? "can't set immutable config" : "can't set protected config";
      bad_arg = std::string(name);
      invalid = true;
      continue;
    }
    for (const Item& it : items) {
      if (it.matched == matched) {
        bad_why = "duplicate parameter";
        bad_arg = std::string(name);
        invalid = true;
        break;
      }
    }
    items.push_back({p, std::move(matched), {}});
  }
  auto failed = [](const std::string& arg, const std::string& why) {
    return "ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + why;
  };
  if (!unknown.empty())
    return "ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'";
  if (invalid) return failed(bad_arg, bad_why);

  for (Item& it : items) it.old = it.p->get();
  auto restore = [&](size_t n) {
    for (size_t i = 0; i < n; i++) {
      std::string ignored;
      (void)items[i].p->set(items[i].old, &ignored);
    }
  };
  std::vector<std::pair<ApplyHook, size_t>> hooks;  // each hook once, with its first item
  for (size_t i = 0; i < items.size(); i++) {
    std::string err;
    if (items[i].p->set(pairs[i].second, &err) != SetStatus::kOk) {
      restore(i + 1);
      return failed(items[i].matched, err);
    }
    ApplyHook h = hook_of(items[i].p);
    if (h && items[i].p->get() != items[i].old) {
      bool seen = false;
      for (const auto& e : hooks) seen |= e.first == h;
      if (!seen) hooks.emplace_back(h, i);
    }
  }
  for (const auto& [hook, i] : hooks) {
    std::string err;
    if (!hook(&err)) {
      restore(items.size());
      for (const auto& e : hooks) {
        std::string ignored;
        if (!e.first(&ignored))
          log_line(kLogWarning, "Failed applying restored config: %s", ignored.c_str());
      }
      return failed(items[i].matched, err);
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Module parameters
// ---------------------------------------------------------------------------------------------
static std::string g_last_error;

const std::string& last_error() { return g_last_error; }

// Wraps `store` so that the module's on_change may refuse the new value, which is then put back.
template <typename T>
static SetStatus store_checked(const lunar_config_def& def, T* slot, T value, std::string* err) {
  T old = *slot;
  *slot = value;
  if (def.on_change) {
    const char* why = nullptr;
    if (def.on_change(def.priv, &why) != 0) {
      *slot = old;
      *err = why ? why : "value rejected by the module";
      return SetStatus::kFailed;
    }
  }
  return SetStatus::kOk;
}

static std::unique_ptr<Param> module_param(const lunar_config_def& def) {
  auto p = std::make_unique<Param>();
  p->name = def.name;
  p->flags = (def.flags & LUNAR_CONFIG_IMMUTABLE) ? unsigned{kImmutable} : 0u;
  if (def.alias) p->alias = def.alias;
  p->default_text = def.default_value ? def.default_value : "";
  Param* self = p.get();
  switch (def.type) {
    case LUNAR_CONFIG_BOOL: {
      auto* slot = static_cast<long long*>(def.storage);
      p->kind = Kind::kBool;
      p->get = [slot] { return std::string(*slot ? "yes" : "no"); };
      p->set = [def, slot](std::string_view s, std::string* err) {
        bool b;
        if (!parse_bool(s, &b, err)) return SetStatus::kInvalid;
        return store_checked(def, slot, static_cast<long long>(b), err);
      };
      break;
    }
    case LUNAR_CONFIG_INT: {
      auto* slot = static_cast<long long*>(def.storage);
      p->kind = (def.flags & LUNAR_CONFIG_MEMORY) ? Kind::kMemory : Kind::kInt;
      if (!(def.flags & (LUNAR_CONFIG_PLAIN | LUNAR_CONFIG_MEMORY))) p->flags |= kUnits;
      p->min = def.min;
      p->max = def.max;
      p->get = [slot] { return std::to_string(*slot); };
      p->set = [def, slot, self](std::string_view s, std::string* err) {
        long long v;
        if (!parse_number(*self, s, &v, err)) return SetStatus::kInvalid;
        return store_checked(def, slot, v, err);
      };
      break;
    }
    case LUNAR_CONFIG_ENUM: {
      auto* slot = static_cast<long long*>(def.storage);
      p->kind = Kind::kEnum;
      for (const char* const* v = def.enum_values; *v; v++) p->enum_values.emplace_back(*v);
      p->get = [slot, self] {
        size_t i = static_cast<size_t>(*slot);
        return i < self->enum_values.size() ? self->enum_values[i] : std::string();
      };
      p->set = [def, slot, self](std::string_view s, std::string* err) {
        size_t i;
        if (!parse_enum(*self, s, &i, err)) return SetStatus::kInvalid;
        return store_checked(def, slot, static_cast<long long>(i), err);
      };
      break;
    }
    default: {  // LUNAR_CONFIG_STRING: the kernel owns the text; the module sees a pointer to it
      auto* slot = static_cast<const char**>(def.storage);
      auto text = std::make_shared<std::string>();
      p->kind = Kind::kString;
      p->get = [text] { return *text; };
      p->set = [def, slot, text](std::string_view s, std::string* err) {
        std::string old = *text;
        text->assign(s);
        SetStatus st = store_checked(def, slot, static_cast<const char*>(text->c_str()), err);
        if (st != SetStatus::kOk) {
          *text = std::move(old);
          *slot = text->c_str();
        }
        return st;
      };
      break;
    }
  }
  return p;
}

// Checks what a module hands over; LUNAR_OK or the code register_module_param returns.
static int validate_def(const lunar_config_def* def, std::string* why) {
  if (!def || (def->struct_size != sizeof(lunar_config_def) &&
               def->struct_size != offsetof(lunar_config_def, alias))) {
    *why = "unknown struct_size of lunar_config_def";
    return LUNAR_EINVAL;
  }
  if (def->type < LUNAR_CONFIG_BOOL || def->type > LUNAR_CONFIG_ENUM) {
    *why = "unknown config type " + std::to_string(def->type);
    return LUNAR_EFLAG;
  }
  if (def->flags & ~(LUNAR_CONFIG_IMMUTABLE | LUNAR_CONFIG_PLAIN | LUNAR_CONFIG_MEMORY) ||
      ((def->flags & LUNAR_CONFIG_PLAIN) && (def->flags & LUNAR_CONFIG_MEMORY))) {
    *why = "unknown config flags " + std::to_string(def->flags);
    return LUNAR_EFLAG;
  }
  if (!def->name || !*def->name) {
    *why = "config without a name";
    return LUNAR_EINVAL;
  }
  for (const char* c = def->name; *c; c++) {
    if (!(islower(static_cast<unsigned char>(*c)) || isdigit(static_cast<unsigned char>(*c)) ||
          *c == '-' || *c == '_' || *c == '.')) {
      *why =
          std::string("config name '") + def->name + "' may hold only a-z, 0-9, '-', '_' and '.'";
      return LUNAR_EINVAL;
    }
  }
  if (!def->storage) {
    *why = std::string("config '") + def->name + "' has no storage";
    return LUNAR_EINVAL;
  }
  if (def->type == LUNAR_CONFIG_INT && def->min > def->max) {
    *why = std::string("config '") + def->name + "' has min > max";
    return LUNAR_EINVAL;
  }
  if (def->type == LUNAR_CONFIG_ENUM && (!def->enum_values || !def->enum_values[0])) {
    *why = std::string("config '") + def->name + "' has no enum values";
    return LUNAR_EINVAL;
  }
  return LUNAR_OK;
}

static int fail_registration(lunar_module* m, int code, const std::string& why) {
  g_last_error = why;
  log_line(kLogWarning, "Module %s: %s", m ? m->name.c_str() : "?", why.c_str());
  return code;
}

int register_module_param(lunar_module* m, const lunar_config_def* given) {
  std::string why;
  if (int rc = validate_def(given, &why); rc != LUNAR_OK) return fail_registration(m, rc, why);
  // A module built for ABI 1.0 hands over a shorter struct: later fields read as zero.
  lunar_config_def full{};
  std::memcpy(&full, given, given->struct_size);
  const lunar_config_def* def = &full;
  if (registry().find(def->name) || (def->alias && registry().find(def->alias)))
    return fail_registration(m, LUNAR_EEXIST,
                             std::string("config '") + def->name + "' is already registered");
  auto owned = module_param(*def);
  owned->owner = m;
  Param* p = owned.get();
  std::string err;
  if (p->set(p->default_text, &err) != SetStatus::kOk)
    return fail_registration(
        m, LUNAR_EINVAL,
        "default value '" + p->default_text + "' of config '" + p->name + "' is invalid: " + err);
  registry().add(std::move(owned));
  if (!apply_pending(p, &err)) {
    registry().remove_if([p](const Param& q) { return &q == p; });
    return fail_registration(m, LUNAR_EINVAL, err);
  }
  return LUNAR_OK;
}

void unregister_module_params(lunar_module* m) {
  if (m) registry().remove_if([m](const Param& p) { return p.owner == m; });
}

}  // namespace lunar::config
