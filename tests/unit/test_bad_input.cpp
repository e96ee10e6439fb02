// test_bad_input.cpp: the bad-input corpus (tests/fixtures/bad) and generated hostile payloads:
// every one is rejected with the expected code and a detail naming the field.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "drivers/registry.h"
#include "drivers/validate.h"
#include "tests/unit/driver_fixture.h"

using namespace edgegw;

namespace {

constexpr int64_t kArrival = 1717200000000;  // 2024-06-01T00:00:00Z

// Routes by topic, decodes, then validates: the path every message takes in the gateway.
DecodeStatus ingest(std::string_view topic, std::string_view payload, DecodeScratch& scratch,
                    Reading& r, const DecodeLimits& limits = {}) {
  const auto routes = default_routes();
  auto driver = route_topic(routes, topic);
  if (!driver) return DecodeError{DecodeErrorCode::no_route, std::string(topic)};
  if (auto err = decode_with(*driver, topic, payload, limits, scratch, r)) return err;
  return validate_reading(r, kArrival, limits);
}

struct BadCase {
  const char* file;
  const char* topic;
  DecodeErrorCode code;
  const char* detail;  // must occur in the error detail
};

const BadCase kCorpus[] = {
    {"wmbus-truncated.json", "wmbusmeters/33225544", DecodeErrorCode::malformed, "JSON"},
    {"wmbus-total-as-string.json", "wmbusmeters/33225544", DecodeErrorCode::wrong_type, "total_m3"},
    {"wmbus-deeply-nested.json", "wmbusmeters/33225544", DecodeErrorCode::too_deep, "nested"},
    {"wmbus-invalid-utf8.json", "wmbusmeters/33225544", DecodeErrorCode::malformed, "UTF-8"},
    {"wmbus-empty.json", "wmbusmeters/33225544", DecodeErrorCode::empty, "empty"},
    {"wmbus-nan-literal.json", "wmbusmeters/33225544", DecodeErrorCode::malformed, "JSON"},
    {"wmbus-overflowing-number.json", "wmbusmeters/33225544", DecodeErrorCode::malformed, "JSON"},
    {"wmbus-register-absurd.json", "wmbusmeters/33225544", DecodeErrorCode::bad_value, "register"},
    {"wmbus-time-far-future.json", "wmbusmeters/33225544", DecodeErrorCode::bad_timestamp, "2099"},
    {"wmbus-time-before-2000.json", "wmbusmeters/33225544", DecodeErrorCode::bad_timestamp, "1999"},
    {"cjt188-bad-checksum.hex", "cjt188/line1", DecodeErrorCode::bad_checksum, "checksum"},
    {"cjt188-flow-not-bcd.hex", "cjt188/line1", DecodeErrorCode::bad_value, "cumulative flow"},
    {"z2m-battery-nan-string.json", "zigbee2mqtt/back_door", DecodeErrorCode::bad_value, "battery"},
    {"z2m-contact-as-string.json", "zigbee2mqtt/back_door", DecodeErrorCode::wrong_type, "contact"},
    {"z2m-availability-garbage.txt", "zigbee2mqtt/back_door/availability",
     DecodeErrorCode::bad_value, "availability"},
    {"facade-roi-outside-frame.json", "facade/s03", DecodeErrorCode::bad_value, "roi[0].w"},
    {"facade-unknown-phase.json", "facade/s03", DecodeErrorCode::bad_value, "phase"},
    {"facade-raw-pixel-out-of-range.f32", "facade/s03/raw", DecodeErrorCode::bad_value, "pixel 33"},
    {"native-garbage.bin", "edgegw/reading/x", DecodeErrorCode::malformed, "EGRD"},
};

void expect_rejected(const DecodeStatus& st, DecodeErrorCode code, std::string_view detail) {
  REQUIRE_MESSAGE(st.has_value(), "payload was accepted");
  CHECK_MESSAGE(st->code == code, "got " << to_string(st->code) << ": " << st->detail);
  CHECK_MESSAGE(st->detail.find(detail) != std::string::npos, st->detail);
}

}  // namespace

TEST_CASE("bad input: the committed corpus") {
  for (const BadCase& c : kCorpus) {
    CAPTURE(c.file);
    const std::string payload = fixture(std::string("bad/") + c.file);
    DecodeScratch scratch;
    Reading r;
    expect_rejected(ingest(c.topic, payload, scratch, r), c.code, c.detail);
  }
}

TEST_CASE("bad input: every corpus file is listed") {
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(EDGEGW_FIXTURES) + "/bad")) {
    const std::string name = entry.path().filename().string();
    if (name == "README.md") continue;
    CAPTURE(name);
    CHECK(std::any_of(std::begin(kCorpus), std::end(kCorpus),
                      [&](const BadCase& c) { return name == c.file; }));
  }
}

TEST_CASE("bad input: one scratch survives the whole corpus and still decodes good data") {
  DecodeScratch scratch;
  Reading r;
  for (const BadCase& c : kCorpus)
    CHECK(ingest(c.topic, fixture(std::string("bad/") + c.file), scratch, r));
  const std::string good = fixture("water/wmbus-iperl.json");
  REQUIRE_FALSE(ingest("wmbusmeters/33225544", good, scratch, r));
  CHECK(r.sensor_id == "33225544");
}

TEST_CASE("bad input: huge payloads, generated") {
  DecodeScratch scratch;
  Reading r;
  const DecodeLimits limits;
  const std::string filler(limits.max_payload_bytes, ' ');
  for (const char* topic :
       {"wmbusmeters/a", "cjt188/a", "zigbee2mqtt/a", "zigbee2mqtt/a/availability", "facade/a",
        "facade/a/raw", "edgegw/reading/a"}) {
    CAPTURE(topic);
    expect_rejected(ingest(topic, "{\"id\":\"a\"," + filler + "}", scratch, r),
                    DecodeErrorCode::too_large, "bytes");
  }
  // a frame of a million pixels is refused by size before it is parsed
  std::string big = R"({"dev":"s","frame_c":[)";
  for (int i = 0; i < 1000000; ++i) big += i ? ",31.2" : "31.2";
  expect_rejected(ingest("facade/s", big + "]}", scratch, r), DecodeErrorCode::too_large, "bytes");
  // ... and with a generous size limit, by pixel count
  DecodeLimits roomy;
  roomy.max_payload_bytes = 8 << 20;
  expect_rejected(ingest("facade/s", big + "]}", scratch, r, roomy), DecodeErrorCode::bad_value,
                  "frame_c");
  // long strings
  const std::string long_id(500, 'x');
  expect_rejected(
      ingest("wmbusmeters/a", R"({"id":")" + long_id + R"(","total_m3":1})", scratch, r),
      DecodeErrorCode::bad_value, "'id'");
  expect_rejected(ingest("facade/a", R"({"dev":")" + long_id + R"(","roi":[]})", scratch, r),
                  DecodeErrorCode::bad_value, "'dev'");
  // a vendor's flag list may be long (179 bytes seen in wmbusmeters' corpus), not unbounded
  const std::string long_status(limits.max_status_bytes + 1, 'x');
  expect_rejected(
      ingest("wmbusmeters/a", R"({"total_m3":1,"status":")" + long_status + R"("})", scratch, r),
      DecodeErrorCode::bad_value, "'status'");
}

TEST_CASE("bad input: pathological nesting, generated") {
  DecodeScratch scratch;
  Reading r;
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  const std::string deep_obj = R"({"id":"a","total_m3":1,"x":)" + deep + "}";
  for (const char* topic : {"wmbusmeters/a", "zigbee2mqtt/a", "facade/a"}) {
    CAPTURE(topic);
    expect_rejected(ingest(topic, deep, scratch, r), DecodeErrorCode::too_deep, "nested");
    expect_rejected(ingest(topic, deep_obj, scratch, r), DecodeErrorCode::too_deep, "nested");
  }
}

TEST_CASE("bad input: odd bytes") {
  DecodeScratch scratch;
  Reading r;
  const std::string nul("{\"id\":\"a\0b\",\"total_m3\":1}", 26);
  // simdjson accepts an escaped-free NUL inside a string? It must not crash either way.
  (void)ingest("wmbusmeters/a", nul, scratch, r);
  expect_rejected(ingest("wmbusmeters/a", std::string("\0\0\0\0", 4), scratch, r),
                  DecodeErrorCode::malformed, "JSON");
  expect_rejected(ingest("wmbusmeters/a", "\xEF\xBB\xBF{\"total_m3\":1}", scratch, r),
                  DecodeErrorCode::malformed, "");
  expect_rejected(ingest("cjt188/a", "\x68\x10", scratch, r), DecodeErrorCode::malformed,
                  "shorter");
  expect_rejected(ingest("nowhere/a", "{}", scratch, r), DecodeErrorCode::no_route, "nowhere");
}
