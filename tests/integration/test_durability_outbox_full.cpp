// test_durability_outbox_full.cpp: the outbox at its byte bound while upstream is down: the
// oldest alerts of the lowest class go first (all W1 warnings here: the oldest), every
// eviction is counted and reported once upstream is back (G1 AlertsDropped, observed = count),
// and the gateway keeps ingesting and raising alerts meanwhile. The order across classes is
// covered by tests/unit/test_outbox.cpp.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <thread>

#include "drivers/timestamp.h"
#include "gateway/gateway.h"
#include "gateway/uplink/outbox_report.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

TEST_CASE("durability: a full outbox evicts oldest first, counts it, reports G1, keeps ingesting") {
  TempDir tmp;
  Broker ingest(tmp.file("ingest-broker"));
  Broker upstream(tmp.file("upstream-broker"));
  DurableCollector collector(upstream.url(), "edgegw/+/alerts", "full-collector");
  upstream.stop();  // upstream is down before the gateway starts
  // In process, to know when every reading was handled before upstream comes back.
  Config config = parse_config(
      gateway_toml("gw-full", ingest.url(), upstream.url(), "[outbox]\nmax_bytes = 4096\n"),
      "test.toml");
  config.data_dir = tmp.file("data");
  auto gateway = std::make_unique<Gateway>(config);
  gateway->start();
  for (int i = 0; i < 500 && !gateway->status().ingest.connected; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Publisher meters(ingest.url());

  // 80 meters raise one W1 each (about 200 bytes per alert: room for about 20). W1 alerts
  // are the only care alerts here: the ones that survive must be the newest W1 alerts.
  const int64_t start = *parse_iso8601_utc("2024-05-01T00:00:00Z");
  for (const auto& in : w1_input(80, 2000, 50, 1000, start)) meters.publish(in.topic, in.payload);
  // Still ingesting at the bound: 10 more meters, later in event time, raise theirs.
  for (const auto& in : w1_input(10, 3000, 50, 1000, start + 24 * 3600 * 1000LL))
    meters.publish(in.topic, in.payload);
  constexpr uint64_t kRaised = 90;
  for (int i = 0; i < 1000 && gateway->status().counters.messages < 90 * 50; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(gateway->status().counters.messages == 90 * 50);
  CHECK(gateway->status().outbox.evicted > 0);
  CHECK(collector.alerts().empty());
  upstream.start();

  REQUIRE(collector.wait_for(1, 20000));
  collector.wait_quiet(1000, 15000);
  const auto alerts = collector.alerts();
  // Other rules (S1 silence, ...) may add maintenance alerts: the checks hold whatever they are.
  std::vector<Alert> w1, g1;
  std::set<uint64_t> arrived;
  for (const Alert& a : alerts) {
    arrived.insert(a.id);
    if (a.rule == Rule::G1) g1.push_back(a);
    if (a.rule == Rule::W1) w1.push_back(a);
  }
  REQUIRE(!g1.empty());
  uint64_t evicted = 0;
  for (const Alert& g : g1) {
    evicted += static_cast<uint64_t>(g.observed);
    CHECK(g.kind == AlertKind::AlertsDropped);
    CHECK(g.audience == Audience::Maintenance);
    CHECK(g.subject_kind == SubjectKind::Gateway);
    CHECK(g.subject == "gw-full");
    CHECK(g.threshold == 4096);
  }
  CHECK(g1[0].severity == Severity::High);  // care (W1) alerts were dropped
  CHECK(g1[0].event_time_ms == start);      // the oldest dropped alert: a W1 anchored at start
  CHECK(g1[0].id > kRaised);                // queued at the tail once the uplink was back
  // Every id the outbox gave out either arrived or was counted as evicted.
  const uint64_t max_id = *arrived.rbegin();
  CHECK(arrived.size() + evicted == max_id);

  // Within one class the oldest go first: the W1 alerts that survived are the newest ones,
  // in id order, and all of the 10 meters that reported while the outbox was full are there.
  std::vector<uint64_t> w1_ids;
  for (const Alert& a : w1) w1_ids.push_back(a.id);
  CHECK(std::is_sorted(w1_ids.begin(), w1_ids.end()));
  CHECK(std::adjacent_find(w1_ids.begin(), w1_ids.end()) == w1_ids.end());
  int later_meters = 0;
  for (const Alert& a : w1) later_meters += a.subject.rfind("9000300", 0) == 0 ? 1 : 0;
  CHECK(later_meters == 10);
  CHECK(w1.size() < kRaised);

  CHECK(g1.size() == 1);  // every eviction happened before upstream came back
  gateway->stop();
  gateway.reset();
  const OutboxStats s = read_outbox_stats_from(tmp.file("data"), 4096);
  CHECK(s.evicted == evicted);  // counted durably
  CHECK(s.unreported_evictions == 0);
  CHECK(s.depth == 0);
  const std::string report = outbox_report_json(s, nullptr, s.last_puback_ms);
  CHECK(report.find(fmt::format(R"("evicted_total":{})", evicted)) != std::string::npos);
}
