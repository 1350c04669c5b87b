#include "kernel/net/listener.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "kernel/net/client.h"
#include "kernel/server.h"

namespace lunar {

namespace {
std::vector<uv_tcp_t*> g_tcp;
uv_pipe_t* g_unix = nullptr;

void on_connection(uv_stream_t* server, int status) {
  if (status < 0) return;
  Client::accept_from(server, server->type == UV_NAMED_PIPE);
}
}  // namespace

// Binds like Redis: an address prefixed with '-' is optional (skipped when unavailable).
bool listen_all(std::string* err) {
  const Settings& s = g_server.settings;
  if (s.port > 0) {
    for (std::string addr : s.bind) {
      bool optional = !addr.empty() && addr[0] == '-';
      if (optional) addr.erase(0, 1);
      if (addr == "*") addr = "0.0.0.0";
      sockaddr_storage ss{};
      bool v6 = addr.find(':') != std::string::npos;
      int rc = v6 ? uv_ip6_addr(addr.c_str(), static_cast<int>(s.port),
                                reinterpret_cast<sockaddr_in6*>(&ss))
                  : uv_ip4_addr(addr.c_str(), static_cast<int>(s.port),
                                reinterpret_cast<sockaddr_in*>(&ss));
      auto* t = new uv_tcp_t;
      uv_tcp_init(g_server.loop, t);
      if (rc == 0)
        rc = uv_tcp_bind(t, reinterpret_cast<sockaddr*>(&ss), v6 ? UV_TCP_IPV6ONLY : 0);
      if (rc == 0)
        rc = uv_listen(reinterpret_cast<uv_stream_t*>(t), static_cast<int>(s.tcp_backlog),
                       on_connection);
      if (rc != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(t),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
        if (optional) continue;
        *err = "Could not create server TCP listening socket " + addr + ":" +
               std::to_string(s.port) + ": " + uv_strerror(rc);
        return false;
      }
      g_tcp.push_back(t);
    }
  }
  if (!s.unixsocket.empty()) {
    unlink(s.unixsocket.c_str());
    g_unix = new uv_pipe_t;
    uv_pipe_init(g_server.loop, g_unix, 0);
    int rc = uv_pipe_bind(g_unix, s.unixsocket.c_str());
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(g_unix), 511, on_connection);
    if (rc != 0) {
      *err = "Failed opening Unix socket " + s.unixsocket + ": " + uv_strerror(rc);
      return false;
    }
    if (s.unixsocketperm) chmod(s.unixsocket.c_str(), static_cast<mode_t>(s.unixsocketperm));
  }
  if (g_tcp.empty() && !g_unix) {
    *err = "Configured to not listen anywhere, exiting.";
    return false;
  }
  return true;
}

void accept_while_busy() {
  auto accept_on = [](uv_handle_t* h, bool unix_socket) {
    uv_os_fd_t lfd;
    if (uv_fileno(h, &lfd) != 0) return;
    for (int i = 0; i < 64; i++) {
      int fd = ::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      Client::adopt(fd, unix_socket);
    }
  };
  for (uv_tcp_t* t : g_tcp) accept_on(reinterpret_cast<uv_handle_t*>(t), false);
  if (g_unix) accept_on(reinterpret_cast<uv_handle_t*>(g_unix), true);
}

void close_listeners() {
  for (uv_tcp_t* t : g_tcp)
    uv_close(reinterpret_cast<uv_handle_t*>(t),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
  g_tcp.clear();
  if (g_unix) {
    uv_close(reinterpret_cast<uv_handle_t*>(g_unix),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_pipe_t*>(h); });
    g_unix = nullptr;
    unlink(g_server.settings.unixsocket.c_str());
  }
}

}  // namespace lunar
