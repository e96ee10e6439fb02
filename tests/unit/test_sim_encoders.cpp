// test_sim_encoders.cpp: every payload fleetsim sends decodes back with the gateway's drivers.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "drivers/registry.h"
#include "drivers/timestamp.h"
#include "simulator/encoders.h"
#include "simulator/rng.h"

using namespace fleetsim;
using edgegw::DriverId;

namespace {

struct Decoded {
  edgegw::DecodeStatus status;
  edgegw::Reading reading;
  std::string sensor;
};

Decoded decode(DriverId d, const std::string& topic, const std::string& payload) {
  static edgegw::DecodeScratch scratch;
  Decoded out;
  out.status = edgegw::decode_with(d, topic, payload, edgegw::DecodeLimits{}, scratch, out.reading);
  out.sensor = std::string(out.reading.sensor_id);
  return out;
}

const int64_t kT = *edgegw::parse_iso8601_utc("2024-05-17T00:30:00Z");

}  // namespace

TEST_CASE("sim: wmbusmeters JSON decodes to the register, id and time") {
  MeterSample s{"wm-00042", kT, 123.4567, false, 11.5, 3};
  const auto d = decode(DriverId::wmbusmeters, meter_topic(MeterFormat::wmbus, s.meter_id),
                        encode_wmbus_json(s));
  REQUIRE_FALSE(d.status);
  CHECK(d.sensor == "wm-00042");
  CHECK(d.reading.time_ms == kT);
  CHECK(d.reading.water.total_m3 == doctest::Approx(123.456));  // the register truncates
  CHECK(d.reading.water.alarms == edgegw::kAlarmNone);
  s.low_battery = true;
  s.battery_years = 0.2;
  const auto low = decode(DriverId::wmbusmeters, "wmbusmeters/wm-00042", encode_wmbus_json(s));
  REQUIRE_FALSE(low.status);
  CHECK((low.reading.water.alarms & edgegw::kAlarmLowBattery) != 0);
  CHECK(low.reading.battery_years == doctest::Approx(0.2));
}

TEST_CASE("sim: CJ/T 188 frame matches the fixture layout, checksum and decodes back") {
  // The fixture: meter 00000012345678, 123.45 m3, 2024-05-17 08:30:00 local (UTC+8).
  MeterSample s{"00000012345678", kT, 123.45, false, 12, 0};
  const auto frame = cjt188_frame(s, 480);
  REQUIRE(frame.size() == 37);
  unsigned cs = 0;
  for (size_t i = 2; i < frame.size() - 2; ++i) cs += frame[i];
  CHECK(frame[frame.size() - 2] == (cs & 0xFF));
  std::ifstream in(std::string(EDGEGW_FIXTURES) + "/water/constructed-cjt188-123.45m3.hex");
  std::string fixture{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string hex = encode_cjt188_hex(s, 480);
  // Same bytes up to the settlement-day flow (which the simulator fills with its own value).
  CHECK(hex.substr(0, 20 * 3) == fixture.substr(0, 20 * 3));
  CHECK(hex.substr(26 * 3, 9 * 3) == fixture.substr(26 * 3, 9 * 3));  // time and status

  const auto d = decode(DriverId::cjt188, meter_topic(MeterFormat::cjt188, s.meter_id), hex);
  REQUIRE_FALSE(d.status);
  CHECK(d.sensor == "00000012345678");
  CHECK(d.reading.time_ms == kT);
  CHECK(d.reading.water.total_m3 == doctest::Approx(123.45));
  s.low_battery = true;
  const auto low = decode(DriverId::cjt188, "cjt188/00000012345678", encode_cjt188_hex(s, 480));
  REQUIRE_FALSE(low.status);
  CHECK((low.reading.water.alarms & edgegw::kAlarmLowBattery) != 0);
}

TEST_CASE("sim: CJ/T 188 time crosses local midnight and year correctly") {
  const int64_t t = *edgegw::parse_iso8601_utc("2024-12-31T16:00:05Z");  // 2025-01-01 00:00:05 +8
  MeterSample s{"00000010000001", t, 7.0, false, 12, 9};
  const auto d = decode(DriverId::cjt188, "cjt188/00000010000001", encode_cjt188_hex(s, 480));
  REQUIRE_FALSE(d.status);
  CHECK(d.reading.time_ms == t);
}

TEST_CASE("sim: Zigbee2MQTT contact JSON decodes with contact true = closed") {
  DoorSample s{"door-00007", kT, false, 88, 130};
  const auto d =
      decode(DriverId::zigbee2mqtt, door_topic(DoorFormat::zigbee2mqtt, s.door_id), encode_z2m(s));
  REQUIRE_FALSE(d.status);
  CHECK(d.sensor == "door-00007");
  CHECK(d.reading.time_ms == kT);
  REQUIRE(d.reading.door.contact_closed.has_value());
  CHECK_FALSE(*d.reading.door.contact_closed);
  CHECK(d.reading.battery_pct == doctest::Approx(88));
  s.closed = true;
  const auto c = decode(DriverId::zigbee2mqtt, "zigbee2mqtt/door-00007", encode_z2m(s));
  REQUIRE_FALSE(c.status);
  CHECK(*c.reading.door.contact_closed);
}

TEST_CASE("sim: native FlatBuffer readings decode for water, door and facade") {
  MeterSample m{"wm-00001", kT, 55.5, true, 0.1, 0};
  const auto w = decode(DriverId::native, meter_topic(MeterFormat::native, "wm-00001"),
                        encode_native_water(m));
  REQUIRE_FALSE(w.status);
  CHECK(w.sensor == "wm-00001");
  CHECK(w.reading.kind == edgegw::SensorKind::water);
  CHECK(w.reading.time_ms == kT);
  CHECK(w.reading.water.total_m3 == doctest::Approx(55.5));
  CHECK((w.reading.water.alarms & edgegw::kAlarmLowBattery) != 0);

  DoorSample ds{"door-00001", kT, true, 7, 100};
  const auto d = decode(DriverId::native, "edgegw/reading/door-00001", encode_native_door(ds));
  REQUIRE_FALSE(d.status);
  CHECK(d.reading.kind == edgegw::SensorKind::door);
  CHECK(*d.reading.door.contact_closed);
  CHECK(d.reading.battery_pct == doctest::Approx(7));

  FacadeSample fs;
  fs.sensor_id = "fac-001-01";
  fs.time_ms = kT;
  fs.phase = Phase::heating;
  fs.ref_c = 31.1;
  fs.roi.push_back({12, 7, 3, 2, 32.4, 1.3, 6});
  const auto f = decode(DriverId::native, "edgegw/reading/fac-001-01", encode_native_facade(fs));
  REQUIRE_FALSE(f.status);
  CHECK(f.reading.kind == edgegw::SensorKind::facade);
  CHECK(f.reading.facade.phase == edgegw::FacadePhase::heating);
  REQUIRE(f.reading.facade.regions.size() == 1);
  CHECK(f.reading.facade.regions[0].frames == 6);
  CHECK(f.reading.facade.regions[0].dt_c == doctest::Approx(1.3));
}

TEST_CASE("sim: facade region JSON and full frame JSON decode") {
  FacadeSample fs;
  fs.sensor_id = "fac-002-01";
  fs.time_ms = kT;
  fs.phase = Phase::cooling;
  fs.ref_c = 24.6;
  fs.rain = true;
  fs.roi.push_back({12, 7, 3, 2, 23.9, -0.7, 5});
  const auto r = decode(DriverId::facade_json, facade_topic(FacadeFormat::roi, "fac-002-01"),
                        encode_facade_roi_json(fs));
  REQUIRE_FALSE(r.status);
  CHECK(r.sensor == "fac-002-01");
  CHECK(r.reading.time_ms == kT);
  CHECK(r.reading.facade.phase == edgegw::FacadePhase::cooling);
  CHECK(r.reading.facade.rain);
  REQUIRE(r.reading.facade.regions.size() == 1);
  CHECK(r.reading.facade.regions[0].dt_c == doctest::Approx(-0.7));

  fs.frame.assign(kFrameW * kFrameH, 24.5f);
  const auto f = decode(DriverId::facade_json, "facade/fac-002-01", encode_facade_frame_json(fs));
  REQUIRE_FALSE(f.status);
  CHECK(f.reading.facade.frame_c.size() == static_cast<size_t>(kFrameW * kFrameH));
}

TEST_CASE("sim: garbage payloads are refused by the drivers") {
  auto rng = make_rng(7, Stream::meter, 1);
  for (int i = 0; i < 60; ++i) {
    MeterSample s{i % 2 ? "wm-00003" : "00000010000003", kT, 10.0, false, 12, 0};
    const MeterFormat f = static_cast<MeterFormat>(i % 3);
    if (f == MeterFormat::cjt188) s.meter_id = "00000010000003";
    const std::string payload = garbage_meter_payload(rng, f, s, 480);
    const DriverId d = f == MeterFormat::cjt188   ? DriverId::cjt188
                       : f == MeterFormat::native ? DriverId::native
                                                  : DriverId::wmbusmeters;
    const auto out = decode(d, meter_topic(f, s.meter_id), payload);
    CHECK_MESSAGE(out.status.has_value(),
                  "format " << int(i % 3) << " payload accepted: " << payload);
  }
}
