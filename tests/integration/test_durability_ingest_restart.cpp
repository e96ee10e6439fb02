// test_durability_ingest_restart.cpp: the ingest broker restarts under a running gateway: the
// gateway reconnects, resubscribes and gets every QoS 1 reading the broker kept for its
// persistent session (published while the gateway was not yet back), and later ones too.
// Readings whose PUBACK the restart cut off come again (at least once): the test counts
// distinct readings, and allows repeats.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <mutex>
#include <set>
#include <thread>

#include "drivers/timestamp.h"
#include "gateway/gateway.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

// The distinct readings the gateway handled (a reading's payload names its meter and time),
// and all it handled, repeats included.
struct ReadingsSeen : GatewayObserver {
  mutable std::mutex mu;
  std::set<std::string> payloads;
  size_t handled = 0;
  void on_message(const MessageEvent& e) override {
    std::lock_guard lock(mu);
    payloads.emplace(e.payload);
    ++handled;
  }
  void on_stored(std::span<const Alert>, std::chrono::nanoseconds) override {}
  void on_reload(const Config&, const ReloadResult&) override {}
  size_t distinct() const {
    std::lock_guard lock(mu);
    return payloads.size();
  }
};

}  // namespace

TEST_CASE("durability: ingest broker restart: reconnect, resubscribe, no kept QoS 1 reading lost") {
  TempDir tmp;
  Broker ingest(tmp.file("ingest-broker"));
  Broker upstream(tmp.file("upstream-broker"));
  DurableCollector collector(upstream.url(), "edgegw/+/alerts", "ingest-restart-collector");
  // In process, to count exactly the messages the gateway handled. A slow reconnect (4 s after
  // the first failed attempt) lets the test publish while the broker is back but the gateway
  // is not.
  Config config =
      parse_config(gateway_toml("gw-ingest", ingest.url(), upstream.url()), "test.toml");
  config.data_dir = tmp.file("data");
  config.uplink.backoff_min_ms = 4000;
  config.uplink.backoff_max_ms = 4000;
  Gateway gateway(config);
  ReadingsSeen seen;
  gateway.set_observer(&seen);
  gateway.start();
  REQUIRE(wait_until([&] { return gateway.status().ingest.connected; }, 10000));

  // 30 meters: anchors before the restart, W1 (step 48) and its clear (step 52) after it.
  constexpr int kMeters = 30, kSteps = 56, kQuiet = 52;
  const auto input =
      w1_input(kMeters, 4000, kSteps, kQuiet, *parse_iso8601_utc("2024-05-01T00:00:00Z"));
  const size_t part1 = kMeters * 30, part2 = kMeters * 50;
  {
    Publisher meters(ingest.url(), "meters-1");
    for (size_t i = 0; i < part1; ++i) meters.publish(input[i].topic, input[i].payload);
  }
  REQUIRE(wait_until([&] { return seen.distinct() == part1; }, 10000));

  ingest.stop();  // SIGTERM: mosquitto saves the gateway's session and subscriptions
  ingest.start();
  {
    Publisher meters(ingest.url(), "meters-2");  // the gateway is still backing off
    for (size_t i = part1; i < part2; ++i) meters.publish(input[i].topic, input[i].payload);
  }
  // Whether the gateway reconnects during or after this publishing is timing; what matters is
  // that every reading the broker kept for its session arrives, checked next.
  REQUIRE(wait_until([&] { return seen.distinct() == part2; }, 15000));
  CHECK(gateway.status().ingest.connected);
  CHECK(gateway.status().ingest.reconnects >= 1);
  {
    Publisher meters(ingest.url(), "meters-3");  // after the reconnect: the subscription is live
    for (size_t i = part2; i < input.size(); ++i) meters.publish(input[i].topic, input[i].payload);
  }
  REQUIRE(wait_until([&] { return seen.distinct() == input.size(); }, 10000));
  {
    std::lock_guard lock(seen.mu);
    INFO("readings handled, repeats included: " << seen.handled << " of " << input.size());
    // Repeats only from the window of messages in flight when the broker stopped (the test
    // broker's max_inflight_messages).
    CHECK(seen.handled - input.size() <= 100);
  }

  REQUIRE(collector.wait_for(kMeters * 2, 15000));
  collector.wait_quiet(500, 3000);
  const auto alerts = collector.alerts();
  std::set<AlertKey> keys;
  for (const Alert& a : alerts) keys.insert(key_of(a));
  CHECK(keys.size() == kMeters * 2);
  const int64_t t0 = *parse_iso8601_utc("2024-05-01T00:00:00Z");
  for (int m = 0; m < kMeters; ++m) {
    const std::string id = fmt::format("9{:07d}", 4000 + m);
    CHECK(keys.contains(
        AlertKey{id, static_cast<int>(Rule::W1), static_cast<int>(AlertState::Raised), t0}));
    CHECK(keys.contains(AlertKey{id, static_cast<int>(Rule::W1),
                                 static_cast<int>(AlertState::Cleared),
                                 t0 + kQuiet * 15 * 60 * 1000LL}));
  }
  gateway.stop();
  gateway.set_observer(nullptr);
}
