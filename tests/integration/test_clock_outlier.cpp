// test_clock_outlier.cpp: one device's clock must not move the site's clock. Through a real
// broker: 20 meters reporting every 15 minutes, then one meter reports a time 23 h ahead. In
// wall-clock mode and in event-clock mode no other meter becomes "silent" (S1) and no alert is
// raised at all; a reading more than a day ahead is dead-lettered with its reason; `edgegw
// parse` judges a timestamp against the wall clock as the live gateway does.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "drivers/timestamp.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

constexpr int64_t kQuarter = 15 * 60 * 1000, kHour = 3600 * 1000;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs the scenario with `clock` ("wall" or "event"); returns the alerts upstream received.
std::vector<Alert> outlier_run(const std::string& clock, std::string* deadletters) {
  TestSite site("gw-clock", "", "");
  std::string toml = gateway_toml("gw-clock", site.ingest.url(), site.upstream.url());
  toml.replace(toml.find("clock = \"event\""), 15, "clock = \"" + clock + "\"");
  write_file(site.config, toml);
  const std::string& data = site.data;
  auto gw = site.start();
  AlertCollector collector(site.upstream.url(), site.alerts_topic(), "clock-collector");
  {
    Publisher meters(site.ingest.url(), "clock-meters");
    // 20 meters x 8 reports, 15 min apart, the last one now: a known period, nobody silent.
    const int64_t last = now_ms() - 60 * 1000;
    for (int step = 7; step >= 0; --step)
      for (int m = 0; m < 20; ++m) {
        const std::string id = fmt::format("9{:07d}", 600 + m);
        meters.publish("wmbusmeters/" + id, wmbus_json(id, 10.0 + m, last - step * kQuarter));
      }
    // One meter's clock runs 23 h ahead (accepted: within max_future_skew_s), then 25 h
    // (refused, dead-lettered).
    meters.publish("wmbusmeters/90000600", wmbus_json("90000600", 10.0, last + 23 * kHour));
    meters.publish("wmbusmeters/90000601", wmbus_json("90000601", 11.0, last + 25 * kHour));
    // The others go on reporting, on time.
    for (int m = 2; m < 20; ++m) {
      const std::string id = fmt::format("9{:07d}", 600 + m);
      meters.publish("wmbusmeters/" + id, wmbus_json(id, 10.0 + m, last + 30 * 1000));
    }
  }
  // Long enough for the ticker (wall mode) and the alerts a moved clock would raise at once.
  collector.wait_for(1, 3000);
  REQUIRE(run_command({bin_path("edgegw"), "deadletters", "--data-dir", data, "--json"},
                      deadletters) == 0);
  CHECK(gw->process().running());
  return collector.alerts();
}

}  // namespace

TEST_CASE("clock: in wall-clock mode a meter 23 h ahead is dead-lettered and silences nobody") {
  std::string dead;
  const auto alerts = outlier_run("wall", &dead);
  for (const Alert& a : alerts)
    MESSAGE(
        fmt::format("unexpected alert: rule {} subject {}", static_cast<int>(a.rule), a.subject));
  CHECK(alerts.empty());
  CHECK(dead.find("bad_timestamp") != std::string::npos);
  CHECK(dead.find("ahead of the gateway's clock") != std::string::npos);
  CHECK(dead.find("wmbusmeters/90000600") != std::string::npos);
  CHECK(dead.find("wmbusmeters/90000601") != std::string::npos);
}

TEST_CASE("clock: in event-clock mode (replays) a meter 23 h ahead silences nobody else") {
  // Accepted (a replay cannot tell a wrong clock from a gap), it judges only its own meter by
  // its own time; no other meter's deadline moves.
  std::string dead;
  const auto alerts = outlier_run("event", &dead);
  size_t others = 0;
  for (const Alert& a : alerts)
    if (a.subject != "90000600") {
      ++others;
      MESSAGE(fmt::format("alert about another meter: rule {} subject {}", static_cast<int>(a.rule),
                          a.subject));
    }
  CHECK(others == 0);
  CHECK(dead.find("bad_timestamp") != std::string::npos);
}

TEST_CASE("clock: in wall-clock mode a backlog of old reports silences no meter at once") {
  // What a broker's persistent session hands a gateway back after 3 h down: reports from 3 h
  // to 2 h 15 min ago, 15 min apart, arriving now. The meters were not silent, the gateway was
  // not listening: S1 counts from its start (3 periods later), not from the reports' times
  // (before ed644a4 every such meter was S1 at the first tick, cleared by its next report).
  TestSite site("gw-backlog", "", "");
  std::string toml = gateway_toml("gw-backlog", site.ingest.url(), site.upstream.url());
  toml.replace(toml.find("clock = \"event\""), 15, "clock = \"wall\"");
  write_file(site.config, toml);
  auto gw = site.start();
  AlertCollector collector(site.upstream.url(), site.alerts_topic(), "backlog-collector");
  {
    Publisher meters(site.ingest.url(), "backlog-meters");
    const int64_t first = now_ms() - 3 * kHour;
    for (int step = 0; step < 4; ++step)
      for (int m = 0; m < 5; ++m) {
        const std::string id = fmt::format("9{:07d}", 800 + m);
        meters.publish("wmbusmeters/" + id, wmbus_json(id, 10.0 + m, first + step * kQuarter));
      }
  }
  collector.wait_for(1, 3000);  // a few ticks of the wall clock
  for (const Alert& a : collector.alerts())
    MESSAGE(
        fmt::format("unexpected alert: rule {} subject {}", static_cast<int>(a.rule), a.subject));
  CHECK(collector.alerts().empty());
  std::string sensors;
  REQUIRE(run_command({bin_path("edgegw"), "sensors", "--data-dir", site.data, "--json"},
                      &sensors) == 0);
  CHECK(sensors.find("90000804") != std::string::npos);
  CHECK(gw->process().running());
}

TEST_CASE("clock: `edgegw parse` refuses a timestamp far ahead of the wall clock") {
  TempDir tmp;
  write_file(tmp.file("far.json"),
             wmbus_json("90000700", 1.0, *parse_iso8601_utc("9999-12-31T00:00:00Z")));
  write_file(tmp.file("now.json"), wmbus_json("90000700", 1.0, now_ms()));
  std::string out;
  CHECK(run_command(
            {bin_path("edgegw"), "parse", "--topic", "wmbusmeters/90000700", tmp.file("far.json")},
            &out) == 1);
  CHECK(run_command(
            {bin_path("edgegw"), "parse", "--topic", "wmbusmeters/90000700", tmp.file("now.json")},
            &out) == 0);
}
