// test_rule_w1.cpp: rule W1 (no water use over 12 h) at its edges.
#include <doctest/doctest.h>

#include "gateway/detect/engine.h"

using namespace edgegw;

namespace {

constexpr int64_t kMin = 60'000, kHour = 60 * kMin;
constexpr int64_t kT0 = 1714521600000;  // 2024-05-01T00:00:00Z

RulesConfig shanghai_rule() {  // the plain threshold rule, without the sign-of-life refinement
  RulesConfig rules;
  rules.w1_sign_of_life_m3 = 0;
  return rules;
}

struct Meter {
  explicit Meter(const RulesConfig& rules = shanghai_rule()) : engine(rules, Inventory{}) {}
  Engine engine;
  std::vector<Alert> alerts;
  std::vector<Alert> w1() const {
    std::vector<Alert> out;
    for (const Alert& a : alerts)
      if (a.rule == Rule::W1) out.push_back(a);
    return out;
  }
  void read(int64_t t, double total) {
    Reading r;
    r.sensor_id = "wm-1";
    r.kind = SensorKind::water;
    r.time_ms = t;
    r.water.total_m3 = total;
    engine.on_reading(r, alerts);
  }
};

}  // namespace

TEST_CASE("W1 raises when a reading at 12 h after the last use shows under 0.01 m3") {
  Meter m;
  m.read(kT0, 10.000);
  m.read(kT0 + kHour, 10.050);                      // use: anchor here
  m.read(kT0 + kHour + 12 * kHour - kMin, 10.059);  // 11:59 later, 0.009 used: not yet
  CHECK(m.alerts.empty());
  m.read(kT0 + kHour + 12 * kHour, 10.059);  // exactly 12 h, still 0.009
  REQUIRE(m.alerts.size() == 1);
  CHECK(m.alerts[0].rule == Rule::W1);
  CHECK(m.alerts[0].state == AlertState::Raised);
  CHECK(m.alerts[0].event_time_ms == kT0 + kHour);
  CHECK(m.alerts[0].observed == doctest::Approx(0.009));
  CHECK(m.alerts[0].subject_kind == SubjectKind::Sensor);  // in no inventory: its own id
  CHECK(m.alerts[0].subject == "wm-1");
}

TEST_CASE("a single report of 3 litres (a night-time flush) is a sign of life for W1") {
  Meter m{RulesConfig{}};
  m.read(kT0, 10.000);
  m.read(kT0 + 6 * kHour, 10.006);  // 6 litres at once: a person
  m.read(kT0 + 12 * kHour, 10.006);
  CHECK(m.w1().empty());
  m.read(kT0 + 18 * kHour, 10.006);
  REQUIRE(m.w1().size() == 1);
  CHECK(m.w1()[0].event_time_ms == kT0 + 6 * kHour);
  Meter drip{RulesConfig{}};
  drip.read(kT0, 10.000);
  for (int q = 1; q <= 48; ++q) drip.read(kT0 + q * 15 * kMin, 10.000 + q * 0.0001);  // 4.8 L drip
  REQUIRE(drip.w1().size() == 1);  // a dripping tap is not a sign of life
  CHECK(drip.w1()[0].event_time_ms == kT0);
}

TEST_CASE("W1 does not raise when exactly 0.01 m3 was used in the window") {
  Meter m;
  m.read(kT0, 10.000);
  m.read(kT0 + 6 * kHour, 10.010);  // reaches the threshold: the window restarts here
  m.read(kT0 + 12 * kHour, 10.010);
  CHECK(m.alerts.empty());
  m.read(kT0 + 18 * kHour, 10.010);  // 12 h after the last use
  CHECK(m.alerts.size() == 1);
}

TEST_CASE("W1 is raised once while the condition holds and cleared when water flows") {
  Meter m;
  m.read(kT0, 10.0);
  for (int h = 1; h <= 30; ++h) m.read(kT0 + h * kHour, 10.0);
  REQUIRE(m.w1().size() == 1);
  m.read(kT0 + 31 * kHour, 10.02);
  REQUIRE(m.w1().size() == 2);
  CHECK(m.w1()[1].state == AlertState::Cleared);
  CHECK(m.w1()[1].event_time_ms == kT0 + 31 * kHour);
}

TEST_CASE("late and duplicate readings change nothing") {
  Meter m;
  m.read(kT0, 10.0);
  m.read(kT0 + 2 * kHour, 10.5);
  m.read(kT0 + 1 * kHour, 10.2);  // late
  m.read(kT0 + 2 * kHour, 10.5);  // duplicate
  m.read(kT0 + 14 * kHour - 1, 10.5);
  CHECK(m.w1().empty());
  m.read(kT0 + 14 * kHour, 10.5);
  REQUIRE(m.w1().size() == 1);
  CHECK(m.w1()[0].event_time_ms == kT0 + 2 * kHour);
}

TEST_CASE("a register going backwards (meter replaced) restarts the window, no false alert") {
  Meter m;
  m.read(kT0, 500.0);
  m.read(kT0 + 6 * kHour, 0.001);  // new meter
  m.read(kT0 + 13 * kHour, 0.100);
  CHECK(m.w1().empty());
  REQUIRE(m.alerts.size() == 1);  // the replacement itself is reported to maintenance
  CHECK(m.alerts[0].kind == AlertKind::RegisterBackwards);
  CHECK(m.alerts[0].audience == Audience::Maintenance);
}

TEST_CASE("a meter in a household addresses its alerts to the household") {
  Inventory inv;
  Household h;
  h.id = "hh-7";
  h.meters = {"wm-1"};
  inv.households.push_back(h);
  Engine engine(RulesConfig{}, inv);
  std::vector<Alert> alerts;
  Reading r;
  r.sensor_id = "wm-1";
  r.water.total_m3 = 1.0;
  r.time_ms = kT0;
  engine.on_reading(r, alerts);
  r.time_ms = kT0 + 12 * kHour;
  engine.on_reading(r, alerts);
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].subject_kind == SubjectKind::Household);
  CHECK(alerts[0].subject == "hh-7");
  CHECK(alerts[0].sensor_id == "wm-1");
}
