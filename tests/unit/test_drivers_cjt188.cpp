// test_drivers_cjt188.cpp: CJ/T 188-2004 read-data replies, hex text and raw bytes.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "drivers/cjt188.h"
#include "tests/unit/driver_fixture.h"

using namespace edgegw;

// GCC 12 at -O3 reports false -Wstringop-overflow on the inlined byte edits of small vectors
// below (sizes are checked at run time; ASan/UBSan runs are clean).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif

namespace {

std::vector<uint8_t> hex_bytes(std::string_view hex) {
  std::vector<uint8_t> out;
  int nibble = -1;
  for (char c : hex) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0) continue;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<uint8_t>(nibble << 4 | v));
      nibble = -1;
    }
  }
  return out;
}

std::string as_raw(const std::vector<uint8_t>& b) {
  return {b.begin(), b.end()};
}

std::string as_hex(const std::vector<uint8_t>& b, const char* sep = " ") {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i) s += sep;
    s += kHex[b[i] >> 4];
    s += kHex[b[i] & 15];
  }
  return s;
}

// Recomputes CS (the byte before the final 16) over 68 .. ST.
void fix_checksum(std::vector<uint8_t>& b) {
  if (b.size() < 3) return;
  size_t start = 0;
  while (start < b.size() && b[start] == 0xFE) ++start;
  uint8_t sum = 0;
  for (size_t i = start; i + 2 < b.size(); ++i) sum = static_cast<uint8_t>(sum + b[i]);
  b[b.size() - 2] = sum;
}

// Index of the first data byte after DI and SER in the fixture (2 FE, then 68 ...).
constexpr size_t kData = 2 + 14;

void decode(Decoded& d, std::string_view payload, const Cjt188Options& opt = {}) {
  d.status = decode_cjt188("cjt188/line1", payload, DecodeLimits{}, d.scratch, d.r, opt);
}

}  // namespace

TEST_CASE("cjt188: fixture 123.45 m3 as hex text") {
  const std::string p = fixture("water/constructed-cjt188-123.45m3.hex");
  Decoded d;
  decode(d, p);
  REQUIRE_MESSAGE(!d.status, (d.status ? d.status->detail : ""));
  CHECK(d.r.sensor_id == "00000012345678");
  CHECK(d.r.kind == SensorKind::water);
  CHECK(d.r.water.total_m3 == doctest::Approx(123.45));
  CHECK(std::isnan(d.r.water.flow_m3h));
  CHECK(d.r.water.alarms == kAlarmNone);
  // meter clock 2024-05-17 08:30:00 at UTC+8
  CHECK(d.r.time_ms == 1715905800000);  // 2024-05-17T00:30:00Z
  CHECK(d.r.sensor_id.data() == d.scratch.sensor_id.data());
}

TEST_CASE("cjt188: status 05 00 = valve closed and battery low by default") {
  const std::string p = fixture("water/constructed-cjt188-status-0500.hex");
  Decoded d;
  decode(d, p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "00000012345678");
  CHECK(d.r.water.total_m3 == doctest::Approx(123.45));
  CHECK(d.r.water.alarms == (kAlarmValveClosed | kAlarmLowBattery));
}

TEST_CASE("cjt188: status table is per vendor") {
  Cjt188Options opt;
  opt.status = {};
  opt.status.bits[0] = {8, kAlarmValveClosed};
  opt.status.bits[1] = {10, kAlarmLowBattery};
  opt.status.bits[2] = {3, kAlarmTamper};
  opt.status.count = 3;
  CHECK(cjt188_status_to_alarms(0x0005, opt.status) == kAlarmNone);
  CHECK(cjt188_status_to_alarms(0x0500, opt.status) == (kAlarmValveClosed | kAlarmLowBattery));
  CHECK(cjt188_status_to_alarms(0x0008, opt.status) == kAlarmTamper);
  CHECK(cjt188_status_to_alarms(0x0003, default_cjt188_status_map()) ==
        (kAlarmValveClosed | kAlarmOther));  // valve abnormal
  CHECK(cjt188_status_to_alarms(0xFFF8, default_cjt188_status_map()) == kAlarmNone);

  std::string p = fixture("water/constructed-cjt188-status-0500.hex");
  Decoded d;
  decode(d, p, opt);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.alarms == kAlarmNone);
  opt.status.count = 0;
  decode(d, p, opt);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.alarms == kAlarmNone);
}

TEST_CASE("cjt188: raw bytes, no spaces, lower case, no preamble, trailing newline") {
  const auto bytes = hex_bytes(fixture("water/constructed-cjt188-123.45m3.hex"));
  REQUIRE(bytes.size() == 37);
  std::string lower = as_hex(bytes, "");
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::vector<uint8_t> no_preamble(bytes.begin() + 2, bytes.end());
  for (const std::string& p : {as_raw(bytes), as_hex(bytes, ""), lower, as_raw(no_preamble),
                               as_hex(no_preamble), as_hex(bytes, "\t") + "\r\n"}) {
    Decoded d;
    decode(d, p);
    REQUIRE_MESSAGE(!d.status, (d.status ? d.status->detail : ""));
    CHECK(d.r.sensor_id == "00000012345678");
    CHECK(d.r.water.total_m3 == doctest::Approx(123.45));
    CHECK(d.r.time_ms == 1715905800000);
  }
}

TEST_CASE("cjt188: UTC offset is an option") {
  Cjt188Options opt;
  opt.utc_offset_minutes = 0;
  Decoded d;
  decode(d, fixture("water/constructed-cjt188-123.45m3.hex"), opt);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.time_ms == 1715934600000);  // 2024-05-17T08:30:00Z
}

TEST_CASE("cjt188: litres, zero time, address digits") {
  auto b = hex_bytes(fixture("water/constructed-cjt188-123.45m3.hex"));
  b[kData + 4] = 0x29;                                   // L
  for (size_t i = 0; i < 7; ++i) b[kData + 10 + i] = 0;  // no meter time
  b[4] = 0x90;
  b[10] = 0x12;  // address A0 and A6
  fix_checksum(b);
  Decoded d;
  decode(d, as_raw(b));
  REQUIRE_MESSAGE(!d.status, (d.status ? d.status->detail : ""));
  CHECK(d.r.water.total_m3 == doctest::Approx(0.12345));
  CHECK(d.r.time_ms == 0);
  CHECK(d.r.sensor_id == "12000012345690");
}

TEST_CASE("cjt188: rejections name the problem") {
  const auto good = hex_bytes(fixture("water/constructed-cjt188-123.45m3.hex"));
  struct Case {
    const char* name;
    std::vector<uint8_t> bytes;
    DecodeErrorCode code;
    const char* detail;
  };
  std::vector<Case> cases;
  auto with = [&](const char* name, auto mutate, DecodeErrorCode code, const char* detail,
                  bool fix = true) {
    auto b = good;
    mutate(b);
    if (fix) fix_checksum(b);
    cases.push_back({name, b, code, detail});
  };
  with(
      "checksum", [](auto& b) { b.at(b.size() - 2) ^= 1; }, DecodeErrorCode::bad_checksum,
      "checksum", false);
  with(
      "payload bit flip", [](auto& b) { b[kData] ^= 0x10; }, DecodeErrorCode::bad_checksum,
      "checksum", false);
  with(
      "end byte", [](auto& b) { b.back() = 0x17; }, DecodeErrorCode::malformed, "ends with");
  with(
      "start byte", [](auto& b) { b[2] = 0x69; }, DecodeErrorCode::malformed, "starts with");
  with(
      "truncated", [](auto& b) { b.resize(b.size() - 3); }, DecodeErrorCode::malformed, "truncated",
      false);
  with(
      "trailing", [](auto& b) { b.push_back(0); }, DecodeErrorCode::malformed, "after the end",
      false);
  with(
      "gas meter", [](auto& b) { b[3] = 0x30; }, DecodeErrorCode::unsupported, "meter type 30");
  with(
      "error reply", [](auto& b) { b[11] = 0xC1; }, DecodeErrorCode::unsupported, "error");
  with(
      "request", [](auto& b) { b[11] = 0x01; }, DecodeErrorCode::unsupported, "control code 01");
  with(
      "other DI",
      [](auto& b) {
        b[13] = 0xD1;
        b[14] = 0x20;
      },
      DecodeErrorCode::unsupported, "D120");
  with(
      "unit", [](auto& b) { b[kData + 4] = 0x35; }, DecodeErrorCode::unsupported, "unit 35");
  with(
      "not BCD", [](auto& b) { b[kData + 1] = 0x2A; }, DecodeErrorCode::bad_value,
      "cumulative flow bytes 45 2A 01 00");
  with(
      "month 13", [](auto& b) { b[kData + 14] = 0x13; }, DecodeErrorCode::bad_timestamp,
      "meter time");
  with(
      "Feb 30",
      [](auto& b) {
        b[kData + 13] = 0x30;
        b[kData + 14] = 0x02;
      },
      DecodeErrorCode::bad_timestamp, "meter time");
  with(
      "hour BCD", [](auto& b) { b[kData + 12] = 0x0A; }, DecodeErrorCode::bad_timestamp,
      "meter time");
  with(
      "length byte",
      [](auto& b) {
        b[12] = 0x15;
        b.erase(b.end() - 3);
      },
      DecodeErrorCode::malformed, "length byte 21");
  with(
      "only FE", [](auto& b) { b.assign(20, 0xFE); }, DecodeErrorCode::malformed, "shorter", false);
  for (const auto& c : cases) {
    CAPTURE(c.name);
    Decoded d;
    decode(d, as_raw(c.bytes));
    REQUIRE(d.status);
    CHECK(d.status->code == c.code);
    CHECK_MESSAGE(d.status->detail.find(c.detail) != std::string::npos, d.status->detail);
    // the hex form is rejected the same way
    Decoded h;
    decode(h, as_hex(c.bytes));
    REQUIRE(h.status);
    CHECK(h.status->code == c.code);
  }
}

TEST_CASE("cjt188: bad hex text") {
  Decoded d;
  decode(d, "");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::empty);
  decode(d, "FE FE 6");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::malformed);
  CHECK(d.status->detail.find("middle of a byte") != std::string::npos);
  decode(d, "FE F E");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::malformed);
  decode(d, "FE FE 68 10 ZZ");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::malformed);
  CHECK(d.status->detail.find("'Z' at offset 12") != std::string::npos);
  decode(d, "0x68");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::malformed);
  decode(d, "   \n");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::malformed);
  decode(d, std::string(2000, 'F'));
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::too_large);
  decode(d, std::string(400, '\xFE'));
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::too_large);
}
