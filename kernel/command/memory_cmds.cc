// MEMORY USAGE / DOCTOR / MALLOC-STATS / PURGE / HELP. Sizes are Lunar's own accounting: the
// key's slot and bytes plus what the value's type reports (its memory_usage callback).
#include <malloc.h>

#include "kernel/command/command.h"
#include "kernel/keyspace/keyspace.h"
#include "kernel/server.h"
#include "kernel/util/memory.h"
#include "kernel/util/numbers.h"

namespace lunar {
namespace {

// MEMORY USAGE key [SAMPLES count]: the count is accepted (Lunar's types report exact sizes).
int memory_usage_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  for (int i = 3; i < argc; i++) {
    if (arg_is(argv[i], "samples") && i + 1 < argc) {
      long long samples;
      if (!string2ll(argv[i + 1].ptr, argv[i + 1].len, &samples)) {
        reply_error(ctx, LUNAR_ERR_NOT_INTEGER);
        return LUNAR_OK;
      }
      if (samples < 0) {
        reply_syntax_error(ctx);
        return LUNAR_OK;
      }
      i++;
    } else {
      reply_syntax_error(ctx);
      return LUNAR_OK;
    }
  }
  Slot* s = lookup_write(ctx->db, sv(argv[2]));  // no hit/miss counted, access time kept
  if (!s) {
    ctx->reply->null();
    return LUNAR_OK;
  }
  const auto& m = s->type->methods;
  size_t value = m.memory_usage ? m.memory_usage(s->type->type_ctx, s->value) : 0;
  size_t key = sizeof(Slot) + sizeof(KeyBlock) + s->key->len;
  ctx->reply->integer(static_cast<long long>(key + value));
  return LUNAR_OK;
}

int memory_doctor_cmd(Ctx* ctx, int, const lunar_str*) {
  // Lunar has no allocator fragmentation statistics to diagnose from; it says so in Redis's
  // words for a small instance, and plainly otherwise.
  if (memory::used() < 5 * 1024 * 1024) {
    ctx->reply->verbatim(
        "txt",
        "Hi Sam, this instance is empty or is using very little memory, my issues detector "
        "can't be used in these conditions. Please, leave for your mission on Earth and fill it "
        "with some data. The new Sam and I will be back to our programming as soon as I "
        "finished rebooting.");
  } else {
    ctx->reply->verbatim("txt",
                         "Hi Sam, I can't find any memory issue in your instance. I can only "
                         "account for what occurs on this base.");
  }
  return LUNAR_OK;
}

int memory_malloc_stats_cmd(Ctx* ctx, int, const lunar_str*) {
  ctx->reply->verbatim("txt", "Stats not supported for the current allocator");
  return LUNAR_OK;
}

int memory_purge_cmd(Ctx* ctx, int, const lunar_str*) {
  malloc_trim(0);  // glibc returns free pages at the top of the heap and in arenas
  reply_ok(ctx);
  return LUNAR_OK;
}

int memory_help_cmd(Ctx* ctx, int, const lunar_str*) {
  static const char* const kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  reply_lines(ctx, kLines);
  return LUNAR_OK;
}

const char kSlowCx[] = "Depends on how much memory is allocated, could be slow";

const KernelCommand kCommands[] = {
    {"memory", nullptr, -2, "", 0, 0, 0, "", "A container for memory diagnostics commands",
     "4.0.0", "server", "Depends on subcommand."},
    {"memory|usage", memory_usage_cmd, -3, "readonly", 2, 2, 1, "",
     "Estimate the memory usage of a key", "4.0.0", "server",
     "O(N) where N is the number of samples.", "RO"},
    {"memory|doctor", memory_doctor_cmd, 2, "", 0, 0, 0, "", "Outputs memory problems report",
     "4.0.0", "server", "O(1)"},
    {"memory|malloc-stats", memory_malloc_stats_cmd, 2, "", 0, 0, 0, "",
     "Show allocator internal stats", "4.0.0", "server", kSlowCx},
    {"memory|purge", memory_purge_cmd, 2, "", 0, 0, 0, "", "Ask the allocator to release memory",
     "4.0.0", "server", kSlowCx},
    {"memory|help", memory_help_cmd, 2, "loading stale", 0, 0, 0, "",
     "Show helpful text about the different subcommands", "4.0.0", "server", "O(1)"},
};

}  // namespace

void register_memory_commands() { register_table(kCommands); }

}  // namespace lunar
