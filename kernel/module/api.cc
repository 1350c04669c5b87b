// The implementation of the SDK's API table (sdk/include/lunar/lunar.h).
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "kernel/command/blocking.h"
#include "kernel/command/command.h"
#include "kernel/command/propagate.h"
#include "kernel/config/config.h"
#include "kernel/keyspace/keyspace.h"
#include "kernel/module/module.h"
#include "kernel/net/client.h"
#include "kernel/server.h"
#include "kernel/util/glob.h"
#include "kernel/util/memory.h"
#include "kernel/util/numbers.h"

namespace lunar {

namespace {
tsl::robin_map<std::string, lunar_type*> g_types;

struct EventListener {
  lunar_module* owner;
  int id;
  lunar_event_fn fn;
  void* priv;
};
std::vector<EventListener> g_listeners;

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------
int api_register_command(lunar_module* m, const lunar_command_def* def) {
  if (!m || !m->initializing) return LUNAR_ESTATE;
  if (!def || def->struct_size < offsetof(lunar_command_def, summary) || !def->name ||
      !*def->name)
    return LUNAR_EINVAL;
  if (def->struct_size > sizeof(lunar_command_def)) return LUNAR_EABI;
  auto c = std::make_unique<Command>();
  c->name = def->name;
  c->handler = def->handler;
  c->arity = def->arity;
  std::string bad;
  if (!parse_command_flags(def->flags, &c->flags, &bad) ||
      !parse_acl_categories(def->acl_categories, &c->acl, &bad)) {
    log_line(kLogWarning, "Module %s: command '%s' has unknown flag or category '%s'",
             m->name.c_str(), def->name, bad.c_str());
    return LUNAR_EFLAG;
  }
  c->flags |= kCmdModule;
  c->acl = implicit_acl_categories(c->flags, c->acl);
  c->first_key = def->first_key;
  c->last_key = def->last_key;
  c->key_step = def->key_step;
  auto str = [&](const char* s) { return s ? std::string(s) : std::string(); };
  if (def->struct_size >= offsetof(lunar_command_def, key_flags) + sizeof(const char*) &&
      !parse_key_flags(def->key_flags, &c->key_flags, &bad)) {
    log_line(kLogWarning, "Module %s: command '%s' has unknown key spec flag '%s'",
             m->name.c_str(), def->name, bad.c_str());
    return LUNAR_EFLAG;
  }
  if (def->struct_size >= offsetof(lunar_command_def, complexity) + sizeof(const char*)) {
    c->summary = str(def->summary);
    c->since = str(def->since);
    c->group = str(def->group);
    c->complexity = str(def->complexity);
  }
  c->owner = m;
  std::string name = c->name;
  int rc = g_commands.add(std::move(c));
  if (rc == LUNAR_OK && name.find('|') == std::string::npos) m->commands.push_back(name);
  return rc;
}

int api_register_type(lunar_module* m, const lunar_type_def* def, lunar_type** out) {
  if (!m || !m->initializing) return LUNAR_ESTATE;
  if (!def || def->struct_size != sizeof(lunar_type_def) || !def->name || !def->methods || !out)
    return LUNAR_EINVAL;
  const lunar_type_methods* mt = def->methods;
  if (mt->struct_size < offsetof(lunar_type_methods, encoding) + sizeof(void*) ||
      mt->struct_size > sizeof(lunar_type_methods))
    return LUNAR_EABI;
  if (!mt->free_value || !mt->memory_usage || !mt->encoding) return LUNAR_EINVAL;
  if (g_types.count(def->name)) return LUNAR_EEXIST;
  auto* t = new lunar_type();
  t->name = def->name;
  std::memcpy(&t->methods, mt, mt->struct_size);
  t->type_ctx = def->type_ctx;
  t->owner = m;
  if (def->rdb_types && def->rdb_type_count > 0)
    t->rdb_types.assign(reinterpret_cast<const char*>(def->rdb_types), def->rdb_type_count);
  g_types.emplace(t->name, t);
  m->types.push_back(t);
  *out = t;
  return LUNAR_OK;
}

int api_register_config(lunar_module* m, const lunar_config_def* def) {
  if (!m || !m->initializing) return LUNAR_ESTATE;
  return config::register_module_param(m, def);
}

void api_log(lunar_module* m, int level, const char* fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  log_line(level, "<%s> %s", m ? m->name.c_str() : "?", buf);
}

const char* api_strerror(int code) {
#define LUNAR__ERRNO_TEXT(name, c, text) \
  if (code == (c)) return text;
  LUNAR_ERRNO_MAP(LUNAR__ERRNO_TEXT)
#undef LUNAR__ERRNO_TEXT
  return "unknown error";
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------
void api_reply_simple(lunar_ctx* c, const char* s, size_t n) { c->reply->simple({s, n}); }

void api_reply_error(lunar_ctx* c, const char* s, size_t n) {
  std::string_view t(s, n);
  size_t sp = t.find(' ');
  std::string_view code = t.substr(0, sp);
  bool has_code = !code.empty() && sp != std::string_view::npos;
  for (char ch : code) has_code = has_code && (ch >= 'A' && ch <= 'Z');
  if (has_code) {
    c->reply->error(t);
  } else {
    c->reply->error("ERR " + std::string(t));
  }
}

void api_reply_errorf(lunar_ctx* c, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (n >= static_cast<int>(sizeof buf)) n = sizeof buf - 1;
  api_reply_error(c, buf, static_cast<size_t>(n));
}

void api_reply_int(lunar_ctx* c, long long v) { c->reply->integer(v); }
void api_reply_bulk(lunar_ctx* c, const char* s, size_t n) { c->reply->bulk({s, n}); }
void api_reply_null(lunar_ctx* c) { c->reply->null(); }
void api_reply_null_array(lunar_ctx* c) { c->reply->null_array(); }
void api_reply_double(lunar_ctx* c, double d) { c->reply->dbl(d); }
void api_reply_bool(lunar_ctx* c, int b) { c->reply->boolean(b != 0); }
void api_reply_bignum(lunar_ctx* c, const char* s, size_t n) { c->reply->bignum({s, n}); }
void api_reply_verbatim(lunar_ctx* c, const char* f, const char* s, size_t n) {
  c->reply->verbatim(f ? f : "txt", {s, n});
}
void api_reply_array(lunar_ctx* c, long n) { c->reply->aggregate(Agg::kArray, n); }
void api_reply_map(lunar_ctx* c, long n) { c->reply->aggregate(Agg::kMap, n); }
void api_reply_set(lunar_ctx* c, long n) { c->reply->aggregate(Agg::kSet, n); }
void api_reply_set_length(lunar_ctx* c, int kind, long n) {
  c->reply->set_length(kind == LUNAR_AGG_MAP   ? Agg::kMap
                       : kind == LUNAR_AGG_SET ? Agg::kSet
                                               : Agg::kArray,
                       n);
}
void api_reply_wrongtype(lunar_ctx* c) { c->reply->error(LUNAR_ERR_WRONGTYPE); }
void api_reply_ok(lunar_ctx* c) { c->reply->simple("OK"); }

// ---------------------------------------------------------------------------------------------
// Context and keys
// ---------------------------------------------------------------------------------------------
int api_ctx_db(lunar_ctx* c) { return c->db; }
int api_ctx_resp(lunar_ctx* c);
long long api_ctx_client_id(lunar_ctx* c);
long long api_ctx_now_ms(lunar_ctx*) { return g_server.cmd_time_ms; }

Slot* lookup(lunar_ctx* c, lunar_str key, int flags) {
  std::string_view k(key.ptr, key.len);
  return (flags & LUNAR_READ) ? lookup_read(c->db, k) : lookup_write(c->db, k);
}

int api_key_lookup(lunar_ctx* c, lunar_str key, int flags, lunar_type** type, void** value) {
  Slot* s = lookup(c, key, flags);
  if (!s) return LUNAR_ENOENT;
  if (type) *type = const_cast<lunar_type*>(s->type);
  if (value) *value = s->value;
  return LUNAR_OK;
}

int api_key_lookup_typed(lunar_ctx* c, lunar_str key, int flags, const lunar_type* type,
                         void** value) {
  Slot* s = lookup(c, key, flags);
  if (!s) return LUNAR_ENOENT;
  if (s->type != type) return LUNAR_EWRONGTYPE;
  if (value) *value = s->value;
  return LUNAR_OK;
}

int api_key_set(lunar_ctx* c, lunar_str key, const lunar_type* type, void* value, int flags) {
  if (!type || (flags & ~(LUNAR_KEEPTTL | LUNAR_SAME_CONTENT))) return LUNAR_EFLAG;
  std::string_view k(key.ptr, key.len);
  if (flags & LUNAR_SAME_CONTENT) {
    Slot* s = db_at(c->db).find(k);
    if (!s) return LUNAR_ENOENT;
    db_at(c->db).replace_value(s, type, value);  // expiry and LRU untouched, nothing signalled
    return LUNAR_OK;
  }
  set_key(c->db, k, type, value, (flags & LUNAR_KEEPTTL) != 0);
  return LUNAR_OK;
}

int api_key_delete(lunar_ctx* c, lunar_str key) {
  return delete_key(c->db, {key.ptr, key.len}) ? LUNAR_OK : LUNAR_ENOENT;
}

long long api_key_get_expire(lunar_ctx* c, lunar_str key) {
  Slot* s = lookup_write(c->db, {key.ptr, key.len});
  if (!s) return -2;
  return s->expire_ms;
}

int api_key_set_expire(lunar_ctx* c, lunar_str key, long long when) {
  Slot* s = lookup_write(c->db, {key.ptr, key.len});
  if (!s) return LUNAR_ENOENT;
  db_at(c->db).set_expire(s, when < 0 ? -1 : when);
  return LUNAR_OK;
}

void api_key_signal_write(lunar_ctx* c, lunar_str key, int cls, const char* event) {
  std::string_view k(key.ptr, key.len);
  signal_modified(c->db, k);
  if (event) notify_event(cls, event, k, c->db);
}

const char* api_type_name(const lunar_type* t) { return t->name.c_str(); }

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------
int api_parse_ll(lunar_str s, long long* out) {
  return string2ll(s.ptr, s.len, out) ? LUNAR_OK : LUNAR_EINVAL;
}
int api_parse_double(lunar_str s, double* out) {
  return string2d(s.ptr, s.len, out) ? LUNAR_OK : LUNAR_EINVAL;
}
int api_parse_long_double(lunar_str s, long double* out) {
  return string2ld(s.ptr, s.len, out) ? LUNAR_OK : LUNAR_EINVAL;
}
int api_glob_match(lunar_str p, lunar_str s, int nocase) {
  return glob_match({p.ptr, p.len}, {s.ptr, s.len}, nocase != 0) ? 1 : 0;
}
size_t api_format_double(double d, char* buf, size_t n) { return format_double(d, buf, n); }
size_t api_format_long_double(long double d, char* buf, size_t n, int hf) {
  return format_long_double(d, buf, n, hf != 0);
}
int api_config_get(const char* name, char* buf, size_t n) {
  std::string v;
  if (!config::get(name, &v)) return LUNAR_ENOENT;
  if (v.size() + 1 > n) return LUNAR_ERANGE;
  std::memcpy(buf, v.c_str(), v.size() + 1);
  return LUNAR_OK;
}

int api_ctx_flags(lunar_ctx* c) { return c->flags; }

int api_value_for_each(const lunar_type* t, const void* value,
                       int (*fn)(void*, lunar_str, double), void* arg) {
  if (!t || !t->methods.for_each || !fn) return LUNAR_ENOENT;
  t->methods.for_each(t->type_ctx, value, fn, arg);
  return LUNAR_OK;
}

const lunar_type* api_find_type(const char* name);

void* api_value_from_elements(const lunar_type* t, const lunar_str* elements, size_t n) {
  if (!t || !t->methods.from_elements) return nullptr;
  return t->methods.from_elements(t->type_ctx, elements, n);
}

int api_ctx_ready_key(lunar_ctx* c, lunar_str* key) {
  if (!(c->flags & LUNAR_CTX_UNBLOCKED) || !c->ready_key.ptr) return LUNAR_ENOENT;
  *key = c->ready_key;
  return LUNAR_OK;
}

// ---------------------------------------------------------------------------------------------
// Events, other clients, pub/sub
// ---------------------------------------------------------------------------------------------
int api_register_event(lunar_module* m, int id, lunar_event_fn fn, void* priv) {
  if (!m || !m->initializing) return LUNAR_ESTATE;
  if (!fn) return LUNAR_EINVAL;
  if (id != LUNAR_EVENT_CLIENT_CLOSED && id != LUNAR_EVENT_CLIENT_RESET) return LUNAR_EFLAG;
  g_listeners.push_back({m, id, fn, priv});
  return LUNAR_OK;
}

// One context for writing to another client, reused by every call (see lunar.h).
lunar_ctx g_target_ctx{nullptr, nullptr, 0, nullptr, nullptr};

lunar_ctx* api_client_ctx(long long id) {
  Client* t = client_by_id(id);
  if (!t || t->over_output_limit()) return nullptr;
  t->schedule_write();
  g_target_ctx = lunar_ctx{t, &t->writer, t->db, nullptr, nullptr};
  return &g_target_ctx;
}

void api_reply_push(lunar_ctx* c, long n) { c->reply->aggregate(Agg::kPush, n); }

void api_client_set_subscriptions(lunar_ctx* c, int kind, long long n) {
  if (!c->client || kind < LUNAR_SUB_CHANNELS || kind > LUNAR_SUB_SHARD_CHANNELS) return;
  c->client->subs[kind] = n < 0 ? 0 : n;
}

int api_register_publisher(lunar_module* m, lunar_publish_fn fn, void* priv) {
  if (!m || !m->initializing) return LUNAR_ESTATE;
  if (!fn) return LUNAR_EINVAL;
  if (g_server.publisher.fn) return LUNAR_EEXIST;
  g_server.publisher = {m, fn, priv};
  return LUNAR_OK;
}

const lunar_api kApi = {
    sizeof(lunar_api),
    LUNAR_ABI_MAJOR,
    LUNAR_ABI_MINOR,
    api_register_command,
    api_register_type,
    api_register_config,
    api_log,
    api_strerror,
    memory::alloc,
    memory::realloc,
    memory::free,
    memory::usable_size,
    api_reply_simple,
    api_reply_error,
    api_reply_errorf,
    api_reply_int,
    api_reply_bulk,
    api_reply_null,
    api_reply_null_array,
    api_reply_double,
    api_reply_bool,
    api_reply_bignum,
    api_reply_verbatim,
    api_reply_array,
    api_reply_map,
    api_reply_set,
    api_reply_set_length,
    api_reply_wrongtype,
    api_reply_ok,
    api_ctx_db,
    api_ctx_resp,
    api_ctx_client_id,
    api_ctx_now_ms,
    api_key_lookup,
    api_key_lookup_typed,
    api_key_set,
    api_key_delete,
    api_key_get_expire,
    api_key_set_expire,
    api_key_signal_write,
    api_type_name,
    api_parse_ll,
    api_parse_double,
    api_parse_long_double,
    api_glob_match,
    api_format_double,
    api_format_long_double,
    api_config_get,
    // ABI 1.1
    api_ctx_flags,
    blocking::block_on_keys,
    blocking::parse_timeout,
    api_register_event,
    api_client_ctx,
    api_reply_push,
    api_client_set_subscriptions,
    api_register_publisher,
    propagate::register_listener,
    propagate::replicate,
    register_info_field,
    api_ctx_ready_key,
    api_value_for_each,
    api_find_type,
    api_value_from_elements,
};
}  // namespace

}  // namespace lunar

namespace lunar {
namespace {
int api_ctx_resp(lunar_ctx* c) { return c->client ? c->client->resp : 2; }
long long api_ctx_client_id(lunar_ctx* c) { return c->client ? c->client->id : 0; }
}  // namespace

const lunar_api* api_table() { return &kApi; }

namespace {
const lunar_type* api_find_type(const char* name) { return name ? find_type(name) : nullptr; }
}  // namespace

void fire_event(int id, long long client_id) {
  lunar_event ev{sizeof(lunar_event), id, client_id};
  for (const EventListener& l : g_listeners)
    if (l.id == id) l.fn(l.priv, &ev);
}

void forget_module_hooks(lunar_module* m) {
  std::erase_if(g_listeners, [m](const EventListener& l) { return l.owner == m; });
  if (g_server.publisher.owner == m) g_server.publisher = {};
  propagate::forget_module(m);
  forget_info_fields(m);
}

lunar_type* find_type(std::string_view name) {
  auto it = g_types.find(std::string(name));
  return it == g_types.end() ? nullptr : it->second;
}

void unregister_type(lunar_type* t) {
  g_types.erase(t->name);
  delete t;
}

}  // namespace lunar
