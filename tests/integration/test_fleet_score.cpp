// test_fleet_score.cpp: the detection-quality gate. fleetsim drives a few hundred households
// (each its own rhythm, with the confounders of real life: nights away, visitors, cleaning
// days, early markets, hourly meters...) and some facades for 14 simulated days, with every
// incident kind, in the devices' own formats through a real broker into the real gateway; the
// operations centre's side records what arrives upstream, and fleetsim scores it against the
// ground truth, per incident kind and per confounder, beside the W1-only baseline.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"

using namespace edgegw::test;

namespace {

// Waits until the file stops growing for `quiet_ms` (the gateway has drained the fleet).
void wait_until_quiet(const std::string& path, int quiet_ms, int timeout_ms) {
  auto size = [&] {
    std::error_code ec;
    auto s = std::filesystem::file_size(path, ec);
    return ec ? uintmax_t{0} : s;
  };
  auto last = size();
  auto last_change = std::chrono::steady_clock::now();
  const auto deadline = last_change + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const auto now_size = size();
    if (now_size != last) {
      last = now_size;
      last_change = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_change >
               std::chrono::milliseconds(quiet_ms)) {
      return;
    }
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("fleet score: 300 households, 14 days, every incident kind, through a real broker") {
  TempDir tmp;
  Broker broker(tmp.file("broker"));
  const std::string fleetsim = bin_path("fleetsim");
  const std::vector<std::string> fleet = {fleetsim,       "run",
                                          "--households", "300",
                                          "--facades",    "6",
                                          "--days",       "14",
                                          "--seed",       "3",
                                          "--inventory",  tmp.file("site.toml"),
                                          "--truth",      tmp.file("truth.jsonl"),
                                          "--quiet"};
  REQUIRE(run_command(fleet) == 0);  // generate only: the inventory the gateway is installed with

  write_file(tmp.file("gw.toml"), fmt::format(R"(gateway_id = "gw-fleet"
clock = "event"
inventory = "site.toml"
[ingest]
url = "{0}"
[uplink]
url = "{0}"
)",
                                              broker.url()));
  GatewayProcess gateway(tmp.file("gw.toml"), tmp.file("data"));
  Process listener(
      {fleetsim, "listen", "--upstream", broker.url(), "--out", tmp.file("alerts.bin")},
      tmp.file("listen.log"));
  std::this_thread::sleep_for(std::chrono::seconds(1));

  std::vector<std::string> publish = fleet;
  publish.push_back("--broker");
  publish.push_back(broker.url());
  REQUIRE(run_command(publish) == 0);
  wait_until_quiet(tmp.file("alerts.bin"), 4000, 120000);
  listener.stop();

  std::string table, json;
  REQUIRE(run_command({fleetsim, "score", "--truth", tmp.file("truth.jsonl"), "--alerts",
                       tmp.file("alerts.bin")},
                      &table) == 0);
  MESSAGE(table);  // the report, per incident kind and per confounder, with the W1 baseline
  REQUIRE(run_command({fleetsim, "score", "--truth", tmp.file("truth.jsonl"), "--alerts",
                       tmp.file("alerts.bin"), "--json"},
                      &json) == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element score = parser.parse(json);

  // Every incident kind was injected, and every confounder of the routine was simulated.
  for (const char* kind :
       {"fall_day", "fall_night", "fall_after_return", "fall_after_rubbish", "cistern_leak",
        "tap_left_open", "night_wandering", "door_left_open", "hollow_patch", "meter_silent",
        "low_battery", "stuck_register", "backwards_register", "garbage"}) {
    CAPTURE(kind);
    CHECK(int64_t(score["kinds"][kind]["injected"]) >= 1);
  }
  const std::string activities = read_file(tmp.file("truth.jsonl.activities.tsv"));
  for (const char* confounder :
       {"night_away", "visitor", "cleaning", "laundry", "late_rising", "early_market",
        "late_return", "rubbish_trip", "radio_outage", "hourly_meter"}) {
    CAPTURE(confounder);
    CHECK(activities.find(fmt::format("\t{}\t", confounder)) != std::string::npos);
  }

  // What the engine meets at this seed. Issue 10's false-alert target (2 per 1,000
  // household-days) is not met yet: README, Detection quality.
  auto found = [&](const char* kind) { return double(score["kinds"][kind]["recall"]); };
  CHECK(found("fall_day") == 1.0);
  CHECK(found("fall_night") == 1.0);
  CHECK(found("fall_after_return") == 1.0);   // presence from the door's passages
  CHECK(found("fall_after_rubbish") == 1.0);  // the second passage of a pair is a return
  CHECK(found("cistern_leak") == 1.0);
  CHECK(found("tap_left_open") == 1.0);
  CHECK(found("night_wandering") == 1.0);
  CHECK(found("door_left_open") == 1.0);
  CHECK(int64_t(score["maintenance"]["faults_found"]) ==
        int64_t(score["maintenance"]["faults_injected"]));
  // Fewer false care alerts than the single-sensor W1 rule on the same data.
  CHECK(int64_t(score["false_care_alerts"]) < int64_t(score["baseline"]["false_alarms"]));
  // A regression guard, not the goal: 3.33 per 1,000 household-days on this seed (14 alerts,
  // escalations of an open case counted; the W1-only baseline 109); 4.0 lets 2 more through
  // (until the thirteenth round the guard was 6.0). The target is 2 (README, detection quality).
  CHECK(double(score["false_care_per_1000_household_days"]) <= 4.0);
}
