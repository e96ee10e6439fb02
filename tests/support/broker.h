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
  void start();  // waits until the port accepts connections
  void stop();   // SIGTERM: mosquitto saves its persistence file
  void kill();   // SIGKILL
  int port() const { return port_; }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string dir_;
  int port_;
  std::unique_ptr<Process> process_;
};

// Waits until something accepts TCP connections on 127.0.0.1:port; false on timeout.
bool wait_for_port(int port, int timeout_ms);

}  // namespace edgegw::test
