/*
 * ring — an example Lunar module in plain C: a fixed-capacity ring buffer value type.
 *
 *   RING.PUSH key capacity element [element ...]  -> number of elements now held
 *       Creates the ring with `capacity` slots if the key does not exist; when full, the oldest
 *       element is dropped. A later PUSH with another capacity keeps the ring's own.
 *   RING.RANGE key                                -> the elements, oldest first (empty if none)
 *
 * Values are one allocation: a header and `capacity` owned byte strings. Everything goes through
 * the SDK: memory (lunar_alloc), keys (lunar_key_*), replies (lunar_reply_*).
 */
#include <lunar/lunar.h>
#include <string.h>

#define RING_MAX_CAPACITY 1000000 /* refuse absurd capacities */

typedef struct ring_item {
  char *ptr;
  size_t len;
} ring_item;

typedef struct ring {
  long long capacity;
  long long count;
  long long head; /* index of the oldest element */
  ring_item items[];
} ring;

static lunar_type *ring_type;

/* ---- operations ------------------------------------------------------------------------- */

static ring *ring_new(long long capacity) {
  ring *r = lunar_alloc(sizeof(ring) + (size_t)capacity * sizeof(ring_item));
  r->capacity = capacity;
  r->count = 0;
  r->head = 0;
  return r;
}

static void ring_push(ring *r, const char *p, size_t len) {
  long long slot = (r->head + r->count) % r->capacity;
  if (r->count == r->capacity) { /* full: overwrite the oldest */
    lunar_free(r->items[r->head].ptr);
    r->head = (r->head + 1) % r->capacity;
  } else {
    r->count++;
  }
  r->items[slot].ptr = lunar_alloc(len ? len : 1);
  memcpy(r->items[slot].ptr, p, len);
  r->items[slot].len = len;
}

/* ---- type callbacks --------------------------------------------------------------------- */

static void ring_free(void *type_ctx, void *value) {
  ring *r = value;
  (void)type_ctx;
  for (long long i = 0; i < r->count; i++) lunar_free(r->items[(r->head + i) % r->capacity].ptr);
  lunar_free(r);
}

static size_t ring_memory(void *type_ctx, const void *value) {
  const ring *r = value;
  size_t n = sizeof(ring) + (size_t)r->capacity * sizeof(ring_item);
  (void)type_ctx;
  for (long long i = 0; i < r->count; i++) n += r->items[(r->head + i) % r->capacity].len;
  return n;
}

static void *ring_copy(void *type_ctx, const void *value) {
  const ring *r = value;
  ring *c = ring_new(r->capacity);
  (void)type_ctx;
  for (long long i = 0; i < r->count; i++) {
    const ring_item *it = &r->items[(r->head + i) % r->capacity];
    ring_push(c, it->ptr, it->len);
  }
  return c;
}

static const char *ring_encoding(void *type_ctx, const void *value) {
  (void)type_ctx;
  (void)value;
  return "ring";
}

/* ---- commands --------------------------------------------------------------------------- */

static int ring_push_cmd(lunar_ctx *ctx, int argc, const lunar_str *argv) {
  long long capacity;
  void *value = NULL;
  if (lunar_parse_ll(argv[2], &capacity) != LUNAR_OK || capacity < 1 ||
      capacity > RING_MAX_CAPACITY) {
    lunar_reply_errorf(ctx, "ERR capacity must be an integer between 1 and %d",
                       RING_MAX_CAPACITY);
    return LUNAR_OK;
  }
  int rc = lunar_key_lookup_typed(ctx, argv[1], LUNAR_WRITE, ring_type, &value);
  if (rc == LUNAR_EWRONGTYPE) {
    lunar_reply_wrongtype(ctx);
    return LUNAR_OK;
  }
  ring *r = value;
  if (rc == LUNAR_ENOENT) {
    r = ring_new(capacity);
    lunar_key_set(ctx, argv[1], ring_type, r, 0);
  }
  for (int i = 3; i < argc; i++) ring_push(r, argv[i].ptr, argv[i].len);
  lunar_key_signal_write(ctx, argv[1], LUNAR_NOTIFY_MODULE, "ring.push");
  lunar_reply_int(ctx, r->count);
  return LUNAR_OK;
}

static int ring_range_cmd(lunar_ctx *ctx, int argc, const lunar_str *argv) {
  void *value = NULL;
  (void)argc;
  int rc = lunar_key_lookup_typed(ctx, argv[1], LUNAR_READ, ring_type, &value);
  if (rc == LUNAR_EWRONGTYPE) {
    lunar_reply_wrongtype(ctx);
    return LUNAR_OK;
  }
  if (rc == LUNAR_ENOENT) {
    lunar_reply_array(ctx, 0);
    return LUNAR_OK;
  }
  ring *r = value;
  lunar_reply_array(ctx, (long)r->count);
  for (long long i = 0; i < r->count; i++) {
    const ring_item *it = &r->items[(r->head + i) % r->capacity];
    lunar_reply_bulk(ctx, it->ptr, it->len);
  }
  return LUNAR_OK;
}

/* ---- registration ----------------------------------------------------------------------- */

static const lunar_type_methods ring_methods = {
    sizeof(lunar_type_methods), ring_free, ring_memory, ring_copy, ring_encoding, NULL, NULL};

static const lunar_command_def ring_commands[] = {
    {sizeof(lunar_command_def), "ring.push", ring_push_cmd, -4, "write denyoom", 1, 1, 1, "",
     "Pushes elements into a fixed-capacity ring.", "1.0.0", "module", "O(N)", "RW insert"},
    {sizeof(lunar_command_def), "ring.range", ring_range_cmd, 2, "readonly", 1, 1, 1, "",
     "Returns the elements of a ring, oldest first.", "1.0.0", "module", "O(N)", NULL},
};

static int ring_init(lunar_module *m, int argc, const lunar_str *argv) {
  (void)argc;
  (void)argv;
  lunar_type_def def = {sizeof(lunar_type_def), "ring", &ring_methods, NULL, NULL, 0};
  int rc = lunar_register_type(m, &def, &ring_type);
  if (rc != LUNAR_OK) return rc;
  for (size_t i = 0; i < sizeof ring_commands / sizeof ring_commands[0]; i++) {
    rc = lunar_register_command(m, &ring_commands[i]);
    if (rc != LUNAR_OK) return rc;
  }
  return LUNAR_OK;
}

LUNAR_MODULE("ring", 1, ring_init, NULL);
