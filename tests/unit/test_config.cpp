// test_config.cpp: config files are read key by key; bad ones are refused with line and key.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "gateway/config.h"

using namespace edgegw;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_config(text, "gw.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("an empty config gives the built-in defaults") {
  Config c = parse_config("", "gw.toml");
  CHECK(c.gateway_id == "edgegw");
  CHECK(c.rules.w1_window_s == 12 * 3600);
  CHECK(c.rules.w1_threshold_m3 == doctest::Approx(0.01));
  CHECK(c.routes.size() == default_routes().size());
  CHECK(c.uplink_topic() == "edgegw/edgegw/alerts");
}

TEST_CASE("a full config is read") {
  Config c = parse_config(R"(
gateway_id = "gw-7"
clock = "event"
data_dir = "/tmp/x"
[ingest]
url = "tcp://127.0.0.1:1884"
[uplink]
url = "ssl://ops.example:8883"
tls_ca_file = "/etc/edgegw/ca.pem"
batch_max_alerts = 10
[rules]
w1_window_h = 10
w1_threshold_m3 = 0.02
[limits]
max_payload_bytes = 1000
[[routes]]
filter = "meters/+/json"
driver = "wmbusmeters"
[[household]]
id = "hh-1"
meters = ["wm-1"]
doors = ["door-1"]
utc_offset = "+09:00"
quiet_hours = "23:00-05:30"
[[facade]]
sensor = "fac-1"
building = "bld-1"
)",
                          "gw.toml");
  CHECK(c.gateway_id == "gw-7");
  CHECK(c.clock == ClockMode::event);
  CHECK(c.ingest.url == "tcp://127.0.0.1:1884");
  CHECK(c.uplink.broker.tls.enabled);
  CHECK(c.uplink.batch_max_alerts == 10);
  CHECK(c.rules.w1_window_s == 10 * 3600);
  CHECK(c.limits.max_payload_bytes == 1000);
  REQUIRE(c.routes.size() == 1);
  CHECK(c.routes[0].driver == DriverId::wmbusmeters);
  REQUIRE(c.inventory.households.size() == 1);
  CHECK(c.inventory.households[0].utc_offset_min == 540);
  CHECK(c.inventory.households[0].quiet_start_min == 23 * 60);
  CHECK(c.inventory.households[0].quiet_end_min == 5 * 60 + 30);
  CHECK(c.inventory.facades.at(0).building == "bld-1");
}

TEST_CASE("bad configs name the file, the line and the key") {
  CHECK(error_of("gateway_id = \"gw\"\n\nbogus = 1\n") == "gw.toml:3: key 'bogus': unknown key");
  CHECK(error_of("[rules]\nw1_window_h = \"twelve\"\n") ==
        "gw.toml:2: key 'rules.w1_window_h': expected an integer");
  CHECK(error_of("[rules]\nw1_window_h = 0\n") ==
        "gw.toml:2: key 'rules.w1_window_h': must be between 1 and 168");
  CHECK(error_of("clock = \"sundial\"\n") ==
        "gw.toml:1: key 'clock': expected \"wall\" or \"event\"");
  CHECK(error_of("[[routes]]\nfilter = \"a/+\"\ndriver = \"nope\"\n") ==
        "gw.toml:3: key 'routes.driver': unknown driver 'nope'");
  CHECK(error_of("[uplink]\nurl = 5\n") == "gw.toml:2: key 'uplink.url': expected a string");
  CHECK(error_of("gateway_id = \"a\" x").rfind("gw.toml:1:", 0) == 0);  // TOML syntax error
  CHECK(error_of("[[household]]\nid = \"h\"\nutc_offset = \"8\"\n").find("household.") !=
        std::string::npos);
}

TEST_CASE("[cjt188] maps a vendor's status bits, and the pipeline's driver uses it") {
  Config c = parse_config(R"(
[cjt188]
utc_offset = "+09:00"
status_bits = { leak = 0, tamper = 2 }
)",
                          "gw.toml");
  CHECK(c.drivers.cjt188.utc_offset_minutes == 540);
  REQUIRE(c.drivers.cjt188.status.count == 2);
  // The fixture's status word is 0x0005: bits 0 and 2.
  std::ifstream in(std::string(EDGEGW_FIXTURES) + "/water/constructed-cjt188-status-0500.hex");
  const std::string hex((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  DecodeScratch scratch;
  Reading r;
  REQUIRE_FALSE(decode_with(DriverId::cjt188, "cjt188/m", hex, c.limits, scratch, r, c.drivers));
  CHECK(r.water.alarms == (kAlarmLeak | kAlarmTamper));
  REQUIRE_FALSE(decode_with(DriverId::cjt188, "cjt188/m", hex, c.limits, scratch, r));
  CHECK(r.water.alarms == (kAlarmValveClosed | kAlarmLowBattery));  // the default table

  CHECK(error_of("[cjt188]\nstatus_bits = { flooded = 1 }\n").find("cjt188.status_bits.flooded") !=
        std::string::npos);
  CHECK(error_of("[cjt188]\nstatus_bits = { leak = 16 }\n").find("0..15") != std::string::npos);
}

TEST_CASE("the documented example config (deploy/edgegw.toml) loads, every key in it known") {
  const Config c = load_config(std::string(EDGEGW_SOURCE_DIR) + "/deploy/edgegw.toml");
  CHECK(c.rules.w1_window_s == 12 * 3600);
  CHECK(c.drivers.cjt188.status.count == 3);
}
