// tls_certs.h: TLS material and a TLS Mosquitto for tests: a CA, a server certificate for
// 127.0.0.1 / localhost, a client certificate, a second (wrong) CA, all made with the openssl
// CLI in the test's directory; a broker that requires a client certificate and a password
// (mosquitto_passwd); and a small TLS client that publishes and collects.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <mqtt/async_client.h>

#include "tests/support/process.h"

namespace edgegw::test {

struct TlsFiles {
  std::string ca_cert, server_cert, server_key, client_cert, client_key;
  std::string wrong_ca_cert;  // a CA that signed nothing here: the server must be refused
};

// Makes the files under `dir` (created if needed). Throws std::runtime_error naming the
// openssl step that failed.
TlsFiles make_tls_certs(const std::string& dir);

// Mosquitto with one TLS listener on a free loopback port: require_certificate true, no
// anonymous clients, `username` / `password` in a password file made by mosquitto_passwd.
class TlsBroker {
 public:
  TlsBroker(const std::string& dir, const TlsFiles& files, const std::string& username,
            const std::string& password);
  ~TlsBroker();
  TlsBroker(const TlsBroker&) = delete;
  TlsBroker& operator=(const TlsBroker&) = delete;
  int port() const { return port_; }
  std::string url() const { return "ssl://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  std::unique_ptr<Process> process_;
};

// Connect options for a test client of a TlsBroker (client certificate, CA, credentials).
mqtt::connect_options tls_client_options(const TlsFiles& files, const std::string& username,
                                         const std::string& password);

// A test peer over TLS: publishes QoS 1 (waiting for PUBACK) and collects what it subscribed to.
class TlsClient {
 public:
  TlsClient(const std::string& url, const std::string& client_id,
            const mqtt::connect_options& opts);
  ~TlsClient();
  void publish(const std::string& topic, const std::string& payload);
  void subscribe(const std::string& filter);
  bool wait_for_messages(size_t n, int timeout_ms);
  std::vector<std::string> messages() const;

 private:
  mqtt::async_client client_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> messages_;
};

}  // namespace edgegw::test
