// test_drivers_wmbusmeters_alarm.cpp: wmbusmeters' alarmshell text on `wmbusmeters_alarm`.
#include <doctest/doctest.h>

#include <string>

#include "drivers/registry.h"
#include "drivers/wmbusmeters_alarm.h"
#include "tests/unit/driver_fixture.h"

using namespace edgegw;

namespace {

// What wmbusmeters' own alarm test expects its alarmshell to receive ($ALARM_TYPE, then
// $ALARM_MESSAGE = "[ALARM <type>] <info>"), with a real device in place of the simulator.
constexpr const char* kInactivity =
    "DeviceInactivity [ALARM DeviceInactivity] 4 seconds of inactivity resetting /dev/ttyUSB0 "
    "im871a (timeout 4s expected mon-sun(00-23) now 2026-05-28 20:26)";

void decode(Decoded& d, std::string_view topic, std::string_view payload,
            const DecodeLimits& limits = {}) {
  d.status = decode_wmbusmeters_alarm(topic, payload, limits, d.scratch, d.r);
}

}  // namespace

TEST_CASE("wmbusmeters_alarm: routed by default, plain text kept as the receiver's words") {
  const auto routes = default_routes();
  CHECK(route_topic(routes, "wmbusmeters_alarm") == DriverId::wmbusmeters_alarm);
  CHECK(route_topic(routes, "wmbusmeters_alarm/boxA") == DriverId::wmbusmeters_alarm);
  CHECK(route_topic(routes, "wmbusmeters/12345678") == DriverId::wmbusmeters);
  CHECK(driver_from_string("wmbusmeters_alarm") == DriverId::wmbusmeters_alarm);

  Decoded d;
  const std::string line = std::string(kInactivity) + "\n";  // the words are views into it
  decode(d, "wmbusmeters_alarm", line);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.kind == SensorKind::water);
  CHECK(d.r.sensor_id == "wmbusmeters_alarm");
  CHECK(d.r.water.alarms == kAlarmOther);
  CHECK(d.r.water.status == kInactivity);
  CHECK(d.r.time_ms == 0);  // no time in the text: the arrival time is used

  decode(d, "wmbusmeters_alarm/boxA",
         "SpecifiedDeviceNotFound [ALARM SpecifiedDeviceNotFound] the device /dev/ttyUSB0:im871a "
         "is not working");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "boxA");
  CHECK(d.r.water.status.starts_with("SpecifiedDeviceNotFound"));
}

TEST_CASE("wmbusmeters_alarm: long text is kept up to max_status_bytes, at a character edge") {
  Decoded d;
  DecodeLimits limits;
  limits.max_status_bytes = 32;
  std::string text = "DeviceFailure";
  for (int i = 0; i < 10; ++i) text += "\xc3\xa9";  // é: byte 32 is inside the 10th
  decode(d, "wmbusmeters_alarm", text, limits);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.status.size() == 31);
  CHECK(d.r.water.status == text.substr(0, d.r.water.status.size()));
  CHECK((static_cast<unsigned char>(text[d.r.water.status.size()]) & 0xc0) != 0x80);
}

TEST_CASE("wmbusmeters_alarm: rejections") {
  Decoded d;
  decode(d, "wmbusmeters_alarm", " \n");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::empty);
  decode(d, "wmbusmeters_alarm", std::string("Device\0Failure", 14));
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::malformed);
  CHECK(d.status->detail.find("0x00") != std::string::npos);
  DecodeLimits small;
  small.max_payload_bytes = 16;
  decode(d, "wmbusmeters_alarm", kInactivity, small);
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::too_large);
  decode(d, "wmbusmeters_alarm/", "DeviceFailure x");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::missing_field);
}
