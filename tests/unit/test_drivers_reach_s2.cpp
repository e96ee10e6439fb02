// test_drivers_reach_s2.cpp: what the drivers decode reaches the device-health rules through the
// gateway's pipeline: Zigbee2MQTT battery_low and tamper, Zigbee2MQTT 2.x availability, the
// wmbusmeters alarm topic, and meter reports without a register keeping a meter "seen" (S1).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "gateway/alert/alert_codec.h"
#include "gateway/config.h"
#include "gateway/ingest/pipeline.h"

using namespace edgegw;

namespace {

constexpr int64_t kMin = 60'000, kHour = 60 * kMin;
constexpr int64_t kT0 = 1780000000000;  // 2026-05-28T20:26:40Z

struct Gw {
  Config config = [] {
    Config c;
    c.clock = ClockMode::event;
    return c;
  }();
  Pipeline pipeline{config, nullptr};
  std::vector<Alert> alerts;
  void send(std::string_view topic, std::string_view payload, int64_t arrival) {
    pipeline.handle(topic, payload, arrival, alerts);
  }
  const Alert* find(std::string_view sensor, AlertKind kind, AlertState state) const {
    for (const Alert& a : alerts)
      if (a.sensor_id == sensor && a.kind == kind && a.state == state) return &a;
    return nullptr;
  }
  uint64_t rejected() const {
    uint64_t n = 0;
    for (uint64_t r : pipeline.counters().rejected_by_reason) n += r;
    return n;
  }
};

std::string meter_json(std::string_view id, int64_t t, const char* register_field) {
  return fmt::format(
      R"({{"_":"telegram","media":"water","driver":"kamwater","id":"{}",{}"status":"OK","timestamp":"{}"}})",
      id, register_field, format_iso8601_utc(t));
}

}  // namespace

TEST_CASE("z2m door: battery_low true raises S2 battery with the device's word, false clears") {
  Gw gw;
  gw.send("zigbee2mqtt/back_door", R"({"contact":true,"battery_low":true,"linkquality":120})", kT0);
  const Alert* low = gw.find("back_door", AlertKind::BatteryLow, AlertState::Raised);
  REQUIRE(low);
  CHECK(low->rule == Rule::S2);
  CHECK(low->audience == Audience::Maintenance);
  CHECK(low->detail == "battery_low");
  // A level above the threshold does not hide the device's own flag.
  gw.send("zigbee2mqtt/back_door", R"({"contact":true,"battery":90,"battery_low":true})",
          kT0 + kMin);
  CHECK_FALSE(gw.find("back_door", AlertKind::BatteryLow, AlertState::Cleared));
  gw.send("zigbee2mqtt/back_door", R"({"contact":true,"battery_low":false})", kT0 + 2 * kMin);
  CHECK(gw.find("back_door", AlertKind::BatteryLow, AlertState::Cleared));
  gw.send("zigbee2mqtt/back_door", R"({"contact":true,"battery_low":"yes"})", kT0 + 3 * kMin);
  CHECK(gw.rejected() == 1);  // wrong type: counted and named, not silently true
}

TEST_CASE("z2m door: tamper raises S2 tamper, a report without it clears") {
  Gw gw;
  gw.send("zigbee2mqtt/front_door", R"({"contact":false,"tamper":true})", kT0);
  const Alert* t = gw.find("front_door", AlertKind::Tamper, AlertState::Raised);
  REQUIRE(t);
  CHECK(t->rule == Rule::S2);
  CHECK(t->detail == "tamper");
  gw.send("zigbee2mqtt/front_door", R"({"contact":true,"tamper":false})", kT0 + kMin);
  CHECK(gw.find("front_door", AlertKind::Tamper, AlertState::Cleared));
}

TEST_CASE("z2m availability: 2.x JSON and legacy text both drive S1") {
  Gw gw;
  gw.send("zigbee2mqtt/hall/availability", R"({"state":"offline"})", kT0);
  CHECK(gw.find("hall", AlertKind::SensorSilent, AlertState::Raised));
  gw.send("zigbee2mqtt/hall/availability", R"({"state":"online"})", kT0 + kMin);
  CHECK(gw.find("hall", AlertKind::SensorSilent, AlertState::Cleared));
  gw.send("zigbee2mqtt/attic/availability", "offline", kT0 + 2 * kMin);
  CHECK(gw.find("attic", AlertKind::SensorSilent, AlertState::Raised));
  CHECK(gw.rejected() == 0);
}

TEST_CASE("wmbusmeters_alarm: plain text becomes an S2 meter alarm with wmbusmeters' words") {
  Gw gw;
  const std::string text =
      "DeviceInactivity [ALARM DeviceInactivity] 3600 seconds of inactivity resetting "
      "/dev/ttyUSB0 im871a (timeout 1h expected mon-sun(00-23) now 2026-05-28 20:26)";
  gw.send("wmbusmeters_alarm", text + "\n", kT0);
  CHECK(gw.rejected() == 0);
  CHECK(
      gw.pipeline.counters().accepted_by_driver[static_cast<size_t>(DriverId::wmbusmeters_alarm)] ==
      1);
  const Alert* a = gw.find("wmbusmeters_alarm", AlertKind::MeterAlarm, AlertState::Raised);
  REQUIRE(a);
  CHECK(a->rule == Rule::S2);
  CHECK(a->audience == Audience::Maintenance);
  CHECK(a->detail == text);
  CHECK(a->event_time_ms == kT0);  // the message has no time of its own: arrival
}

TEST_CASE("the vendor's words survive the outbox encoding, upstream and the JSON views") {
  Gw gw;
  gw.send(
      "wmbusmeters/23813076",
      R"({"_":"telegram","meter":"kamwater","id":"23813076","total_m3":3.871,"status":"ERROR_FLAGS_800","timestamp":"1111-11-11T11:11:11Z"})",
      kT0);
  const Alert* a = gw.find("23813076", AlertKind::MeterAlarm, AlertState::Raised);
  REQUIRE(a);
  const auto stored = decode_alert(encode_alert(*a));  // how the outbox keeps it
  REQUIRE(stored);
  CHECK(stored->detail == "ERROR_FLAGS_800");
  const auto batch = decode_batch(encode_batch("gw-1", std::span(a, 1)));  // what goes upstream
  REQUIRE(batch);
  REQUIRE(batch->alerts.size() == 1);
  CHECK(batch->alerts[0].detail == "ERROR_FLAGS_800");
  // edgegw sensor / alerts / decode print alerts with this
  CHECK(alert_to_json("gw-1", *stored).find(R"("detail":"ERROR_FLAGS_800")") != std::string::npos);
  // an alert without words has no detail field
  Alert plain = *a;
  plain.detail.clear();
  CHECK(alert_to_json("gw-1", plain).find("detail") == std::string::npos);
}

TEST_CASE("meter: reports without a register keep the meter seen, silence still found") {
  Gw gw;
  // Four 15-minute reports with a register teach the period...
  for (int q = 0; q < 4; ++q) {
    const int64_t t = kT0 + q * 15 * kMin;
    gw.send("wmbusmeters/11112222", meter_json("11112222", t, R"("total_m3":5.5,)"), t);
  }
  // ...then only billing telegrams (target_m3, no total_m3) arrive, for two hours.
  int64_t t = kT0 + 3 * 15 * kMin;
  for (int q = 0; q < 8; ++q) {
    t += 15 * kMin;
    gw.send("wmbusmeters/11112222", meter_json("11112222", t, R"("target_m3":5.1,)"), t);
  }
  CHECK(gw.rejected() == 0);
  CHECK(gw.pipeline.counters().without_register == 8);
  CHECK_FALSE(gw.find("11112222", AlertKind::SensorSilent, AlertState::Raised));
  CHECK_FALSE(gw.find("11112222", AlertKind::GarbagePayloads, AlertState::Raised));
  const SensorState* s = gw.pipeline.engine().sensor("11112222");
  REQUIRE(s);
  CHECK(s->health.last_seen_ms == t);
  CHECK(s->water().last_total_m3 == 5.5);  // the billing value is not taken as the register
  // Then nothing: silent after 3 periods.
  std::vector<Alert> out;
  gw.pipeline.tick(t + 3 * 15 * kMin, out);
  CHECK(std::any_of(out.begin(), out.end(), [](const Alert& a) {
    return a.kind == AlertKind::SensorSilent && a.sensor_id == "11112222";
  }));
}
