// test_cli_commands.cpp: every field-engineer command against a live gateway fed by real MQTT
// messages through a real Mosquitto, asserting on the --json output and the exit codes; then
// SIGHUP reloads (a bad file refused, a good one applied without losing state) and the log
// rate limit under a flood of bad messages.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "drivers/timestamp.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"
#include "tests/support/payloads.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

constexpr int64_t kMinute = 60 * 1000, kHour = 60 * kMinute;

struct CliResult {
  int rc = -1;
  std::string out;
  simdjson::dom::element json;
};

// Runs `edgegw <args> --data-dir <dir> --json` and parses its stdout.
class Cli {
 public:
  explicit Cli(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  CliResult run(std::vector<std::string> args, bool json = true) {
    args.insert(args.begin(), bin_path("edgegw"));
    args.push_back("--data-dir");
    args.push_back(data_dir_);
    if (json) args.push_back("--json");
    CliResult r;
    r.rc = run_command(args, &r.out);
    if (json && !r.out.empty()) {
      auto doc = parsers_.emplace_back(std::make_unique<simdjson::dom::parser>())->parse(r.out);
      if (doc.error()) FAIL("not JSON: " << r.out);
      r.json = doc.value();
    }
    return r;
  }

 private:
  std::string data_dir_;
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_;
};

std::string str(simdjson::dom::element e, std::string_view key) {
  std::string_view s;
  return e[key].get(s) == simdjson::SUCCESS ? std::string(s) : std::string("<missing>");
}
int64_t num(simdjson::dom::element e, std::string_view key) {
  int64_t v = -1;
  if (e[key].get(v) != simdjson::SUCCESS) {
    uint64_t u = 0;
    if (e[key].get(u) == simdjson::SUCCESS) v = static_cast<int64_t>(u);
  }
  return v;
}
bool flag(simdjson::dom::element e, std::string_view key) {
  bool b = false;
  return e[key].get(b) == simdjson::SUCCESS && b;
}
std::vector<std::string> ids(simdjson::dom::element array, std::string_view key) {
  std::vector<std::string> out;
  for (auto e : array.get_array()) out.push_back(str(e, key));
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Waits until `pred()` holds, polling; false on timeout.
template <typename Pred>
bool eventually(Pred pred, int timeout_ms = 10000) {
  for (int waited = 0; waited < timeout_ms; waited += 50) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

std::string config_text(const std::string& ingest, const std::string& uplink,
                        const std::string& extra) {
  return fmt::format(R"(
gateway_id = "gw-cli"
clock = "event"
[ingest]
url = "{}"
[uplink]
url = "{}"
linger_ms = 0
[log]
burst = 5
per_minute = 1
[[household]]
id = "hh-0042"
meters = ["33225544", "33225545"]
doors = []
utc_offset = "+08:00"
{}
)",
                     ingest, uplink, extra);
}

}  // namespace

TEST_CASE("cli: status, sensors, sensor, alerts, outbox, deadletters, household, tail, metrics") {
  TempDir tmp;
  Broker ingest_broker(tmp.file("ingest-broker"));
  Broker upstream_broker(tmp.file("upstream-broker"));
  write_file(tmp.file("gw.toml"), config_text(ingest_broker.url(), upstream_broker.url(), ""));
  AlertCollector upstream(upstream_broker.url(), "edgegw/+/alerts");
  const std::string data = tmp.file("data");
  auto gateway = std::make_unique<GatewayProcess>(tmp.file("gw.toml"), data);
  Publisher devices(ingest_broker.url());
  Cli cli(data);
  REQUIRE(eventually([&] { return cli.run({"status"}).rc == 0; }));

  // Meter 33225544 (hh-0042): use in the morning, then 13 quiet hours -> W1.
  const std::string meter = "33225544";
  const int64_t start = *parse_iso8601_utc("2024-04-30T23:00:00Z");
  double total = 10.0;
  int64_t t = start;
  for (int i = 0; i < 4; ++i, t += 15 * kMinute)
    devices.publish("wmbusmeters/" + meter, wmbus_json(meter, total += 0.02, t));
  const int64_t last_use = t - 15 * kMinute;
  for (; t <= last_use + 13 * kHour; t += 15 * kMinute)
    devices.publish("wmbusmeters/" + meter, wmbus_json(meter, total, t));
  // A meter nobody put in the inventory, and a payload that is not JSON.
  devices.publish("wmbusmeters/77000001", wmbus_json("77000001", 1.5, t));
  devices.publish("wmbusmeters/77000002", "{not json");
  REQUIRE(upstream.wait_for(1, 15000));

  SUBCASE("status") {
    CliResult r;
    REQUIRE(eventually([&] {
      r = cli.run({"status"});
      return r.rc == 0 && num(r.json["outbox"].value(), "depth") == 0;
    }));
    CHECK(flag(r.json, "running"));
    CHECK(flag(r.json, "healthy"));
    CHECK(str(r.json, "gateway_id") == "gw-cli");
    CHECK(str(r.json, "version") != "<missing>");
    CHECK(flag(r.json["ingest"].value(), "connected"));
    CHECK(flag(r.json["uplink"].value(), "connected"));
    CHECK(num(r.json["counters"].value(), "rejected") == 1);
    CHECK(num(r.json["counters"]["readings_by_driver"].value(), "wmbusmeters") >= 57);
    CHECK(num(r.json["counters"]["rejected_by_reason"].value(), "malformed") == 1);
    CHECK(num(r.json, "dead_letters") == 1);
    CHECK(num(r.json["sensors"].value(), "silent") == 1);
    CHECK(num(r.json["sensors"].value(), "unassigned") == 1);
    CHECK(num(r.json["disk"].value(), "db_bytes") > 0);
  }
  SUBCASE("sensors with filters") {
    auto all = cli.run({"sensors"});
    REQUIRE(all.rc == 0);
    CHECK(ids(all.json["sensors"].value(), "sensor") ==
          std::vector<std::string>{"33225544", "33225545", "77000001"});
    auto silent = cli.run({"sensors", "--silent"});
    REQUIRE(silent.rc == 0);
    CHECK(ids(silent.json["sensors"].value(), "sensor") == std::vector<std::string>{"33225545"});
    auto row = silent.json["sensors"].at(0).value();
    CHECK(str(row, "subject") == "hh-0042");
    CHECK_FALSE(flag(row, "seen"));
    auto unassigned = cli.run({"sensors", "--unassigned"});
    CHECK(ids(unassigned.json["sensors"].value(), "sensor") ==
          std::vector<std::string>{"77000001"});
    auto doors = cli.run({"sensors", "--kind", "door"});
    CHECK(doors.rc == 0);
    CHECK(doors.json["sensors"].get_array().size() == 0);
    CHECK(cli.run({"sensors", "--kind", "toaster"}).rc == 2);
  }
  SUBCASE("one sensor") {
    auto r = cli.run({"sensor", meter});
    REQUIRE(r.rc == 0);
    CHECK(str(r.json["sensor"].value(), "sensor") == meter);
    CHECK(str(r.json["sensor"].value(), "subject") == "hh-0042");
    CHECK(str(r.json["sensor"].value(), "last_seen") == format_iso8601_utc(t - 15 * kMinute));
    CHECK(ids(r.json["recent_alerts"].value(), "rule") == std::vector<std::string>{"W1"});
    CHECK(r.json["detector"].is_object());
    CHECK(str(r.json["detector"].value(), "kind") == "water");
    std::vector<std::string> open_alerts;
    for (auto k : r.json["detector"]["open_alerts"].get_array())
      open_alerts.emplace_back(std::string_view(k));
    CHECK(open_alerts == std::vector<std::string>{"NoWaterUse12h"});
    CHECK(cli.run({"sensor", "no-such-sensor"}).rc == 1);
    // A device names itself: an id with a quote in it still gives valid JSON.
    devices.publish("wmbusmeters/q1", fmt::format(R"({{"_":"telegram","media":"water",)"
                                                  R"("meter":"iperl","id":"q\"1","total_m3":1.5,)"
                                                  R"("timestamp":"{}"}})",
                                                  format_iso8601_utc(t)));
    REQUIRE(eventually([&] { return cli.run({"sensor", "q\"1"}).rc == 0; }));
    auto q = cli.run({"sensor", "q\"1"});
    CHECK(str(q.json["detector"].value(), "sensor") == "q\"1");
  }
  SUBCASE("alerts") {
    auto r = cli.run({"alerts"});
    REQUIRE(r.rc == 0);
    REQUIRE(r.json["alerts"].get_array().size() == 1);
    auto a = r.json["alerts"].at(0).value();
    CHECK(str(a, "rule") == "W1");
    CHECK(str(a, "state") == "Raised");
    CHECK(str(a, "subject") == "hh-0042");
    CHECK(str(a, "event_time") == format_iso8601_utc(last_use));
    auto open = cli.run({"alerts", "--open"});
    CHECK(ids(open.json["alerts"].value(), "rule") == std::vector<std::string>{"W1"});
    auto later = cli.run({"alerts", "--since", format_iso8601_utc(last_use + 12 * kHour + 1)});
    CHECK(later.json["alerts"].get_array().size() == 0);
    CHECK(cli.run({"alerts", "--since", "yesterday-ish"}).rc == 2);
  }
  SUBCASE("outbox and deadletters") {
    CliResult r;
    REQUIRE(eventually([&] {
      r = cli.run({"outbox"});
      return r.rc == 0 && num(r.json["report"].value(), "depth") == 0;
    }));
    CHECK(num(r.json["report"].value(), "next_id") == 2);
    CHECK(str(r.json["report"]["uplink"].value(), "state") == "connected");
    auto d = cli.run({"deadletters"});
    REQUIRE(d.rc == 0);
    CHECK(num(d.json, "count") == 1);
    auto letter = d.json["dead_letters"].at(0).value();
    CHECK(str(letter, "topic") == "wmbusmeters/77000002");
    CHECK(str(letter, "reason") == "malformed");
    CHECK(str(letter, "payload_head") == "{not json");
  }
  SUBCASE("household and away mode") {
    auto r = cli.run({"household", "hh-0042"});
    REQUIRE(r.rc == 0);
    CHECK_FALSE(flag(r.json, "away"));
    CHECK(ids(r.json["open_alerts"].value(), "rule") == std::vector<std::string>{"W1"});
    // A new household: presence from the passages, the fixed outing hold until outings are learned.
    CHECK(str(r.json, "presence") == "home");
    CHECK(double(r.json["outing_limit_h"]) == 84.0);
    CHECK(ids(r.json["sensors"].value(), "sensor") ==
          std::vector<std::string>{"33225544", "33225545"});
    auto away = cli.run({"household", "hh-0042", "away", "--until", "2099-01-01T00:00:00Z"});
    REQUIRE(away.rc == 0);
    CHECK(flag(away.json, "away"));
    CHECK(str(away.json, "away_until") == "2099-01-01T00:00:00Z");
    CHECK(flag(cli.run({"household", "hh-0042"}).json, "away"));
    auto cleared = cli.run({"household", "hh-0042", "away", "--clear"});
    CHECK_FALSE(flag(cleared.json, "away"));
    CHECK(cli.run({"household", "hh-nobody"}).rc == 1);
    CHECK(cli.run({"household", "hh-0042", "away"}).rc == 2);
  }
  SUBCASE("tail streams decoded readings, rejections and alerts") {
    Process tail({bin_path("edgegw"), "tail", "--json", "--data-dir", data}, tmp.file("tail.out"));
    // tail subscribes when it has connected, however long that takes on a loaded machine: a
    // probe (a rejected message) until it shows, then the messages under test.
    REQUIRE(eventually([&] {
      devices.publish("wmbusmeters/77000003", "probe");
      return slurp(tmp.file("tail.out")).find("77000003") != std::string::npos;
    }));
    t += 15 * kMinute;
    devices.publish("wmbusmeters/" + meter, wmbus_json(meter, total + 0.05, t));  // clears W1
    devices.publish("wmbusmeters/77000002", "garbage");
    REQUIRE(eventually(
        [&] { return slurp(tmp.file("tail.out")).find("77000002") != std::string::npos; }));
    const std::string out = slurp(tmp.file("tail.out"));
    CHECK(out.find(R"("type":"reading")") != std::string::npos);
    CHECK(out.find(R"("sensor":"33225544")") != std::string::npos);
    CHECK(out.find(R"("type":"alert")") != std::string::npos);
    CHECK(out.find(R"("state":"Cleared")") != std::string::npos);
    tail.stop();
  }
  SUBCASE("metrics in the Prometheus format") {
    std::string out;
    REQUIRE(run_command({"/usr/bin/curl", "-sf", "--unix-socket", data + "/edgegw.sock",
                         "http://gw/metrics"},
                        &out) == 0);
    CHECK(out.find("# TYPE edgegw_readings_total counter") != std::string::npos);
    CHECK(out.find(R"(edgegw_rejected_total{reason="malformed"} 1)") != std::string::npos);
    CHECK(out.find(R"(edgegw_alerts_total{rule="W1",audience="Care",state="Raised"} 1)") !=
          std::string::npos);
    CHECK(out.find("edgegw_outbox_depth ") != std::string::npos);
    CHECK(out.find("edgegw_uplink_connected 1") != std::string::npos);
    CHECK(out.find(R"(edgegw_stage_latency_seconds_bucket{stage="decode_detect",le="+Inf"})") !=
          std::string::npos);
    CHECK(out.find("edgegw_rocksdb_size_bytes ") != std::string::npos);
  }
  SUBCASE("a stopped gateway: status unhealthy, outbox and deadletters read from disk") {
    // The last messages may still wait in the broker (a batch being gathered); once handled,
    // their dead letter is on disk.
    REQUIRE(eventually([&] {
      auto r = cli.run({"status"});
      return r.rc == 0 && num(r.json, "dead_letters") == 1;
    }));
    gateway->stop();
    auto s = cli.run({"status"});
    CHECK(s.rc == 1);
    CHECK_FALSE(flag(s.json, "running"));
    CHECK(num(s.json, "dead_letters") == 1);
    auto o = cli.run({"outbox"});
    CHECK(o.rc == 0);
    CHECK(str(o.json["report"]["uplink"].value(), "state") == "stopped");
    CHECK(cli.run({"deadletters"}).rc == 0);
    CHECK(cli.run({"sensors"}).rc == 3);
  }
}

TEST_CASE("cli: SIGHUP refuses a bad config and keeps state - applies a good one") {
  TempDir tmp;
  Broker ingest_broker(tmp.file("ingest-broker"));
  Broker upstream_broker(tmp.file("upstream-broker"));
  const std::string cfg = tmp.file("gw.toml");
  write_file(cfg, config_text(ingest_broker.url(), upstream_broker.url(), ""));
  const std::string data = tmp.file("data");
  GatewayProcess gateway(cfg, data);
  Publisher devices(ingest_broker.url());
  Cli cli(data);
  REQUIRE(eventually([&] { return cli.run({"status"}).rc == 0; }));
  const int64_t t0 = *parse_iso8601_utc("2024-05-01T00:00:00Z");
  devices.publish("wmbusmeters/33225544", wmbus_json("33225544", 3.0, t0));
  REQUIRE(eventually([&] { return cli.run({"sensor", "33225544"}).rc == 0; }));

  write_file(cfg, config_text(ingest_broker.url(), upstream_broker.url(), "colour = \"blue\"\n"));
  CHECK(run_command({bin_path("edgegw"), "config", "check", cfg}) == 2);
  gateway.process().signal(SIGHUP);
  REQUIRE(eventually(
      [&] { return num(cli.run({"status"}).json["config"].value(), "reloads_refused") == 1; }));
  CHECK(str(cli.run({"status"}).json["config"].value(), "last_error").find("colour") !=
        std::string::npos);
  CHECK(slurp(data + ".log").find("new config refused, keeping the running one") !=
        std::string::npos);
  CHECK(cli.run({"household", "hh-0042"}).rc == 0);

  // A new household, and a new ingest URL that needs a restart.
  write_file(cfg,
             config_text("tcp://127.0.0.1:1", upstream_broker.url(),
                         "[[household]]\nid = \"hh-0043\"\nmeters = [\"55000001\"]\ndoors = []\n"));
  CHECK(run_command({bin_path("edgegw"), "config", "check", cfg}) == 0);
  gateway.process().signal(SIGHUP);
  REQUIRE(eventually(
      [&] { return num(cli.run({"status"}).json["config"].value(), "reloads_applied") == 1; }));
  auto status = cli.run({"status"});
  CHECK(ids(status.json["config"]["restart_needed"].value(), "x").size() == 1);
  CHECK(flag(status.json["ingest"].value(), "connected"));  // still on the old broker
  CHECK(cli.run({"household", "hh-0043"}).rc == 0);
  auto kept = cli.run({"sensor", "33225544"});  // detector state survived the reload
  REQUIRE(kept.rc == 0);
  CHECK(str(kept.json["sensor"].value(), "last_seen") == format_iso8601_utc(t0));
  CHECK(slurp(data + ".log").find("only applied by a restart (systemctl restart edgegw): ingest") !=
        std::string::npos);
}

TEST_CASE("cli: a flood of bad messages is rate-limited in the log and counted") {
  TempDir tmp;
  Broker ingest_broker(tmp.file("ingest-broker"));
  Broker upstream_broker(tmp.file("upstream-broker"));
  write_file(tmp.file("gw.toml"), config_text(ingest_broker.url(), upstream_broker.url(), ""));
  const std::string data = tmp.file("data");
  GatewayProcess gateway(tmp.file("gw.toml"), data);
  Publisher devices(ingest_broker.url());
  Cli cli(data);
  REQUIRE(eventually([&] { return cli.run({"status"}).rc == 0; }));
  for (int i = 0; i < 200; ++i) devices.publish("wmbusmeters/66000001", "\x01\x02 not json");
  CliResult r;
  REQUIRE(eventually([&] {
    r = cli.run({"status"});
    return num(r.json["counters"].value(), "rejected") == 200;
  }));
  CHECK(num(r.json, "log_lines_suppressed") == 195);  // burst = 5
  const std::string log = slurp(data + ".log");
  size_t lines = 0;
  for (size_t p = 0; (p = log.find("rejected message on", p)) != std::string::npos; ++p) ++lines;
  CHECK(lines == 5);
}
