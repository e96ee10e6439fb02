// test_config.cpp: config files are read key by key; bad ones are refused with line and key.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

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

TEST_CASE("a site config written for an older edgegw still loads: W3's retired ratio is ignored") {
  const Config c =
      parse_config("[rules]\nw3_max_rate_ratio = 2.0\nw3_steady_spread = 0.3\n", "gw.toml");
  CHECK(c.rules.w3_steady_spread == 0.3);
  CHECK(c.rules.w3_steady_share == RulesConfig{}.w3_steady_share);
  CHECK(error_of("[rules]\nw3_steady_share = 2\n") ==
        "gw.toml:2: key 'rules.w3_steady_share': must be between 0 and 1");
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

namespace {

// A district-sized inventory file: `n` households of 5 lines and a blank; `extra` is added as
// a line of household `bad` (the file's line numbers are computed here, independently).
std::string write_inventory(int n, int bad, const std::string& extra) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "edgegw-test-inventory.toml").string();
  std::ofstream out(path);
  out << "# site inventory\n\n";
  for (int i = 0; i < n; ++i) {
    out << "[[household]]\nid = \"hh-" << i << "\"\nmeters = [\"m-" << i << "\"]\n"
        << "doors = [\"d-" << i << "\"]\nutc_offset = \"+08:00\"\n";
    if (i == bad) out << extra << "\n";
    out << "\n";
  }
  out << "[[facade]]\nsensor = \"f-1\"\nbuilding = \"b-1\"\n";
  return path;
}

std::string inventory_error(const std::string& path) {
  Inventory inv;
  try {
    load_inventory(path, inv);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("an id listed twice is refused with both places: households, sensors, facades") {
  CHECK(error_of("[[household]]\nid = \"hh-1\"\nmeters = [\"wm-1\"]\n"
                 "[[household]]\nid = \"hh-1\"\nmeters = [\"wm-2\"]\n") ==
        "gw.toml:4: key 'household.id': household 'hh-1' is listed twice (also at gw.toml:1, "
        "household 'hh-1')");
  CHECK(error_of("[[household]]\nid = \"hh-1\"\nmeters = [\"wm-1\"]\n"
                 "[[household]]\nid = \"hh-2\"\ndoors = [\"wm-1\"]\n") ==
        "gw.toml:4: key 'household.doors': sensor 'wm-1' is listed twice (also at gw.toml:1, "
        "household 'hh-1')");
  CHECK(error_of("[[household]]\nid = \"hh-1\"\nmeters = [\"wm-1\", \"wm-1\"]\n") ==
        "gw.toml:1: key 'household.meters': sensor 'wm-1' is listed twice (also at gw.toml:1, "
        "household 'hh-1')");
  CHECK(error_of("[[household]]\nid = \"hh-1\"\ndoors = [\"x-1\"]\n"
                 "[[facade]]\nsensor = \"x-1\"\nbuilding = \"b-1\"\n") ==
        "gw.toml:4: key 'facade.sensor': sensor 'x-1' is listed twice (also at gw.toml:1, "
        "household 'hh-1')");
  CHECK(error_of("[[household]]\nid = \"hh-1\"\nmeters = [\"wm-1\"]\n"
                 "[[household]]\nid = \"hh-2\"\nmeters = [\"wm-2\"]\n")
            .empty());
}

TEST_CASE("a district's inventory file is read whole, in order, with the file's line numbers") {
  // More tables than one parse piece (load_inventory cuts every 1,024), so pieces join.
  const int n = 3000;
  const std::string path = write_inventory(n, -1, "");
  Inventory inv;
  load_inventory(path, inv);
  REQUIRE(inv.households.size() == static_cast<size_t>(n));
  for (int i : {0, 1023, 1024, 1025, 2047, 2048, n - 1}) {
    CHECK(inv.households[i].id == "hh-" + std::to_string(i));
    CHECK(inv.households[i].meters == std::vector<std::string>{"m-" + std::to_string(i)});
    CHECK(inv.households[i].doors == std::vector<std::string>{"d-" + std::to_string(i)});
    CHECK(inv.households[i].utc_offset_min == 480);
  }
  REQUIRE(inv.facades.size() == 1);
  CHECK(inv.facades[0].building == "b-1");
  // The pieces are parsed in two halves on two threads: entries of both name the one file
  // and their own lines.
  CHECK(inv.sources == std::vector<std::string>{path});
  for (int i : {0, 1500, 2500}) {
    CHECK(inv.households[i].listed.line == 3 + 6 * i);
    CHECK(inv.households[i].listed.source == 0);
  }
  CHECK(inv.facades[0].listed.line == 3 + 6 * n);
  CHECK(inv.facades[0].listed.source == 0);

  // Household 2500's header is on line 3 + 6 * 2500; its sixth line is the extra one.
  const int extra_line = 3 + 6 * 2500 + 5;
  CHECK(inventory_error(write_inventory(n, 2500, "colour = \"red\"")) ==
        fmt::format("{}:{}: key 'household.colour': unknown key", path, extra_line));
  // An error in the first piece names its line too.
  CHECK(inventory_error(write_inventory(n, 100, "colour = \"red\"")) ==
        fmt::format("{}:{}: key 'household.colour': unknown key", path, 3 + 6 * 100 + 5));
  // Refused in both halves: the error is the first one in the file, whichever thread is first.
  write_inventory(n, 100, "colour = \"red\"");
  std::ofstream(path, std::ios::app) << "\n[[household]]\nid = \"hh-x\"\nshade = 1\n";
  CHECK(inventory_error(path) ==
        fmt::format("{}:{}: key 'household.colour': unknown key", path, 3 + 6 * 100 + 5));
  const std::string syntax = inventory_error(write_inventory(n, 2500, "id2 = = 1"));
  CHECK(syntax.rfind(fmt::format("{}:{}:", path, extra_line), 0) == 0);
  // A header other than [[household]] / [[facade]] (here a sub-table) is read as one piece,
  // with TOML's own meaning: refused by key as before.
  CHECK(inventory_error(write_inventory(n, 2500, "[household.extra]\nx = 1")) ==
        fmt::format("{}:{}: key 'household.extra': unknown key", path, extra_line));
  // A household listed again at the end of the file, pieces apart from its first listing.
  write_inventory(n, -1, "");
  std::ofstream(path, std::ios::app) << "\n[[household]]\nid = \"hh-3\"\n";
  Inventory again;
  load_inventory(path, again);
  std::string error;
  try {
    check_inventory_ids(again);
  } catch (const ConfigError& e) {
    error = e.what();
  }
  CHECK(error == fmt::format("{}:{}: key 'household.id': household 'hh-3' is listed twice (also "
                             "at {}:{}, household 'hh-3')",
                             path, 3 + 6 * n + 4, path, 3 + 6 * 3));
  std::filesystem::remove(path);
}
