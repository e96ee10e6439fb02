// test_drivers_wmbusmeters_corpus.cpp: every payload of the wmbusmeters corpus
// (tests/fixtures/water/wmbusmeters-corpus.jsonl: the test telegrams' JSON of 31 water-meter
// drivers, as wmbusmeters publishes it) decodes to the register a person reads in it, or is
// accepted as a report without one; the vendor's status words are kept; and through the
// gateway's pipeline none of it counts as garbage.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "drivers/registry.h"
#include "drivers/validate.h"
#include "gateway/config.h"
#include "gateway/ingest/pipeline.h"

using namespace edgegw;

namespace {

constexpr double kNoRegister = -1;  // the payload carries no current register

struct Row {
  int line;
  const char* model;  // the payload's "meter"
  const char* id;
  double total_m3;     // the register a person reads in the payload (total_m3)
  const char* status;  // the vendor's words (status, or the deprecated current_status)
  uint32_t alarms;     // what they mean to the detector
};

// Written from the payloads. Line 28 (engelmann_faw) has only the billing-date value
// consumption_at_reporting_date_m3 and monthly history: no current register. target_m3,
// *_at_date_m3, consumption_*_m3, last_*_m3, due_*_m3 are billing-date and history values.
// NO_FLOW and *_PREV_MONTH are information and history, not a fault now.
const Row kRows[] = {
    {1, "actislink", "00000001", 1.0, "", kAlarmNone},
    {2, "apator162", "20202020", 3.843, "", kAlarmNone},
    {3, "apator162", "02035240", 904.398, "", kAlarmNone},
    {4, "apator162", "02035240", 904.398, "", kAlarmNone},
    {5, "apator162", "21202020", 270.133, "", kAlarmNone},
    {6, "apator162", "00533603", 51.33, "", kAlarmNone},
    {7, "apator162", "22202020", 64.508, "", kAlarmNone},
    {8, "apator162", "23202020", 77.752, "", kAlarmNone},
    {9, "apator162", "24202020", 82.426, "", kAlarmNone},
    {10, "apator162", "25202020", 168.577, "", kAlarmNone},
    {11, "apator162", "26202020", 17.579, "", kAlarmNone},
    {12, "apator162", "26202020", 17.579, "", kAlarmNone},
    {13, "apator162", "26202020", 17.579, "", kAlarmNone},
    {14, "apator162", "03410514", 30.908, "", kAlarmNone},
    {15, "apator162", "27202020", 15.992, "", kAlarmNone},
    {16, "apator162", "00148686", 21.93, "", kAlarmNone},
    {17, "apator162", "00148686", 26.282, "", kAlarmNone},
    {18, "apator162", "04040404", 73.519, "", kAlarmNone},
    {19, "apator162", "04960212", 14.949, "", kAlarmNone},
    {20, "apator172", "0014a807", 7177.666667, "", kAlarmNone},
    {21, "apator172", "0014a807", 7179.0, "", kAlarmNone},
    {22, "aptmbusna", "00683775", 16.119,
     "PERMANENT_ERROR P_CLOCK_HAND_ERROR P_DETECTION_WITHOUT_CHANGES P_MBUS_DISCONNECTED "
     "P_MINIMUM_FLOW P_PROCESSOR_RESET UNKNOWN_E0",
     kAlarmOther},
    {23, "aptmbusna", "00345157", 22.791,
     "PERMANENT_ERROR P_CLOCK_HAND_ERROR P_DETECTION_WITHOUT_CHANGES P_LEAK P_MBUS_DISCONNECTED "
     "P_MINIMUM_FLOW P_PROCESSOR_RESET P_REVERSE_FLOW P_STRONG_LIGHT TEMPORARY_ERROR UNKNOWN_E0",
     kAlarmLeak | kAlarmReverseFlow | kAlarmOther},
    {24, "aquastream", "05933237", 16.899, "OK", kAlarmNone},
    {25, "dme173", "22332233", 8.683, "OK", kAlarmNone},
    {26, "dme173", "44334433", 1.717, "OK", kAlarmNone},
    {27, "dme_07", "93929190", 214.787, "OK", kAlarmNone},
    {28, "engelmann_faw", "20254060", kNoRegister, "OK", kAlarmNone},
    {29, "engelmann_faw", "22862420", 253.409, "OK", kAlarmNone},
    {30, "ev200", "99993030", 49.5849, "", kAlarmNone},
    {31, "fiowater", "25016914", 159.222, "TEMPORARY_ERROR", kAlarmOther},
    {32, "gwfwater", "20221031", 0.062, "BATTERY_LOW POWER_LOW", kAlarmLowBattery},
    {33, "gwfwater", "19680750", 879.068, "OK", kAlarmNone},
    {34, "gwfwater", "19680750", 879.068, "UNKNOWN_MFCT_STATUS_2", kAlarmOther},
    {35, "hydrus", "64646464", 1.174, "OK", kAlarmNone},
    {36, "hydrus", "65656565", 3.45, "OK", kAlarmNone},
    {37, "hydrus", "64745666", 137.291, "OK", kAlarmNone},
    {38, "hydrus", "60897379", 71.442, "OK", kAlarmNone},
    {39, "hydrus", "60904720", 49.373, "OK", kAlarmNone},
    {40, "hydrus", "64641820", 296.789, "OK", kAlarmNone},
    {41, "iperl", "12345699", 7.704, "", kAlarmNone},
    {42, "iperl", "33225544", 123.529, "", kAlarmNone},
    {43, "itron", "12345698", 4.605, "OK", kAlarmNone},
    {44, "itron", "18000056", 521.277, "OK", kAlarmNone},
    {45, "itron", "20310959", 111.968, "OK", kAlarmNone},
    {46, "itron", "23362098", 4.142, "OK", kAlarmNone},
    {47, "iwmtx5", "22917370", 0.025, "PERMANENT_ERROR", kAlarmOther},
    {48, "iwmtx5", "23329344", 2.007, "OK", kAlarmNone},
    {49, "iwmtx5", "24360570", 29.458, "TAMPER", kAlarmTamper},
    {50, "kadenwater", "19228217", 81.0976, "OK", kAlarmNone},
    {51, "kadenwater", "19227961", 22.761, "OK", kAlarmNone},
    {52, "kadenwater", "19221000", 94.6123, "OK", kAlarmNone},
    {53, "kadenwater", "19221000", 94.6123, "ALARM LEAK_FLOW_HIGH LEAK_FLOW_LOW",
     kAlarmLeak | kAlarmOther},
    {54, "kamwater", "76348799", 6.408, "DRY", kAlarmDry},
    {55, "kamwater", "76348799", 6.408, "DRY", kAlarmDry},
    {56, "kamwater", "44556677", 20.015, "OK", kAlarmNone},
    {57, "kamwater", "44556677", 20.015, "OK", kAlarmNone},
    {58, "kamwater", "52525252", 44.206, "OK", kAlarmNone},
    {59, "kamwater", "23813076", 3.871, "ERROR_FLAGS_800", kAlarmOther},
    {60, "kamwater", "23813076", 3.871, "ERROR_FLAGS_800", kAlarmOther},
    {61, "kamwater", "54084283", 60.77, "OK", kAlarmNone},
    {62, "maddalena", "24018699", 0.167, "OK", kAlarmNone},
    {63, "minomess", "15503451", 0.059, "OK", kAlarmNone},
    {64, "minomess", "21314151", 0.055, "OK", kAlarmNone},
    {65, "minomess", "51413121", 0.057, "OK", kAlarmNone},
    {66, "mkradio3a", "62560642", 948.8, "", kAlarmNone},
    {67, "mkradio4", "02410120", 0.4, "", kAlarmNone},
    {68, "op041a", "11337834", 0.303, "", kAlarmNone},
    {69, "picoflux", "56544919", 4.492, "OK", kAlarmNone},
    {70, "picoflux", "57530510", 10.617, "OK", kAlarmNone},
    {71, "picoflux", "56544919", 4.492, "ALARM LEAK_FLOW_HIGH LEAK_FLOW_LOW",
     kAlarmLeak | kAlarmOther},
    {72, "qwaterv2", "12353648", 1.991, "OK", kAlarmNone},
    {73, "qwaterv2", "12353648", 2.048, "OK", kAlarmNone},
    {74, "qwaterv2", "66666666", 120.567, "OK", kAlarmNone},
    {75, "qwaterv2", "33333333", 0.035, "OK", kAlarmNone},
    {76, "qwaterv2", "12230094", 126.753, "OK", kAlarmNone},
    {77, "qwaterv2", "13144514", 51.667, "OK", kAlarmNone},
    {78, "qwaterv2", "13176890", 128.635, "OK", kAlarmNone},
    {79, "qwaterv2", "78563412", 139.663, "OK", kAlarmNone},
    {80, "qwater", "51220588", 46.791, "OK", kAlarmNone},
    {81, "qwater", "13492674", 105.797, "OK", kAlarmNone},
    {82, "qwater", "13334995", 39.729, "OK", kAlarmNone},
    {83, "qwater", "37439212", 6.696, "OK", kAlarmNone},
    {84, "qwater", "37432649", 5.324, "OK", kAlarmNone},
    {85, "qwater", "60101441", 0.078, "OK", kAlarmNone},
    {86, "qwater", "60113189", 0.32, "OK", kAlarmNone},
    {87, "qwater", "61193115", 0.037, "OK", kAlarmNone},
    {88, "qwater", "61193115", 0.066, "OK", kAlarmNone},
    {89, "qwater", "61193115", 0.069, "OK", kAlarmNone},
    {90, "rfmtx1", "74737271", 188.56, "", kAlarmNone},
    {91, "topaseskr", "78563412", 481.899, "", kAlarmNone},
    {92, "topaseskr", "69190253", 444.591, "", kAlarmNone},
    {93, "uiws", "61330764", 0.001, "ERROR ERROR_FLAGS_28 TEMPORARY_ERROR", kAlarmOther},
    {94, "ultrimisv2", "95969798", 3.122, "OK", kAlarmNone},
    {95, "ultrimisv2", "95969798", 3.122, "OK", kAlarmNone},
    {96, "ultrimisv2", "95969798", 3.122, "NO_FLOW NO_FLOW_THIS_MONTH TAMPER_PREV_MONTH",
     kAlarmNone},
    {97, "ultrimisv2", "80291792", 0.416, "DRY HIGH_TEMPERATURE NO_FLOW_PREV_MONTH",
     kAlarmDry | kAlarmOther},
    {98, "ultrimisv2", "80024171", 1.294, "NO_FLOW_PREV_MONTH REVERSE_THIS_MONTH",
     kAlarmReverseFlow},
    {99, "waterstarm", "20096221", 0.106, "OK", kAlarmNone},
    {100, "waterstarm", "20096221", 0.106, "POWER_LOW", kAlarmLowBattery},
    {101, "waterstarm", "22996221", 0.106, "LEAKAGE_OR_NO_USAGE POWER_LOW",
     kAlarmLeak | kAlarmLowBattery},
    {102, "waterstarm", "11559999", 16.533, "OK", kAlarmNone},
    {103, "waterstarm", "20050666", 55.36, "OK", kAlarmNone},
    {104, "waterstarm", "20065160", 6.8, "OK", kAlarmNone},
    {105, "waterstarm", "50496629", 0.003, "OK", kAlarmNone},
    {106, "waterstarm", "51398765", 0.019, "OK", kAlarmNone},
    {107, "weh_07", "86868686", 0.016, "", kAlarmNone},
    {108, "weh_07", "27604781", 37.299, "", kAlarmNone},
    {109, "werhlemodwm", "16466583", 0.0, "", kAlarmNone},
};

constexpr int64_t kArrival0 = 1780000000000;  // 2026-05-28T20:26:40Z

struct Line {
  std::string topic, payload;
};

std::vector<Line> corpus() {
  std::ifstream in(std::string(EDGEGW_FIXTURES) + "/water/wmbusmeters-corpus.jsonl");
  REQUIRE(in.good());
  simdjson::dom::parser parser;
  std::vector<Line> out;
  std::string text;
  while (std::getline(in, text)) {
    simdjson::dom::element doc = parser.parse(text);
    std::string_view payload = doc["payload"];
    simdjson::dom::parser inner;
    std::string_view id = inner.parse(std::string(payload))["id"];
    // wmbusmeters' documented shell: mosquitto_pub -t wmbusmeters/$METER_ID -m "$METER_JSON"
    out.push_back({"wmbusmeters/" + std::string(id), std::string(payload)});
  }
  return out;
}

}  // namespace

TEST_CASE("wmbusmeters corpus: every payload gives its register (or none) and the vendor's words") {
  const auto lines = corpus();
  REQUIRE(lines.size() == std::size(kRows));
  const auto routes = default_routes();
  DecodeScratch scratch;
  int with_register = 0, without = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Row& row = kRows[i];
    CAPTURE(row.line);
    CAPTURE(row.model);
    const auto driver = route_topic(routes, lines[i].topic);
    REQUIRE(driver == DriverId::wmbusmeters);
    Reading r;
    DecodeStatus st =
        decode_with(*driver, lines[i].topic, lines[i].payload, DecodeLimits{}, scratch, r);
    if (!st) st = validate_reading(r, kArrival0, DecodeLimits{});
    REQUIRE_MESSAGE(!st, (st ? st->detail : ""));
    CHECK(r.sensor_id == row.id);
    CHECK(r.kind == SensorKind::water);
    CHECK(r.water.model == row.model);
    if (row.total_m3 == kNoRegister) {
      CHECK(std::isnan(r.water.total_m3));
      ++without;
    } else {
      CHECK(r.water.total_m3 == row.total_m3);
      ++with_register;
    }
    CHECK(r.water.status == row.status);
    CHECK(r.water.alarms == row.alarms);
    // Every corpus payload carries wmbusmeters' "no time" placeholder: arrival time is used.
    CHECK(r.time_placeholder);
    CHECK(r.time_ms == kArrival0);
  }
  CHECK(with_register == 108);
  CHECK(without == 1);
}

TEST_CASE("wmbusmeters corpus: through the pipeline nothing is garbage, alarms carry the words") {
  const auto lines = corpus();
  Config config;
  config.clock = ClockMode::event;
  Pipeline pipeline(config, nullptr);
  std::vector<Alert> alerts;
  int64_t t = kArrival0;
  for (const Line& l : lines) pipeline.handle(l.topic, l.payload, t += 60000, alerts);

  const PipelineCounters& c = pipeline.counters();
  CHECK(c.messages == lines.size());
  CHECK(c.accepted_by_driver[static_cast<size_t>(DriverId::wmbusmeters)] == lines.size());
  uint64_t rejected = 0;
  for (uint64_t n : c.rejected_by_reason) rejected += n;
  CHECK(rejected == 0);
  CHECK(c.without_register == 1);
  CHECK(c.placeholder_times == lines.size());
  for (const Alert& a : alerts) CHECK(a.kind != AlertKind::GarbagePayloads);

  // The billing-only telegram is a sign of life: the meter is seen, its register unknown.
  const SensorState* faw = pipeline.engine().sensor("20254060");
  REQUIRE(faw);
  CHECK(faw->health.last_seen_ms > 0);

  auto alert_for = [&](std::string_view sensor, AlertKind kind) -> const Alert* {
    for (const Alert& a : alerts)
      if (a.sensor_id == sensor && a.kind == kind && a.state == AlertState::Raised) return &a;
    return nullptr;
  };
  // Kamstrup's ERROR_FLAGS_800 reaches the S2 alert's evidence as the vendor wrote it.
  const Alert* kam = alert_for("23813076", AlertKind::MeterAlarm);
  REQUIRE(kam);
  CHECK(kam->rule == Rule::S2);
  CHECK(kam->detail == "ERROR_FLAGS_800");
  // The 179-byte flag list is not rejected: the leak reaches S2 with every word.
  const Alert* apt = alert_for("00345157", AlertKind::MeterAlarm);
  REQUIRE(apt);
  CHECK(apt->detail.find("P_LEAK") != std::string::npos);
  CHECK(apt->detail.size() == 179);
  // gwfwater: battery_y 0 and BATTERY_LOW POWER_LOW: S2 battery, with the words.
  const Alert* gwf = alert_for("20221031", AlertKind::BatteryLow);
  REQUIRE(gwf);
  CHECK(gwf->detail == "BATTERY_LOW POWER_LOW");
}
