// test_cli_parse_wmbus.cpp: `edgegw parse`, the real binary, on every payload of the
// wmbusmeters corpus and on the alarm topic: what a field engineer sees, vendor words included.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <cmath>
#include <fstream>
#include <string>

#include "tests/support/gateway_process.h"
#include "tests/support/process.h"

using namespace edgegw::test;

namespace {

struct Parsed {
  int rc = -1;
  std::string out;
};

Parsed parse(const std::string& topic, const std::string& payload) {
  Parsed p;
  p.rc = run_command({bin_path("edgegw"), "parse", "--topic", topic, "-"}, &p.out, payload);
  return p;
}

}  // namespace

TEST_CASE("edgegw parse: every wmbusmeters corpus payload decodes, vendor words shown") {
  std::ifstream in(fixture_path("water/wmbusmeters-corpus.jsonl"));
  REQUIRE(in.good());
  simdjson::dom::parser line_parser, payload_parser, out_parser;
  std::string line;
  int n = 0, null_register = 0, with_words = 0;
  while (std::getline(in, line)) {
    ++n;
    CAPTURE(n);
    std::string_view payload_text = line_parser.parse(line)["payload"];
    const std::string payload(payload_text);
    simdjson::dom::element payload_doc = payload_parser.parse(payload);
    const std::string id{std::string_view(payload_doc["id"])};
    const Parsed p = parse("wmbusmeters/" + id, payload);
    REQUIRE_MESSAGE(p.rc == 0, p.out);
    simdjson::dom::element out;
    REQUIRE(out_parser.parse(p.out).get(out) == simdjson::SUCCESS);
    CHECK(std::string_view(out["sensor"]) == id);
    // The register a person reads (total_m3), or null for a billing-only telegram.
    double want = 0, got = 0;
    if (payload_doc["total_m3"].get(want) == simdjson::SUCCESS) {
      REQUIRE(out["total_m3"].get(got) == simdjson::SUCCESS);
      CHECK(got == want);
    } else {
      CHECK(out["total_m3"].is_null());
      ++null_register;
    }
    // The vendor's words, as sent in status (or the deprecated current_status).
    std::string_view words;
    if (payload_doc["status"].get(words) != simdjson::SUCCESS || words.empty())
      if (payload_doc["current_status"].get(words) != simdjson::SUCCESS) words = {};
    if (!words.empty()) {
      std::string_view shown;
      REQUIRE(out["vendor_status"].get(shown) == simdjson::SUCCESS);
      CHECK(shown == words);
      ++with_words;
    }
    bool placeholder = false;
    CHECK(out["time_placeholder"].get(placeholder) == simdjson::SUCCESS);
    CHECK(placeholder);
  }
  CHECK(n == 109);
  CHECK(null_register == 1);
  CHECK(with_words == 76);
}

TEST_CASE("edgegw parse: Kamstrup ERROR_FLAGS_800 as printed, not only 'other'") {
  const Parsed kam = parse("wmbusmeters/23813076", read_fixture("water/wmbus-kamwater-error.json"));
  REQUIRE(kam.rc == 0);
  CHECK(kam.out.find(R"("vendor_status":"ERROR_FLAGS_800")") != std::string::npos);
  CHECK(kam.out.find(R"("alarms":["other"])") != std::string::npos);
}

TEST_CASE("edgegw parse: the wmbusmeters_alarm topic, plain text") {
  const Parsed p = parse("wmbusmeters_alarm",
                         "SpecifiedDeviceNotFound [ALARM SpecifiedDeviceNotFound] the device "
                         "/dev/ttyUSB0:im871a is not working\n");
  REQUIRE_MESSAGE(p.rc == 0, p.out);
  CHECK(p.out.find(R"("sensor":"wmbusmeters_alarm")") != std::string::npos);
  CHECK(p.out.find(R"("vendor_status":"SpecifiedDeviceNotFound [ALARM SpecifiedDeviceNotFound])") !=
        std::string::npos);
}
