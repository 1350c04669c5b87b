// A client connection: reads requests, runs them one at a time on the loop thread, and writes
// all replies produced by one read in one batch.
#pragma once
#include <uv.h>

#include <list>
#include <string>

#include "kernel/net/reply.h"
#include "kernel/net/resp_parser.h"
#include "kernel/util/bytebuf.h"

namespace lunar {

enum ClientFlag : uint32_t {
  kClientCloseAfterReply = 1u << 0,  // QUIT, protocol error: close once the output is written
  kClientCloseAsap = 1u << 1,        // CLIENT KILL, limits: close without writing more
  kClientAuthenticated = 1u << 2,
  kClientReplyOff = 1u << 3,
  kClientReplySkipNext = 1u << 4,  // CLIENT REPLY SKIP: skip the next command's reply
  kClientReplySkip = 1u << 5,      // set while running the skipped command
  kClientNoEvict = 1u << 6,
  kClientUnixSocket = 1u << 7,
  kClientInCommand = 1u << 8,
  kClientPaused = 1u << 9,         // reading stopped by CLIENT PAUSE
  kClientBlocked = 1u << 10,       // waiting on keys (kernel/command/blocking.h)
  kClientPendingResume = 1u << 11, // unblocked; its pending input runs on the next loop turn
  kClientMulti = 1u << 12,         // inside MULTI (kernel/tx)
  kClientDirtyCas = 1u << 13,      // a watched key changed: EXEC will fail
  kClientPendingWrite = 1u << 14,  // in g_server.pending_writes
  kClientFake = 1u << 15,          // no connection: the client scripts run commands as
};

// Output buffer limit classes (client-output-buffer-limit), in Redis's order.
enum class OutputClass { kNormal = 0, kReplica = 1, kPubsub = 2 };

struct BlockState;
struct TxState;

// True when a paused server must hold this request (CLIENT PAUSE ALL, or WRITE for writes).
bool should_pause(int argc, const lunar_str* argv);
// Redis's rule for CLIENT SETNAME / HELLO SETNAME: no characters outside '!'..'~'.
bool client_name_valid(std::string_view name);
// Resumes every client held by CLIENT PAUSE (runs their queued requests). Call it from the
// loop, not from inside a command.
void resume_paused_clients();

class Client {
 public:
  // Accepts a pending connection on `server_handle` (TCP or pipe).
  static void accept_from(uv_stream_t* server_handle, bool unix_socket);
  // Adopts a connection accepted outside libuv (while a script is busy).
  static void adopt(int fd, bool unix_socket);
  // A client without a connection (scripts run their commands as one); never freed.
  static Client* create_fake();

  long long id = 0;
  std::string name;
  std::string lib_name, lib_ver;
  int resp = 2;
  int db = 0;
  uint32_t flags = 0;
  long long created_ms = 0;
  long long last_interaction_ms = 0;
  std::string addr, laddr;  // "ip:port"
  std::string last_cmd = "NULL";
  std::list<Client*>::iterator self;  // position in g_server.clients
  BlockState* blocked = nullptr;      // set while blocked (owned by kernel/command/blocking)
  TxState* tx = nullptr;              // MULTI queue and watched keys (owned by kernel/tx)

  // Output buffer (replies accumulate here until flushed) and its writer.
  std::string out;
  RespWriter writer{&out, 2};

  // Closes the connection now (frees the client once libuv is done with the handle).
  void close();
  // Schedules close after pending output is written.
  void close_after_reply() { flags |= kClientCloseAfterReply; }
  void set_resp(int proto) {
    resp = proto;
    writer.set_proto(proto);
  }
  size_t query_buffer_size() const { return qbuf_.size(); }
  size_t output_pending() const { return out.size() + inflight_.size(); }
  size_t query_buffer_capacity() const { return qbuf_.capacity(); }
  // The socket's file descriptor (CLIENT LIST fd=), -1 when it has none.
  int fd() const;
  // Subscriptions (LUNAR_SUB_*), as the pub/sub module reports them.
  long long subs[3] = {0, 0, 0};
  bool pubsub() const { return subs[0] + subs[1] + subs[2] > 0; }
  const char* type_name() const { return pubsub() ? "pubsub" : "normal"; }
  OutputClass output_class() const { return pubsub() ? OutputClass::kPubsub : OutputClass::kNormal; }
  // Applies client-output-buffer-limit: true (and the client is marked to close) when its
  // pending output is over the hard limit, or over the soft limit for too long.
  bool over_output_limit();
  // Queues the client for a flush before the loop sleeps (its output was written by others).
  void schedule_write();
  // Writes pending output (closes when marked to close).
  void flush();
  // Resumes reading after CLIENT UNPAUSE.
  void resume();
  // Runs queued input (used after unpause).
  void process_input();
  // Reads what the socket has now, bypassing the loop, and runs it (a script is busy). False
  // when the client cannot take part (closing, blocked, in a command).
  bool read_while_busy();

 private:
  Client() = default;
  ~Client() = default;
  void start();
  // Sets up a client whose stream handle has just been connected.
  static void setup(Client* c, bool unix_socket);
  static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_close(uv_handle_t* h);
  void protocol_error(std::string_view msg);

  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } handle_;
  uv_write_t write_req_;
  bool writing_ = false;
  bool closing_ = false;
  long long soft_limit_since_ms_ = 0;  // when the output first passed the soft limit, or 0
  ByteBuf qbuf_;          // unparsed input
  size_t qbuf_pos_ = 0;    // bytes of qbuf_ already consumed
  std::string inflight_;   // bytes handed to uv_write
  net::RespParser parser_{nullptr};
};

}  // namespace lunar
