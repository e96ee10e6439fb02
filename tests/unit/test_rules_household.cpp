// test_rules_household.cpp: door rules, water + door fusion (C1), away mode, quiet hours across
// midnight, device health, facade patches (checkpoint round trips: test_state_codec.cpp).
#include <doctest/doctest.h>

#include <cstddef>

#include "gateway/detect/engine.h"
#include "household_fixture.h"

using namespace edgegw;
using namespace edgegw::test;

TEST_CASE("water and door silent together: W1 escalates to C1 critical 4 h later") {
  Home h;
  h.door(kT0 + 8 * kHour, false);
  h.door(kT0 + 8 * kHour + kMin, true);
  h.water(kT0 + 8 * kHour + 45 * kMin);
  h.water(kT0 + 9 * kHour, 0.02);  // last use after the last door activity
  h.quiet(kT0 + 9 * kHour + 15 * kMin, kT0 + 24 * kHour + 45 * kMin);
  CHECK(h.count(Rule::W1) == 1);
  CHECK(h.count(Rule::C1) == 0);  // W1 at 21:00; a late rising would have ended by now
  h.quiet(kT0 + 25 * kHour, kT0 + 26 * kHour);
  REQUIRE(h.count(Rule::C1) == 1);
  auto c1 =
      *std::find_if(h.alerts.begin(), h.alerts.end(), [](auto& a) { return a.rule == Rule::C1; });
  CHECK(c1.severity == Severity::Critical);
  CHECK(c1.subject == "hh-1");
  CHECK(c1.event_time_ms == kT0 + 9 * kHour);
  CHECK(c1.detect_time_ms == kT0 + 25 * kHour);  // 12 h + c1_after_w1_h
  SUBCASE("the door opening clears C1") {
    h.door(kT0 + 27 * kHour, false);
    CHECK(h.count(Rule::C1, AlertState::Cleared) == 1);
  }
}

TEST_CASE("a night out: door opened after the last water use raises no W1 and no C1") {
  Home h;
  h.water(kT0 + 18 * kHour, 0.02);
  h.door(kT0 + 19 * kHour, false);  // leaves
  h.door(kT0 + 19 * kHour + kMin, true);
  h.quiet(kT0 + 18 * kHour + 15 * kMin, kT0 + 18 * kHour + 20 * kHour);  // 20 h without water
  CHECK(h.count(Rule::W1) == 0);
  CHECK(h.count(Rule::C1) == 0);
  h.door(kT0 + 38 * kHour + 30 * kMin, false);  // comes back, uses water
  h.water(kT0 + 38 * kHour + 45 * kMin, 0.03);
  CHECK(h.count(Rule::W2) == 0);
}

TEST_CASE("away mode holds care alerts - ending it inside the window lets them through") {
  Home h;
  REQUIRE(h.engine.set_away("hh-1", kT0 + 20 * kHour));
  CHECK_FALSE(h.engine.set_away("hh-unknown", 1));
  h.water(kT0, 0.02);
  h.quiet(kT0 + 15 * kMin, kT0 + 19 * kHour);
  CHECK(h.count(Rule::W1) == 0);  // quiet for 12 h but away
  h.quiet(kT0 + 19 * kHour + 15 * kMin, kT0 + 21 * kHour);
  CHECK(h.count(Rule::W1) == 1);  // away ended, still no water: now it is sent, once
  CHECK(h.count(Rule::C1) == 1);
}

TEST_CASE("a hold that ends after 24 h of silence sends W2 alone: one alert, not W1 and W2") {
  Home h;
  REQUIRE(h.engine.set_away("hh-1", kT0 + 60 * kHour));
  h.water(kT0, 0.02);
  h.quiet(kT0 + 15 * kMin, kT0 + 59 * kHour);
  CHECK(h.alerts.empty());
  h.quiet(kT0 + 60 * kHour, kT0 + 61 * kHour);
  CHECK(h.count(Rule::W2) == 1);
  CHECK(h.count(Rule::W1) == 0);  // the 24-h alert already says it
  CHECK(h.count(Rule::C1) == 1);  // and C1 escalates it as it would W1
  h.water(kT0 + 61 * kHour + 15 * kMin, 0.01);
  CHECK(h.count(Rule::W2, AlertState::Cleared) == 1);
  CHECK(h.count(Rule::W1, AlertState::Cleared) == 0);  // never sent, never cleared
  CHECK(h.count(Rule::C1, AlertState::Cleared) == 1);
}

TEST_CASE("a silence at home is one case that escalates: W1 at 12 h, then C1, W2 folded in") {
  Home h;
  h.water(kT0 + 8 * kHour, 0.02);  // 08:00 local
  h.quiet(kT0 + 8 * kHour + 15 * kMin, kT0 + 33 * kHour);
  CHECK(h.count(Rule::W1, AlertState::Raised) == 1);
  CHECK(h.count(Rule::C1, AlertState::Escalated) == 1);  // critical, 16 h
  CHECK(h.count(Rule::W2) == 0);                         // high: no worse than what is open
  const auto meter = h.engine.explain_sensor("wm-1");
  REQUIRE(meter);
  CHECK((meter->held_not_sent & bit(AlertKind::NoWaterUse24h)) != 0);
  CHECK(meter->why_held.find("NoSignOfLife is open") != std::string::npos);
  SUBCASE("water ends the case, and every part of it") {
    h.water(kT0 + 33 * kHour + 15 * kMin, 0.02);
    CHECK(h.count(Rule::W1, AlertState::Cleared) == 1);
    CHECK(h.count(Rule::C1, AlertState::Cleared) == 1);
    CHECK(h.engine.explain_sensor("wm-1")->held_not_sent == 0);
  }
}

TEST_CASE("a silence after a return: W1 at 12 h, W2 escalates at 24 h, D1 folded into it") {
  Home h;
  h.water(kT0 + 8 * kHour, 0.02);
  h.pass(kT0 + 8 * kHour + 20 * kMin);  // out
  h.pass(kT0 + 9 * kHour);              // back, and nothing more (no C1: the door moved)
  h.quiet(kT0 + 8 * kHour + 15 * kMin, kT0 + 34 * kHour);
  CHECK(h.count(Rule::W1, AlertState::Raised) == 1);
  CHECK(h.count(Rule::W2, AlertState::Escalated) == 1);
  CHECK(h.count(Rule::C1) == 0);
  CHECK(h.count(Rule::D1) == 0);  // no door opening for 24 h: a warning, the case is high
  const auto door = h.engine.explain_sensor("door-1");
  REQUIRE(door);
  CHECK((door->held_not_sent & bit(AlertKind::NoDoorOpening)) != 0);
}
TEST_CASE("D3 night exit across midnight, once per night - a late return is not one") {
  Home h;
  int64_t clock = kT0 + 21 * kHour;  // the meter reports every 15 min up to `t`
  auto until = [&](int64_t t) {
    while (clock + 15 * kMin <= t) h.water(clock += 15 * kMin);
  };
  until(kT0 + 21 * kHour + 45 * kMin);
  h.pass(kT0 + 21 * kHour + 59 * kMin);  // 21:59 local: out, not quiet hours
  until(kT0 + 23 * kHour);
  h.pass(kT0 + 23 * kHour);  // 23:00: back home, washes hands
  h.water(clock += 15 * kMin, 0.002);
  until(kT0 + 26 * kHour);
  CHECK(h.count(Rule::D3) == 0);
  h.pass(kT0 + 26 * kHour);  // 02:00 next day: leaves
  until(kT0 + 26 * kHour + 30 * kMin);
  CHECK(h.count(Rule::D3) == 1);
  h.pass(kT0 + 26 * kHour + 40 * kMin);  // back, and out again the same night
  h.pass(kT0 + 27 * kHour);
  until(kT0 + 27 * kHour + 30 * kMin);
  CHECK(h.count(Rule::D3) == 1);
  until(kT0 + 30 * kHour);
  h.pass(kT0 + 30 * kHour);  // 06:00: back, quiet hours are over
  h.pass(kT0 + 31 * kHour);  // out at 07:00
  until(kT0 + 31 * kHour + 30 * kMin);
  CHECK(h.count(Rule::D3) == 1);
  until(kT0 + 46 * kHour);
  h.pass(kT0 + 46 * kHour);  // 22:00 back, uses water; 04:00 the next night out again
  h.water(clock += 15 * kMin, 0.002);
  until(kT0 + 52 * kHour);
  h.pass(kT0 + 52 * kHour);
  until(kT0 + 52 * kHour + 30 * kMin);
  CHECK(h.count(Rule::D3) == 2);
}

TEST_CASE("D4 door left open: just under 10 min nothing, over 10 min raised, closing clears") {
  Home h;
  h.door(kT0, false);
  h.water(kT0 + 10 * kMin - 1);
  CHECK(h.count(Rule::D4) == 0);
  h.water(kT0 + 10 * kMin);
  CHECK(h.count(Rule::D4) == 1);
  h.door(kT0 + 11 * kMin, true);
  CHECK(h.count(Rule::D4, AlertState::Cleared) == 1);
}

TEST_CASE("D1 fires on the watermark only when water is also quiet") {
  Home h;
  h.door(kT0, false);
  h.door(kT0 + kMin, true);
  h.water(kT0 + 2 * kHour, 0.05);  // used water after the opening: someone is home
  h.quiet(kT0 + 2 * kHour + 15 * kMin, kT0 + 25 * kHour);
  CHECK(h.count(Rule::D1) == 0);
}

TEST_CASE("continuous flow W3 after 8 whole reports of 2 h, not sooner - a pause resets it") {
  Home h;
  h.water(kT0);
  for (int q = 1; q <= 8; ++q) h.water(kT0 + q * 15 * kMin, 0.003);
  CHECK(h.count(Rule::W3) == 0);  // 2 h, but the first report saw only part of the flow
  h.water(kT0 + 9 * 15 * kMin, 0.003);
  CHECK(h.count(Rule::W3) == 1);
  h.water(kT0 + 10 * 15 * kMin);
  CHECK(h.count(Rule::W3, AlertState::Cleared) == 1);
}

TEST_CASE("S1: a meter that stops reporting is silent after 3 periods - a report clears it") {
  Home h;
  for (int q = 0; q < 8; ++q) h.water(kT0 + q * 15 * kMin);
  std::vector<Alert> out;
  h.engine.advance_watermark(kT0 + 7 * 15 * kMin + 45 * kMin - 1, out);
  CHECK(out.empty());
  h.engine.advance_watermark(kT0 + 7 * 15 * kMin + 45 * kMin, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].rule == Rule::S1);
  CHECK(out[0].audience == Audience::Maintenance);
  h.water(kT0 + 3 * kHour);
  CHECK(h.count(Rule::S1, AlertState::Cleared) == 1);
}

TEST_CASE("S1: silence is not counted while the gateway was not listening (down, broker lost)") {
  // The meter's last report at 01:45; the gateway stopped then and is back at 04:00 (wall-clock
  // mode: its first tick moves event time to 04:00 before the broker's backlog is drained).
  Home h;
  for (int q = 0; q < 8; ++q) h.water(kT0 + q * 15 * kMin);
  const int64_t last = kT0 + 7 * 15 * kMin, back = kT0 + 4 * kHour;
  std::vector<Alert> out;
  SUBCASE("told when it started listening: silent only 3 periods after that") {
    h.engine.set_listening_since(back);
    h.engine.advance_watermark(back, out);
    CHECK(out.empty());
    h.engine.advance_watermark(back + 45 * kMin - 1, out);
    CHECK(out.empty());
    h.engine.advance_watermark(back + 45 * kMin, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::S1);
    CHECK(out[0].event_time_ms == last);  // the evidence is still the last report
  }
  SUBCASE("not told: silent at once, the gateway's outage blamed on the meter") {
    h.engine.advance_watermark(back, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::S1);
  }
}

TEST_CASE("S2: battery low with hysteresis, tamper, meter alarms, backwards register") {
  Home h;
  Reading r;
  r.sensor_id = "door-1";
  r.kind = SensorKind::door;
  r.time_ms = kT0;
  r.battery_pct = 14;
  h.engine.on_reading(r, h.alerts);
  CHECK(h.count(Rule::S2) == 1);
  r.time_ms += kHour;
  r.battery_pct = 16;  // above the threshold, within hysteresis: still low
  h.engine.on_reading(r, h.alerts);
  CHECK(h.count(Rule::S2, AlertState::Cleared) == 0);
  r.time_ms += kHour;
  r.battery_pct = 100;  // replaced
  h.engine.on_reading(r, h.alerts);
  CHECK(h.count(Rule::S2, AlertState::Cleared) == 1);
  h.water(kT0);
  h.water(kT0 + kHour, -5.0);
  CHECK(std::any_of(h.alerts.begin(), h.alerts.end(),
                    [](auto& a) { return a.kind == AlertKind::RegisterBackwards; }));
}

TEST_CASE(
    "facade: a patch over 3 heating readings raises F1, on a second day F2 - a glint does not") {
  Home h;
  FacadeRegion patch{12, 7, 3, 2, 1.3f, 6};
  auto facade = [&](int64_t t, FacadePhase phase, float dt, bool rain = false) {
    FacadeRegion g = patch;
    g.dt_c = dt;
    Reading r;
    r.sensor_id = "fac-1";
    r.kind = SensorKind::facade;
    r.time_ms = t;
    r.facade.phase = phase;
    r.facade.rain = rain;
    r.facade.regions = std::span<const FacadeRegion>(&g, 1);
    h.engine.on_reading(r, h.alerts);
  };
  facade(kT0 + 10 * kHour, FacadePhase::heating, 1.4f);  // a glint
  facade(kT0 + 10 * kHour + 5 * kMin, FacadePhase::heating, 0.1f);
  facade(kT0 + 10 * kHour + 10 * kMin, FacadePhase::heating, 1.4f);
  CHECK(h.count(Rule::F1) == 0);
  facade(kT0 + 10 * kHour + 15 * kMin, FacadePhase::heating, 1.3f);
  facade(kT0 + 10 * kHour + 20 * kMin, FacadePhase::heating, 1.3f, /*rain=*/true);  // ignored
  CHECK(h.count(Rule::F1) == 0);
  facade(kT0 + 10 * kHour + 25 * kMin, FacadePhase::heating, 1.3f);
  REQUIRE(h.count(Rule::F1) == 1);
  CHECK(h.alerts.back().subject == "bld-1");
  CHECK(h.count(Rule::F2) == 0);
  for (int i = 0; i < 3; ++i)
    facade(kT0 + kDay + 10 * kHour + i * 5 * kMin, FacadePhase::heating, 1.5f);
  CHECK(h.count(Rule::F2) == 1);
}

TEST_CASE("a door opened after the last use, then any water at all: home, so a fall is found") {
  Home h;
  h.water(kT0 + 7 * kHour + 45 * kMin);
  h.water(kT0 + 8 * kHour, 0.02);
  h.door(kT0 + 8 * kHour + 5 * kMin, false);  // takes the rubbish out
  h.door(kT0 + 8 * kHour + 6 * kMin, true);
  h.water(kT0 + 8 * kHour + 15 * kMin);
  h.water(kT0 + 8 * kHour + 30 * kMin, 0.001);  // one litre, after the door: someone is in
  h.quiet(kT0 + 8 * kHour + 45 * kMin, kT0 + 25 * kHour);
  CHECK(h.count(Rule::W1) == 1);
  CHECK(h.count(Rule::C1) == 1);
}

TEST_CASE(
    "the use and the door in one report interval count as 'went out': nothing for a night away") {
  Home h;
  h.water(kT0 + 9 * kHour + 15 * kMin);
  h.water(kT0 + 9 * kHour + 30 * kMin);
  h.door(kT0 + 9 * kHour + 38 * kMin, false);  // washed hands at 9:35, left at 9:38
  h.door(kT0 + 9 * kHour + 39 * kMin, true);
  h.water(kT0 + 9 * kHour + 45 * kMin, 0.02);  // the report after both shows the use
  h.quiet(kT0 + 10 * kHour, kT0 + 40 * kHour);
  CHECK(h.count(Rule::W1) == 0);
  CHECK(h.count(Rule::W2) == 0);
  CHECK(h.count(Rule::C1) == 0);
}

TEST_CASE("a door opening delivered again after its closing (same time) is not a second passage") {
  Home h;
  h.water(kT0 + 8 * kHour, 0.02);
  h.door(kT0 + 9 * kHour, false);  // leaves ...
  h.door(kT0 + 9 * kHour, true);   // ... the same second
  h.door(kT0 + 9 * kHour, false);  // redelivered after a restart
  h.door(kT0 + 9 * kHour, true);
  REQUIRE(h.engine.household("hh-1") != nullptr);
  CHECK(h.engine.household("hh-1")->openings_since_use == 1);
  CHECK(h.engine.household("hh-1")->presence == Presence::out);
}
