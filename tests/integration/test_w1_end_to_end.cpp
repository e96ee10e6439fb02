// test_w1_end_to_end.cpp: the walking skeleton through real brokers: wmbusmeters readings in,
// a W1 "no water use for 12 h" alert out, as a FlatBuffer that flatc can decode.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "drivers/timestamp.h"
#include "gateway/alert/alert_codec.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"
#include "tests/support/payloads.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

constexpr int64_t kMinute = 60 * 1000, kHour = 60 * kMinute;

}  // namespace

TEST_CASE("three normal days then 13 quiet hours raise exactly one W1, cleared when water flows") {
  TempDir tmp;
  Broker ingest_broker(tmp.file("ingest-broker"));
  Broker upstream_broker(tmp.file("upstream-broker"));
  write_file(tmp.file("gw.toml"), fmt::format(R"(
gateway_id = "gw-test-1"
clock = "event"
[ingest]
url = "{}"
[uplink]
url = "{}"
linger_ms = 0
[[household]]
id = "hh-0042"
meters = ["33225544"]
doors = []
utc_offset = "+08:00"
)",
                                              ingest_broker.url(), upstream_broker.url()));

  AlertCollector upstream(upstream_broker.url(), "edgegw/+/alerts");
  GatewayProcess gateway(tmp.file("gw.toml"), tmp.file("data"));
  // Its first session: readings published before it subscribed would be lost (a slow start,
  // e.g. the arm64 build under qemu in CI, must not lose them).
  REQUIRE(wait_until([&] { return ingest_connected(tmp.file("data")); }, 30000));
  Publisher meter(ingest_broker.url());

  const std::string id = "33225544";
  const std::string topic = "wmbusmeters/" + id;
  // 2024-05-01T00:00 local (+08:00) = 2024-04-30T16:00Z; reports every 15 minutes.
  const int64_t start = *parse_iso8601_utc("2024-04-30T16:00:00Z");
  double total = 123.529;
  int64_t t = start, last_use = 0;
  // Three normal days, then on the fourth the water stops after 12:30 local (a fall at midday).
  for (; t <= start + 3 * 24 * kHour + 12 * kHour + 30 * kMinute; t += 15 * kMinute) {
    const int local_hour = static_cast<int>(((t + 8 * kHour) / kHour) % 24);
    const bool half_hour = (t / (15 * kMinute)) % 2 == 0;
    if (local_hour >= 7 && local_hour < 22 && half_hour) {  // awake: 12 litres every half hour
      total += 0.012;
      last_use = t;
    }
    meter.publish(topic, wmbus_json(id, total, t));
  }
  // 13 quiet hours with the register unchanged.
  for (; t <= last_use + 13 * kHour; t += 15 * kMinute)
    meter.publish(topic, wmbus_json(id, total, t));

  REQUIRE(upstream.wait_for(1, 15000));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a repeat would arrive by now
  auto alerts = upstream.alerts();
  REQUIRE(alerts.size() == 1);
  const Alert& a = alerts[0];
  CHECK(upstream.gateway_id() == "gw-test-1");
  CHECK(a.rule == Rule::W1);
  CHECK(a.kind == AlertKind::NoWaterUse12h);
  CHECK(a.state == AlertState::Raised);
  CHECK(a.audience == Audience::Care);
  CHECK(a.subject_kind == SubjectKind::Household);
  CHECK(a.subject == "hh-0042");
  CHECK(a.sensor_id == id);
  CHECK(a.event_time_ms == last_use);
  CHECK(a.detect_time_ms == last_use + 12 * kHour);
  CHECK(a.observed == doctest::Approx(0.0));
  CHECK(a.threshold == doctest::Approx(0.01));
  CHECK(a.window_s == 12 * 3600);
  CHECK(a.id >= 1);

  {  // flatc decodes the upstream message with the schema
    write_file(tmp.file("msg.bin"), upstream.raw_messages().at(0));
    std::string json;
    const int rc = run_command({"/usr/bin/flatc", "--json", "--raw-binary", "-o", tmp.path(),
                                std::string(EDGEGW_SOURCE_DIR) + "/schemas/alert.fbs", "--",
                                tmp.file("msg.bin")});
    REQUIRE(rc == 0);
    std::ifstream in(tmp.file("msg.json"));
    std::stringstream ss;
    ss << in.rdbuf();
    json = ss.str();
    CHECK(json.find("gateway_id: \"gw-test-1\"") != std::string::npos);
    CHECK(json.find("rule: \"W1\"") != std::string::npos);
    CHECK(json.find("state: \"Raised\"") != std::string::npos);
    CHECK(json.find("subject: \"hh-0042\"") != std::string::npos);
    CHECK(json.find("kind: \"NoWaterUse12h\"") != std::string::npos);
  }

  {  // water use resumes: a cleared alert follows, with the next id
    t += 15 * kMinute;
    meter.publish(topic, wmbus_json(id, total + 0.03, t));
    REQUIRE(upstream.wait_for(2, 15000));
    auto all = upstream.alerts();
    REQUIRE(all.size() == 2);
    CHECK(all[1].rule == Rule::W1);
    CHECK(all[1].state == AlertState::Cleared);
    CHECK(all[1].subject == "hh-0042");
    CHECK(all[1].event_time_ms == t);
    CHECK(all[1].id > all[0].id);
  }
}
