// broker.h: a real Mosquitto broker for a test, on a free loopback port, with persistence in
// the test's temp dir so that a restart keeps persistent sessions. Stopped by the destructor.
#pragma once

#include <memory>
#include <string>

#include "tests/support/process.h"

namespace edgegw::test {

// A fresh directory under /tmp, removed (recursively) by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A loopback TCP port nobody listens on right now.
int free_port();

class Broker {
 public:
  // `extra_config` lines are appended to the generated mosquitto.conf.
  explicit Broker(const std::string& dir, const std::string& extra_config = "");
  ~Broker();
  void start();  // waits until it serves (wait_for_mosquitto); restarts keep the port
  void stop();   // SIGTERM: mosquitto saves its persistence file
  void kill();   // SIGKILL
  int port() const { return port_; }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
  void write_config();
  bool try_start();

  std::string dir_;
  std::string extra_config_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

// Waits until something accepts TCP connections on 127.0.0.1:port; false on timeout.
bool wait_for_port(int port, int timeout_ms);

// Waits until the Mosquitto `process` serves `port`: it logged "running" in `log_file` after
// byte `log_from` and is still alive, and the port accepts connections. False if it exited
// first or on timeout. The port alone is not enough: free_port() is a guess, and when a test
// running in parallel took the same port first, our broker exits ("Address already in use")
// while the port answers, with the other test's broker behind it.
bool wait_for_mosquitto(Process& process, const std::string& log_file, size_t log_from, int port,
                        int timeout_ms);

// Size of a file, 0 if it does not exist (where a log's new lines will start).
size_t file_size_or_zero(const std::string& path);

}  // namespace edgegw::test
