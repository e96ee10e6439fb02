// test_fleet_score.cpp: the detection-quality gate. fleetsim drives a few hundred households
// and some facades for 14 simulated days, with every incident kind, in the devices' own formats
// through a real broker into the real gateway; the operations centre's side records what
// arrives upstream, and fleetsim scores it against the ground truth.
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

  std::string json;
  REQUIRE(run_command({fleetsim, "score", "--truth", tmp.file("truth.jsonl"), "--alerts",
                       tmp.file("alerts.bin"), "--json"},
                      &json) == 0);
  MESSAGE(json.substr(0, 2000));
  simdjson::dom::parser parser;
  simdjson::dom::element score = parser.parse(json);

  // Every incident kind was injected.
  for (const char* kind :
       {"fall", "leak", "night_wandering", "door_left_open", "hollow_patch", "meter_silent",
        "low_battery", "stuck_register", "backwards_register", "garbage"}) {
    CAPTURE(kind);
    CHECK(int64_t(score["kinds"][kind]["injected"]) >= 1);
  }
  CHECK(double(score["care"]["recall"]) == 1.0);
  CHECK(double(score["false_care_per_1000_household_days"]) <= 1.0);
  CHECK(int64_t(score["maintenance"]["faults_found"]) ==
        int64_t(score["maintenance"]["faults_injected"]));
  CHECK(int64_t(score["false_care_alerts"]) < int64_t(score["baseline"]["false_alarms"]));
}
