// test_drivers_wmbusmeters.cpp: the wmbusmeters JSON driver on the published telegrams.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include "drivers/wmbusmeters_json.h"
#include "tests/unit/driver_fixture.h"

using namespace edgegw;

namespace {

void decode(Decoded& d, std::string_view topic, std::string_view payload) {
  d.status = decode_wmbusmeters_json(topic, payload, DecodeLimits{}, d.scratch, d.r);
}

}  // namespace

TEST_CASE("wmbusmeters: iperl telegram") {
  const std::string p = fixture("water/wmbus-iperl.json");
  Decoded d;
  decode(d, "wmbusmeters/MyTapWater", p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "33225544");
  CHECK(d.r.kind == SensorKind::water);
  CHECK(d.r.water.total_m3 == doctest::Approx(123.529));
  CHECK(d.r.water.flow_m3h == 0.0);  // from max_flow_m3h
  CHECK(d.r.water.alarms == kAlarmNone);
  CHECK(d.r.time_ms == 1709491020000);  // 2024-03-03T18:37:00Z
  CHECK(std::isnan(d.r.battery_years));
}

TEST_CASE("wmbusmeters: multical21 reports DRY") {
  const std::string p = fixture("water/wmbus-multical21.json");
  Decoded d;
  decode(d, "wmbusmeters/12345678", p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "12345678");
  CHECK(d.r.water.total_m3 == doctest::Approx(6.388));
  CHECK(d.r.water.flow_m3h == 0.0);
  CHECK(d.r.water.alarms == kAlarmDry);
  CHECK(d.r.time_ms == 1518080842000);  // 2018-02-08T09:07:22Z
}

TEST_CASE("wmbusmeters: izar alarms meter_blocked,underflow") {
  const std::string p = fixture("water/wmbus-izar-alarms.json");
  Decoded d;
  decode(d, "wmbusmeters/IzarWater", p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "21242472");
  CHECK(d.r.water.total_m3 == doctest::Approx(3.488));
  CHECK(d.r.water.alarms == (kAlarmBlocked | kAlarmOther));  // previous_alarms is not current
  CHECK(d.r.battery_years == doctest::Approx(14.5));
  CHECK(d.r.time_ms == 0);  // placeholder 1111-11-11T11:11:11Z
  CHECK(std::isnan(d.r.water.flow_m3h));
}

TEST_CASE("wmbusmeters: hydrus with placeholder timestamp") {
  const std::string p = fixture("water/wmbus-hydrus.json");
  Decoded d;
  decode(d, "wmbusmeters/HydrusWater", p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "64646464");
  CHECK(d.r.water.total_m3 == doctest::Approx(1.174));
  CHECK(d.r.water.flow_m3h == 0.0);
  CHECK(d.r.water.alarms == kAlarmNone);  // "OK"
  CHECK(d.r.battery_years == doctest::Approx(13.686797));
  CHECK(d.r.time_ms == 0);
}

TEST_CASE("wmbusmeters: kamwater ERROR_FLAGS_800") {
  const std::string p = fixture("water/wmbus-kamwater-error.json");
  Decoded d;
  decode(d, "wmbusmeters/Votten", p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "23813076");
  CHECK(d.r.water.total_m3 == doctest::Approx(3.871));
  CHECK(d.r.water.flow_m3h == doctest::Approx(0.035));
  CHECK(d.r.water.alarms == kAlarmOther);
  CHECK(d.r.water.status == "ERROR_FLAGS_800");  // the vendor's words, kept
  CHECK(d.r.time_ms == 0);
  CHECK(d.r.time_placeholder);
}

TEST_CASE("wmbusmeters: status words map to alarm bits") {
  CHECK(wmbus_status_to_alarms("") == 0);
  CHECK(wmbus_status_to_alarms("OK") == 0);
  CHECK(wmbus_status_to_alarms("no_alarm") == 0);
  CHECK(wmbus_status_to_alarms("DRY") == kAlarmDry);
  CHECK(wmbus_status_to_alarms("DRY LEAK") == (kAlarmDry | kAlarmLeak));
  CHECK(wmbus_status_to_alarms("BURST,REVERSED") == (kAlarmBurst | kAlarmReverseFlow));
  CHECK(wmbus_status_to_alarms("back_flow") == kAlarmReverseFlow);  // izar's name
  CHECK(wmbus_status_to_alarms("leakage") == kAlarmLeak);
  CHECK(wmbus_status_to_alarms("mechanical_fraud") == kAlarmTamper);
  CHECK(wmbus_status_to_alarms("meter_blocked,underflow") == (kAlarmBlocked | kAlarmOther));
  CHECK(wmbus_status_to_alarms("ERROR_FLAGS_800") == kAlarmOther);
  CHECK(wmbus_status_to_alarms(",,") == 0);
}

TEST_CASE("wmbusmeters: id falls back to the topic") {
  Decoded d;
  decode(d, "wmbusmeters/kitchen", R"({"total_m3":1.5})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "kitchen");
  CHECK(d.r.water.total_m3 == 1.5);
}

TEST_CASE("wmbusmeters: rejects what it cannot use, naming the field") {
  Decoded d;
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":"12.5"})");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::wrong_type);
  CHECK(d.status->detail.find("total_m3") != std::string::npos);

  decode(d, "wmbusmeters/x", R"({"id":7,"total_m3":1})");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::wrong_type);
  CHECK(d.status->detail.find("'id'") != std::string::npos);

  decode(d, "wmbusmeters/x", R"([1,2])");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::wrong_type);

  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":1,"timestamp":"yesterday"})");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::bad_timestamp);
  CHECK(d.status->detail.find("timestamp") != std::string::npos);

  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":1,"status":42})");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::wrong_type);
  CHECK(d.status->detail.find("status") != std::string::npos);
}

TEST_CASE("wmbusmeters: one scratch decodes many telegrams") {
  Decoded d;
  const std::string a = fixture("water/wmbus-iperl.json");
  const std::string b = fixture("water/wmbus-multical21.json");
  for (int i = 0; i < 3; ++i) {
    decode(d, "wmbusmeters/a", a);
    REQUIRE_FALSE(d.status);
    CHECK(d.r.sensor_id == "33225544");
    decode(d, "wmbusmeters/b", b);
    REQUIRE_FALSE(d.status);
    CHECK(d.r.sensor_id == "12345678");
    CHECK(d.r.water.alarms == kAlarmDry);
  }
}

TEST_CASE("wmbusmeters: no register is a sign of life, not an error") {
  Decoded d;
  decode(d, "wmbusmeters/x", R"({"id":"1"})");
  REQUIRE_FALSE(d.status);
  CHECK(std::isnan(d.r.water.total_m3));
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":null,"status":"OK"})");
  REQUIRE_FALSE(d.status);
  CHECK(std::isnan(d.r.water.total_m3));
  // monthly billing: target_m3 is the register at the start of the month, not now
  decode(d, "wmbusmeters/x",
         R"({"id":"2","target_m3":12.5,"target_date":"2026-11-01","status":"OK"})");
  REQUIRE_FALSE(d.status);
  CHECK(std::isnan(d.r.water.total_m3));
  CHECK(d.r.water.status == "OK");
}

TEST_CASE("wmbusmeters: status (new) and current_status (deprecated), vendor words kept") {
  Decoded d;
  // wmbusmeters 1.x before the rename: only current_status
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":2,"current_status":"DRY"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.alarms == kAlarmDry);
  CHECK(d.r.water.status == "DRY");
  // transition: both, and the deprecation notice
  decode(
      d, "wmbusmeters/x",
      R"({"id":"1","total_m3":2,"current_status":"DRY","current_status_deprecated_by":"status, update before 2026-12-01","status":"DRY"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.status == "DRY");
  // after 2026-12-01: only status
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":2,"status":"LEAK"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.alarms == kAlarmLeak);
  CHECK(d.r.water.status == "LEAK");
  // kamwater: status OK, current_status empty
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":2,"status":"OK","current_status":""})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.status == "OK");
  CHECK(d.r.water.alarms == 0);
  // izar: the alarm is in current_alarms
  decode(d, "wmbusmeters/x", fixture("water/wmbus-izar-alarms.json"));
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.status == "meter_blocked,underflow");
}

TEST_CASE("wmbusmeters: long flag lists up to max_status_bytes, beyond is refused by name") {
  Decoded d;
  std::string words;
  while (words.size() < 900) words += "P_MINIMUM_FLOW ";
  words += "P_LEAK";
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":3,"status":")" + words + R"("})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.total_m3 == 3);
  CHECK((d.r.water.alarms & kAlarmLeak) != 0);
  CHECK(d.r.water.status == words);
  words.append(200, 'X');
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":3,"status":")" + words + R"("})");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::bad_value);
  CHECK(d.status->detail.find("'status'") != std::string::npos);
  CHECK(d.status->detail.find("1024") != std::string::npos);
}

TEST_CASE("wmbusmeters: driver (new) or meter (old) names the model, battery_y") {
  Decoded d;
  decode(d, "wmbusmeters/x", R"({"id":"1","driver":"kamwater","total_m3":2,"battery_y":0.5})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.model == "kamwater");
  CHECK(d.r.battery_years == doctest::Approx(0.5));
  decode(d, "wmbusmeters/x", R"({"id":"1","meter":"iperl","total_m3":2})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.water.model == "iperl");
  decode(d, "wmbusmeters/x", R"({"id":"1","driver":7,"total_m3":2})");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::wrong_type);
  CHECK(d.status->detail.find("'driver'") != std::string::npos);
}

TEST_CASE("wmbusmeters: a rejection still names the meter's status words (dead letters)") {
  Decoded d;
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":"3,5","status":"ERROR_FLAGS_800"})");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::wrong_type);
  CHECK(d.status->detail.find("ERROR_FLAGS_800") != std::string::npos);
}

TEST_CASE("wmbusmeters: the placeholder time is flagged, a real time is not") {
  Decoded d;
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":2,"timestamp":"1111-11-11T11:11:11Z"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.time_ms == 0);
  CHECK(d.r.time_placeholder);
  decode(d, "wmbusmeters/x", R"({"id":"1","total_m3":2,"timestamp":"2026-05-28T20:26:40Z"})");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.time_ms == 1780000000000);
  CHECK_FALSE(d.r.time_placeholder);
}

TEST_CASE("wmbusmeters: status words to alarms, for the corpus' vocabularies") {
  CHECK(wmbus_status_to_alarms("PERMANENT_ERROR P_LEAK P_REVERSE_FLOW") ==
        (kAlarmOther | kAlarmLeak | kAlarmReverseFlow));
  CHECK(wmbus_status_to_alarms("BATTERY_LOW POWER_LOW") == kAlarmLowBattery);
  CHECK(wmbus_status_to_alarms("NO_FLOW NO_FLOW_THIS_MONTH TAMPER_PREV_MONTH") == 0);
  CHECK(wmbus_status_to_alarms("NO_FLOW_PREV_MONTH REVERSE_THIS_MONTH") == kAlarmReverseFlow);
  CHECK(wmbus_status_to_alarms("TAMPER") == kAlarmTamper);
}
