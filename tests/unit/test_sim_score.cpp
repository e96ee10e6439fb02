// test_sim_score.cpp: fleetsim's scoring on hand-made truth and alerts.
#include <doctest/doctest.h>

#include <sstream>

#include "simulator/alert_file.h"
#include "simulator/score.h"
#include "simulator/sim_config.h"

using namespace fleetsim;
using edgegw::Alert;
using edgegw::AlertKind;
using edgegw::AlertState;
using edgegw::Audience;
using edgegw::Rule;

namespace {

constexpr int64_t kStart = 1714521600000;  // 2024-05-01T00:00:00Z

Alert alert(Rule rule, AlertKind kind, Audience aud, const std::string& subject,
            const std::string& sensor, int64_t detect_ms, uint64_t id) {
  Alert a;
  a.id = id;
  a.rule = rule;
  a.kind = kind;
  a.audience = aud;
  a.state = AlertState::Raised;
  a.subject = subject;
  a.sensor_id = sensor;
  a.event_time_ms = detect_ms - kHourMs;
  a.detect_time_ms = detect_ms;
  return a;
}

ScoreInput input() {
  ScoreInput in;
  in.households = 100;
  in.days = 10;
  in.end_ms = kStart + 10 * kDayMs;
  const int64_t t1 = kStart + 2 * kDayMs;
  in.truth = {
      {"hh-00001", "wm-00001", IncidentKind::fall, t1, 0},
      {"hh-00002", "wm-00002", IncidentKind::fall, t1, 0},
      {"hh-00003", "door-00003", IncidentKind::door_left_open, t1, t1 + kHourMs},
      {"hh-00004", "wm-00004", IncidentKind::meter_silent, t1, 0},
      {"hh-00005", "wm-00005", IncidentKind::stuck_register, t1, 0},
      {"hh-00006", "wm-00006", IncidentKind::garbage, t1, t1 + 6 * kHourMs},
  };
  return in;
}

}  // namespace

TEST_CASE("sim score: recall, delays, false care alerts and faults found") {
  ScoreInput in = input();
  const int64_t t1 = kStart + 2 * kDayMs;
  in.alerts = {
      {"gw", alert(Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, "hh-00001", "wm-00001",
                   t1 + 12 * kHourMs, 1)},
      // fall 2: only a D2 after 48 h: too late to count, but not a false alarm either
      {"gw", alert(Rule::D2, AlertKind::NoEntryExit, Audience::Care, "hh-00002", "door-00002",
                   t1 + 48 * kHourMs, 2)},
      {"gw", alert(Rule::D4, AlertKind::DoorLeftOpen, Audience::Care, "hh-00003", "door-00003",
                   t1 + 11 * kMinuteMs, 3)},
      {"gw", alert(Rule::S1, AlertKind::SensorSilent, Audience::Maintenance, "hh-00004", "wm-00004",
                   t1 + 45 * kMinuteMs, 4)},
      {"gw", alert(Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, "hh-00005", "wm-00005",
                   t1 + 13 * kHourMs, 5)},
      // false: W1 on a household without incidents
      {"gw",
       alert(Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, "hh-00050", "wm-00050", t1, 6)},
      // false: care alert on a household with a maintenance-only incident and a rule not in its row
      {"gw", alert(Rule::D1, AlertKind::NoDoorOpening, Audience::Care, "hh-00006", "door-00006",
                   t1 + kHourMs, 7)},
      // maintenance noise
      {"gw", alert(Rule::S1, AlertKind::SensorSilent, Audience::Maintenance, "hh-00070", "wm-00070",
                   t1, 8)},
  };
  in.baseline = {
      {"hh-00001", "wm-00001", t1, t1 + 12 * kHourMs},
      {"hh-00060", "wm-00060", t1, t1 + 12 * kHourMs},
      {"hh-00061", "wm-00061", t1, t1 + 12 * kHourMs},
  };
  const ScoreResult r = score(in);
  const auto& fall = r.kinds[static_cast<size_t>(IncidentKind::fall)];
  CHECK(fall.injected == 2);
  CHECK(fall.detected == 1);
  CHECK(fall.delay.p50 == doctest::Approx(720));
  CHECK(r.kinds[static_cast<size_t>(IncidentKind::door_left_open)].detected == 1);
  CHECK(r.care_injected == 3);
  CHECK(r.care_detected == 2);
  CHECK(r.faults_injected == 3);
  CHECK(r.faults_found == 2);  // silent (S1) and stuck (W1 on the meter); garbage missed
  REQUIRE(r.false_care.size() == 2);
  CHECK(r.household_days == doctest::Approx(1000));
  CHECK(r.false_care_rate() == doctest::Approx(2.0));
  CHECK(r.unmatched_maintenance.size() == 1);
  CHECK(r.baseline_falls.detected == 1);
  CHECK(r.baseline_false == 2);
  CHECK(r.baseline_false_rate() == doctest::Approx(2.0));
  CHECK(r.missed.size() == 2);
  const std::string json = score_json(in, r);
  CHECK(json.find(R"("false_care_alerts":2)") != std::string::npos);
  CHECK(json.find(R"("fall":{"class":"care","injected":2,"detected":1,"recall":0.5000)") !=
        std::string::npos);
}

TEST_CASE("sim score: S2 needs the right kind - cleared alerts never count") {
  ScoreInput in = input();
  const int64_t t1 = kStart + 2 * kDayMs;
  in.truth = {{"hh-00006", "wm-00006", IncidentKind::garbage, t1, 0}};
  Alert wrong = alert(Rule::S2, AlertKind::BatteryLow, Audience::Maintenance, "hh-00006",
                      "wm-00006", t1 + kHourMs, 1);
  Alert cleared = alert(Rule::S2, AlertKind::GarbagePayloads, Audience::Maintenance, "hh-00006",
                        "wm-00006", t1 + kHourMs, 2);
  cleared.state = AlertState::Cleared;
  CHECK_FALSE(alert_matches(in.truth[0], wrong));
  CHECK_FALSE(alert_matches(in.truth[0], cleared));
  Alert right = cleared;
  right.state = AlertState::Raised;
  CHECK(alert_matches(in.truth[0], right));
  right.detect_time_ms = t1 + 27 * kHourMs;  // outside the 26 h window
  CHECK_FALSE(alert_matches(in.truth[0], right));
}

TEST_CASE("sim score: nearest-rank percentiles") {
  const Delays d = percentiles({5, 1, 4, 2, 3, 6, 7, 8, 9, 10});
  CHECK(d.p50 == 5);
  CHECK(d.p90 == 9);
  CHECK(d.p99 == 10);
}

TEST_CASE("sim score: alert files are length-prefixed batches") {
  std::ostringstream out;
  append_batch(out, "abc");
  append_batch(out, std::string(300, 'x'));
  const std::string bytes = out.str();
  CHECK(bytes.size() == 4 + 3 + 4 + 300);
  CHECK(bytes[0] == 3);
  CHECK(static_cast<unsigned char>(bytes[7]) == 44);  // 300 = 0x012C, little-endian
  CHECK(bytes[8] == 1);
}
