/* Modules that must be refused, built three times with a different BAD_KIND:
 *   1 bad_abi.so      — declares ABI major 99: refused before any code runs
 *   2 failing_init.so — init fails with a message: startup stops with it
 *   3 bad_flag.so     — registers a command with an unknown flag: LUNAR_EFLAG, init fails */
#include <lunar/lunar.h>

#if BAD_KIND == 1
static int init(lunar_module *m, const lunar_api *api, int argc, const lunar_str *argv) {
  (void)m; (void)api; (void)argc; (void)argv;
  return LUNAR_OK;
}
__attribute__((visibility("default"))) const lunar_module_descriptor_t lunar_module_descriptor = {
    sizeof(lunar_module_descriptor_t), 99, 0, "bad_abi", 1, "lunar-abi-99.0", init, NULL};
#elif BAD_KIND == 2
static int init(lunar_module *m, int argc, const lunar_str *argv) {
  (void)argc; (void)argv;
  lunar_log(m, 3, "failing_init: refusing to start (this module always fails)");
  return LUNAR_EINVAL;
}
LUNAR_MODULE("failing_init", 1, init, NULL);
#else
static int noop_cmd(lunar_ctx *ctx, int argc, const lunar_str *argv) {
  (void)argc;
  (void)argv;
  lunar_reply_ok(ctx);
  return LUNAR_OK;
}

static int init(lunar_module *m, int argc, const lunar_str *argv) {
  (void)argc; (void)argv;
  lunar_command_def def = {sizeof(lunar_command_def), "badflag.cmd", noop_cmd, 1,
                           "write teleport", 0, 0, 0, "", NULL, NULL, NULL, NULL, NULL};
  return lunar_register_command(m, &def);
}
LUNAR_MODULE("bad_flag", 1, init, NULL);
#endif
