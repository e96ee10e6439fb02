// test_topic_routing.cpp: MQTT topic filters, the default routes and decode_with dispatch.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "drivers/registry.h"
#include "tests/unit/driver_fixture.h"

using namespace edgegw;

TEST_CASE("routing: topic filters") {
  CHECK(topic_matches("a/b", "a/b"));
  CHECK_FALSE(topic_matches("a/b", "a/c"));
  CHECK_FALSE(topic_matches("a/b", "a/b/c"));
  CHECK_FALSE(topic_matches("a/b/c", "a/b"));
  CHECK(topic_matches("a/+", "a/b"));
  CHECK(topic_matches("a/+", "a/"));  // empty level matches +
  CHECK_FALSE(topic_matches("a/+", "a"));
  CHECK_FALSE(topic_matches("a/+", "a/b/c"));
  CHECK(topic_matches("+/+", "a/b"));
  CHECK(topic_matches("a/+/c", "a/b/c"));
  CHECK(topic_matches("#", "a/b/c"));
  CHECK(topic_matches("a/#", "a/b/c"));
  CHECK(topic_matches("a/#", "a"));
  CHECK_FALSE(topic_matches("a/#", "b/c"));
  CHECK_FALSE(topic_matches("#", "$SYS/broker"));
  CHECK_FALSE(topic_matches("+/broker", "$SYS/broker"));
  CHECK(topic_matches("$SYS/#", "$SYS/broker"));
  CHECK_FALSE(topic_matches("", "a"));
  CHECK(topic_matches("", ""));
}

TEST_CASE("routing: the bridges' conventions") {
  const auto routes = default_routes();
  CHECK(route_topic(routes, "wmbusmeters/33225544") == DriverId::wmbusmeters);
  CHECK(route_topic(routes, "cjt188/line1") == DriverId::cjt188);
  CHECK(route_topic(routes, "zigbee2mqtt/back_door") == DriverId::zigbee2mqtt);
  CHECK(route_topic(routes, "zigbee2mqtt/back_door/availability") ==
        DriverId::zigbee2mqtt_availability);
  CHECK(route_topic(routes, "facade/s03") == DriverId::facade_json);
  CHECK(route_topic(routes, "facade/s03/raw") == DriverId::facade_raw);
  CHECK(route_topic(routes, "edgegw/reading/m1") == DriverId::native);
  CHECK_FALSE(route_topic(routes, "zigbee2mqtt/bridge/state"));
  CHECK_FALSE(route_topic(routes, "zigbee2mqtt/back_door/set"));
  CHECK_FALSE(route_topic(routes, "wmbusmeters"));
  CHECK_FALSE(route_topic(routes, "other/x"));
  CHECK_FALSE(route_topic({}, "wmbusmeters/1"));
}

TEST_CASE("routing: driver names") {
  for (DriverId id : {DriverId::wmbusmeters, DriverId::cjt188, DriverId::zigbee2mqtt,
                      DriverId::zigbee2mqtt_availability, DriverId::facade_json,
                      DriverId::facade_raw, DriverId::native}) {
    CAPTURE(to_string(id));
    CHECK(driver_from_string(to_string(id)) == id);
  }
  CHECK_FALSE(driver_from_string("modbus"));
  CHECK(to_string(static_cast<DriverId>(200)) == "unknown");
}

TEST_CASE("routing: every fixture decodes through its route") {
  struct Case {
    const char* file;
    const char* topic;
    SensorKind kind;
    const char* id;
  };
  const Case cases[] = {
      {"water/wmbus-iperl.json", "wmbusmeters/MyTapWater", SensorKind::water, "33225544"},
      {"water/wmbus-multical21.json", "wmbusmeters/MyTapWater", SensorKind::water, "12345678"},
      {"water/wmbus-izar-alarms.json", "wmbusmeters/IzarWater", SensorKind::water, "21242472"},
      {"water/wmbus-hydrus.json", "wmbusmeters/HydrusWater", SensorKind::water, "64646464"},
      {"water/wmbus-kamwater-error.json", "wmbusmeters/Votten", SensorKind::water, "23813076"},
      {"water/constructed-cjt188-123.45m3.hex", "cjt188/line1", SensorKind::water,
       "00000012345678"},
      {"water/constructed-cjt188-status-0500.hex", "cjt188/line1", SensorKind::water,
       "00000012345678"},
      {"door/constructed-z2m-night-open.json", "zigbee2mqtt/back_door", SensorKind::door,
       "back_door"},
      {"door/z2m-battery-string.json", "zigbee2mqtt/hall", SensorKind::door, "hall"},
      {"door/z2m-contact-no-battery.json", "zigbee2mqtt/front", SensorKind::door, "front"},
      {"door/z2m-mccgq11lm-open.json", "zigbee2mqtt/door1", SensorKind::door, "door1"},
      {"door/z2m-availability-json.json", "zigbee2mqtt/door1/availability", SensorKind::door,
       "door1"},
      {"door/z2m-availability-legacy.txt", "zigbee2mqtt/door1/availability", SensorKind::door,
       "door1"},
      {"facade/constructed-mlx90640-frame-hotspot.json", "facade/s03", SensorKind::facade,
       "facade-b12-s03"},
      {"facade/constructed-mlx90640-frame-hotspot.f32", "facade/facade-b12-s03/raw",
       SensorKind::facade, "facade-b12-s03"},
      {"facade/constructed-roi-heating.json", "facade/s03", SensorKind::facade, "facade-b12-s03"},
      {"facade/constructed-roi-cooling.json", "facade/s03", SensorKind::facade, "facade-b12-s03"},
  };
  const auto routes = default_routes();
  DecodeScratch scratch;
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const std::string payload = fixture(c.file);
    auto driver = route_topic(routes, c.topic);
    REQUIRE(driver);
    Reading r;
    auto st = decode_with(*driver, c.topic, payload, DecodeLimits{}, scratch, r);
    REQUIRE_MESSAGE(!st, (st ? st->detail : ""));
    CHECK(r.kind == c.kind);
    CHECK(r.sensor_id == c.id);
  }
}

TEST_CASE("routing: decode_with rejects an unknown driver id") {
  DecodeScratch scratch;
  Reading r;
  auto st = decode_with(static_cast<DriverId>(99), "x", "{}", DecodeLimits{}, scratch, r);
  REQUIRE(st);
  CHECK(st->code == DecodeErrorCode::unsupported);
}
