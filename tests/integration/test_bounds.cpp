// test_bounds.cpp: the bounds a local publisher or a local client cannot break. Through a real
// broker, more sensor ids than limits.max_sensors: the new ones are dead-lettered and counted,
// the known ones still detected. On the HTTP port: 64 clients that connect and never send a
// request are dropped after the head deadline (the slots come back), and only /metrics and
// /status are served there (the Unix socket keeps every view).
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "drivers/timestamp.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

int connect_tcp(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// GET over TCP; returns the status line and body ("" when the server closed without a reply).
std::string http_get(int port, const std::string& path) {
  const int fd = connect_tcp(port);
  if (fd < 0) return "";
  timeval tv{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string req = "GET " + path + " HTTP/1.0\r\n\r\n";
  [[maybe_unused]] ssize_t w = ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, size_t(n));
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE(
    "bounds: sensors past limits.max_sensors are dead-lettered, idle HTTP clients are "
    "dropped, the HTTP port serves /metrics and /status only") {
  const int http_port = free_port();
  TestSite site("gw-bounds",
                fmt::format("[limits]\nmax_sensors = 5\n[status]\nhttp_port = {}\n", http_port));
  const std::string& data = site.data;
  auto gw = site.start();

  // 8 meters, 60 readings each: the first 5 known ids go silent 12 h (W1), 3 are refused.
  AlertCollector collector(site.upstream.url(), site.alerts_topic(), "bounds-collector");
  {
    Publisher meters(site.ingest.url(), "bounds-meters");
    for (const Input& in : w1_input(8, 400, 60, 100, *parse_iso8601_utc("2024-09-01T00:00:00Z")))
      meters.publish(in.topic, in.payload);
  }
  CHECK(collector.wait_for(5, 15000));
  std::string out;
  REQUIRE(run_command({bin_path("edgegw"), "status", "--data-dir", data, "--json"}, &out) == 1);
  CHECK(out.find("\"sensor_limit\":180") != std::string::npos);  // 3 ids x 60 readings
  CHECK(out.find("the sensor table is full") != std::string::npos);
  REQUIRE(run_command({bin_path("edgegw"), "deadletters", "--data-dir", data, "--json"}, &out) ==
          0);
  CHECK(out.find("sensor_limit") != std::string::npos);
  CHECK(out.find("new sensor '90000405' refused") != std::string::npos);
  CHECK(collector.alerts().size() == 5);  // the 5 known meters, nothing for the refused ones

  // The HTTP port: /metrics and /status only.
  CHECK(http_get(http_port, "/metrics").starts_with("HTTP/1.0 200"));
  CHECK(http_get(http_port, "/status").starts_with("HTTP/1.0 200"));
  CHECK(http_get(http_port, "/sensors").starts_with("HTTP/1.0 404"));
  CHECK(http_get(http_port, "/deadletters").starts_with("HTTP/1.0 404"));
  CHECK(http_get(http_port, "/household/x").starts_with("HTTP/1.0 404"));
  // The Unix socket (group edgegw) still has every view.
  CHECK(run_command({bin_path("edgegw"), "sensors", "--data-dir", data, "--json"}) == 0);

  // 64 clients take every slot and never send a request: no one else is served ...
  std::vector<int> idle;
  for (int i = 0; i < 64; ++i) idle.push_back(connect_tcp(http_port));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(http_get(http_port, "/metrics").empty());
  // ... until the head deadline (5 s) drops them.
  CHECK(wait_until([&] { return http_get(http_port, "/metrics").starts_with("HTTP/1.0 200"); },
                   10000));
  for (int fd : idle) ::close(fd);
  CHECK(gw->process().running());
}

TEST_CASE(
    "bounds: a 32 MB payload is refused as too large, counted and dead-lettered, the "
    "gateway goes on") {
  TestSite site("gw-big");
  const std::string& data = site.data;
  auto gw = site.start();
  AlertCollector collector(site.upstream.url(), site.alerts_topic(), "big-collector");
  {
    Publisher meters(site.ingest.url(), "big-meters");
    meters.publish("wmbusmeters/90000500", std::string(32u << 20, '{'));
    for (const Input& in : w1_input(1, 500, 60, 100, *parse_iso8601_utc("2024-09-02T00:00:00Z")))
      meters.publish(in.topic, in.payload);
  }
  CHECK(collector.wait_for(1, 15000));  // the meter after it still raised its W1
  CHECK(gw->process().running());
  std::string out;
  REQUIRE(run_command({bin_path("edgegw"), "deadletters", "--data-dir", data, "--json"}, &out) ==
          0);
  CHECK(out.find("too_large") != std::string::npos);
  CHECK(out.find("wmbusmeters/90000500") != std::string::npos);
  CHECK(out.size() < 64 * 1024);  // the dead letter keeps the first bytes, not 32 MB
}
