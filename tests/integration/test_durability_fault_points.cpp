// test_durability_fault_points.cpp: the gateway killed with SIGKILL exactly at each write
// boundary of its commit path (EDGEGW_KILL_AT, gateway/store/fault.h), then restarted, while
// three homes go silent (W1 raised), use water (cleared) and go silent again. Upstream must get
// exactly the alerts of an undisturbed run: the same set (no raise lost, no clear without its
// raise), ids from 1 without a gap and in order, repeats only from the one batch in flight.
// Random kill loops rarely land between two writes; these kills land there every time.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <optional>
#include <set>

#include "drivers/timestamp.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

// 3 meters x 120 readings: W1 raised at step 48, cleared at 60, raised again at 108.
std::vector<Input> homes_input() {
  return w1_input(3, 7000, 120, 60, *parse_iso8601_utc("2024-06-01T00:00:00Z"));
}

struct Outcome {
  std::vector<Alert> alerts;
  int first_exit = 0;  // exit status of the first life (137 = killed by the fault point)
  std::string log;
};

// One life started with `kill_at` (empty: undisturbed), all readings published, and when that
// life died, a second life without a fault that runs until upstream is quiet.
Outcome run(const std::string& kill_at, size_t expect_alerts) {
  TestSite site("gw-fault");
  DurableCollector collector(site.upstream.url(), site.alerts_topic(), "fault-collector");
  Outcome out;
  std::vector<std::string> env;
  if (!kill_at.empty()) env.push_back("EDGEGW_KILL_AT=" + kill_at);
  auto gw = site.start(env);
  {
    Publisher meters(site.ingest.url(), "fault-meters");
    for (const Input& in : homes_input()) meters.publish(in.topic, in.payload);
  }
  if (!kill_at.empty()) {
    out.first_exit = gw->process().wait(15000);
    gw = std::make_unique<GatewayProcess>(site.config, site.data);
  }
  collector.wait_for(expect_alerts, 15000);
  collector.wait_quiet(800, 10000);
  gw->stop();
  out.alerts = collector.alerts();
  out.log = log_tail(site.log, 40);
  return out;
}

const Outcome& undisturbed() {
  static std::optional<Outcome> ref;
  if (!ref) ref = run("", 9);
  return *ref;
}

std::set<AlertKey> keys(const std::vector<Alert>& alerts) {
  std::set<AlertKey> out;
  for (const Alert& a : alerts) out.insert(key_of(a));
  return out;
}

void check_killed_at(const std::string& point) {
  const Outcome& ref = undisturbed();
  REQUIRE(ref.alerts.size() == 9);  // 3 homes x (raised, cleared, raised)
  const Outcome got = run(point, ref.alerts.size());
  INFO(got.log);
  CHECK(got.first_exit == 128 + 9);  // the fault point was reached: SIGKILL there
  CHECK(keys(got.alerts) == keys(ref.alerts));
  const IdCheck ids = check_ids(got.alerts);
  CHECK(ids.in_order);
  CHECK(ids.missing.empty());
  CHECK(ids.distinct == ref.alerts.size());  // no alert stored twice under two ids
  CHECK(ids.repeats <= 50);                  // at most the batch in flight (batch_max_alerts)
}

}  // namespace

TEST_CASE("durability: killed before the first alert's write: the raise arrives after restart") {
  check_killed_at("alerts.before_write:1");
}
TEST_CASE("durability: killed after the first alert's write, before the broker's ack") {
  check_killed_at("alerts.after_write:1");
}
TEST_CASE("durability: killed before the first clear's write") {
  check_killed_at("alerts.before_write:4");
}
TEST_CASE("durability: killed after the last raise's write") {
  check_killed_at("alerts.after_write:9");
}
TEST_CASE("durability: killed before a state-only write") {
  check_killed_at("state.before_write:100");
}
TEST_CASE("durability: killed after a state-only write") {
  check_killed_at("state.after_write:170");
}
TEST_CASE("durability: killed after upstream's PUBACK, before the outbox trim") {
  check_killed_at("trim.before_write:1");
}
