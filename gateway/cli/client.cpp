// client.cpp: a blocking HTTP/1.0 client over a Unix socket, and locating the gateway.
#include "gateway/cli/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "gateway/config.h"

namespace edgegw {

Target resolve_target(const CommonOptions& opts) {
  Config config;
  Target t;
  std::string file = opts.config_file;
  if (file.empty() && std::filesystem::exists(kDefaultConfig)) file = kDefaultConfig;
  if (!file.empty()) {
    config = load_config(file);
    t.config_file = file;
  }
  if (opts.data_dir) config.data_dir = *opts.data_dir;
  t.data_dir = config.data_dir;
  t.socket_path = opts.socket ? *opts.socket : config.status_socket();
  t.gateway_id = config.gateway_id;
  t.outbox_max_bytes = config.outbox_max_bytes;
  return t;
}

std::optional<Target> resolve_target_or_report(const CommonOptions& opts) {
  try {
    return resolve_target(opts);
  } catch (const std::exception& e) {
    std::cerr << "edgegw: " << e.what() << "\n";
    return std::nullopt;
  }
}

namespace {

// A connected socket, or -1 with `error` set.
int connect_unix(const std::string& path, std::string& error) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    error = fmt::format("socket path too long: {}", path);
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = fmt::format("socket: {}", std::strerror(errno));
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error = errno == ENOENT || errno == ECONNREFUSED
                ? fmt::format("the gateway is not running (no listener on {})", path)
                : fmt::format(
                      "cannot connect to {}: {}{}", path, std::strerror(errno),
                      errno == EACCES ? " (run as root or as a member of the edgegw group)" : "");
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

int parse_status(const std::string& head) {
  // "HTTP/1.0 200 OK"
  const size_t sp = head.find(' ');
  if (sp == std::string::npos) return 0;
  try {
    return std::stoi(head.substr(sp + 1, 3));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

Reply http_request(const std::string& socket_path, const std::string& method,
                   const std::string& path, int timeout_ms) {
  Reply r;
  const int fd = connect_unix(socket_path, r.error);
  if (fd < 0) return r;
  r.reached = true;
  if (!send_all(fd, fmt::format("{} {} HTTP/1.0\r\n\r\n", method, path))) {
    r.error = "the gateway closed the connection";
    ::close(fd);
    return r;
  }
  std::string data;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) {
      r.error = "timed out waiting for the gateway";
      ::close(fd);
      return r;
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  const size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) {
    r.error = "malformed answer from the gateway";
    return r;
  }
  r.status = parse_status(data.substr(0, end));
  r.body = data.substr(end + 4);
  return r;
}

int http_stream(const std::string& socket_path, const std::string& path,
                const std::function<bool(const std::string&)>& on_line, std::string& error) {
  const int fd = connect_unix(socket_path, error);
  if (fd < 0) return 0;
  if (!send_all(fd, fmt::format("GET {} HTTP/1.0\r\n\r\n", path))) {
    ::close(fd);
    error = "the gateway closed the connection";
    return 0;
  }
  std::string data;
  int status = 0;
  bool in_body = false;
  char buf[65536];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (!in_body) {
      const size_t end = data.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      status = parse_status(data.substr(0, end));
      data.erase(0, end + 4);
      in_body = true;
    }
    size_t nl;
    bool keep = true;
    while (keep && (nl = data.find('\n')) != std::string::npos) {
      keep = on_line(data.substr(0, nl));
      data.erase(0, nl + 1);
    }
    if (!keep) break;
  }
  if (in_body && !data.empty()) on_line(data);
  ::close(fd);
  return status;
}

}  // namespace edgegw

#include <simdjson.h>

namespace edgegw {

int query_gateway(const Target& target, const std::string& method, const std::string& path,
                  std::string& body) {
  Reply r = http_request(target.socket_path, method, path);
  if (!r.reached || (r.status == 0 && !r.error.empty())) {
    std::cerr << "edgegw: " << r.error << "\n";
    return r.reached ? 1 : 3;
  }
  if (r.status == 200) {
    body = std::move(r.body);
    return 0;
  }
  std::string message = r.body;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text;
  if (!parser.parse(r.body).get(doc) && !doc["error"].get(text)) message = std::string(text);
  std::cerr << "edgegw: " << message << "\n";
  return r.status == 400 ? 2 : 1;
}

}  // namespace edgegw
