// test_drivers_zigbee2mqtt.cpp: Zigbee2MQTT door contact state and availability messages.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include "drivers/zigbee2mqtt.h"
#include "tests/unit/driver_fixture.h"

using namespace edgegw;

namespace {

void state(Decoded& d, std::string_view topic, std::string_view payload) {
  d.status = decode_zigbee2mqtt(topic, payload, DecodeLimits{}, d.scratch, d.r);
}

void avail(Decoded& d, std::string_view topic, std::string_view payload) {
  d.status = decode_zigbee2mqtt_availability(topic, payload, DecodeLimits{}, d.scratch, d.r);
}

void expect_error(const Decoded& d, DecodeErrorCode code, std::string_view field) {
  REQUIRE(d.status);
  CHECK(d.status->code == code);
  CHECK_MESSAGE(d.status->detail.find(field) != std::string::npos, d.status->detail);
}

}  // namespace

TEST_CASE("z2m: night-time door opening (constructed)") {
  const std::string p = fixture("door/constructed-z2m-night-open.json");
  Decoded d;
  state(d, "zigbee2mqtt/back_door", p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "back_door");
  CHECK(d.r.kind == SensorKind::door);
  REQUIRE(d.r.door.contact_closed.has_value());
  CHECK_FALSE(*d.r.door.contact_closed);  // contact false = OPEN
  CHECK(d.r.battery_pct == 92.0f);
  CHECK(d.r.link_quality == 61);
  CHECK(d.r.time_ms == 1715971212000);  // last_seen 2024-05-17T18:40:12Z
  CHECK_FALSE(d.r.door.tamper);
  CHECK(d.r.availability == Availability::unknown);
}

TEST_CASE("z2m: Aqara MCCGQ11LM open, no last_seen") {
  const std::string p = fixture("door/z2m-mccgq11lm-open.json");
  Decoded d;
  state(d, "zigbee2mqtt/door1", p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "door1");
  REQUIRE(d.r.door.contact_closed.has_value());
  CHECK_FALSE(*d.r.door.contact_closed);
  CHECK(d.r.battery_pct == 100.0f);
  CHECK(d.r.link_quality == 153);
  CHECK(d.r.time_ms == 0);
}

TEST_CASE("z2m: closed contact without battery") {
  const std::string p = fixture("door/z2m-contact-no-battery.json");
  Decoded d;
  state(d, "zigbee2mqtt/Front Door", p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "Front Door");
  REQUIRE(d.r.door.contact_closed.has_value());
  CHECK(*d.r.door.contact_closed);  // contact true = CLOSED
  CHECK(std::isnan(d.r.battery_pct));
  CHECK(d.r.link_quality == 144);
  CHECK(d.r.time_ms == 1712611296794);  // 2024-04-08T21:21:36.794Z
}

TEST_CASE("z2m: battery as a string (older firmware), no contact field") {
  const std::string p = fixture("door/z2m-battery-string.json");
  Decoded d;
  state(d, "zigbee2mqtt/hall", p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.battery_pct == 100.0f);
  CHECK_FALSE(d.r.door.contact_closed.has_value());
  CHECK(d.r.link_quality == 136);
  CHECK(d.r.time_ms == 0);

  state(d, "zigbee2mqtt/hall", R"({"battery":"37.5"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.battery_pct == 37.5f);
}

TEST_CASE("z2m: tamper and last_seen variants") {
  Decoded d;
  state(d, "zigbee2mqtt/d", R"({"contact":true,"tamper":true})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.door.tamper);
  // ISO_8601 (UTC), Zigbee2MQTT's default string form
  state(d, "zigbee2mqtt/d", R"({"last_seen":"2024-05-17T18:40:12.000Z"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.time_ms == 1715971212000);
  state(d, "zigbee2mqtt/d", R"({"last_seen":"2024-05-17T18:40:12Z"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.time_ms == 1715971212000);
  // ISO_8601_local
  state(d, "zigbee2mqtt/d", R"({"last_seen":"2024-05-17T20:40:12+02:00"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.time_ms == 1715971212000);
  state(d, "zigbee2mqtt/d", R"({"last_seen":"2024-05-17T13:40:12.000-05:00"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.time_ms == 1715971212000);
  // epoch
  state(d, "zigbee2mqtt/d", R"({"last_seen":1715971212000})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.time_ms == 1715971212000);
  state(d, "zigbee2mqtt/d", R"({"battery":null,"linkquality":null,"last_seen":null})");
  REQUIRE_FALSE(d.status);
  CHECK(std::isnan(d.r.battery_pct));
  CHECK(d.r.link_quality == -1);
}

TEST_CASE("z2m: rejections name the field") {
  Decoded d;
  state(d, "zigbee2mqtt/d", R"({"contact":"open"})");
  expect_error(d, DecodeErrorCode::wrong_type, "contact");
  state(d, "zigbee2mqtt/d", R"({"battery":"full"})");
  expect_error(d, DecodeErrorCode::bad_value, "battery");
  state(d, "zigbee2mqtt/d", R"({"battery":"NaN"})");
  expect_error(d, DecodeErrorCode::bad_value, "battery");
  state(d, "zigbee2mqtt/d", R"({"battery":"100%"})");
  expect_error(d, DecodeErrorCode::bad_value, "battery");
  state(d, "zigbee2mqtt/d", R"({"battery":150})");
  expect_error(d, DecodeErrorCode::bad_value, "battery");
  state(d, "zigbee2mqtt/d", R"({"battery":[1]})");
  expect_error(d, DecodeErrorCode::wrong_type, "battery");
  state(d, "zigbee2mqtt/d", R"({"linkquality":300})");
  expect_error(d, DecodeErrorCode::bad_value, "linkquality");
  state(d, "zigbee2mqtt/d", R"({"linkquality":"good"})");
  expect_error(d, DecodeErrorCode::wrong_type, "linkquality");
  state(d, "zigbee2mqtt/d", R"({"voltage":"3V"})");
  expect_error(d, DecodeErrorCode::wrong_type, "voltage");
  state(d, "zigbee2mqtt/d", R"({"tamper":1})");
  expect_error(d, DecodeErrorCode::wrong_type, "tamper");
  state(d, "zigbee2mqtt/d", R"({"last_seen":"yesterday"})");
  expect_error(d, DecodeErrorCode::bad_timestamp, "last_seen");
  state(d, "zigbee2mqtt/d", R"({"last_seen":-5})");
  expect_error(d, DecodeErrorCode::bad_timestamp, "last_seen");
  state(d, "zigbee2mqtt/d", R"({"last_seen":"2024-05-17T20:40:12+99:00"})");
  expect_error(d, DecodeErrorCode::bad_timestamp, "last_seen");
  state(d, "zigbee2mqtt/d", R"(true)");
  expect_error(d, DecodeErrorCode::wrong_type, "object");
  state(d, "zigbee2mqtt", R"({"contact":true})");
  expect_error(d, DecodeErrorCode::missing_field, "friendly name");
  state(d, "zigbee2mqtt/" + std::string(200, 'n'), R"({"contact":true})");
  expect_error(d, DecodeErrorCode::bad_value, "friendly name");
}

TEST_CASE("z2m availability: legacy text and JSON") {
  Decoded d;
  avail(d, "zigbee2mqtt/back_door/availability", fixture("door/z2m-availability-legacy.txt"));
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "back_door");
  CHECK(d.r.kind == SensorKind::door);
  CHECK(d.r.availability == Availability::offline);
  CHECK(d.r.time_ms == 0);
  CHECK_FALSE(d.r.door.contact_closed.has_value());

  avail(d, "zigbee2mqtt/back_door/availability", fixture("door/z2m-availability-json.json"));
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "back_door");
  CHECK(d.r.availability == Availability::offline);

  avail(d, "zigbee2mqtt/back_door/availability", "online\n");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.availability == Availability::online);
  avail(d, "zigbee2mqtt/back_door/availability", R"({"state":"online"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.availability == Availability::online);
}

TEST_CASE("z2m availability: rejections") {
  Decoded d;
  avail(d, "zigbee2mqtt/d/availability", "");
  expect_error(d, DecodeErrorCode::empty, "availability");
  avail(d, "zigbee2mqtt/d/availability", "maybe");
  expect_error(d, DecodeErrorCode::bad_value, "'maybe'");
  avail(d, "zigbee2mqtt/d/availability", "\xff\xfe");
  expect_error(d, DecodeErrorCode::bad_value, "non-printable");
  avail(d, "zigbee2mqtt/d/availability", R"({"state":"sleeping"})");
  expect_error(d, DecodeErrorCode::bad_value, "state");
  avail(d, "zigbee2mqtt/d/availability", R"({"status":"online"})");
  expect_error(d, DecodeErrorCode::missing_field, "state");
  avail(d, "zigbee2mqtt/d/availability", R"({"state":true})");
  expect_error(d, DecodeErrorCode::wrong_type, "state");
  avail(d, "zigbee2mqtt/d/availability", R"({"state":"online")");
  expect_error(d, DecodeErrorCode::malformed, "JSON");
  avail(d, "zigbee2mqtt//availability", "online");
  expect_error(d, DecodeErrorCode::missing_field, "friendly name");
}

TEST_CASE("z2m: battery_low flag") {
  Decoded d;
  state(d, "zigbee2mqtt/d", R"({"contact":true,"battery_low":true})");
  REQUIRE_FALSE(d.status);
  REQUIRE(d.r.door.battery_low.has_value());
  CHECK(*d.r.door.battery_low);
  state(d, "zigbee2mqtt/d", R"({"contact":true})");
  REQUIRE_FALSE(d.status);
  CHECK_FALSE(d.r.door.battery_low.has_value());
  state(d, "zigbee2mqtt/d", R"({"battery_low":"true"})");
  expect_error(d, DecodeErrorCode::wrong_type, "battery_low");
}
