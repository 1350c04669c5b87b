/*
 * lunar.h — the Lunar module SDK (C ABI).
 *
 * A module is a shared object that exports one symbol, `lunar_module_descriptor` (declare it with
 * LUNAR_MODULE(...)). The kernel validates the descriptor before it runs any module code, then
 * calls its init function with a registration handle; all kernel services are reached through
 * the API table, with the `lunar_*` call macros below.
 *
 * Rules of this ABI:
 *  1. Ownership. What the kernel hands out (argument views, strings it returns) belongs to the
 *     kernel; what a module hands to the kernel as a value (lunar_key_set) becomes the kernel's
 *     to free through the type's `free` callback. Memory for values is allocated with
 *     lunar_alloc/lunar_free so that used_memory and maxmemory see it.
 *  2. Lifetimes. Argument views and values returned by lookups are valid until the command
 *     handler returns, or until the key is written or deleted, whichever comes first. Strings
 *     passed to registration functions must be static (string literals) or outlive the module.
 *  3. Threading. Every function runs on the server's main (event loop) thread only, unless its
 *     comment says otherwise.
 *  4. NULL. A NULL pointer is never a valid handle or view pointer unless a comment says so; a
 *     lunar_str with len 0 may have a NULL ptr.
 *  5. Errors. Functions that can fail return int: LUNAR_OK (0) or a negative LUNAR_E* code;
 *     lunar_strerror() names it. Nothing is silently ignored: an unknown flag, option or a
 *     struct_size the kernel does not know is an error.
 *  6. Growth. Structs a module passes begin with `struct_size` (set it with sizeof); the API table
 *     only grows at its end, each field marked with the ABI minor that added it. A module built
 *     for ABI 1.N loads on a kernel of ABI 1.M when N <= M.
 */
#ifndef LUNAR_LUNAR_H
#define LUNAR_LUNAR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LUNAR_ABI_MAJOR 1
#define LUNAR_ABI_MINOR 1

/* ---------------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------------- */
#define LUNAR_ERRNO_MAP(X)                                       \
  X(OK, 0, "success")                                            \
  X(EINVAL, -1, "invalid argument")                              \
  X(ENOMEM, -2, "out of memory")                                 \
  X(EEXIST, -3, "already exists")                                \
  X(ENOENT, -4, "no such key or name")                           \
  X(EWRONGTYPE, -5, "key holds a value of another type")         \
  X(EFLAG, -6, "unknown flag or option")                         \
  X(EABI, -7, "ABI version mismatch")                            \
  X(ESTATE, -8, "not allowed in the current state")              \
  X(ERANGE, -9, "value out of range")                            \
  X(EBUSY, -10, "resource in use")

#define LUNAR__ERRNO_ENUM(name, code, text) LUNAR_##name = code,
enum { LUNAR_ERRNO_MAP(LUNAR__ERRNO_ENUM) };
#undef LUNAR__ERRNO_ENUM

/* ---------------------------------------------------------------------------------------------
 * Redis's error texts. Modules refer to these, never spell them by hand.
 * ------------------------------------------------------------------------------------------- */
#define LUNAR_ERR_WRONGTYPE "WRONGTYPE Operation against a key holding the wrong kind of value"
#define LUNAR_ERR_SYNTAX "ERR syntax error"
#define LUNAR_ERR_NOT_INTEGER "ERR value is not an integer or out of range"
#define LUNAR_ERR_NOT_FLOAT "ERR value is not a valid float"
#define LUNAR_ERR_OVERFLOW "ERR increment or decrement would overflow"
#define LUNAR_ERR_NO_SUCH_KEY "ERR no such key"
#define LUNAR_ERR_OUT_OF_RANGE "ERR index out of range"
#define LUNAR_ERR_BIT_OFFSET "ERR bit offset is not an integer or out of range"
#define LUNAR_ERR_BIT_VALUE "ERR bit is not an integer or out of range"
#define LUNAR_ERR_STRING_TOO_LONG "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
#define LUNAR_ERR_INVALID_EXPIRE "ERR invalid expire time in '%s' command"
#define LUNAR_ERR_OOM "OOM command not allowed when used memory > 'maxmemory'."
#define LUNAR_ERR_NAN_OR_INF "ERR increment would produce NaN or Infinity"
#define LUNAR_ERR_POSITIVE "ERR value is out of range, must be positive"
#define LUNAR_ERR_TIMEOUT_NOT_FLOAT "ERR timeout is not a float or out of range"
#define LUNAR_ERR_TIMEOUT_NEGATIVE "ERR timeout is negative"

/* ---------------------------------------------------------------------------------------------
 * Opaque handles and plain types
 * ------------------------------------------------------------------------------------------- */
typedef struct lunar_module lunar_module; /* registration handle, valid from init to unload */
typedef struct lunar_ctx lunar_ctx;       /* one command call; valid until the handler returns */
typedef struct lunar_type lunar_type;     /* a registered value type; valid while registered */
typedef struct lunar_api lunar_api;

/* A byte-string view. Not NUL-terminated. */
typedef struct lunar_str {
  const char *ptr;
  size_t len;
} lunar_str;

/* A command handler. argv[0] is the command name as the client sent it; argc counts it. The
 * handler must send exactly one reply (possibly an aggregate) before it returns. It returns
 * LUNAR_OK; any other value makes the kernel reply with a generic error if no reply was sent. */
typedef int (*lunar_command_fn)(lunar_ctx *ctx, int argc, const lunar_str *argv);

/* ---------------------------------------------------------------------------------------------
 * Commands
 * ------------------------------------------------------------------------------------------- */
/* One row of a module's command table. `flags` is a space-separated list of Redis's command
 * flags as COMMAND INFO spells them: write readonly denyoom admin pubsub noscript blocking
 * loading stale skip_monitor skip_slowlog asking fast no_auth may_replicate no_mandatory_keys
 * protected no_async_loading no_multi allow_busy. `acl_categories` is a space-separated list without '@' (string list hash set
 * sortedset bitmap keyspace dangerous connection ...); @read/@write/@fast/@slow/@admin/@pubsub/
 * @blocking are derived from the flags as Redis does. `name` may be "parent|sub" to register a
 * subcommand of a container command registered earlier with a NULL handler. Docs fields may be
 * NULL. An unknown flag or category makes registration fail with LUNAR_EFLAG. */
typedef struct lunar_command_def {
  uint32_t struct_size;     /* sizeof(lunar_command_def) */
  const char *name;         /* lower case */
  lunar_command_fn handler; /* NULL only for a container of subcommands */
  int arity;                /* >0 exact argc, <0 at least -arity */
  const char *flags;
  int first_key, last_key, key_step; /* 1-based; last_key -1 = last argument; 0 0 0 = no keys */
  const char *acl_categories;
  const char *summary;    /* COMMAND DOCS */
  const char *since;      /* "1.0.0" */
  const char *group;      /* "string", "bitmap", "generic", ... */
  const char *complexity; /* "O(1)" */
  /* ABI 1.1: the key spec's flags as COMMAND INFO shows them, space-separated from RO RW OW
   * RM access update insert delete not_key incomplete variable_flags (e.g. "RW access delete";
   * "not_key" for arguments that name channels, not keys). NULL: derived from the command's
   * flags ("RO access" for readonly commands, else "RW access update"). */
  const char *key_flags;
} lunar_command_def;

/* ---------------------------------------------------------------------------------------------
 * Value types
 * ------------------------------------------------------------------------------------------- */
/* Callbacks of a value type. `type_ctx` is the pointer given in lunar_type_def. */
typedef struct lunar_type_methods {
  uint32_t struct_size; /* sizeof(lunar_type_methods) */
  /* Frees a value the kernel owns (on DEL, overwrite, expiry, FLUSH). Required. */
  void (*free_value)(void *type_ctx, void *value);
  /* Bytes used by the value, for MEMORY USAGE and eviction estimates. Required. */
  size_t (*memory_usage)(void *type_ctx, const void *value);
  /* A deep copy for COPY; NULL when the value cannot be copied (COPY then fails). */
  void *(*copy)(void *type_ctx, const void *value);
  /* OBJECT ENCODING's answer for this value ("listpack", "raw", ...). Required; static string. */
  const char *(*encoding)(void *type_ctx, const void *value);
  /* ABI 1.1, optional: for collections, so that other modules (SORT, ZUNION of a set) can read
   * them through lunar_value_for_each. Calls fn(arg, element, score) for every element in the
   * type's order (score NaN for types without scores; a hash gives field then value as two
   * elements); stops early when fn returns non-zero. Must not change the value. */
  void (*for_each)(void *type_ctx, const void *value,
                   int (*fn)(void *arg, lunar_str element, double score), void *arg);
  /* ABI 1.1, optional: a new value holding `elements` in order (a list built by SORT ... STORE),
   * owned by the caller until stored with lunar_key_set. */
  void *(*from_elements)(void *type_ctx, const lunar_str *elements, size_t n);
} lunar_type_methods;

typedef struct lunar_type_def {
  uint32_t struct_size; /* sizeof(lunar_type_def) */
  const char *name;     /* what TYPE answers and SCAN TYPE matches: "string", "list", ... */
  const lunar_type_methods *methods;
  void *type_ctx;
  /* RDB type bytes this type will read and write (declared for the persistence modules). */
  const uint8_t *rdb_types;
  int rdb_type_count;
} lunar_type_def;

/* ---------------------------------------------------------------------------------------------
 * Configuration parameters registered by modules (CONFIG GET/SET and the TOML file)
 * ------------------------------------------------------------------------------------------- */
enum {
  LUNAR_CONFIG_BOOL = 1,    /* storage: long long (0/1); "yes"/"no" */
  LUNAR_CONFIG_INT = 2,     /* storage: long long; accepts memory units (1kb, 2mb, 3gb) */
  LUNAR_CONFIG_STRING = 3,  /* storage: const char * kept by the kernel */
  LUNAR_CONFIG_ENUM = 4     /* storage: long long, index into enum_values */
};
#define LUNAR_CONFIG_IMMUTABLE 0x1 /* may be set in the file or command line only */
/* ABI 1.1, for LUNAR_CONFIG_INT. Without either, an INT accepts an integer or a memory value. */
#define LUNAR_CONFIG_PLAIN 0x2  /* a plain integer (Redis's numeric parameters): no units */
#define LUNAR_CONFIG_MEMORY 0x4 /* a memory value (Redis's memory parameters): no sign, units */

typedef struct lunar_config_def {
  uint32_t struct_size; /* sizeof(lunar_config_def) */
  const char *name;     /* Redis's name: "list-max-listpack-size" */
  int type;             /* LUNAR_CONFIG_* */
  int flags;            /* LUNAR_CONFIG_IMMUTABLE or 0 */
  const char *default_value; /* as it would be written in CONFIG SET */
  long long min, max;        /* bounds for INT */
  const char *const *enum_values; /* NULL-terminated, for ENUM */
  void *storage;             /* long long* or const char** — the kernel writes it */
  /* Called after a change (may be NULL); returning non-zero rejects the value, with `err` set
   * to a static message. */
  int (*on_change)(void *priv, const char **err);
  void *priv;
  /* ABI 1.1: an older name answered too by CONFIG GET/SET and the file ("hash-max-ziplist-
   * entries"); NULL for none. */
  const char *alias;
} lunar_config_def;

/* ---------------------------------------------------------------------------------------------
 * Key access flags
 * ------------------------------------------------------------------------------------------- */
#define LUNAR_READ 0x1   /* lookup for reading: counts keyspace hits/misses, touches LRU */
#define LUNAR_WRITE 0x2  /* lookup for writing: no hit/miss accounting */
#define LUNAR_KEEPTTL 0x4 /* lunar_key_set: keep the key's current expiry */
/* lunar_key_set (ABI 1.1): the new value holds what the old one did, in another representation
 * (a re-encoding): the key is not marked modified (WATCH, dirty counter, blocked clients). */
#define LUNAR_SAME_CONTENT 0x8

/* Keyspace notification classes (notify-keyspace-events letters). */
#define LUNAR_NOTIFY_GENERIC (1 << 2) /* g */
#define LUNAR_NOTIFY_STRING (1 << 3)  /* $ */
#define LUNAR_NOTIFY_LIST (1 << 4)    /* l */
#define LUNAR_NOTIFY_SET (1 << 5)     /* s */
#define LUNAR_NOTIFY_HASH (1 << 6)    /* h */
#define LUNAR_NOTIFY_ZSET (1 << 7)    /* z */
#define LUNAR_NOTIFY_EXPIRED (1 << 8) /* x */
#define LUNAR_NOTIFY_EVICTED (1 << 9) /* e */
#define LUNAR_NOTIFY_STREAM (1 << 10) /* t */
#define LUNAR_NOTIFY_KEY_MISS (1 << 11) /* m (raised by the kernel on read misses) */
#define LUNAR_NOTIFY_MODULE (1 << 13) /* d */
#define LUNAR_NOTIFY_NEW (1 << 14)    /* n */

/* Bits of lunar_ctx_flags (ABI 1.1). */
#define LUNAR_CTX_MULTI 0x1     /* the command runs inside MULTI/EXEC */
#define LUNAR_CTX_SCRIPT 0x2    /* the command runs from a script, function or plugin */
#define LUNAR_CTX_UNBLOCKED 0x4 /* a blocked command run again because a key became ready */

/* Flags of lunar_block_on_keys (ABI 1.1). */
#define LUNAR_BLOCK_TIMEOUT_NULL 0x1 /* on timeout reply null ($-1), not a null array (*-1) */

/* Server events a module can listen to (lunar_register_event, ABI 1.1). */
enum {
  LUNAR_EVENT_CLIENT_CLOSED = 1, /* a client disconnected; client_id is set */
  LUNAR_EVENT_CLIENT_RESET = 2   /* a client ran RESET; client_id is set */
};
typedef struct lunar_event {
  uint32_t struct_size; /* sizeof(lunar_event) as the kernel knows it */
  int id;               /* LUNAR_EVENT_* */
  long long client_id;  /* for client events, else 0 */
} lunar_event;
/* An event callback. Runs on the main thread between commands; it may read keys and write to
 * clients (lunar_client_ctx) but must not write keys. */
typedef void (*lunar_event_fn)(void *priv, const lunar_event *ev);

/* Kinds of subscription counted per client (lunar_client_set_subscriptions, ABI 1.1). */
enum { LUNAR_SUB_CHANNELS = 0, LUNAR_SUB_PATTERNS = 1, LUNAR_SUB_SHARD_CHANNELS = 2 };

/* A message publisher (lunar_register_publisher): delivers `message` to the subscribers of
 * `channel` and returns how many received it. The kernel calls it for keyspace events. */
typedef long long (*lunar_publish_fn)(void *priv, lunar_str channel, lunar_str message);

/* A propagation listener (lunar_register_propagation_listener, ABI 1.1): receives every change
 * to the dataset as a command to replay, in database `db`, in execution order. The writes of a
 * MULTI/EXEC block or script arrive between a "MULTI" and an "EXEC" command (when there is more
 * than one), so a listener that replays them in order applies each atomically. The views are
 * valid during the call only. */
typedef void (*lunar_propagate_fn)(void *priv, int db, int argc, const lunar_str *argv);

/* Reply length placeholder for lunar_reply_array/map/set: the length is given later with
 * lunar_reply_set_length. */
#define LUNAR_LEN_DEFERRED (-1)

/* Kinds of aggregate, for lunar_reply_set_length. */
enum { LUNAR_AGG_ARRAY = 1, LUNAR_AGG_MAP = 2, LUNAR_AGG_SET = 3 };

/* ---------------------------------------------------------------------------------------------
 * The module descriptor (validated before any module code runs)
 * ------------------------------------------------------------------------------------------- */
/* The kernel-facing init signature; modules write a lunar_user_init_fn and LUNAR_MODULE wraps it
 * so that the API table pointer is set before any module code runs. */
typedef int (*lunar_init_fn)(lunar_module *m, const lunar_api *api, int argc,
                             const lunar_str *argv);
/* A module's init: registers commands, types and configs; argv are the module's arguments from
 * the config file or MODULE LOAD. Returns LUNAR_OK, or an error code after logging why. */
typedef int (*lunar_user_init_fn)(lunar_module *m, int argc, const lunar_str *argv);
typedef int (*lunar_deinit_fn)(lunar_module *m);

typedef struct lunar_module_descriptor_t {
  uint32_t struct_size;
  uint16_t abi_major, abi_minor; /* LUNAR_ABI_MAJOR/MINOR the module was built with */
  const char *name;              /* MODULE LIST name */
  int version;                   /* module's own version */
  const char *build_signature;   /* compiler and ABI string, shown in errors */
  lunar_init_fn init;            /* registers commands, types, configs; returns LUNAR_OK */
  lunar_deinit_fn deinit;        /* may be NULL; called on MODULE UNLOAD */
} lunar_module_descriptor_t;

#define LUNAR_STR2(x) #x
#define LUNAR_STR(x) LUNAR_STR2(x)
#define LUNAR_BUILD_SIGNATURE "lunar-abi-" LUNAR_STR(LUNAR_ABI_MAJOR) "." LUNAR_STR(LUNAR_ABI_MINOR)

/* Declares the module's descriptor. Use once per module, in one file; `initfn` is a
 * lunar_user_init_fn, `deinitfn` a lunar_deinit_fn or NULL. */
#define LUNAR_MODULE(modname, modversion, initfn, deinitfn)                                   \
  const lunar_api *lunar__api_ptr;                                                            \
  static int lunar__init_trampoline(lunar_module *m, const lunar_api *api, int argc,          \
                                    const lunar_str *argv) {                                  \
    lunar__api_ptr = api;                                                                     \
    return (initfn)(m, argc, argv);                                                           \
  }                                                                                           \
  LUNAR__EXTERN_C __attribute__((visibility("default"))) const lunar_module_descriptor_t      \
      lunar_module_descriptor = {sizeof(lunar_module_descriptor_t), LUNAR_ABI_MAJOR,           \
                                 LUNAR_ABI_MINOR,  modname, modversion, LUNAR_BUILD_SIGNATURE, \
                                 lunar__init_trampoline, deinitfn}

#ifdef __cplusplus
#define LUNAR__EXTERN_C extern "C"
#else
#define LUNAR__EXTERN_C
#endif

/* ---------------------------------------------------------------------------------------------
 * The API table. Only ever grows at its end.
 * ------------------------------------------------------------------------------------------- */
struct lunar_api {
  uint32_t struct_size;
  uint16_t abi_major, abi_minor;

  /* --- ABI 1.0: registration (only during init) --- */
  /* Registers one command. LUNAR_EEXIST if the name is taken, LUNAR_EFLAG for an unknown flag
   * or category, LUNAR_ESTATE outside init. */
  int (*register_command)(lunar_module *m, const lunar_command_def *def);
  /* Registers a value type; *out receives its handle. LUNAR_EEXIST if the name is taken. */
  int (*register_type)(lunar_module *m, const lunar_type_def *def, lunar_type **out);
  /* Registers a config parameter and applies its default (or the value from the config file /
   * command line, if given there). LUNAR_EINVAL if that value is invalid. */
  int (*register_config)(lunar_module *m, const lunar_config_def *def);
  /* Logs a line at `level` (0 debug, 1 verbose, 2 notice, 3 warning). Any thread. */
  void (*log)(lunar_module *m, int level, const char *fmt, ...);
  const char *(*strerror)(int code);

  /* --- ABI 1.0: memory (any thread) --- */
  void *(*alloc)(size_t n);              /* never returns NULL: aborts on exhaustion */
  void *(*realloc)(void *p, size_t n);   /* as realloc; never returns NULL for n > 0 */
  void (*free)(void *p);                 /* NULL is a no-op */
  size_t (*alloc_size)(void *p);         /* usable size of a block from alloc */

  /* --- ABI 1.0: replies (exactly one top-level reply per command) --- */
  void (*reply_simple)(lunar_ctx *c, const char *s, size_t len); /* +OK */
  /* An error: the text starts with its code ("ERR ...", "WRONGTYPE ..."); without one, "ERR "
   * is prepended. Newlines are replaced by spaces. */
  void (*reply_error)(lunar_ctx *c, const char *s, size_t len);
  void (*reply_errorf)(lunar_ctx *c, const char *fmt, ...);
  void (*reply_int)(lunar_ctx *c, long long v);
  void (*reply_bulk)(lunar_ctx *c, const char *s, size_t len);
  void (*reply_null)(lunar_ctx *c);       /* RESP2 $-1, RESP3 _ */
  void (*reply_null_array)(lunar_ctx *c); /* RESP2 *-1, RESP3 _ */
  void (*reply_double)(lunar_ctx *c, double d); /* RESP3 ',', RESP2 bulk "%.17g" as Redis */
  void (*reply_bool)(lunar_ctx *c, int b);      /* RESP3 #t/#f, RESP2 :1/:0 */
  void (*reply_bignum)(lunar_ctx *c, const char *s, size_t len); /* RESP3 '(', RESP2 bulk */
  void (*reply_verbatim)(lunar_ctx *c, const char *fmt3, const char *s, size_t len);
  /* Aggregates: n elements follow (a map's n counts pairs). LUNAR_LEN_DEFERRED leaves the
   * length open; close it with reply_set_length, innermost first. RESP2 sends maps as arrays
   * of 2n and sets as arrays. */
  void (*reply_array)(lunar_ctx *c, long n);
  void (*reply_map)(lunar_ctx *c, long n);
  void (*reply_set)(lunar_ctx *c, long n);
  void (*reply_set_length)(lunar_ctx *c, int agg_kind, long n);
  /* The standard replies: -WRONGTYPE, +OK. */
  void (*reply_wrongtype)(lunar_ctx *c);
  void (*reply_ok)(lunar_ctx *c);

  /* --- ABI 1.0: the calling context --- */
  int (*ctx_db)(lunar_ctx *c);          /* selected database index */
  int (*ctx_resp)(lunar_ctx *c);        /* 2 or 3 */
  long long (*ctx_client_id)(lunar_ctx *c);
  /* Milliseconds since the epoch, frozen for the duration of the command (and of a script). */
  long long (*ctx_now_ms)(lunar_ctx *c);

  /* --- ABI 1.0: keys. A lookup expires the key lazily if its time has passed. --- */
  /* Finds `key` in the context's database. LUNAR_OK with *type and *value set, or
   * LUNAR_ENOENT. flags: LUNAR_READ or LUNAR_WRITE. */
  int (*key_lookup)(lunar_ctx *c, lunar_str key, int flags, lunar_type **type, void **value);
  /* Like key_lookup but for one type: LUNAR_OK, LUNAR_ENOENT or LUNAR_EWRONGTYPE. */
  int (*key_lookup_typed)(lunar_ctx *c, lunar_str key, int flags, const lunar_type *type,
                          void **value);
  /* Stores `value` (ownership passes to the kernel) under `key`, freeing any old value. The
   * expiry is cleared unless LUNAR_KEEPTTL. Marks the key modified unless LUNAR_SAME_CONTENT
   * (which requires an existing key). */
  int (*key_set)(lunar_ctx *c, lunar_str key, const lunar_type *type, void *value, int flags);
  /* Deletes the key: LUNAR_OK or LUNAR_ENOENT. Marks it modified. */
  int (*key_delete)(lunar_ctx *c, lunar_str key);
  /* Absolute expiry in ms, or -1 when none; -2 when the key does not exist. */
  long long (*key_get_expire)(lunar_ctx *c, lunar_str key);
  /* Sets the absolute expiry in ms (-1 removes it). LUNAR_ENOENT if the key does not exist. */
  int (*key_set_expire)(lunar_ctx *c, lunar_str key, long long when_ms);
  /* Tells the kernel the value under `key` was changed in place: marks the key modified
   * (WATCH), counts a change for persistence, and raises keyspace event `event` of class
   * `notify_class` (LUNAR_NOTIFY_*). Call once per write command per key. */
  void (*key_signal_write)(lunar_ctx *c, lunar_str key, int notify_class, const char *event);
  /* The type's name, as TYPE answers. */
  const char *(*type_name)(const lunar_type *t);

  /* --- ABI 1.0: helpers with Redis's exact rules --- */
  /* Strict integer parse (no spaces, no '+', no leading zeros): LUNAR_OK or LUNAR_EINVAL. */
  int (*parse_ll)(lunar_str s, long long *out);
  /* Double parse as Redis's getDoubleFromObject ("inf", "-inf" allowed, NaN/space rejected). */
  int (*parse_double)(lunar_str s, double *out);
  /* Long double parse as Redis's getLongDoubleFromObject. */
  int (*parse_long_double)(lunar_str s, long double *out);
  /* Redis's glob match (stringmatchlen); nocase non-zero to ignore case. */
  int (*glob_match)(lunar_str pattern, lunar_str s, int nocase);
  /* Formats a double as Redis replies it (%.17g; "inf", "-inf"); returns the length written
   * (buf should hold 128 bytes). */
  size_t (*format_double)(double d, char *buf, size_t buflen);
  /* Formats a long double as INCRBYFLOAT/HINCRBYFLOAT print it: fixed-point, 17 significant
   * digits, trailing zeros removed when `humanfriendly`, else %.17Lg. Returns the length, or 0
   * when it does not fit (buf should hold 5 * 1024 bytes for the worst case). */
  size_t (*format_long_double)(long double d, char *buf, size_t buflen, int humanfriendly);
  /* A config value by name, as CONFIG GET would print it, into buf; LUNAR_ENOENT if unknown. */
  int (*config_get)(const char *name, char *buf, size_t buflen);

  /* --- ABI 1.1: context flags and blocking --- */
  /* LUNAR_CTX_* bits describing how the command is being run. */
  int (*ctx_flags)(lunar_ctx *c);
  /* Blocks the calling client until one of `keys` (in the context's database) holds a value of
   * `type` (NULL: of any type), or until `deadline_ms` (absolute ms since the epoch, as
   * lunar_parse_timeout gives it; 0 = no deadline). Returns:
   *   LUNAR_OK     the client is blocked; the handler returns without replying. When a key
   *                becomes ready (after the command, MULTI/EXEC or script that wrote it has
   *                finished) the kernel runs the handler again with the same arguments and
   *                LUNAR_CTX_UNBLOCKED set; it then serves and replies, or calls block_on_keys
   *                again to keep waiting (its place in line and deadline are kept). Clients
   *                are woken in the order they blocked. On timeout the kernel replies a null
   *                array (RESP3 null), or a null with LUNAR_BLOCK_TIMEOUT_NULL.
   *   LUNAR_ESTATE the client cannot block (inside MULTI/EXEC or a script): the handler
   *                replies as the command's non-blocking form would.
   *   LUNAR_EINVAL nkeys < 1. */
  int (*block_on_keys)(lunar_ctx *c, int nkeys, const lunar_str *keys, const lunar_type *type,
                       long long deadline_ms, int flags);
  /* Parses a blocking command's timeout in seconds (a float, as Redis: "0" = forever) into an
   * absolute deadline in ms (0 = forever). On a bad value replies Redis's error
   * (LUNAR_ERR_TIMEOUT_NOT_FLOAT / LUNAR_ERR_TIMEOUT_NEGATIVE) and returns LUNAR_EINVAL. */
  int (*parse_timeout)(lunar_ctx *c, lunar_str arg, long long *deadline_ms);

  /* --- ABI 1.1: server events, other clients, pub/sub --- */
  /* Calls fn(priv, event) for every server event `event` (LUNAR_EVENT_*) from now until the
   * module unloads. LUNAR_EFLAG for an unknown event; only during init. */
  int (*register_event)(lunar_module *m, int event, lunar_event_fn fn, void *priv);
  /* A context whose replies go to client `client_id`'s output, to send it out-of-band data
   * (start each message with lunar_reply_push), or NULL when no such client is connected.
   * Valid until the next client_ctx call or until the calling handler or callback returns.
   * May be called from a command handler, an event callback or a publisher. The kernel
   * enforces client-output-buffer-limit on what accumulates there. */
  lunar_ctx *(*client_ctx)(long long client_id);
  /* A push message of n elements: RESP3 '>', RESP2 an array. */
  void (*reply_push)(lunar_ctx *c, long n);
  /* Records the calling client's number of subscriptions of `kind` (LUNAR_SUB_*). While the
   * total is non-zero the client is a pub/sub client: CLIENT LIST shows the counts, its output
   * falls under the pubsub buffer limits, and in RESP2 it may only run (P|S)SUBSCRIBE,
   * (P|S)UNSUBSCRIBE, PING, QUIT and RESET (the kernel answers Redis's error otherwise, and PING
   * answers in the subscribed form). */
  void (*client_set_subscriptions)(lunar_ctx *c, int kind, long long n);
  /* Makes `fn` the server's publisher (keyspace notifications go through it). LUNAR_EEXIST
   * when another module already is; only during init. */
  int (*register_publisher)(lunar_module *m, lunar_publish_fn fn, void *priv);

  /* --- ABI 1.1: propagation --- */
  /* Calls fn for every propagated command from now until the module unloads (the AOF and
   * replication listen here). Only during init. */
  int (*register_propagation_listener)(lunar_module *m, lunar_propagate_fn fn, void *priv);
  /* Makes the running command propagate `argv` (copied) instead of its own arguments; called
   * several times, it propagates each, in order. A write command that does not call it is
   * propagated as the client sent it, when it changed the dataset. Use it where replaying the
   * original would not give the same result (BLPOP served as LPOP, SPOP as SREM, relative
   * expiry as absolute). */
  int (*replicate)(lunar_ctx *c, int argc, const lunar_str *argv);

  /* --- ABI 1.1: INFO --- */
  /* Supplies the value of an INFO field that the kernel prints on behalf of a module's family
   * (pubsub_channels, pubsub_patterns, pubsubshard_channels): fn(priv) is called each time INFO
   * runs. LUNAR_ENOENT for a field INFO does not have, LUNAR_EEXIST when it is supplied
   * already; only during init. */
  int (*register_info_field)(lunar_module *m, const char *name, long long (*fn)(void *priv),
                             void *priv);
  /* In a handler run again because a key became ready (LUNAR_CTX_UNBLOCKED): *key receives the
   * key that woke it (valid until the handler returns), so a command waiting on several keys
   * serves from that one, as Redis does. LUNAR_ENOENT otherwise. */
  int (*ctx_ready_key)(lunar_ctx *c, lunar_str *key);
  /* Iterates a value of any type through its type's for_each callback (see
   * lunar_type_methods): LUNAR_OK, or LUNAR_ENOENT when the type has none. */
  int (*value_for_each)(const lunar_type *t, const void *value,
                        int (*fn)(void *arg, lunar_str element, double score), void *arg);
  /* The registered type named `name` ("list"), or NULL; valid while its module is loaded. */
  const lunar_type *(*find_type)(const char *name);
  /* A new value of type t holding `elements` (its from_elements callback), or NULL when the
   * type cannot be built that way. The caller owns it until lunar_key_set. */
  void *(*value_from_elements)(const lunar_type *t, const lunar_str *elements, size_t n);
};

/* ---------------------------------------------------------------------------------------------
 * Call macros: module code calls lunar_reply_bulk(ctx, ...) as if it were a plain function.
 * `lunar__api_ptr` is defined by LUNAR_MODULE and set by the kernel before init runs.
 * ------------------------------------------------------------------------------------------- */
extern __attribute__((visibility("hidden"))) const lunar_api *lunar__api_ptr;
#define LUNAR_API (lunar__api_ptr)

#define lunar_register_command(...) LUNAR_API->register_command(__VA_ARGS__)
#define lunar_register_type(...) LUNAR_API->register_type(__VA_ARGS__)
#define lunar_register_config(...) LUNAR_API->register_config(__VA_ARGS__)
#define lunar_log(...) LUNAR_API->log(__VA_ARGS__)
#define lunar_strerror(...) LUNAR_API->strerror(__VA_ARGS__)
#define lunar_alloc(...) LUNAR_API->alloc(__VA_ARGS__)
#define lunar_realloc(...) LUNAR_API->realloc(__VA_ARGS__)
#define lunar_free(...) LUNAR_API->free(__VA_ARGS__)
#define lunar_alloc_size(...) LUNAR_API->alloc_size(__VA_ARGS__)
#define lunar_reply_simple(...) LUNAR_API->reply_simple(__VA_ARGS__)
#define lunar_reply_error(...) LUNAR_API->reply_error(__VA_ARGS__)
#define lunar_reply_errorf(...) LUNAR_API->reply_errorf(__VA_ARGS__)
#define lunar_reply_int(...) LUNAR_API->reply_int(__VA_ARGS__)
#define lunar_reply_bulk(...) LUNAR_API->reply_bulk(__VA_ARGS__)
#define lunar_reply_null(...) LUNAR_API->reply_null(__VA_ARGS__)
#define lunar_reply_null_array(...) LUNAR_API->reply_null_array(__VA_ARGS__)
#define lunar_reply_double(...) LUNAR_API->reply_double(__VA_ARGS__)
#define lunar_reply_bool(...) LUNAR_API->reply_bool(__VA_ARGS__)
#define lunar_reply_bignum(...) LUNAR_API->reply_bignum(__VA_ARGS__)
#define lunar_reply_verbatim(...) LUNAR_API->reply_verbatim(__VA_ARGS__)
#define lunar_reply_array(...) LUNAR_API->reply_array(__VA_ARGS__)
#define lunar_reply_map(...) LUNAR_API->reply_map(__VA_ARGS__)
#define lunar_reply_set(...) LUNAR_API->reply_set(__VA_ARGS__)
#define lunar_reply_set_length(...) LUNAR_API->reply_set_length(__VA_ARGS__)
#define lunar_reply_wrongtype(...) LUNAR_API->reply_wrongtype(__VA_ARGS__)
#define lunar_reply_ok(...) LUNAR_API->reply_ok(__VA_ARGS__)
#define lunar_ctx_db(...) LUNAR_API->ctx_db(__VA_ARGS__)
#define lunar_ctx_resp(...) LUNAR_API->ctx_resp(__VA_ARGS__)
#define lunar_ctx_client_id(...) LUNAR_API->ctx_client_id(__VA_ARGS__)
#define lunar_ctx_now_ms(...) LUNAR_API->ctx_now_ms(__VA_ARGS__)
#define lunar_key_lookup(...) LUNAR_API->key_lookup(__VA_ARGS__)
#define lunar_key_lookup_typed(...) LUNAR_API->key_lookup_typed(__VA_ARGS__)
#define lunar_key_set(...) LUNAR_API->key_set(__VA_ARGS__)
#define lunar_key_delete(...) LUNAR_API->key_delete(__VA_ARGS__)
#define lunar_key_get_expire(...) LUNAR_API->key_get_expire(__VA_ARGS__)
#define lunar_key_set_expire(...) LUNAR_API->key_set_expire(__VA_ARGS__)
#define lunar_key_signal_write(...) LUNAR_API->key_signal_write(__VA_ARGS__)
#define lunar_type_name(...) LUNAR_API->type_name(__VA_ARGS__)
#define lunar_parse_ll(...) LUNAR_API->parse_ll(__VA_ARGS__)
#define lunar_parse_double(...) LUNAR_API->parse_double(__VA_ARGS__)
#define lunar_parse_long_double(...) LUNAR_API->parse_long_double(__VA_ARGS__)
#define lunar_glob_match(...) LUNAR_API->glob_match(__VA_ARGS__)
#define lunar_format_double(...) LUNAR_API->format_double(__VA_ARGS__)
#define lunar_format_long_double(...) LUNAR_API->format_long_double(__VA_ARGS__)
#define lunar_config_get(...) LUNAR_API->config_get(__VA_ARGS__)
#define lunar_ctx_flags(...) LUNAR_API->ctx_flags(__VA_ARGS__)
#define lunar_block_on_keys(...) LUNAR_API->block_on_keys(__VA_ARGS__)
#define lunar_parse_timeout(...) LUNAR_API->parse_timeout(__VA_ARGS__)
#define lunar_register_event(...) LUNAR_API->register_event(__VA_ARGS__)
#define lunar_client_ctx(...) LUNAR_API->client_ctx(__VA_ARGS__)
#define lunar_reply_push(...) LUNAR_API->reply_push(__VA_ARGS__)
#define lunar_client_set_subscriptions(...) LUNAR_API->client_set_subscriptions(__VA_ARGS__)
#define lunar_register_publisher(...) LUNAR_API->register_publisher(__VA_ARGS__)
#define lunar_register_propagation_listener(...) \
  LUNAR_API->register_propagation_listener(__VA_ARGS__)
#define lunar_replicate(...) LUNAR_API->replicate(__VA_ARGS__)
#define lunar_register_info_field(...) LUNAR_API->register_info_field(__VA_ARGS__)
#define lunar_ctx_ready_key(...) LUNAR_API->ctx_ready_key(__VA_ARGS__)
#define lunar_value_for_each(...) LUNAR_API->value_for_each(__VA_ARGS__)
#define lunar_find_type(...) LUNAR_API->find_type(__VA_ARGS__)
#define lunar_value_from_elements(...) LUNAR_API->value_from_elements(__VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* LUNAR_LUNAR_H */
