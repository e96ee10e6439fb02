// server.cpp: sockets, the poll() loop, and per-connection buffers.
#include "gateway/status/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/log.h"

namespace edgegw {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxClients = 64;
// A client that does not read is dropped: a streaming (tail) client once this much waits for
// it, any other once its response took longer than kResponseTimeout.
constexpr size_t kMaxPendingTail = 1 << 20;
constexpr auto kHeadTimeout = std::chrono::seconds(5);
constexpr auto kResponseTimeout = std::chrono::seconds(30);

struct Client {
  bool trusted = false;
  std::string in, out;
  bool head_done = false;
  int tail_id = 0;  // streaming when non-zero
  Clock::time_point accepted, responded;
};

[[noreturn]] void fail(std::string_view what) {
  throw std::runtime_error(fmt::format("status server: {}: {}", what, std::strerror(errno)));
}

int listen_unix(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    throw std::runtime_error(
        fmt::format("status server: socket path too long ({} bytes, max {}): {}", path.size(),
                    sizeof addr.sun_path - 1, path));
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) fail("socket");
  ::unlink(path.c_str());  // a stale socket of a gateway that died; the DB lock guards against two
  // Create it already restricted: no window in which others may connect.
  const mode_t old_mask = ::umask(0117);
  const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old_mask);
  if (rc != 0) {
    ::close(fd);
    fail(fmt::format("bind {}", path));
  }
  ::chmod(path.c_str(), 0660);
  if (::listen(fd, 16) != 0) {
    ::close(fd);
    fail(fmt::format("listen {}", path));
  }
  return fd;
}

int listen_tcp(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) fail("socket");
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
    ::close(fd);
    fail(fmt::format("listen on 127.0.0.1:{}", port));
  }
  return fd;
}

}  // namespace

StatusServer::StatusServer(StatusServerOptions options, Handler handler, TailHub& tail, Tick tick)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      tail_(tail),
      tick_(std::move(tick)) {}

StatusServer::~StatusServer() {
  stop();
}

void StatusServer::start() {
  stop_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop_fd_ < 0) fail("eventfd");
  if (!options_.socket_path.empty()) unix_fd_ = listen_unix(options_.socket_path);
  if (options_.http_port > 0) tcp_fd_ = listen_tcp(options_.http_port);
  thread_ = std::thread([this] { run(); });
}

void StatusServer::stop() {
  if (thread_.joinable()) {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  for (int* fd : {&unix_fd_, &tcp_fd_, &stop_fd_})
    if (*fd >= 0) ::close(std::exchange(*fd, -1));
  if (!options_.socket_path.empty()) ::unlink(options_.socket_path.c_str());
  options_.socket_path.clear();
}

void StatusServer::run() {
  std::map<int, Client> clients;
  auto close_client = [&](std::map<int, Client>::iterator it) {
    if (it->second.tail_id) tail_.unsubscribe(it->second.tail_id);
    ::close(it->first);
    return clients.erase(it);
  };
  auto respond = [&](Client& c) {
    const size_t end =
        c.in.find("\r\n\r\n") != std::string::npos ? c.in.find("\r\n\r\n") : c.in.find("\n\n");
    c.head_done = true;
    c.responded = Clock::now();
    HttpResponse resp;
    auto req = parse_request_head(std::string_view(c.in).substr(0, end));
    if (!req) {
      resp = error_response(400, "malformed request");
    } else {
      req->trusted = c.trusted;
      try {
        resp = handler_(*req);
      } catch (const std::exception& e) {
        resp = error_response(500, e.what());
      }
    }
    if (resp.stream && resp.status == 200) {
      c.out = response_head(200, "application/x-ndjson", std::nullopt);
      c.tail_id = tail_.subscribe(resp.tail_filter);
    } else {
      c.out = response_head(resp.status, resp.content_type, resp.body.size()) + resp.body;
    }
  };

  auto next_tick = Clock::now();
  bool stopping = false;
  while (!stopping) {
    std::vector<pollfd> fds;
    fds.push_back({stop_fd_, POLLIN, 0});
    fds.push_back({tail_.wake_fd(), POLLIN, 0});
    if (unix_fd_ >= 0) fds.push_back({unix_fd_, POLLIN, 0});
    if (tcp_fd_ >= 0) fds.push_back({tcp_fd_, POLLIN, 0});
    const size_t first_client = fds.size();
    for (auto& [fd, c] : clients)
      fds.push_back({fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});

    const auto now = Clock::now();
    const int timeout = static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - now).count()));
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) {
      log_error("status", fmt::format("poll: {}", std::strerror(errno)));
      break;
    }
    if (Clock::now() >= next_tick) {
      next_tick = Clock::now() + std::chrono::seconds(1);
      if (tick_) tick_();
    }
    if (fds[0].revents & POLLIN) stopping = true;
    if (fds[1].revents & POLLIN) {
      tail_.clear_wake();
      for (auto& [fd, c] : clients)
        if (c.tail_id) c.out += tail_.take(c.tail_id);
    }
    for (size_t i = 2; i < first_client; ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      while (true) {
        const int cfd = ::accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (cfd < 0) break;
        if (clients.size() >= kMaxClients) {
          ::close(cfd);
          continue;
        }
        Client c;
        c.trusted = fds[i].fd == unix_fd_;
        c.accepted = Clock::now();
        clients.emplace(cfd, std::move(c));
      }
    }
    for (size_t i = first_client; i < fds.size(); ++i) {
      auto it = clients.find(fds[i].fd);
      if (it == clients.end()) continue;
      Client& c = it->second;
      bool drop = false;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[4096];
        const ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
        if (n == 0) {
          // The peer went away (a tail client pressing Ctrl-C), or half-closed after its request.
          if (!c.head_done || c.tail_id) drop = true;
        } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
          drop = true;
        } else if (n > 0 && !c.head_done) {
          c.in.append(buf, static_cast<size_t>(n));
          if (c.in.find("\r\n\r\n") != std::string::npos || c.in.find("\n\n") != std::string::npos)
            respond(c);
          else if (c.in.size() > kMaxRequestHead) {
            c.head_done = true;
            c.responded = Clock::now();
            const auto r = error_response(431, "request too large");
            c.out = response_head(r.status, r.content_type, r.body.size()) + r.body;
          }
        }
      }
      if (!drop && !c.out.empty() && (fds[i].revents & POLLOUT)) {
        const ssize_t n = ::send(fds[i].fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0)
          c.out.erase(0, static_cast<size_t>(n));
        else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
          drop = true;
      }
      if (c.head_done && !c.tail_id && c.out.empty()) drop = true;  // response complete
      const auto t = Clock::now();
      if (!c.head_done && t - c.accepted > kHeadTimeout) drop = true;
      if (c.head_done && !c.tail_id && t - c.responded > kResponseTimeout) drop = true;
      if (c.tail_id && c.out.size() > kMaxPendingTail) drop = true;
      if (drop) close_client(it);
    }
  }
  for (auto it = clients.begin(); it != clients.end();) it = close_client(it);
}

}  // namespace edgegw
