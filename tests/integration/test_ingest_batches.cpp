// test_ingest_batches.cpp: the ingest's own subscriber hands over what the broker has in flight
// as one batch, and the gateway stores a batch's alerts in one synced write (group commit): a
// storm of alarms that waited in the broker while the gateway was down (power back after a cut)
// is stored in far fewer writes than alerts, every alert once, in order, and sent upstream.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>

#include "gateway/gateway.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

struct StoreCounter : GatewayObserver {
  std::atomic<uint64_t> messages{0}, writes{0}, alerts{0};
  void on_message(const MessageEvent&) override { ++messages; }
  void on_stored(std::span<const Alert> stored, std::chrono::nanoseconds) override {
    ++writes;
    alerts += stored.size();
  }
  void on_reload(const Config&, const ReloadResult&) override {}
};

// An iPerl meter's wmbusmeters report with its leak flag set: an S2 alarm for a new meter.
std::string leak_report(int id) {
  return fmt::format(
      R"({{"_":"telegram","media":"water","meter":"iperl","name":"Home","id":"{:08d}",)"
      R"("max_flow_m3h":0,"total_m3":{:.3f},"status":"LEAK","timestamp":"2024-06-01T00:00:00Z"}})",
      id, 100.0 + id % 100);
}

}  // namespace

TEST_CASE(
    "ingest: an alarm storm that waited in the broker is stored in batches, every alert once") {
  constexpr int kMeters = 600;
  TempDir tmp;
  Broker ingest(tmp.file("ingest-broker"));
  Broker upstream(tmp.file("upstream-broker"));
  Config config =
      parse_config(gateway_toml("gw-batches", ingest.url(), upstream.url()), "test.toml");
  config.data_dir = tmp.file("data");
  {  // a first life makes the persistent session the broker keeps the storm for
    Gateway gateway(config);
    gateway.start();
    REQUIRE(wait_until([&] { return gateway.status().ingest.connected; }, 10000));
    gateway.stop();
  }
  {
    Publisher meters(ingest.url(), "storm-meters");
    for (int i = 0; i < kMeters; ++i)
      meters.publish(fmt::format("wmbusmeters/{:08d}", 50000000 + i), leak_report(50000000 + i));
  }
  AlertCollector collector(upstream.url(), "edgegw/gw-batches/alerts", "batch-collector");
  StoreCounter counter;
  Gateway gateway(config);
  gateway.set_observer(&counter);
  gateway.start();
  REQUIRE(wait_until([&] { return counter.messages == kMeters; }, 20000));
  CHECK(collector.wait_for(kMeters, 20000));
  gateway.stop();
  gateway.set_observer(nullptr);

  INFO("synced alert writes: " << counter.writes.load());
  CHECK(counter.alerts == kMeters);  // one S2 alarm per meter, none lost
  // The broker keeps 20 messages in flight (Mosquitto's default max_inflight_messages): the
  // alerts of each read share a write. One write per alert would be 600.
  CHECK(counter.writes <= kMeters / 4);
  const std::vector<Alert> got = collector.alerts();
  const IdCheck ids = check_ids(got);
  CHECK(ids.in_order);
  CHECK(ids.missing.empty());
  CHECK(ids.distinct == kMeters);
  std::set<std::string> subjects;
  for (const Alert& a : got) subjects.insert(a.subject);
  CHECK(subjects.size() == kMeters);
}

TEST_CASE("ingest: a broker that refuses the gateway's password: the status says why") {
  TempDir tmp;
  const std::string passwd = tmp.file("mosquitto.passwd");
  REQUIRE(std::system(
              ("mosquitto_passwd -c -b " + passwd + " edgegw right-one >/dev/null").c_str()) == 0);
  Broker ingest(tmp.file("ingest-broker"), "allow_anonymous false\npassword_file " + passwd + "\n");
  Broker upstream(tmp.file("upstream-broker"));
  Config config =
      parse_config(gateway_toml("gw-password", ingest.url(), upstream.url()), "test.toml");
  config.data_dir = tmp.file("data");
  config.ingest.username = "edgegw";
  config.ingest.password_file = tmp.file("ingest.password");
  for (const char* password : {"wrong-one", "right-one"}) {
    write_secret(config.ingest.password_file, std::string(password) + "\n", 0600);
    Gateway gateway(config);
    gateway.start();
    if (std::string(password) == "wrong-one") {
      REQUIRE(wait_until([&] { return !gateway.status().ingest.last_error.empty(); }, 10000));
      CHECK_FALSE(gateway.status().ingest.connected);
      CHECK(gateway.status().ingest.last_error ==
            "the broker refused the connection: not authorized");
    } else {
      CHECK(wait_until([&] { return gateway.status().ingest.connected; }, 10000));
    }
    gateway.stop();
  }
}
