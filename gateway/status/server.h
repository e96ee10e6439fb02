// server.h: the local status server: one thread with poll() serving HTTP/1.0 on a Unix socket
// (mode 0660, trusted: the only way to change anything, e.g. away mode) and optionally on
// 127.0.0.1:<http_port> (read-only, for Prometheus). Requests are answered by the handler on
// this thread; `tail` responses stay open and stream what the TailHub collects.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "gateway/status/http.h"
#include "gateway/status/tail.h"

namespace edgegw {

struct StatusServerOptions {
  std::string socket_path;  // empty: no Unix socket
  int http_port = 0;        // 0: no TCP listener
};

class StatusServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  using Tick = std::function<void()>;

  // `tick` runs on the server thread about once a second (rate sampling, log summaries).
  StatusServer(StatusServerOptions options, Handler handler, TailHub& tail, Tick tick);
  ~StatusServer();  // stops; removes the socket file
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // Binds and starts the thread. Throws std::runtime_error naming the path or port.
  void start();
  void stop();

 private:
  void run();

  StatusServerOptions options_;
  Handler handler_;
  TailHub& tail_;
  Tick tick_;
  int unix_fd_ = -1, tcp_fd_ = -1, stop_fd_ = -1;
  std::thread thread_;
};

}  // namespace edgegw
