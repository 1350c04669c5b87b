/* A test module that listens to propagation and records what it receives, in plain C against
 * the SDK: PROPLOG replies the recorded commands (one string "db: arg arg ...") and forgets
 * them. tests/integration/test_propagation.py loads it. */
#include <lunar/lunar.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 4096

static char *g_log[MAX_ENTRIES];
static int g_count;

static void on_propagate(void *priv, int db, int argc, const lunar_str *argv) {
  (void)priv;
  if (g_count == MAX_ENTRIES) return;
  size_t len = 16;
  for (int i = 0; i < argc; i++) len += argv[i].len + 1;
  char *s = lunar_alloc(len);
  size_t off = 0;
  off += (size_t)(db < 10 ? 1 : 2);
  if (db < 10) {
    s[0] = (char)('0' + db);
  } else {
    s[0] = (char)('0' + db / 10);
    s[1] = (char)('0' + db % 10);
  }
  s[off++] = ':';
  for (int i = 0; i < argc; i++) {
    s[off++] = ' ';
    if (argv[i].len) memcpy(s + off, argv[i].ptr, argv[i].len);
    off += argv[i].len;
  }
  s[off] = '\0';
  g_log[g_count++] = s;
}

static int proplog_cmd(lunar_ctx *ctx, int argc, const lunar_str *argv) {
  (void)argc;
  (void)argv;
  lunar_reply_array(ctx, g_count);
  for (int i = 0; i < g_count; i++) {
    lunar_reply_bulk(ctx, g_log[i], strlen(g_log[i]));
    lunar_free(g_log[i]);
  }
  g_count = 0;
  return LUNAR_OK;
}

static int init(lunar_module *m, int argc, const lunar_str *argv) {
  (void)argc;
  (void)argv;
  lunar_command_def def = {sizeof(lunar_command_def), "proplog", proplog_cmd, 1, "readonly",
                           0, 0, 0, "", "Recorded propagation", "0.1.0", "generic", "O(N)",
                           NULL};
  int rc = lunar_register_command(m, &def);
  if (rc != LUNAR_OK) return rc;
  return lunar_register_propagation_listener(m, on_propagate, NULL);
}

LUNAR_MODULE("prop_recorder", 1, init, NULL);
