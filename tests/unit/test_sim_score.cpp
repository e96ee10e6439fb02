// test_sim_score.cpp: fleetsim's scoring on hand-made truth and alerts.
#include <doctest/doctest.h>

#include <map>
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
      {"hh-00001", "wm-00001", IncidentKind::fall_day, t1, 0},
      {"hh-00002", "wm-00002", IncidentKind::fall_after_return, t1, 0},
      {"hh-00003", "door-00003", IncidentKind::door_left_open, t1, t1 + kHourMs},
      {"hh-00004", "wm-00004", IncidentKind::meter_silent, t1, 0},
      {"hh-00005", "wm-00005", IncidentKind::stuck_register, t1, 0},
      {"hh-00006", "wm-00006", IncidentKind::garbage, t1, t1 + 6 * kHourMs},
      {"hh-00007", "wm-00007", IncidentKind::fall_after_rubbish, t1, 0},
  };
  return in;
}

}  // namespace

TEST_CASE("sim score: found within 24 h, delays, false care alerts and faults found") {
  ScoreInput in = input();
  const int64_t t1 = kStart + 2 * kDayMs;
  in.alerts = {
      {"gw", alert(Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, "hh-00001", "wm-00001",
                   t1 + 12 * kHourMs, 1)},
      // fall after return: only a W1 after 84 h: found later, not within 24 h, not false
      {"gw", alert(Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, "hh-00002", "wm-00002",
                   t1 + 84 * kHourMs, 2)},
      {"gw", alert(Rule::D4, AlertKind::DoorLeftOpen, Audience::Care, "hh-00003", "door-00003",
                   t1 + 11 * kMinuteMs, 3)},
      {"gw", alert(Rule::S1, AlertKind::SensorSilent, Audience::Maintenance, "hh-00004", "wm-00004",
                   t1 + 45 * kMinuteMs, 4)},
      {"gw", alert(Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, "hh-00005", "wm-00005",
                   t1 + 13 * kHourMs, 5)},
      // false: W1 on a household without incidents, during a night away
      {"gw",
       alert(Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, "hh-00050", "wm-00050", t1, 6)},
      // false: care alert on a household with a maintenance-only incident and a rule not in its row
      {"gw", alert(Rule::D1, AlertKind::NoDoorOpening, Audience::Care, "hh-00006", "door-00006",
                   t1 + kHourMs, 7)},
      // maintenance noise
      {"gw", alert(Rule::S1, AlertKind::SensorSilent, Audience::Maintenance, "hh-00070", "wm-00070",
                   t1, 8)},
      // a D3 at the rubbish trip 5 min before the fall: raised before the onset, so it neither
      // finds the fall nor is explained by it (false, attributed to the rubbish trip)
      {"gw", alert(Rule::D3, AlertKind::NightDoorOpening, Audience::Care, "hh-00007", "door-00007",
                   t1 - 5 * kMinuteMs, 9)},
      // false D3 on an early market trip
      {"gw", alert(Rule::D3, AlertKind::NightDoorOpening, Audience::Care, "hh-00060", "door-00060",
                   t1 + 5 * kHourMs, 10)},
  };
  in.alerts[8].alert.event_time_ms = t1 - 5 * kMinuteMs;
  in.alerts[9].alert.event_time_ms = t1 + 5 * kHourMs;
  in.activities = {
      {"hh-00050", Activity::night_away, t1 - 14 * kHourMs, t1 + 30 * kHourMs},
      {"hh-00050", Activity::rubbish_trip, t1 - 13 * kHourMs, t1 - 13 * kHourMs + kMinuteMs},
      {"hh-00007", Activity::rubbish_trip, t1 - 8 * kMinuteMs, t1 - 5 * kMinuteMs},
      {"hh-00060", Activity::early_market, t1 + 5 * kHourMs, t1 + 6 * kHourMs},
      {"hh-00060", Activity::hourly_meter, kStart, kStart + 10 * kDayMs},
  };
  in.baseline = {
      {"hh-00001", "wm-00001", t1 - 2 * kHourMs, t1 + 10 * kHourMs},
      {"hh-00002", "wm-00002", t1 - kHourMs, t1 + 11 * kHourMs},
      {"hh-00007", "wm-00007", t1 - 3 * kHourMs, t1 - 10 * kMinuteMs},  // before the onset
      {"hh-00060", "wm-00060", t1 + 8 * kHourMs, t1 + 20 * kHourMs},
      {"hh-00050", "wm-00050", t1 - 12 * kHourMs, t1},
  };
  const ScoreResult r = score(in);
  const auto& fall = r.kinds[static_cast<size_t>(IncidentKind::fall_day)];
  CHECK(fall.injected == 1);
  CHECK(fall.detected == 1);
  CHECK(fall.delay.p50 == doctest::Approx(720));
  const auto& ret = r.kinds[static_cast<size_t>(IncidentKind::fall_after_return)];
  CHECK(ret.detected == 0);
  CHECK(ret.found_later == 1);
  CHECK(ret.delay.p50 == doctest::Approx(84 * 60));
  const auto& rub = r.kinds[static_cast<size_t>(IncidentKind::fall_after_rubbish)];
  CHECK(rub.detected == 0);
  CHECK(rub.found_later == 0);
  CHECK(r.kinds[static_cast<size_t>(IncidentKind::door_left_open)].detected == 1);
  CHECK(r.care_injected == 4);
  CHECK(r.care_detected == 2);
  CHECK(r.faults_injected == 3);
  CHECK(r.faults_found == 2);  // silent (S1) and stuck (W1 on the meter); garbage missed
  REQUIRE(r.false_care.size() == 4);
  std::map<std::string, std::string> why;
  for (const FalseAlert& f : r.false_care)
    why[f.alert.alert.subject] = std::string(confounder_name(f.confounder));
  CHECK(why["hh-00050"] == "night_away");  // not the rubbish trip: a stay explains W1 first
  CHECK(why["hh-00006"] == "none");
  CHECK(why["hh-00007"] == "rubbish_trip");
  CHECK(why["hh-00060"] == "early_market");
  CHECK(r.household_days == doctest::Approx(1000));
  CHECK(r.false_care_rate() == doctest::Approx(4.0));
  CHECK(r.unmatched_maintenance.size() == 1);
  // The W1-only baseline, per kind: found after the onset only.
  CHECK(r.baseline_kinds[static_cast<size_t>(IncidentKind::fall_day)].detected == 1);
  CHECK(r.baseline_kinds[static_cast<size_t>(IncidentKind::fall_after_return)].detected == 1);
  CHECK(r.baseline_kinds[static_cast<size_t>(IncidentKind::fall_after_rubbish)].detected == 0);
  CHECK(r.baseline_false == 3);  // hh-00007's early one, hh-00060, hh-00050
  CHECK(r.baseline_false_by[static_cast<size_t>(Activity::night_away)] == 1);
  // hh-00007's early one, and hh-00060's: an hourly meter does not explain W1
  CHECK(r.baseline_false_by[kNoConfounder] == 2);
  CHECK(r.baseline_false_rate() == doctest::Approx(3.0));
  CHECK(r.missed.size() == 3);
  const std::string json = score_json(in, r);
  CHECK(json.find(R"("false_care_alerts":4)") != std::string::npos);
  CHECK(json.find(R"("fall_day":{"class":"care","injected":1,"detected":1,"found_later":0,)") !=
        std::string::npos);
  CHECK(json.find(R"("early_market":1)") != std::string::npos);
  const std::string table = score_table(in, r);
  CHECK(table.find("fall_after_return") != std::string::npos);
  CHECK(table.find("night_away") != std::string::npos);
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

TEST_CASE("sim score: a fall is found by a no-activity care alert raised at or after its onset") {
  const int64_t t1 = kStart + 2 * kDayMs;
  const TruthRecord fall{"hh-00001", "wm-00001", IncidentKind::fall_after_return, t1, 0};
  for (Rule rule : {Rule::W1, Rule::W2, Rule::D1, Rule::D2, Rule::C1}) {
    Alert a = alert(rule, AlertKind::NoWaterUse12h, Audience::Care, "hh-00001", "wm-00001",
                    t1 + 3 * kHourMs, 1);
    CHECK(alert_matches(fall, a));
    a.detect_time_ms = t1 - kMinuteMs;  // before the fall: not caused by it
    CHECK_FALSE(alert_matches(fall, a));
    a.detect_time_ms = t1 + 25 * kHourMs;  // after 24 h: not within the window
    CHECK_FALSE(alert_matches(fall, a));
  }
  Alert leak = alert(Rule::W3, AlertKind::ContinuousFlow, Audience::Care, "hh-00001", "wm-00001",
                     t1 + kHourMs, 2);
  CHECK_FALSE(alert_matches(fall, leak));
  Alert other = alert(Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, "hh-00002", "wm-00002",
                      t1 + kHourMs, 3);
  CHECK_FALSE(alert_matches(fall, other));
  const TruthRecord tap{"hh-00003", "wm-00003", IncidentKind::tap_left_open, t1, t1 + 2 * kHourMs};
  Alert w3 = alert(Rule::W3, AlertKind::ContinuousFlow, Audience::Care, "hh-00003", "wm-00003",
                   t1 + 50 * kMinuteMs, 4);
  CHECK(alert_matches(tap, w3));
}

TEST_CASE("sim score: an escalation nothing explains is a false care alert, counted apart") {
  ScoreInput in = input();
  const int64_t t5 = kStart + 5 * kDayMs;  // hh-00010 has no incident
  Alert w1 =
      alert(Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, "hh-00010", "wm-00010", t5, 1);
  Alert w2 = alert(Rule::W2, AlertKind::NoWaterUse24h, Audience::Care, "hh-00010", "wm-00010",
                   t5 + 12 * kHourMs, 2);
  w2.state = AlertState::Escalated;
  Alert cleared = w1;
  cleared.id = 3;
  cleared.state = AlertState::Cleared;
  cleared.detect_time_ms = t5 + 13 * kHourMs;
  in.alerts = {{"gw", w1}, {"gw", w2}, {"gw", cleared}};
  const ScoreResult r = score(in);
  CHECK(r.false_care.size() == 2);
  CHECK(r.false_escalations() == 1);
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
