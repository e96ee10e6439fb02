// test_durability_upstream_outage.cpp: the upstream broker stops while alerts are raised and
// comes back: every alert arrives, in id order, none missing; the outbox is empty afterwards
// and `edgegw outbox` data (last PUBACK) is on disk.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <thread>

#include "drivers/timestamp.h"
#include "gateway/uplink/outbox_report.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

TEST_CASE("durability: upstream outage while alerts are raised loses nothing, keeps id order") {
  TempDir tmp;
  Broker ingest(tmp.file("ingest-broker"));
  Broker upstream(tmp.file("upstream-broker"));
  write_file(tmp.file("gw.toml"), gateway_toml("gw-outage", ingest.url(), upstream.url()));
  DurableCollector collector(upstream.url(), "edgegw/+/alerts", "outage-collector");
  auto gateway = std::make_unique<GatewayProcess>(tmp.file("gw.toml"), tmp.file("data"));
  Publisher meters(ingest.url());

  // 40 meters: W1 raised at step 48, cleared at 60, raised again at 108: 120 alerts.
  constexpr int kMeters = 40, kSteps = 110, kQuiet = 60;
  const auto input =
      w1_input(kMeters, 1000, kSteps, kQuiet, *parse_iso8601_utc("2024-05-01T00:00:00Z"));
  const size_t expected = kMeters * 3;
  size_t i = 0;
  for (; i < input.size() / 3; ++i) meters.publish(input[i].topic, input[i].payload);
  upstream.stop();  // the outage starts before the first alert is raised
  for (; i < input.size(); ++i) meters.publish(input[i].topic, input[i].payload);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the gateway retries meanwhile
  CHECK(collector.alerts().empty());
  upstream.start();

  REQUIRE(collector.wait_for(expected, 30000));
  collector.wait_quiet(700, 5000);
  const auto alerts = collector.alerts();
  const IdCheck ids = check_ids(alerts);
  CHECK(ids.in_order);
  CHECK(ids.missing.empty());
  CHECK(ids.distinct == expected);
  CHECK(ids.max_id == expected);
  CHECK(ids.repeats <= 50);  // at most the batch in flight when the broker went away
  std::set<AlertKey> keys;
  for (const Alert& a : alerts) keys.insert(key_of(a));
  CHECK(keys.size() == expected);

  gateway->stop();
  gateway.reset();
  const OutboxStats s = read_outbox_stats_from(tmp.file("data"), 0);
  CHECK(s.depth == 0);
  CHECK(s.next_id == expected + 1);
  CHECK(s.evicted == 0);
  CHECK(s.last_puback_ms > 0);
}
