// test_systemd_notify.cpp: `edgegw run` under systemd's notify protocol, with systemd's side
// played by the test (a datagram socket in NOTIFY_SOCKET, WATCHDOG_USEC as a unit's WatchdogSec
// sets it): READY=1 once it serves, watchdog pings while the pipeline is alive, also while the
// upstream broker is down (a known reason to be idle), STOPPING=1 on SIGTERM.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"

using namespace edgegw::test;

namespace {

// systemd's end of NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof addr.sun_path);
    path.copy(addr.sun_path, path.size());
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~NotifySocket() { close(fd_); }

  // The next datagram, or "" after `timeout_ms`.
  std::string receive(int timeout_ms) {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

  // Counts WATCHDOG=1 datagrams over `ms`.
  int pings_during(int ms) {
    int pings = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end)
      if (receive(100) == "WATCHDOG=1") ++pings;
    return pings;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

TEST_CASE(
    "systemd: READY=1 when serving then watchdog pings while alive and STOPPING=1 at the end") {
  TempDir tmp;
  Broker ingest(tmp.file("ingest-broker"));
  Broker upstream(tmp.file("upstream-broker"));
  write_file(tmp.file("gw.toml"), fmt::format(R"(
gateway_id = "gw-systemd"
[ingest]
url = "{}"
[uplink]
url = "{}"
backoff_min_ms = 100
backoff_max_ms = 800
)",
                                              ingest.url(), upstream.url()));
  NotifySocket systemd(tmp.file("notify.sock"));

  // As systemd starts a Type=notify unit with WatchdogSec=1.5: pings are due every 0.5 s.
  std::vector<std::string> argv{"/usr/bin/env", "NOTIFY_SOCKET=" + tmp.file("notify.sock"),
                                "WATCHDOG_USEC=1500000"};
  for (const std::string& w : gateway_command()) argv.push_back(w);
  argv.insert(argv.end(), {"run", "--config", tmp.file("gw.toml"), "--data-dir", tmp.file("data")});
  Process gateway(argv, tmp.file("gateway.log"));

  const std::string ready = systemd.receive(20000);
  CHECK(ready.rfind("READY=1\nSTATUS=gw-systemd serving", 0) == 0);
  CHECK(systemd.pings_during(3000) >= 4);

  upstream.stop();  // upstream unreachable: the uplink backs off, which is no hang
  CHECK(systemd.pings_during(4000) >= 6);

  gateway.signal(SIGTERM);
  std::string last;
  for (std::string m; !(m = systemd.receive(10000)).empty();) {
    last = m;
    if (m == "STOPPING=1") break;
  }
  CHECK(last == "STOPPING=1");
  CHECK(gateway.wait(20000) == 0);
}
