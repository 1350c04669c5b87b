// INFO [section ...]: the server's state as "field:value" lines grouped under "# Section"
// headers, with Redis 7.0's section names, field names and field order, so that tools written
// for Redis (redis_exporter, redis-cli --stat, client libraries' info parsers) read it as is.
//
// Sections appear in Redis's fixed order whatever order they are asked in. Fields that describe
// machinery Lunar does not have (forks, replication backlog, defrag, io threads, cluster) carry
// the values an idle Redis shows for them, so that the set of names stays Redis's.
//
// Also here: the sampler behind instantaneous_ops_per_sec and instantaneous_*_kbps, which the
// cron calls (sample_instantaneous_metrics).
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kernel/command/command.h"
#include "kernel/module/module.h"
#include "kernel/net/client.h"
#include "kernel/command/blocking.h"
#include "kernel/script/eval.h"
#include "kernel/server.h"
#include "kernel/util/memory.h"

namespace lunar {

namespace {

// ---------------------------------------------------------------------------------------------
// Instantaneous metrics: a ring of per-interval rates, averaged on read (Redis's method)
// ---------------------------------------------------------------------------------------------
constexpr int kSamples = 16;  // ring length: the average spans ~1.6 s
constexpr long long kSamplePeriodMs = 100;

struct Metric {
  long long last_value = 0;
  double rates[kSamples] = {};
  int next = 0;

  void add(long long value, long long dt_ms) {
    rates[next] = static_cast<double>(value - last_value) * 1000.0 / static_cast<double>(dt_ms);
    next = (next + 1) % kSamples;
    last_value = value;
  }
  double average() const {
    double sum = 0;
    for (double r : rates) sum += r;
    return sum / kSamples;
  }
};

struct Metrics {
  long long last_ms = 0;
  Metric ops, net_in, net_out;
};
Metrics g_metrics;

size_t g_memory_at_startup = 0;  // used_memory_startup: measured at the first cron tick
std::string g_master_replid;     // replication id shown by INFO replication

// ---------------------------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------------------------
void addf(std::string* out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void addf(std::string* out, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof buf) {
    out->append(buf, static_cast<size_t>(n));
    return;
  }
  std::string big(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  std::vsnprintf(big.data(), big.size(), fmt, ap);
  va_end(ap);
  big.resize(static_cast<size_t>(n));
  out->append(big);
}

// Redis's bytesToHuman: "917B", "894.76K", "11.56M", ...
std::string human_bytes(double n) {
  static const char* units[] = {"K", "M", "G", "T", "P"};
  char buf[64];
  if (n < 1024) {
    std::snprintf(buf, sizeof buf, "%lluB", static_cast<unsigned long long>(n));
    return buf;
  }
  double d = n;
  for (const char* u : units) {
    d /= 1024;
    if (d < 1024 || u == units[4]) {
      std::snprintf(buf, sizeof buf, "%.2f%s", d, u);
      return buf;
    }
  }
  return buf;
}

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

std::string random_hex40() {
  static const char hex[] = "0123456789abcdef";
  std::string s;
  FILE* f = std::fopen("/dev/urandom", "rb");
  unsigned char raw[20] = {};
  if (f) {
    if (std::fread(raw, 1, sizeof raw, f) != sizeof raw) raw[0] ^= 1;
    std::fclose(f);
  }
  for (unsigned char b : raw) {
    s += hex[b >> 4];
    s += hex[b & 15];
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------
void gen_server(std::string* out) {
  long long now = now_ms();
  long long uptime = (now - g_server.start_time_ms) / 1000;
  utsname un{};
  uname(&un);
  addf(out, "redis_version:%s\r\n", kRedisCompatVersion);
  addf(out, "lunar_version:%s\r\n", LUNAR_VERSION);
  out->append("redis_git_sha1:00000000\r\nredis_git_dirty:0\r\n");
  addf(out, "redis_build_id:%016zx\r\n", std::hash<std::string_view>()(LUNAR_VERSION __DATE__));
  out->append("redis_mode:standalone\r\n");
  addf(out, "os:%s %s %s\r\n", un.sysname, un.release, un.machine);
  addf(out, "arch_bits:%d\r\n", static_cast<int>(sizeof(void*) * 8));
  out->append(
      "monotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:libuv\r\n"
      "atomicvar_api:c11-builtin\r\n");
  addf(out, "gcc_version:%d.%d.%d\r\n", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
  addf(out, "process_id:%d\r\n", static_cast<int>(getpid()));
  out->append("process_supervised:no\r\n");
  addf(out, "run_id:%s\r\n", g_server.run_id.c_str());
  addf(out, "tcp_port:%lld\r\n", g_server.settings.port);
  addf(out, "server_time_usec:%lld\r\n", now_us());
  addf(out, "uptime_in_seconds:%lld\r\n", uptime);
  addf(out, "uptime_in_days:%lld\r\n", uptime / 86400);
  addf(out, "hz:%lld\r\n", g_server.settings.hz);
  addf(out, "configured_hz:%lld\r\n", g_server.settings.hz);
  addf(out, "lru_clock:%lld\r\n", static_cast<long long>((now / 1000) & ((1 << 24) - 1)));
  addf(out, "executable:%s\r\n", g_server.executable.c_str());
  addf(out, "config_file:%s\r\n", g_server.config_file.c_str());
  out->append("io_threads_active:0\r\n");
}

void gen_clients(std::string* out) {
  size_t max_in = 0, max_out = 0;
  for (const Client* c : g_server.clients) {
    max_in = std::max(max_in, c->query_buffer_size());
    max_out = std::max(max_out, c->output_pending());
  }
  addf(out, "connected_clients:%zu\r\n", g_server.clients.size());
  out->append("cluster_connections:0\r\n");
  addf(out, "maxclients:%lld\r\n", g_server.settings.maxclients);
  addf(out, "client_recent_max_input_buffer:%zu\r\n", max_in);
  addf(out, "client_recent_max_output_buffer:%zu\r\n", max_out);
  out->append("blocked_clients:" + std::to_string(blocking::blocked_count()) +
              "\r\ntracking_clients:0\r\nclients_in_timeout_table:" +
              std::to_string(blocking::timeout_count()) + "\r\n");
}

void gen_memory(std::string* out) {
  double used = static_cast<double>(memory::used());
  double peak = static_cast<double>(memory::peak());
  double rss = static_cast<double>(memory::rss_bytes());
  double startup = static_cast<double>(g_memory_at_startup);
  double clients = 0;
  for (const Client* c : g_server.clients)
    clients += static_cast<double>(c->query_buffer_size() + c->output_pending());
  double overhead = std::min(used, startup + clients);
  double dataset = used - overhead;
  double net = used > startup ? used - startup : 0;
  long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  double total_mem = pages > 0 && page_size > 0 ? static_cast<double>(pages) * page_size : 0;
  double maxmemory = static_cast<double>(g_server.settings.maxmemory);

  addf(out, "used_memory:%.0f\r\n", used);
  addf(out, "used_memory_human:%s\r\n", human_bytes(used).c_str());
  addf(out, "used_memory_rss:%.0f\r\n", rss);
  addf(out, "used_memory_rss_human:%s\r\n", human_bytes(rss).c_str());
  addf(out, "used_memory_peak:%.0f\r\n", peak);
  addf(out, "used_memory_peak_human:%s\r\n", human_bytes(peak).c_str());
  addf(out, "used_memory_peak_perc:%.2f%%\r\n", ratio(used, peak) * 100);
  addf(out, "used_memory_overhead:%.0f\r\n", overhead);
  addf(out, "used_memory_startup:%.0f\r\n", startup);
  addf(out, "used_memory_dataset:%.0f\r\n", dataset);
  addf(out, "used_memory_dataset_perc:%.2f%%\r\n", ratio(dataset, net) * 100);
  // libc malloc has no allocator statistics of its own: allocated = active = used_memory and
  // resident = RSS, so the allocator ratios below describe the whole process.
  addf(out, "allocator_allocated:%.0f\r\n", used);
  addf(out, "allocator_active:%.0f\r\n", used);
  addf(out, "allocator_resident:%.0f\r\n", rss);
  addf(out, "total_system_memory:%.0f\r\n", total_mem);
  addf(out, "total_system_memory_human:%s\r\n", human_bytes(total_mem).c_str());
  script::ScriptMemory sm = script::script_memory();
  double vm_eval = static_cast<double>(sm.vm_eval), vm_fn = static_cast<double>(sm.vm_functions);
  double scripts = static_cast<double>(sm.scripts_eval + sm.functions_bytes);
  addf(out, "used_memory_lua:%.0f\r\n", vm_eval);
  addf(out, "used_memory_vm_eval:%.0f\r\n", vm_eval);
  addf(out, "used_memory_lua_human:%s\r\n", human_bytes(vm_eval).c_str());
  addf(out, "used_memory_scripts_eval:%zu\r\n", sm.scripts_eval);
  addf(out, "number_of_cached_scripts:%zu\r\n", sm.cached_scripts);
  addf(out, "number_of_functions:%zu\r\n", sm.functions);
  addf(out, "number_of_libraries:%zu\r\n", sm.libraries);
  addf(out, "used_memory_vm_functions:%.0f\r\n", vm_fn);
  addf(out, "used_memory_vm_total:%.0f\r\n", vm_eval + vm_fn);
  addf(out, "used_memory_vm_total_human:%s\r\n", human_bytes(vm_eval + vm_fn).c_str());
  addf(out, "used_memory_functions:%zu\r\n", sm.functions_bytes);
  addf(out, "used_memory_scripts:%.0f\r\n", scripts);
  addf(out, "used_memory_scripts_human:%s\r\n", human_bytes(scripts).c_str());
  addf(out, "maxmemory:%.0f\r\n", maxmemory);
  addf(out, "maxmemory_human:%s\r\n", human_bytes(maxmemory).c_str());
  addf(out, "maxmemory_policy:%s\r\n", g_server.settings.maxmemory_policy.c_str());
  addf(out, "allocator_frag_ratio:%.2f\r\n", 1.0);
  out->append("allocator_frag_bytes:0\r\n");
  addf(out, "allocator_rss_ratio:%.2f\r\n", ratio(rss, used));
  addf(out, "allocator_rss_bytes:%.0f\r\n", rss - used);
  addf(out, "rss_overhead_ratio:%.2f\r\n", 1.0);
  out->append("rss_overhead_bytes:0\r\n");
  addf(out, "mem_fragmentation_ratio:%.2f\r\n", ratio(rss, used));
  addf(out, "mem_fragmentation_bytes:%.0f\r\n", rss - used);
  out->append(
      "mem_not_counted_for_evict:0\r\nmem_replication_backlog:0\r\n"
      "mem_total_replication_buffers:0\r\nmem_clients_slaves:0\r\n");
  addf(out, "mem_clients_normal:%.0f\r\n", clients);
  out->append(
      "mem_cluster_links:0\r\nmem_aof_buffer:0\r\nmem_allocator:libc\r\n"
      "active_defrag_running:0\r\nlazyfree_pending_objects:0\r\nlazyfreed_objects:0\r\n");
}

void gen_persistence(std::string* out) {
  out->append(
      "loading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\ncurrent_cow_size:0\r\n"
      "current_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\ncurrent_save_keys_processed:0\r\n"
      "current_save_keys_total:0\r\n");
  addf(out, "rdb_changes_since_last_save:%lld\r\n", g_server.stats.dirty);
  out->append("rdb_bgsave_in_progress:0\r\n");
  addf(out, "rdb_last_save_time:%lld\r\n", g_server.start_time_ms / 1000);
  out->append(
      "rdb_last_bgsave_status:ok\r\nrdb_last_bgsave_time_sec:-1\r\n"
      "rdb_current_bgsave_time_sec:-1\r\nrdb_saves:0\r\nrdb_last_cow_size:0\r\n"
      "rdb_last_load_keys_expired:0\r\nrdb_last_load_keys_loaded:0\r\n");
  addf(out, "aof_enabled:%d\r\n", g_server.settings.appendonly ? 1 : 0);
  out->append(
      "aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\naof_last_rewrite_time_sec:-1\r\n"
      "aof_current_rewrite_time_sec:-1\r\naof_last_bgrewrite_status:ok\r\naof_rewrites:0\r\n"
      "aof_rewrites_consecutive_failures:0\r\naof_last_write_status:ok\r\naof_last_cow_size:0\r\n"
      "module_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n");
}

// INFO fields whose values modules supply (lunar_register_info_field).
struct ModuleField {
  const char* name;
  lunar_module* owner = nullptr;
  long long (*fn)(void*) = nullptr;
  void* priv = nullptr;
};
ModuleField g_module_fields[] = {{"pubsub_channels"}, {"pubsub_patterns"},
                                 {"pubsubshard_channels"}};

void add_module_field(std::string* out, const char* name) {
  for (const ModuleField& f : g_module_fields) {
    if (std::strcmp(f.name, name) == 0) {
      addf(out, "%s:%lld\r\n", name, f.fn ? f.fn(f.priv) : 0);
      return;
    }
  }
}

void gen_stats(std::string* out) {
  const Stats& s = g_server.stats;
  addf(out, "total_connections_received:%lld\r\n", s.total_connections_received);
  addf(out, "total_commands_processed:%lld\r\n", s.total_commands_processed);
  addf(out, "instantaneous_ops_per_sec:%lld\r\n", static_cast<long long>(g_metrics.ops.average()));
  addf(out, "total_net_input_bytes:%lld\r\n", s.total_net_input_bytes);
  addf(out, "total_net_output_bytes:%lld\r\n", s.total_net_output_bytes);
  out->append("total_net_repl_input_bytes:0\r\ntotal_net_repl_output_bytes:0\r\n");
  addf(out, "instantaneous_input_kbps:%.2f\r\n", g_metrics.net_in.average() / 1024);
  addf(out, "instantaneous_output_kbps:%.2f\r\n", g_metrics.net_out.average() / 1024);
  out->append("instantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\n");
  addf(out, "rejected_connections:%lld\r\n", s.rejected_connections);
  out->append("sync_full:0\r\nsync_partial_ok:0\r\nsync_partial_err:0\r\n");
  addf(out, "expired_keys:%lld\r\n", s.expired_keys);
  addf(out, "expired_stale_perc:%.2f\r\n", static_cast<double>(s.expired_stale_perc));
  out->append("expired_time_cap_reached_count:0\r\n");
  addf(out, "expire_cycle_cpu_milliseconds:%lld\r\n", s.expire_cycle_cpu_ms);
  out->append(
      "evicted_keys:0\r\nevicted_clients:0\r\ntotal_eviction_exceeded_time:0\r\n"
      "current_eviction_exceeded_time:0\r\n");
  addf(out, "keyspace_hits:%lld\r\n", s.keyspace_hits);
  addf(out, "keyspace_misses:%lld\r\n", s.keyspace_misses);
  add_module_field(out, "pubsub_channels");
  add_module_field(out, "pubsub_patterns");
  add_module_field(out, "pubsubshard_channels");
  out->append(
      "latest_fork_usec:0\r\ntotal_forks:0\r\nmigrate_cached_sockets:0\r\n"
      "slave_expires_tracked_keys:0\r\nactive_defrag_hits:0\r\nactive_defrag_misses:0\r\n"
      "active_defrag_key_hits:0\r\nactive_defrag_key_misses:0\r\ntotal_active_defrag_time:0\r\n"
      "current_active_defrag_time:0\r\ntracking_total_keys:0\r\ntracking_total_items:0\r\n"
      "tracking_total_prefixes:0\r\n");
  addf(out, "unexpected_error_replies:%lld\r\n", s.unexpected_error_replies);
  addf(out, "total_error_replies:%lld\r\n", s.total_error_replies);
  out->append(
      "dump_payload_sanitizations:0\r\ntotal_reads_processed:0\r\ntotal_writes_processed:0\r\n"
      "io_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\n"
      "reply_buffer_shrinks:0\r\nreply_buffer_expands:0\r\n");
}

void gen_replication(std::string* out) {
  out->append("role:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\n");
  addf(out, "master_replid:%s\r\n", g_master_replid.c_str());
  out->append(
      "master_replid2:0000000000000000000000000000000000000000\r\nmaster_repl_offset:0\r\n"
      "second_repl_offset:-1\r\nrepl_backlog_active:0\r\nrepl_backlog_size:1048576\r\n"
      "repl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n");
}

void add_cpu(std::string* out, const char* name, const timeval& tv) {
  addf(out, "%s:%ld.%06ld\r\n", name, static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
}

void gen_cpu(std::string* out) {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);  // INFO runs on the loop thread: this is the main thread
  add_cpu(out, "used_cpu_sys", self.ru_stime);
  add_cpu(out, "used_cpu_user", self.ru_utime);
  add_cpu(out, "used_cpu_sys_children", children.ru_stime);
  add_cpu(out, "used_cpu_user_children", children.ru_utime);
  add_cpu(out, "used_cpu_sys_main_thread", thread.ru_stime);
  add_cpu(out, "used_cpu_user_main_thread", thread.ru_utime);
}

void gen_modules(std::string* out) {
  for (const auto& m : loaded_modules()) {
    addf(out, "module:name=%s,ver=%d,api=1,filters=0,usedby=[],using=[],options=[]\r\n",
         m->name.c_str(), m->version);
  }
}

void add_command_stats(std::string* out, const Command& c) {
  if (c.calls || c.failed_calls || c.rejected_calls) {
    addf(out,
         "cmdstat_%s:calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,"
         "failed_calls=%lld\r\n",
         c.fullname.c_str(), c.calls, c.usec,
         c.calls ? static_cast<double>(c.usec) / static_cast<double>(c.calls) : 0.0,
         c.rejected_calls, c.failed_calls);
  }
  for (const auto& sub : c.subcommands) add_command_stats(out, *sub);
}

void gen_commandstats(std::string* out) {
  for (const auto& [name, cmd] : g_commands.all()) add_command_stats(out, *cmd);
}

// Errors by code, in code order (Redis keeps them in a radix tree).
void gen_errorstats(std::string* out) {
  std::vector<std::pair<std::string, long long>> codes(g_server.error_codes.begin(),
                                                       g_server.error_codes.end());
  std::sort(codes.begin(), codes.end());
  for (const auto& [code, count] : codes)
    addf(out, "errorstat_%s:count=%lld\r\n", code.c_str(), count);
}

// Per-command latency percentiles need a histogram per command, which the dispatcher does not
// keep yet: the section is present and empty.
void gen_latencystats(std::string*) {}

void gen_cluster(std::string* out) { out->append("cluster_enabled:0\r\n"); }

// avg_ttl: the mean remaining TTL of a sample of the database's volatile keys (Redis estimates
// it in its expiry cycle; the sample here gives the same order of magnitude on demand).
long long sample_avg_ttl(Db& db, long long now) {
  constexpr int kTtlSamples = 16;
  if (db.volatile_count() == 0) return 0;
  long long sum = 0, n = 0;
  for (int i = 0; i < kTtlSamples; i++) {
    Slot* s = db.random_volatile();
    if (!s) break;
    if (s->expire_ms > now) {
      sum += s->expire_ms - now;
      n++;
    }
  }
  return n ? sum / n : 0;
}

void gen_keyspace(std::string* out) {
  long long now = now_ms();
  for (size_t i = 0; i < g_server.dbs.size(); i++) {
    Db& db = *g_server.dbs[i];
    if (db.size() == 0) continue;
    addf(out, "db%zu:keys=%zu,expires=%zu,avg_ttl=%lld\r\n", i, db.size(), db.volatile_count(),
         sample_avg_ttl(db, now));
  }
}

struct Section {
  const char* name;   // as INFO takes it (lower case)
  const char* title;  // as the header shows it
  bool in_default;
  void (*gen)(std::string*);
};

// Redis 7.0's order.
constexpr Section kSections[] = {
    {"server", "Server", true, gen_server},
    {"clients", "Clients", true, gen_clients},
    {"memory", "Memory", true, gen_memory},
    {"persistence", "Persistence", true, gen_persistence},
    {"stats", "Stats", true, gen_stats},
    {"replication", "Replication", true, gen_replication},
    {"cpu", "CPU", true, gen_cpu},
    {"modules", "Modules", true, gen_modules},
    {"commandstats", "Commandstats", false, gen_commandstats},
    {"errorstats", "Errorstats", true, gen_errorstats},
    {"latencystats", "Latencystats", false, gen_latencystats},
    {"cluster", "Cluster", true, gen_cluster},
    {"keyspace", "Keyspace", true, gen_keyspace},
};
constexpr size_t kSectionCount = sizeof kSections / sizeof kSections[0];

// Marks the sections named by argv[1..]: no argument or "default" means the default set, "all"
// and "everything" every section; unknown names are ignored (Redis answers an empty string).
void select_sections(int argc, const lunar_str* argv, bool* picked) {
  if (argc < 2) {
    for (size_t i = 0; i < kSectionCount; i++) picked[i] = kSections[i].in_default;
    return;
  }
  for (int a = 1; a < argc; a++) {
    bool all = arg_is(argv[a], "all") || arg_is(argv[a], "everything");
    bool def = arg_is(argv[a], "default");
    for (size_t i = 0; i < kSectionCount; i++) {
      if (all || (def && kSections[i].in_default) || arg_is(argv[a], kSections[i].name))
        picked[i] = true;
    }
  }
}

// The INFO text for the given arguments (argv[0] is the command name).
std::string info_text(int argc, const lunar_str* argv) {
  bool picked[kSectionCount] = {};
  select_sections(argc, argv, picked);
  std::string out;
  int shown = 0;
  for (size_t i = 0; i < kSectionCount; i++) {
    if (!picked[i]) continue;
    if (shown++) out.append("\r\n");
    addf(&out, "# %s\r\n", kSections[i].title);
    kSections[i].gen(&out);
  }
  return out;
}

}  // namespace

// Called from the cron (any hz): every 100 ms, records the rates of commands and network bytes
// since the previous sample; INFO shows their average over the last 16 samples.
void sample_instantaneous_metrics() {
  long long now = now_ms();
  long long dt = now - g_metrics.last_ms;
  if (g_metrics.last_ms != 0 && dt < kSamplePeriodMs) return;
  const Stats& s = g_server.stats;
  if (g_metrics.last_ms == 0) g_memory_at_startup = memory::used();  // startup has finished
  if (g_metrics.last_ms == 0 || dt <= 0) {
    g_metrics.ops.last_value = s.total_commands_processed;
    g_metrics.net_in.last_value = s.total_net_input_bytes;
    g_metrics.net_out.last_value = s.total_net_output_bytes;
  } else {
    g_metrics.ops.add(s.total_commands_processed, dt);
    g_metrics.net_in.add(s.total_net_input_bytes, dt);
    g_metrics.net_out.add(s.total_net_output_bytes, dt);
  }
  g_metrics.last_ms = now;
}

namespace {

// INFO [section [section ...]]: a bulk string in RESP2, a verbatim "txt" string in RESP3.
int info_cmd(Ctx* ctx, int argc, const lunar_str* argv) {
  std::string text = info_text(argc, argv);
  ctx->reply->verbatim("txt", text);
  return LUNAR_OK;
}

const KernelCommand kInfoCommands[] = {
    {"info", info_cmd, -1, "loading stale", 0, 0, 0, "dangerous",
     "Get information and statistics about the server", "1.0.0", "server", "O(1)"},
};

}  // namespace

int register_info_field(lunar_module* m, const char* name, long long (*fn)(void*), void* priv) {
  if (!m || !m->initializing) return LUNAR_ESTATE;
  if (!name || !fn) return LUNAR_EINVAL;
  for (ModuleField& f : g_module_fields) {
    if (std::strcmp(f.name, name) != 0) continue;
    if (f.fn) return LUNAR_EEXIST;
    f = {f.name, m, fn, priv};
    return LUNAR_OK;
  }
  return LUNAR_ENOENT;
}

void forget_info_fields(lunar_module* m) {
  for (ModuleField& f : g_module_fields)
    if (f.owner == m) f = {f.name};
}

void register_info_commands() {
  g_memory_at_startup = memory::used();
  if (g_master_replid.empty()) g_master_replid = random_hex40();
  register_table(kInfoCommands);
}

}  // namespace lunar
