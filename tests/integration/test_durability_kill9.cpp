// test_durability_kill9.cpp: one gateway killed with SIGKILL again and again while readings
// that raise alerts stream in, next to an undisturbed gateway on the same input (both
// subscribe to the same ingest broker, each on its own persistent session).
//  1. What the killed gateway stored reaches upstream: ids from 1 without a gap, first
//     arrivals in id order, repeats only within the documented window (the batch in flight
//     at each kill).
//  2. The set of alerts upstream equals the undisturbed run's: this also needs the detector's
//     state to survive a kill -9 (checkpoint_interval_s = 0): see gateway/store/DURABILITY.md.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "drivers/timestamp.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

constexpr int kBatch = 50;  // batch_max_alerts in gateway_toml()

struct Kill9Run {
  std::vector<Alert> killed, undisturbed;
  int kills = 0;
};

// Runs the scenario once; both test cases below look at the same run.
const Kill9Run& kill9_run() {
  static std::optional<Kill9Run> run;
  if (run) return *run;
  run.emplace();
  TempDir tmp;
  Broker ingest(tmp.file("ingest-broker"));
  Broker upstream(tmp.file("upstream-broker"));
  // checkpoint_interval_s = 0: the detector state goes to the WAL after every message, so a
  // kill -9 loses none of it (with the default 10 s, up to 10 s of detector progress).
  const std::string extra = "checkpoint_interval_s = 0\n";
  write_file(tmp.file("u.toml"),
             gateway_toml("gw-undisturbed", ingest.url(), upstream.url(), "", extra));
  write_file(tmp.file("k.toml"),
             gateway_toml("gw-killed", ingest.url(), upstream.url(), "", extra));
  DurableCollector u_alerts(upstream.url(), "edgegw/gw-undisturbed/alerts", "kill9-u");
  DurableCollector k_alerts(upstream.url(), "edgegw/gw-killed/alerts", "kill9-k");
  GatewayProcess undisturbed(tmp.file("u.toml"), tmp.file("u-data"));
  auto killed = std::make_unique<GatewayProcess>(tmp.file("k.toml"), tmp.file("k-data"));
  // Both gateways must have subscribed before the first reading (persistent sessions exist).
  std::this_thread::sleep_for(std::chrono::milliseconds(800));

  // 60 meters, 160 readings each: W1 raised (step 48), cleared (100), raised again (148).
  const auto input = w1_input(60, 5000, 160, 100, *parse_iso8601_utc("2024-05-01T00:00:00Z"));
  std::atomic<bool> done{false};
  std::thread publisher([&] {
    Publisher meters(ingest.url(), "kill9-meters");
    for (size_t i = 0; i < input.size(); ++i) {
      meters.publish(input[i].topic, input[i].payload);
      if (i % 400 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(150));  // ~6 s in all
    }
    done = true;
  });
  std::mt19937 rng(20240501);
  while (!done) {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(300, 900)(rng)));
    killed->kill9();
    ++run->kills;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 300)(rng)));
    killed = std::make_unique<GatewayProcess>(tmp.file("k.toml"), tmp.file("k-data"));
  }
  publisher.join();
  // The last life runs undisturbed until both gateways are quiet upstream.
  u_alerts.wait_for(180, 20000);
  u_alerts.wait_quiet(1000, 20000);
  k_alerts.wait_quiet(2000, 30000);
  run->killed = k_alerts.alerts();
  if (run->killed.empty()) MESSAGE(log_tail(tmp.file("k-data.log"), 60));
  run->undisturbed = u_alerts.alerts();
  killed->stop();
  undisturbed.stop();
  return *run;
}

}  // namespace

TEST_CASE("durability: kill -9 again and again: every stored alert arrives, in order, no gap") {
  const Kill9Run& run = kill9_run();
  MESSAGE(fmt::format("{} kills; killed gateway sent {} alerts, undisturbed {}", run.kills,
                      run.killed.size(), run.undisturbed.size()));
  CHECK(run.kills >= 5);
  REQUIRE(!run.killed.empty());
  const IdCheck ids = check_ids(run.killed);
  CHECK(ids.in_order);
  CHECK(ids.missing.empty());  // every id the outbox ever gave out arrived
  // Repeats: at most the batch in flight at each kill (trimmed only after its PUBACK).
  CHECK(ids.repeats <= static_cast<uint64_t>(run.kills) * kBatch);
  const IdCheck u = check_ids(run.undisturbed);
  CHECK(u.missing.empty());
  CHECK(u.repeats == 0);
  size_t u_w1 = 0;
  for (const Alert& a : run.undisturbed) u_w1 += a.rule == Rule::W1 ? 1 : 0;
  CHECK(u_w1 == 180);  // 60 meters x (raised, cleared, raised)
}

// may_fail: Paho acknowledges a QoS 1 message before handing it over (DURABILITY.md); a kill
// in that window can lose a reading and so change an alert. Seen failing about 1 run in 10.
TEST_CASE("durability: kill -9 again and again: the alert set equals the undisturbed run's" *
          doctest::may_fail()) {
  // Needs the detector state after every message (checkpoint_interval_s = 0). The residual
  // risk is Paho's window (DURABILITY.md): a reading acknowledged by Paho but not yet handed
  // to the gateway when the kill lands is lost; if it was a meter's first "water used"
  // reading, the clear (and the next raise) move to the next reading.
  const Kill9Run& run = kill9_run();
  std::set<AlertKey> killed, undisturbed;
  for (const Alert& a : run.killed) killed.insert(key_of(a));
  for (const Alert& a : run.undisturbed) undisturbed.insert(key_of(a));
  size_t only_killed = 0, only_undisturbed = 0;
  for (const auto& k : killed) only_killed += undisturbed.contains(k) ? 0 : 1;
  for (const auto& k : undisturbed) only_undisturbed += killed.contains(k) ? 0 : 1;
  MESSAGE(fmt::format("alerts only in the killed run: {}, only in the undisturbed run: {}",
                      only_killed, only_undisturbed));
  // The same alerts (subject, rule, state, how many); event times equal, or one reading later
  // where a kill landed in Paho's window on the reading that moved the condition.
  std::map<std::tuple<std::string, int, int>, std::vector<int64_t>> k_times, u_times;
  for (const auto& [subject, rule, state, t] : killed) k_times[{subject, rule, state}].push_back(t);
  for (const auto& [subject, rule, state, t] : undisturbed)
    u_times[{subject, rule, state}].push_back(t);
  REQUIRE(k_times.size() == u_times.size());
  size_t shifted = 0;
  for (const auto& [key, times] : u_times) {
    const auto it = k_times.find(key);
    REQUIRE(it != k_times.end());
    REQUIRE(it->second.size() == times.size());
    for (size_t i = 0; i < times.size(); ++i) {
      const int64_t late = it->second[i] - times[i];
      CHECK(late >= 0);
      CHECK(late <= 15 * 60 * 1000);  // one meter report
      shifted += late != 0;
    }
  }
  CHECK(shifted <= static_cast<size_t>(run.kills) * 2);
}
