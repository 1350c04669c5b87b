// Every kernel command table, registered at startup.
#include "kernel/command/command.h"
#include "kernel/command/slowlog.h"
#include "kernel/config/config.h"
#include "kernel/module/module.h"
#include "kernel/script/eval.h"
#include "kernel/tx/tx.h"

namespace lunar {

void register_server_commands();
void register_keys_commands();
void register_info_commands();
void register_memory_commands();
void register_client_commands();
void register_command_commands();

void register_kernel_commands() {
  register_server_commands();
  register_keys_commands();
  register_info_commands();
  register_memory_commands();
  slowlog::register_commands();
  register_client_commands();
  register_command_commands();
  register_module_commands();
  tx::register_tx_commands();
  config::register_config_commands();
  script::register_eval_commands();
}

}  // namespace lunar
