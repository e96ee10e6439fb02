// test_bad_input_broker.cpp: the malformed-payload corpus (tests/fixtures/bad, plus a huge and
// a deeply nested payload made here) sent through a real broker to a running gateway between
// valid device messages: every bad one is rejected, counted by reason and kept as a dead letter
// with its reason; every good one is still decoded; the gateway keeps running.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "gateway/gateway.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

// The topic a bad fixture is sent on, by its name's prefix (the bridges' conventions).
std::string topic_for(const std::string& name) {
  if (name.starts_with("cjt188-")) return "cjt188/00000012345678";
  if (name.starts_with("facade-raw")) return "facade/fac-1/raw";
  if (name.starts_with("facade-")) return "facade/fac-1";
  if (name.starts_with("native-")) return "edgegw/reading/n-1";
  if (name.starts_with("z2m-availability")) return "zigbee2mqtt/door-1/availability";
  if (name.starts_with("z2m-")) return "zigbee2mqtt/door-1";
  return "wmbusmeters/33225544";
}

uint64_t total(const std::array<uint64_t, kDecodeErrorCodes>& a) {
  uint64_t n = 0;
  for (uint64_t v : a) n += v;
  return n;
}

}  // namespace

TEST_CASE(
    "bad input through a real broker: rejected, counted, dead-lettered - good input still flows") {
  TempDir tmp;
  Broker ingest(tmp.file("ingest-broker"));
  Broker upstream(tmp.file("upstream-broker"));
  Config config = parse_config(gateway_toml("gw-bad", ingest.url(), upstream.url()), "test.toml");
  config.data_dir = tmp.file("data");
  Gateway gateway(config);
  gateway.start();
  REQUIRE(wait_until([&] { return gateway.status().ingest.connected; }, 10000));

  std::vector<std::pair<std::string, std::string>> bad;
  for (const auto& entry : std::filesystem::directory_iterator(fixture_path("bad"))) {
    const std::string name = entry.path().filename().string();
    if (name == "README.md") continue;
    bad.emplace_back(topic_for(name), read_fixture("bad/" + name));
  }
  REQUIRE(bad.size() >= 15);
  bad.emplace_back("wmbusmeters/33225544", std::string(2 << 20, '{'));  // 2 MB
  bad.emplace_back("wmbusmeters/33225544", std::string(5000, '[') + std::string(5000, ']'));
  bad.emplace_back("wmbusmeters/33225544", std::string("\xff\xfe\x00\x01", 4));

  // Real fixtures, the meter's time moved next to the door's (2024-04-08T21:21Z): in event-clock
  // mode a reading more than a day ahead of the others is refused as a bad timestamp.
  std::string good_water = read_fixture("water/wmbus-iperl.json");
  good_water.replace(good_water.find("2024-03-03T18:37:00Z"), 20, "2024-04-08T21:00:00Z");
  const std::string good_door = read_fixture("door/z2m-contact-no-battery.json");
  Publisher pub(ingest.url(), "bad-input-publisher");
  // Valid readings first: in event-clock mode they set the time the others are judged against.
  pub.publish("wmbusmeters/33225544", good_water);
  pub.publish("zigbee2mqtt/door-1", good_door);
  size_t good = 2;
  for (const auto& [topic, payload] : bad) {
    pub.publish(topic, payload);
    pub.publish("zigbee2mqtt/door-1", good_door);  // the gateway goes on between bad messages
    ++good;
  }
  const size_t sent = good + bad.size();
  REQUIRE(wait_until([&] { return gateway.status().counters.messages == sent; }, 20000));

  const GatewayStatus s = gateway.status();
  uint64_t accepted = 0;
  for (uint64_t n : s.counters.accepted_by_driver) accepted += n;
  CHECK(total(s.counters.rejected_by_reason) == bad.size());
  CHECK(accepted == good);
  CHECK(s.dead_letters == bad.size());
  // The reasons are specific: not everything lands in one bucket.
  size_t reasons = 0;
  for (uint64_t n : s.counters.rejected_by_reason) reasons += n > 0;
  CHECK(reasons >= 5);
  CHECK(s.counters.rejected_by_reason[static_cast<size_t>(DecodeErrorCode::too_large)] >= 1);
  CHECK(s.counters.rejected_by_reason[static_cast<size_t>(DecodeErrorCode::bad_checksum)] >= 1);

  // Each dead letter keeps its topic, its reason and the first bytes of the payload.
  const auto letters = gateway.dead_letters().list(1000);
  REQUIRE(letters.size() == bad.size());
  for (size_t i = 0; i < letters.size(); ++i) {
    CAPTURE(letters[i].topic);
    CHECK(letters[i].topic == bad[i].first);
    CHECK_FALSE(letters[i].reason.empty());
    CHECK_FALSE(letters[i].detail.empty());
    CHECK(letters[i].payload_size == bad[i].second.size());
    CHECK(letters[i].payload_head == bad[i].second.substr(0, kPayloadHeadBytes));
  }
  gateway.stop();
}
