// test_durability_kill9.cpp: one gateway killed with SIGKILL again and again while readings
// that raise alerts stream in, next to an undisturbed gateway on the same input (both
// subscribe to the same ingest broker, each on its own persistent session).
//  1. What the killed gateway stored reaches upstream: ids from 1 without a gap, first
//     arrivals in id order, repeats only within the documented window (the batch in flight
//     at each kill).
//  2. The set of alerts upstream equals the undisturbed run's, exactly: a kill in the callback
//     leaves the reading unacknowledged (Paho C 1.3.12 calls the callback before it sends the
//     PUBACK), so the broker redelivers it, and the state it changed was written before the
//     callback returned (gateway/store/DURABILITY.md).
// Run with the shipped checkpoint_interval_s = 10 and with 0; CI runs it five times (.ci/run).
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

// Runs the scenario once per checkpoint interval; the test cases look at the same run.
const Kill9Run& kill9_run(int checkpoint_interval_s) {
  static std::map<int, Kill9Run> runs;
  if (auto it = runs.find(checkpoint_interval_s); it != runs.end()) return it->second;
  Kill9Run* run = &runs[checkpoint_interval_s];
  TempDir tmp;
  Broker ingest(tmp.file("ingest-broker"));
  Broker upstream(tmp.file("upstream-broker"));
  const std::string extra = fmt::format("checkpoint_interval_s = {}\n", checkpoint_interval_s);
  write_file(tmp.file("u.toml"),
             gateway_toml("gw-undisturbed", ingest.url(), upstream.url(), "", extra));
  write_file(tmp.file("k.toml"),
             gateway_toml("gw-killed", ingest.url(), upstream.url(), "", extra));
  DurableCollector u_alerts(upstream.url(), "edgegw/gw-undisturbed/alerts", "kill9-u");
  DurableCollector k_alerts(upstream.url(), "edgegw/gw-killed/alerts", "kill9-k");
  GatewayProcess undisturbed(tmp.file("u.toml"), tmp.file("u-data"));
  auto killed = std::make_unique<GatewayProcess>(tmp.file("k.toml"), tmp.file("k-data"));
  // Both gateways must have subscribed before the first reading (persistent sessions exist):
  // a reading published before would be lost to one of them, and the sets would differ.
  REQUIRE(wait_for_log(tmp.file("u-data.log"), "subscribed to", 1, 30000));
  REQUIRE(wait_for_log(tmp.file("k-data.log"), "subscribed to", 1, 30000));

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
  // With checkpoint_interval_s = 0 every reading's state write is synced (an fsync each): the
  // gateways take longer. Done: the undisturbed one has all 180 W1 alerts, and the killed one
  // has as many distinct alerts as the undisturbed one, then both are quiet.
  auto distinct = [](const std::vector<Alert>& alerts, bool w1_only) {
    std::set<AlertKey> keys;
    for (const Alert& a : alerts)
      if (!w1_only || a.rule == Rule::W1) keys.insert(key_of(a));
    return keys.size();
  };
  wait_until([&] { return distinct(u_alerts.alerts(), true) >= 180; }, 180000);
  u_alerts.wait_quiet(1000, 20000);
  const size_t expected = distinct(u_alerts.alerts(), false);
  wait_until([&] { return distinct(k_alerts.alerts(), false) >= expected; }, 180000);
  k_alerts.wait_quiet(2000, 30000);
  run->killed = k_alerts.alerts();
  if (run->killed.empty()) MESSAGE(log_tail(tmp.file("k-data.log"), 60));
  run->undisturbed = u_alerts.alerts();
  killed->stop();
  undisturbed.stop();
  return *run;
}

void check_kill9(int checkpoint_interval_s) {
  const Kill9Run& run = kill9_run(checkpoint_interval_s);
  MESSAGE(
      fmt::format("checkpoint_interval_s = {}: {} kills; killed gateway sent {} alerts, "
                  "undisturbed {}",
                  checkpoint_interval_s, run.kills, run.killed.size(), run.undisturbed.size()));
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

  // The same alerts, exactly (subject, rule, state, event time), each stored once.
  std::set<AlertKey> killed, undisturbed;
  for (const Alert& a : run.killed) killed.insert(key_of(a));
  for (const Alert& a : run.undisturbed) undisturbed.insert(key_of(a));
  std::vector<AlertKey> only_killed, only_undisturbed;
  for (const auto& k : killed)
    if (!undisturbed.contains(k)) only_killed.push_back(k);
  for (const auto& k : undisturbed)
    if (!killed.contains(k)) only_undisturbed.push_back(k);
  for (const auto& [subject, rule, state, t] : only_undisturbed)
    MESSAGE(fmt::format("lost: {} rule {} state {} at {}", subject, rule, state, t));
  for (const auto& [subject, rule, state, t] : only_killed)
    MESSAGE(fmt::format("extra: {} rule {} state {} at {}", subject, rule, state, t));
  CHECK(only_undisturbed.empty());
  CHECK(only_killed.empty());
  CHECK(ids.distinct == u.distinct);  // no alert stored twice under two ids
}

}  // namespace

TEST_CASE(
    "durability: kill -9 again and again (checkpoint_interval_s = 10): every alert "
    "arrives once, in order, the same set as undisturbed") {
  check_kill9(10);
}

TEST_CASE(
    "durability: kill -9 again and again (checkpoint_interval_s = 0): every alert "
    "arrives once, in order, the same set as undisturbed") {
  check_kill9(0);
}
