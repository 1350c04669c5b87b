// Connection I/O. Reads land in the query buffer; every complete request in it runs at once
// (argument views point into the buffer: no copy), and the replies of the whole batch leave in
// one write. A write that the socket does not take at once continues asynchronously while new
// replies accumulate in `out`.
#include "kernel/net/client.h"

#include "kernel/net/listener.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "kernel/command/blocking.h"
#include "kernel/command/command.h"
#include "kernel/module/module.h"
#include "kernel/server.h"
#include "kernel/tx/tx.h"
#include "kernel/util/memory.h"

namespace lunar {

namespace {
constexpr size_t kReadChunk = 16 * 1024;

std::string peer_name(uv_tcp_t* t, bool local) {
  sockaddr_storage ss{};
  int len = sizeof ss;
  int rc = local ? uv_tcp_getsockname(t, reinterpret_cast<sockaddr*>(&ss), &len)
                 : uv_tcp_getpeername(t, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc != 0) return "?:0";
  char ip[64] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    uv_ip4_name(a, ip, sizeof ip);
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    uv_ip6_name(a, ip, sizeof ip);
    port = ntohs(a->sin6_port);
  }
  return std::string(ip) + ":" + std::to_string(port);
}
}  // namespace

bool client_name_valid(std::string_view name) {
  for (char ch : name)
    if (ch < '!' || ch > '~') return false;
  return true;
}

bool should_pause(int argc, const lunar_str* argv) {
  if (now_ms() >= g_server.clients_paused_until_ms) {
    g_server.clients_paused_until_ms = 0;
    return false;
  }
  if (!g_server.pause_writes_only) return true;
  Command* cmd = g_commands.lookup(argc, argv);
  return cmd && (cmd->flags & (kCmdWrite | kCmdMayReplicate));
}

void Client::accept_from(uv_stream_t* server_handle, bool unix_socket) {
  auto* c = new Client();
  uv_stream_t* stream;
  if (unix_socket) {
    uv_pipe_init(g_server.loop, &c->handle_.pipe, 0);
    stream = reinterpret_cast<uv_stream_t*>(&c->handle_.pipe);
  } else {
    uv_tcp_init(g_server.loop, &c->handle_.tcp);
    stream = reinterpret_cast<uv_stream_t*>(&c->handle_.tcp);
  }
  stream->data = c;
  if (uv_accept(server_handle, stream) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(stream), on_close);
    return;
  }
  setup(c, unix_socket);
}

void Client::adopt(int fd, bool unix_socket) {
  auto* c = new Client();
  uv_stream_t* stream;
  int rc;
  if (unix_socket) {
    uv_pipe_init(g_server.loop, &c->handle_.pipe, 0);
    stream = reinterpret_cast<uv_stream_t*>(&c->handle_.pipe);
    rc = uv_pipe_open(&c->handle_.pipe, fd);
  } else {
    uv_tcp_init(g_server.loop, &c->handle_.tcp);
    stream = reinterpret_cast<uv_stream_t*>(&c->handle_.tcp);
    rc = uv_tcp_open(&c->handle_.tcp, fd);
  }
  stream->data = c;
  if (rc != 0) {
    ::close(fd);
    uv_close(reinterpret_cast<uv_handle_t*>(stream), on_close);
    return;
  }
  setup(c, unix_socket);
}

Client* Client::create_fake() {
  auto* c = new Client();
  std::memset(&c->handle_, 0, sizeof c->handle_);
  c->flags = kClientFake | kClientAuthenticated;
  c->id = LLONG_MAX;
  c->addr = c->laddr = "?:0";
  c->created_ms = c->last_interaction_ms = now_ms();
  return c;
}

void Client::setup(Client* c, bool unix_socket) {
  if (unix_socket) c->flags |= kClientUnixSocket;
  g_server.stats.total_connections_received++;
  c->id = g_server.next_client_id++;
  c->created_ms = c->last_interaction_ms = now_ms();
  c->self = g_server.clients.insert(g_server.clients.end(), c);
  g_server.clients_by_id.emplace(c->id, c);
  c->parser_ = net::RespParser(&g_server.limits);
  if (unix_socket) {
    c->addr = g_server.settings.unixsocket + ":0";
    c->laddr = c->addr;
  } else {
    uv_tcp_nodelay(&c->handle_.tcp, 1);
    if (g_server.settings.tcp_keepalive > 0)
      uv_tcp_keepalive(&c->handle_.tcp, 1, static_cast<unsigned>(g_server.settings.tcp_keepalive));
    c->addr = peer_name(&c->handle_.tcp, false);
    c->laddr = peer_name(&c->handle_.tcp, true);
  }
  if (g_server.settings.requirepass.empty()) c->flags |= kClientAuthenticated;
  if (static_cast<long long>(g_server.clients.size()) > g_server.settings.maxclients) {
    g_server.stats.rejected_connections++;
    c->out = "-ERR max number of clients reached\r\n";
    c->close_after_reply();
    c->flush();
    return;
  }
  c->start();
}

void Client::start() {
  uv_read_start(reinterpret_cast<uv_stream_t*>(&handle_), on_alloc, on_read);
}

void Client::on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* c = static_cast<Client*>(h->data);
  size_t want = kReadChunk;
  size_t hint = c->parser_.bytes_needed_hint();
  size_t have = c->qbuf_.size() - c->qbuf_pos_;
  if (hint > have && hint - have > want) want = hint - have;  // a big bulk: read it in one go
  buf->base = c->qbuf_.prepare(want);
  buf->len = want;
}

void Client::on_read(uv_stream_t* s, ssize_t n, const uv_buf_t*) {
  auto* c = static_cast<Client*>(s->data);
  if (n < 0) {
    c->close();
    return;
  }
  if (n == 0) return;
  c->qbuf_.commit(static_cast<size_t>(n));
  g_server.stats.total_net_input_bytes += n;
  c->last_interaction_ms = now_ms();
  c->process_input();
}

void Client::process_input() {
  while (!closing_ &&
         !(flags & (kClientCloseAfterReply | kClientCloseAsap | kClientPaused | kClientBlocked)) &&
         qbuf_pos_ < qbuf_.size()) {
    size_t consumed = 0;
    // Before AUTH, Redis caps request sizes (10 arguments, 16 KB bulks) when a password is set.
    parser_.set_unauthenticated(!(flags & kClientAuthenticated) &&
                                !g_server.settings.requirepass.empty());
    net::ParseStatus st =
        parser_.parse(qbuf_.data() + qbuf_pos_, qbuf_.size() - qbuf_pos_, &consumed);
    if (st == net::ParseStatus::kNeedMore) break;
    if (st == net::ParseStatus::kError) {
      protocol_error(parser_.error());
      break;
    }
    if (st == net::ParseStatus::kEmpty) {
      qbuf_pos_ += consumed;
      continue;
    }
    const auto& argv = parser_.argv();
    if (g_server.clients_paused_until_ms > 0 && should_pause(static_cast<int>(argv.size()),
                                                            argv.data())) {
      flags |= kClientPaused;
      uv_read_stop(reinterpret_cast<uv_stream_t*>(&handle_));
      break;
    }
    if (flags & kClientReplySkipNext) {
      flags = (flags & ~kClientReplySkipNext) | kClientReplySkip;
    }
    size_t out_before = out.size();
    flags |= kClientInCommand;
    call_command(this, static_cast<int>(argv.size()), argv.data());
    flags &= ~kClientInCommand;
    if (flags & (kClientReplyOff | kClientReplySkip)) out.resize(out_before);
    flags &= ~kClientReplySkip;
    qbuf_pos_ += consumed;
    parser_.reset();
  }
  // Keep only the unparsed tail.
  qbuf_.consume(qbuf_pos_);
  qbuf_pos_ = 0;
  qbuf_.shrink_if_empty(4 * kReadChunk);
  if (over_output_limit()) {
    close();
    return;
  }
  if (static_cast<long long>(qbuf_.size()) > g_server.settings.client_query_buffer_limit) {
    log_line(kLogWarning, "Closing client that reached max query buffer length: id=%lld addr=%s",
             id, addr.c_str());
    close();
    return;
  }
  flush();
}

void Client::protocol_error(std::string_view msg) {
  writer.error(msg);
  close_after_reply();
}

void Client::flush() {
  if (closing_) return;
  if (flags & kClientCloseAsap) {
    close();
    return;
  }
  if (writing_ || out.empty()) {
    if (!writing_ && (flags & kClientCloseAfterReply)) close();
    return;
  }
  auto* stream = reinterpret_cast<uv_stream_t*>(&handle_);
  uv_buf_t b = uv_buf_init(out.data(), static_cast<unsigned>(out.size()));
  int n = uv_try_write(stream, &b, 1);
  if (n == static_cast<int>(out.size())) {
    g_server.stats.total_net_output_bytes += n;
    out.clear();
    if (out.capacity() > 64 * 1024) out.shrink_to_fit();
    if (flags & kClientCloseAfterReply) close();
    return;
  }
  if (n < 0 && n != UV_EAGAIN) {
    close();
    return;
  }
  size_t done = n > 0 ? static_cast<size_t>(n) : 0;
  g_server.stats.total_net_output_bytes += static_cast<long long>(done);
  inflight_.assign(out, done, std::string::npos);
  out.clear();
  writing_ = true;
  write_req_.data = this;
  uv_buf_t rest = uv_buf_init(inflight_.data(), static_cast<unsigned>(inflight_.size()));
  uv_write(&write_req_, stream, &rest, 1, on_write);
}

void Client::on_write(uv_write_t* req, int status) {
  auto* c = static_cast<Client*>(req->data);
  c->writing_ = false;
  if (c->closing_) return;
  if (status < 0) {
    c->close();
    return;
  }
  g_server.stats.total_net_output_bytes += static_cast<long long>(c->inflight_.size());
  c->inflight_.clear();
  c->flush();
}

void Client::close() {
  if (closing_ || (flags & kClientFake)) return;
  closing_ = true;
  blocking::client_closed(this);
  tx::reset_client(this);
  g_server.clients.erase(self);
  g_server.clients_by_id.erase(id);
  if (flags & kClientPendingWrite) std::erase(g_server.pending_writes, this);
  fire_event(LUNAR_EVENT_CLIENT_CLOSED, id);
  if (g_server.current_client == this) g_server.current_client = nullptr;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&handle_));
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_), on_close);
}

void Client::on_close(uv_handle_t* h) { delete static_cast<Client*>(h->data); }

bool Client::over_output_limit() {
  if (flags & kClientCloseAsap) return true;
  const auto& lim = g_server.settings.output_limits[static_cast<int>(output_class())];
  if (lim.hard == 0 && lim.soft == 0) return false;
  // As in Redis, the first 16 KB of pending output (its static reply buffer) do not count.
  constexpr long long kStaticReplyBuffer = 16 * 1024;
  long long pending = static_cast<long long>(output_pending()) - kStaticReplyBuffer;
  bool hard = lim.hard > 0 && pending >= lim.hard;
  bool soft = false;
  if (lim.soft > 0 && pending >= lim.soft) {
    long long now = now_ms();
    if (soft_limit_since_ms_ == 0) soft_limit_since_ms_ = now;
    soft = now - soft_limit_since_ms_ > lim.soft_seconds * 1000;
  } else {
    soft_limit_since_ms_ = 0;
  }
  if (!hard && !soft) return false;
  flags |= kClientCloseAsap;
  log_line(kLogWarning,
           "Client id=%lld addr=%s scheduled to be closed ASAP for overcoming of output buffer "
           "limits.",
           id, addr.c_str());
  schedule_write();
  return true;
}

void Client::schedule_write() {
  if (flags & kClientPendingWrite) return;
  flags |= kClientPendingWrite;
  g_server.pending_writes.push_back(this);
}

Client* client_by_id(long long id) {
  auto it = g_server.clients_by_id.find(id);
  return it == g_server.clients_by_id.end() ? nullptr : it->second;
}

void before_sleep() {
  blocking::resume_unblocked();
  while (!g_server.pending_writes.empty()) {
    std::vector<Client*> batch;
    batch.swap(g_server.pending_writes);
    for (Client* c : batch) {
      c->flags &= ~kClientPendingWrite;
      if (c->over_output_limit())
        c->close();
      else
        c->flush();
    }
  }
}

void resume_paused_clients() {
  std::vector<Client*> paused;
  for (Client* c : g_server.clients)
    if (c->flags & kClientPaused) paused.push_back(c);
  // A resumed client's commands may close another one: it is freed only later, by libuv's
  // close callback, and resume() skips it.
  for (Client* c : paused) c->resume();
}

bool Client::read_while_busy() {
  if (closing_ || (flags & (kClientFake | kClientInCommand | kClientBlocked | kClientPaused |
                            kClientCloseAfterReply | kClientCloseAsap)))
    return false;
  int sock = fd();
  if (sock < 0) return false;
  char* dst = qbuf_.prepare(kReadChunk);
  ssize_t n = ::recv(sock, dst, kReadChunk, MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    close();
    return true;
  }
  if (n < 0) return true;
  qbuf_.commit(static_cast<size_t>(n));
  g_server.stats.total_net_input_bytes += n;
  last_interaction_ms = now_ms();
  process_input();
  return true;
}

void serve_clients_while_busy() {
  accept_while_busy();
  std::vector<Client*> all(g_server.clients.begin(), g_server.clients.end());
  std::vector<pollfd> fds;
  std::vector<Client*> who;
  for (Client* c : all) {
    if (c->flags & (kClientInCommand | kClientBlocked | kClientPaused)) continue;
    int sock = c->fd();
    if (sock < 0) continue;
    fds.push_back({sock, POLLIN, 0});
    who.push_back(c);
  }
  if (fds.empty() || ::poll(fds.data(), fds.size(), 0) <= 0) return;
  for (size_t i = 0; i < fds.size(); i++) {
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    // A request run here may have closed another client: it is still allocated (freed by
    // libuv's close callback) and read_while_busy skips it.
    who[i]->read_while_busy();
  }
}

int Client::fd() const {
  uv_os_fd_t fd = -1;
  if (uv_fileno(reinterpret_cast<const uv_handle_t*>(&handle_), &fd) != 0) return -1;
  return fd;
}

void Client::resume() {
  if (!(flags & kClientPaused) || closing_) return;
  flags &= ~kClientPaused;
  start();
  process_input();
}

}  // namespace lunar
