// The server's state: settings, databases, clients, statistics. One instance, used from the
// event loop thread only.
#pragma once
#include <tsl/robin_map.h>
#include <uv.h>

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include <lunar/lunar.h>

#include "kernel/keyspace/db.h"
#include "kernel/net/resp_parser.h"

namespace lunar {

// The Redis version whose behaviour Lunar implements (INFO redis_version, HELLO version).
inline constexpr const char* kRedisCompatVersion = "7.0.15";

class Client;
struct Command;

// Settings with Redis's names and defaults. The config registry (kernel/config) binds each one
// to its CONFIG name.
struct Settings {
  std::vector<std::string> bind{"127.0.0.1", "-::1"};
  long long port = 6379;
  std::string unixsocket;
  long long unixsocketperm = 0;
  long long tcp_backlog = 511;
  long long databases = 16;
  long long maxclients = 10000;
  long long timeout = 0;
  long long tcp_keepalive = 300;
  long long hz = 10;
  long long active_expire_effort = 1;
  std::string requirepass;
  std::string loglevel = "notice";
  std::string logfile;
  std::string pidfile;
  std::string dir = ".";
  long long maxmemory = 0;
  long long maxmemory_samples = 5;            // read by eviction, when it exists
  long long maxmemory_eviction_tenacity = 10;
  long long maxmemory_clients = 0;
  std::string maxmemory_policy = "noeviction";
  long long client_query_buffer_limit = 1ll << 30;
  std::string save;          // snapshot points; kept for the persistence modules
  std::string dbfilename = "dump.rdb";
  long long appendonly = 0;  // read by the aof module
  long long lazyfree_lazy_user_flush = 0;
  std::vector<std::string> module_paths;  // resolved .so paths to load at startup
  std::string module_dir;
  long long busy_reply_threshold = 5000;
  long long slowlog_log_slower_than = 10000;
  long long slowlog_max_len = 128;
  long long latency_tracking = 1;
  long long notify_keyspace_events = 0;  // LUNAR_NOTIFY_* bits plus kNotifyKeyspace/Keyevent
  // client-output-buffer-limit per class (kernel/net/output_limits.h).
  struct OutputLimit {
    long long hard = 0, soft = 0, soft_seconds = 0;
  } output_limits[3] = {{0, 0, 0}, {256ll << 20, 64ll << 20, 60}, {32ll << 20, 8ll << 20, 60}};
};

struct Stats {
  long long total_connections_received = 0;
  long long total_commands_processed = 0;
  long long rejected_connections = 0;
  long long expired_keys = 0;
  long long expired_stale_perc = 0;
  long long keyspace_hits = 0;
  long long keyspace_misses = 0;
  long long total_net_input_bytes = 0;
  long long total_net_output_bytes = 0;
  long long total_error_replies = 0;
  long long counted_error_replies = 0;  // errors written as already counted (script errors)
  long long unexpected_error_replies = 0;
  long long dirty = 0;  // changes since the last save
  long long expire_cycle_cpu_ms = 0;
};

struct Server {
  Settings settings;
  net::ParseLimits limits;  // proto-max-bulk-len etc., read by every parser
  Stats stats;
  uv_loop_t* loop = nullptr;
  std::vector<std::unique_ptr<Db>> dbs;
  std::list<Client*> clients;  // all connected clients
  long long next_client_id = 1;
  long long start_time_ms = 0;
  long long cmd_time_ms = 0;  // frozen "now" of the running command
  std::string run_id;
  std::string config_file;    // absolute path, empty when started without one
  std::string executable;
  Client* current_client = nullptr;
  tsl::robin_map<long long, Client*> clients_by_id;
  std::vector<Client*> pending_writes;  // clients written to by others, flushed before sleep
  // The module that delivers published messages (keyspace notifications use it).
  struct Publisher {
    lunar_module* owner = nullptr;
    lunar_publish_fn fn = nullptr;
    void* priv = nullptr;
  } publisher;
  long long clients_paused_until_ms = 0;
  bool pause_writes_only = false;
  bool shutdown_asap = false;
  bool active_expire_enabled = true;  // DEBUG SET-ACTIVE-EXPIRE
  // While a script runs past busy-reply-threshold: the -BUSY error others get (kernel/script).
  const char* busy_reply = nullptr;
  // INFO errorstats count up to which errors are attributed to a command (failed_calls): a
  // command called by a script takes its own errors, the script does not get them again.
  long long errors_attributed = 0;
  // INFO errorstats, by error code.
  struct SvHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct SvEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  tsl::robin_map<std::string, long long, SvHash, SvEq> error_codes;
};

extern Server g_server;

long long now_ms();   // wall clock, ms
long long now_us();
// The database with index i; i must be valid.
inline Db& db_at(int i) { return *g_server.dbs[static_cast<size_t>(i)]; }

// Samples ops/sec and network rates for INFO's instantaneous_* fields (called by the cron).
void sample_instantaneous_metrics();

// The client with this id, or nullptr (also for a client being closed).
Client* client_by_id(long long id);

// Runs before the loop waits for I/O: resumes unblocked clients, flushes clients that others
// wrote to, closes clients over their output limits.
void before_sleep();

// While a script is busy (kernel/script/busy.h): accepts connections and runs the requests
// that arrived, without returning to the event loop. Commands not flagged allow-busy get -BUSY.
void serve_clients_while_busy();

// Stops accepting, closes every client and leaves the event loop (SHUTDOWN, SIGTERM).
void request_shutdown();

void log_line(int level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
enum { kLogDebug = 0, kLogVerbose = 1, kLogNotice = 2, kLogWarning = 3 };

}  // namespace lunar
