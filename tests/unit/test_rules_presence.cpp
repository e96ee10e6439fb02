// test_rules_presence.cpp: the household's presence from door passages, the learned rhythm
// (H1), W3 for leaks and taps on 15-minute and hourly meters, D3 (leaving at night), and the
// learned state surviving a checkpoint.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "gateway/detect/engine.h"
#include "household_fixture.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

// One ordinary day from local midnight `d0`: meter reports every 15 min, water at these local
// hours (2 L at night, 8 L by day), and an outing 9:30-11:00 (door out, door back).
void ordinary_day(Home& h, int64_t d0, bool outing = true) {
  const double uses[] = {3, 7, 7.5, 8, 12, 12.5, 14, 16, 18, 19, 21};
  for (int64_t t = d0 + 15 * kMin; t <= d0 + kDay; t += 15 * kMin) {
    if (outing && t == d0 + 9 * kHour + 45 * kMin) h.pass(t - 15 * kMin);
    if (outing && t == d0 + 11 * kHour + 15 * kMin) h.pass(t - 15 * kMin);
    double use = 0;
    for (double u : uses)
      if (t == d0 + static_cast<int64_t>(u * kHour) + 15 * kMin) use = u < 6 ? 0.002 : 0.008;
    h.water(t, use);
  }
}

const Alert* first(const Home& h, Rule rule) {
  for (const Alert& a : h.alerts)
    if (a.rule == rule && a.state != AlertState::Cleared) return &a;
  return nullptr;
}

// The household's first no-activity alert (H1, W1, W2, D1, D2, C1): the case the community
// worker gets; later ones of no higher severity are folded into it.
const Alert* first_no_activity(const Home& h) {
  for (const Alert& a : h.alerts)
    if (is_no_activity(a.kind) && a.state != AlertState::Cleared) return &a;
  return nullptr;
}

// A restart: `after` (a fresh engine) loads the checkpoint records `before` wrote, and the
// meter's register goes on where it was.
void restart_into(Home& before, Home& after) {
  for (const StateRecord& r : before.engine.take_dirty_records())
    CHECK(after.engine.load_record(r.key, r.value).empty());
  after.engine.finish_restore();
  after.total = before.total;
}

bool held_not_sent(const Home& h, const char* sensor, AlertKind kind) {
  const auto e = h.engine.explain_sensor(sensor);
  return e && (e->held_not_sent & bit(kind)) != 0;
}

}  // namespace

// 15 ordinary days (door passages in pairs): the household's passage count is trusted.
int64_t learn(Home& h) {
  for (int d = 0; d < 15; ++d) ordinary_day(h, kT0 + d * kDay);
  return kT0 + 15 * kDay;
}

TEST_CASE("a fall right after coming home is a fall at home: found within 12 h of the return") {
  Home h;
  const int64_t d = learn(h);
  h.water(d + 8 * kHour, 0.02);
  h.pass(d + 8 * kHour + 10 * kMin);  // leaves
  h.quiet(d + 8 * kHour + 15 * kMin, d + 15 * kHour);
  h.pass(d + 15 * kHour + 2 * kMin);  // comes home at 15:02 and falls
  h.quiet(d + 15 * kHour + 15 * kMin, d + 40 * kHour);
  const Alert* found = first_no_activity(h);
  REQUIRE(found != nullptr);
  CHECK(found->detect_time_ms <= d + 27 * kHour + 15 * kMin);  // 12 h at home, not 84 h
  CHECK((found->rule == Rule::W1 || found->rule == Rule::H1));
  CHECK((h.engine.explain_sensor("wm-1")->state.held & bit(AlertKind::NoWaterUse12h)) != 0);
  CHECK(h.count(Rule::C1) == 0);  // the door moved: not "no sign"
}

TEST_CASE("out with the rubbish and back within minutes, then a fall: home, found") {
  Home h;
  const int64_t d = learn(h);
  h.water(d + 9 * kHour, 0.02);
  h.pass(d + 9 * kHour + 5 * kMin);
  h.pass(d + 9 * kHour + 8 * kMin);  // back
  h.quiet(d + 9 * kHour + 15 * kMin, d + 30 * kHour);
  const Alert* found = first_no_activity(h);
  REQUIRE(found != nullptr);
  CHECK(found->detect_time_ms <= d + 21 * kHour + 15 * kMin);
}

TEST_CASE("a door opened without anyone going through: water says home, the count restarts") {
  Home h;
  const int64_t d = learn(h);
  h.pass(d + 9 * kHour);  // a parcel at the door: one opening, nobody leaves
  h.water(d + 9 * kHour + 15 * kMin);
  h.water(d + 9 * kHour + 30 * kMin, 0.01);  // water with no passage: the count was wrong
  const HouseholdState* hs = h.engine.household("hh-1");
  REQUIRE(hs != nullptr);
  CHECK(hs->parity_error_ms == d + 9 * kHour + 30 * kMin);
  CHECK(hs->presence == Presence::home);
  // Then out for two nights, leaving right after a use: held as an absence.
  h.water(d + 10 * kHour, 0.02);
  h.pass(d + 10 * kHour + 5 * kMin);
  h.quiet(d + 10 * kHour + 15 * kMin, d + 58 * kHour);
  CHECK(h.count(Rule::W1) == 0);
  CHECK(h.count(Rule::W2) == 0);
  CHECK(h.count(Rule::H1) == 0);
}

TEST_CASE("from the first day: a fall after coming home or after the rubbish is found in 24 h") {
  Home h;  // nothing learned: the passages are read from the first day
  h.water(kT0 + 8 * kHour, 0.02);
  h.pass(kT0 + 8 * kHour + 5 * kMin);  // out for the morning
  h.quiet(kT0 + 8 * kHour + 15 * kMin, kT0 + 12 * kHour);
  h.pass(kT0 + 12 * kHour + 3 * kMin);  // home at 12:03, falls at 12:08
  h.quiet(kT0 + 12 * kHour + 15 * kMin, kT0 + 36 * kHour);
  const Alert* w1 = first(h, Rule::W1);
  REQUIRE(w1 != nullptr);
  // 12 h after the last use (the outing counts: no water since coming home), not 12 h at home.
  CHECK(w1->detect_time_ms >= kT0 + 20 * kHour);
  CHECK(w1->detect_time_ms <= kT0 + 20 * kHour + 15 * kMin);

  Home r;  // the rubbish: out and back within minutes, in the meter's interval after a use
  r.water(kT0 + 10 * kHour, 0.02);
  r.pass(kT0 + 10 * kHour + 4 * kMin);
  r.pass(kT0 + 10 * kHour + 7 * kMin);
  r.quiet(kT0 + 10 * kHour + 15 * kMin, kT0 + 34 * kHour);
  const Alert* rw1 = first(r, Rule::W1);
  REQUIRE(rw1 != nullptr);
  CHECK(rw1->detect_time_ms - (kT0 + 10 * kHour + 8 * kMin) < 13 * kHour);
}

TEST_CASE("W1 counts an outing once home 3 h with the register still since the return") {
  // The day's last use at 08:00, out at 08:05; a drip of 0.1 L a report from 08:15 if asked.
  auto out_for_the_day = [](Home& h, int64_t back, double drip = 0) {
    h.water(kT0 + 7 * kHour + 45 * kMin);
    h.water(kT0 + 8 * kHour, 0.02);
    h.pass(kT0 + 8 * kHour + 5 * kMin);
    for (int64_t t = kT0 + 8 * kHour + 15 * kMin; t < back; t += 15 * kMin) h.water(t, drip);
    h.pass(back);
  };
  // Home at 11:00 and quiet: W1 at 20:00, 12 h after the use (9 h at home), not at 23:00.
  Home h;
  out_for_the_day(h, kT0 + 11 * kHour);
  h.quiet(kT0 + 11 * kHour + 15 * kMin, kT0 + 22 * kHour);
  const Alert* w1 = first(h, Rule::W1);
  REQUIRE(w1 != nullptr);
  CHECK(w1->event_time_ms == kT0 + 8 * kHour);
  CHECK(w1->detect_time_ms == kT0 + 20 * kHour);
  // Home at 18:00: 12 h since the use at 20:00, but only 3 h at home by 21:00, and the awake
  // hours count from the return (a day out, then an early night): not before the morning.
  Home late;
  out_for_the_day(late, kT0 + 18 * kHour);
  late.quiet(kT0 + 18 * kHour + 15 * kMin, kT0 + 30 * kHour);
  CHECK(late.count(Rule::W1) == 0);
  // Home at 11:00, then a litre at 11:15: a sign of life, W1 counts 12 h from it.
  Home used;
  out_for_the_day(used, kT0 + 11 * kHour);
  used.water(kT0 + 11 * kHour + 15 * kMin, 0.001);
  used.quiet(kT0 + 11 * kHour + 30 * kMin, kT0 + 22 * kHour);
  CHECK(used.count(Rule::W1) == 0);
  // A register creeping up all along (a drip, never a sign of life) says nothing of the
  // person: W1 waits 12 h at home from the return.
  Home drip;
  out_for_the_day(drip, kT0 + 11 * kHour, 0.0001);
  for (int64_t t = kT0 + 11 * kHour + 15 * kMin; t <= kT0 + 22 * kHour; t += 15 * kMin)
    drip.water(t, 0.0001);
  CHECK(drip.count(Rule::W1) == 0);
  for (int64_t t = kT0 + 22 * kHour + 15 * kMin; t <= kT0 + 23 * kHour + 15 * kMin; t += 15 * kMin)
    drip.water(t, 0.0001);
  CHECK(drip.count(Rule::W1) == 1);
}

TEST_CASE("back from a night away, a litre to wash hands is a sign of life: no W1, no C1") {
  Home h;
  h.water(kT0 + 17 * kHour + 45 * kMin);
  h.water(kT0 + 18 * kHour, 0.02);
  h.door(kT0 + 19 * kHour, false);  // leaves for the night
  h.door(kT0 + 19 * kHour + kMin, true);
  h.quiet(kT0 + 18 * kHour + 15 * kMin, kT0 + 37 * kHour);
  h.door(kT0 + 37 * kHour + 5 * kMin, false);  // back at 13:05 the next day
  h.door(kT0 + 37 * kHour + 6 * kMin, true);
  h.water(kT0 + 37 * kHour + 15 * kMin, 0.001);  // one litre
  h.quiet(kT0 + 37 * kHour + 30 * kMin, kT0 + 45 * kHour);
  CHECK(h.count(Rule::W1) == 0);
  CHECK(h.count(Rule::W2) == 0);
  CHECK(h.count(Rule::C1) == 0);
}

TEST_CASE("W3 on an hourly meter: a busy, bursty day is not a leak") {
  Home h;
  const double litres[] = {20, 35, 15, 60, 10, 40, 25, 80, 12, 30, 45, 18};
  h.water(kT0 + 7 * kHour);
  for (int i = 0; i < 12; ++i) h.water(kT0 + (8 + i) * kHour, litres[i] / 1000);
  CHECK(h.count(Rule::W3) == 0);
}

TEST_CASE("W3: a 12 L/h cistern leak under a person's bursts on an hourly meter: found in 24 h") {
  Home h;
  const double person[] = {0, 45, 0, 8, 30, 0, 0, 60, 10, 0, 25, 0, 0, 0, 0, 0, 0, 0, 5, 40};
  h.water(kT0 + 7 * kHour);
  int i = 0;
  for (; i < 20 && h.count(Rule::W3) == 0; ++i)
    h.water(kT0 + (8 + i) * kHour, (12 + person[i]) / 1000);
  REQUIRE(h.count(Rule::W3) == 1);
  CHECK(i <= 16);  // its floor shows at 15 h; rising in every report for 16 h, however bursty
}

TEST_CASE("W3: a 60 L/h leak on a register of 10 L steps is found, its steps learned") {
  // 15 L per 15 minutes reads as 10, 20, 10, 20 L: steady within one register step. The
  // register's 5-digit total must not hide its decimals.
  for (const double start : {12.34, 98765.43}) {
    CAPTURE(start);
    Home h;
    h.total = start;
    h.water(kT0 + 10 * kHour);
    int i = 0;
    for (; i < 16 && h.count(Rule::W3) == 0; ++i)
      h.water(kT0 + 10 * kHour + (i + 1) * 15 * kMin, i % 2 ? 0.020 : 0.010);
    CHECK(h.count(Rule::W3) == 1);
    CHECK(i == 12);  // 3 h on a coarse register (2 h 15 min on a 1 L one)
    CHECK(h.engine.explain_sensor("wm-1")->state.water().step_m3 == 0.01f);
  }
}

TEST_CASE("W3: 10 and 20 L reports for 2 h 45 min on a register of 10 L steps are no leak") {
  // A cleaning day's buckets read exactly as the 60 L/h leak above until it ends: the floor of a
  // coarse register is one step wide, and its run needs 3 h.
  Home h;
  h.total = 12.34;
  h.water(kT0 + 10 * kHour);
  for (int i = 0; i < 11; ++i)
    h.water(kT0 + 10 * kHour + (i + 1) * 15 * kMin, i % 2 ? 0.020 : 0.010);
  h.quiet(kT0 + 13 * kHour, kT0 + 16 * kHour);
  CHECK(h.count(Rule::W3) == 0);
}

TEST_CASE("W3: a tap left running at 300 L/h is found within 1 h on a 15-minute meter") {
  Home h;
  h.water(kT0 + 10 * kHour);
  h.water(kT0 + 10 * kHour + 15 * kMin);
  // Opened at 10:20: 50 L in the first report, then 75 L per report.
  h.water(kT0 + 10 * kHour + 30 * kMin, 0.050);
  h.water(kT0 + 10 * kHour + 45 * kMin, 0.075);
  h.water(kT0 + 11 * kHour, 0.075);
  h.water(kT0 + 11 * kHour + 15 * kMin, 0.075);
  const Alert* w3 = first(h, Rule::W3);
  REQUIRE(w3 != nullptr);
  CHECK(w3->detect_time_ms - (kT0 + 10 * kHour + 20 * kMin) <= kHour);
  h.water(kT0 + 11 * kHour + 30 * kMin);  // closed
  CHECK(h.count(Rule::W3, AlertState::Cleared) == 1);
}

TEST_CASE("W3: a tap left running is found within two reports of an hourly meter") {
  Home h;
  h.water(kT0 + 10 * kHour);
  h.water(kT0 + 11 * kHour, 0.150);  // opened at 11:30 -> 150 L by 12:00 (report at 11:00+1h)
  CHECK(h.count(Rule::W3) == 0);
  h.water(kT0 + 12 * kHour, 0.300);
  CHECK(h.count(Rule::W3) == 1);
}

TEST_CASE("W3: one hourly report at a rate no person draws is a tap, its next reports lost") {
  Home h;  // an hourly meter
  for (int64_t t = kT0 + 6 * kHour; t <= kT0 + 10 * kHour; t += kHour) h.water(t, 0.005);
  h.water(kT0 + 11 * kHour, 0.180);  // a person's busiest hour: a bath, then the laundry
  h.water(kT0 + 12 * kHour, 0.020);
  CHECK(h.count(Rule::W3) == 0);
  SUBCASE("350 L in an hour") {
    h.water(kT0 + 13 * kHour, 0.350);
    const Alert* w3 = first(h, Rule::W3);
    REQUIRE(w3 != nullptr);
    CHECK(w3->detect_time_ms == kT0 + 13 * kHour);
  }
  SUBCASE("660 L in a report two hours after the last: one lost between") {
    h.water(kT0 + 14 * kHour, 0.660);
    const Alert* w3 = first(h, Rule::W3);
    REQUIRE(w3 != nullptr);
    CHECK(w3->detect_time_ms == kT0 + 14 * kHour);
    CHECK(w3->event_time_ms == kT0 + 12 * kHour);
    CHECK(w3->observed == doctest::Approx(0.33));
    CHECK(w3->threshold == doctest::Approx(0.3));
  }
  SUBCASE("250 L over two hours after a lost report is a busy morning") {
    h.water(kT0 + 14 * kHour, 0.250);
    CHECK(h.count(Rule::W3) == 0);
  }
}

TEST_CASE("W3: reports after lost ones average a gap: a busy morning is not a tap left running") {
  Home h;  // a 15-minute meter: the rate of a report after missing ones is over the whole gap
  for (int64_t t = kT0 + 6 * kHour; t <= kT0 + 8 * kHour; t += 15 * kMin) h.water(t, 0.002);
  h.water(kT0 + 9 * kHour, 0.130);   // three reports lost: shower, laundry and dishes in one hour
  h.water(kT0 + 10 * kHour, 0.130);  // and again
  CHECK(h.count(Rule::W3) == 0);
  SUBCASE("a tap left running across a lost report is still found") {
    for (int i = 1; i <= 3; ++i) h.water(kT0 + 10 * kHour + i * 15 * kMin, 0.075);  // 300 L/h
    CHECK(h.count(Rule::W3) == 1);
  }
}

TEST_CASE("W3: a slow leak (6 L/h, under the 10 L/h of a steady run) is found after 16 h") {
  Home h;
  h.water(kT0);
  int64_t t = kT0;
  for (; t < kT0 + 15 * kHour + 45 * kMin; t += 15 * kMin) h.water(t + 15 * kMin, 0.0015);
  CHECK(h.count(Rule::W3) == 0);  // 15 h 45 min
  h.water(t + 15 * kMin, 0.0015);
  const Alert* w3 = first(h, Rule::W3);
  REQUIRE(w3 != nullptr);
  CHECK(w3->detect_time_ms == kT0 + 16 * kHour);
  CHECK(w3->observed == doctest::Approx(0.006));
  h.water(t + 30 * kMin);  // repaired: a still report clears it
  CHECK(h.count(Rule::W3, AlertState::Cleared) == 1);
}

TEST_CASE("W3: a running cistern (steady 20 L/h) under a person's bursts is a leak") {
  Home h;
  h.water(kT0);
  const double person[] = {0, 0, 0, 0, 0, 0, 0, 0.03, 0, 0.01};  // litres on top, m3
  int i = 0;
  for (; i < 10 && h.count(Rule::W3) == 0; ++i) h.water(kT0 + (i + 1) * kHour, 0.020 + person[i]);
  CHECK(h.count(Rule::W3) == 1);
  CHECK(i <= 9);  // 8 whole reports after the first: its floor, 20 L/h, in 6 of them
}

// A CJ/T 188 register (10 L steps) in front of the home's meter: what flowed through it, read
// down to the step.
struct CoarseRegister {
  Home& h;
  double flowed = 12.34;
  void report(int64_t t, double litres) {
    flowed += litres / 1000;
    h.total = std::floor(flowed * 100 + 1e-6) / 100;
    h.water(t);
  }
};

// Local hour `hour` (may pass 24) of the fixture's first day, at +08:00.
constexpr int64_t at(double hour) {
  return kT0 + static_cast<int64_t>(hour * kHour);
}

TEST_CASE("W3 on a register of 10 L steps: a cleaning morning is not a floor, a 100 L/h leak is") {
  // 3 h of 10-30 L reports (40-120 L/h in bursts): within two steps (80 L/h) of the slowest,
  // a floor; within one, not.
  Home cleaning;
  cleaning.total = 12.34;
  cleaning.water(kT0 + 9 * kHour);
  const double litres[] = {10, 30, 20, 10, 30, 20, 10, 30, 20, 30, 10, 30};
  for (int i = 0; i < 12; ++i)
    cleaning.water(kT0 + 9 * kHour + (i + 1) * 15 * kMin, litres[i] / 1000);
  cleaning.quiet(kT0 + 12 * kHour + 15 * kMin, kT0 + 14 * kHour);
  CHECK(cleaning.engine.explain_sensor("wm-1")->state.water().step_m3 == 0.01f);
  CHECK(cleaning.count(Rule::W3) == 0);

  // 25 L per report, read as 20 or 30 L, the report times a minute early or late.
  Home leak;
  CoarseRegister meter{leak};
  int64_t previous = kT0 + 9 * kHour;
  meter.report(previous, 0);
  int i = 1;
  for (; i <= 16 && leak.count(Rule::W3) == 0; ++i) {
    const int64_t t = kT0 + 9 * kHour + i * 15 * kMin + (i % 3 - 1) * kMin;
    meter.report(t, 100.0 * static_cast<double>(t - previous) / kHour);
    previous = t;
  }
  CHECK(leak.count(Rule::W3) == 1);
  CHECK(i - 1 == 13);  // 3 h of the run (its 12th report came a minute early)
}

TEST_CASE("W3: an 8 L/h cistern on a register of 10 L steps is found in the night, kept by day") {
  // A step every 75 min: the register never rises in every report, so no steady or sustained
  // run; but it is never still for 75 min either, through the night, when a person's is.
  Home h;
  CoarseRegister meter{h};
  const auto person = [](int64_t t) {
    for (const double hour : {7.5, 12.0, 18.5, 21.0, 31.5, 36.0, 42.5})
      if (t == at(hour)) return 20.0;
    return 0.0;
  };
  const Alert* w3 = nullptr;
  int64_t t = at(7);
  for (; t <= at(20 + 24); t += 15 * kMin) {
    meter.report(t, person(t) + (t > at(10) ? 2.0 : 0.0));  // 2 L per 15 min from 10:00
    if (!w3 && (w3 = first(h, Rule::W3))) {
      // The night is judged from 00:00 (the quiet hours' first 2 h are the evening's), for 4 h
      // at least and until the register has risen by 8 L/h's worth (32 L: 40 L at 05:00).
      CHECK(w3->detect_time_ms >= at(28));
      CHECK(w3->detect_time_ms <= at(29.25));
      CHECK(w3->audience == Audience::Care);
      CHECK(w3->threshold == doctest::Approx(0.008));
      CHECK(w3->observed >= 0.008);
      CHECK(w3->observed <= 0.010);
      CHECK(w3->window_s >= 4 * 3600);
    }
  }
  REQUIRE(w3 != nullptr);
  CHECK(h.count(Rule::W3) == 1);  // held through the day's still reports and uses
  CHECK(h.count(Rule::W3, AlertState::Cleared) == 0);
  for (; t <= at(46); t += 15 * kMin) meter.report(t, 0);  // repaired at 20:00
  CHECK(h.count(Rule::W3, AlertState::Cleared) == 1);
}

TEST_CASE("W3: an 8 L/h cistern on an hourly register of 10 L steps is found within 24 h") {
  // Still in one report of five: neither a steady nor a sustained run.
  Home h;
  CoarseRegister meter{h};
  int64_t t = at(6);
  for (; t <= at(6 + 24) && h.count(Rule::W3) == 0; t += kHour)
    meter.report(t, (t == at(8) || t == at(19) ? 30.0 : 0.0) + (t > at(9) ? 8.0 : 0.0));
  REQUIRE(h.count(Rule::W3) == 1);
  CHECK(first(h, Rule::W3)->detect_time_ms <= at(29));  // 20 h after it began
}

TEST_CASE("W3: a person's nights on a register of 10 L steps are not a trickle") {
  // A busy day and a late evening (a step in every report or two until 00:30: a run that began
  // in the day and ran into the night), toilet trips at 01:00 and 03:30, up at 05:45: the
  // register stands still for more than 75 min in the night.
  Home h;
  CoarseRegister meter{h};
  for (int day = 0; day < 14; ++day) {
    for (int64_t t = at(24 * day + 6); t < at(24 * day + 30); t += 15 * kMin) {
      const double hour = static_cast<double>(t - at(24 * day)) / kHour;
      const bool busy = hour >= 8 && hour <= 24.5 && static_cast<int>(hour * 4) % 2 == 0;
      const bool toilet = hour == 25 || hour == 27.5 || hour == 29.75;
      meter.report(t, busy || toilet ? 10.0 : 0.0);
    }
  }
  CHECK(h.count(Rule::W3) == 0);
}

TEST_CASE("W3: a person's night is not a trickle - one began in the night, bursts count a step") {
  // 15-minute meter: the register still from 22:00 to 01:40, then a step at least every 75
  // min and an early wash: a run, but one that began in the night (a leak's was going on when
  // the night began). Hourly meter: up past midnight (a step at 23:15 and 00:15), the toilet
  // at 02:15, a wash at 04:15: a run going on at midnight, but 3 steps in 4 h, the wash
  // counted as one step (what a leak shows in a report, not a person's 60 L).
  for (const bool hourly : {false, true}) {
    CAPTURE(hourly);
    Home h;
    CoarseRegister meter{h};
    const std::vector<double> night = hourly
                                          ? std::vector<double>{23, 24, 26, 28}
                                          : std::vector<double>{25.75, 26.75, 27.25, 28.5, 28.75};
    for (int day = 0; day < 14; ++day) {
      for (int64_t t = at(24 * day + 6); t < at(24 * day + 30); t += hourly ? kHour : 15 * kMin) {
        const double hour = static_cast<double>(t - at(24 * day)) / kHour;
        double litres = hour == 8 || hour == 12 || hour == 19 || hour == 22 ? 30 : 0;
        for (const double trip : night)
          if (hour == trip) litres = trip == night.back() ? 60 : 10;
        meter.report(t + (hourly ? 15 * kMin : 0), litres);
      }
    }
    CHECK(h.count(Rule::W3) == 0);
  }
}

TEST_CASE("a door opened in the hour of a use, then water again with no passage: home after all") {
  // Hourly meter. The door opened at 12:11 in the hour that showed 6 L: read as "used water,
  // then left". The next hour shows 1 L with no passage since: the door was a delivery's and
  // the person stayed. Any use says so, even right after another (not a register creeping up),
  // so a fall at home after it is found within 24 h, not held as an outing for 84 h.
  Home h;
  h.water(at(7), 0.020);
  for (int64_t t = at(8); t <= at(12); t += kHour) h.water(t);
  h.pass(at(12) + 11 * kMin);
  h.water(at(13), 0.006);
  REQUIRE(h.engine.household("hh-1")->presence == Presence::out);
  h.water(at(14), 0.001);
  CHECK(h.engine.household("hh-1")->presence == Presence::home);
  for (int64_t t = at(15); t <= at(14 + 24) && !first_no_activity(h); t += kHour) h.water(t);
  const Alert* a = first_no_activity(h);
  REQUIRE(a != nullptr);
  CHECK(a->detect_time_ms <= at(14 + 24));
}

TEST_CASE("D3: leaving at night and not back within 20 min is raised, with the exit's time") {
  Home h;
  h.water(kT0 + 25 * kHour, 0.02);             // 01:00 local, the toilet
  h.door(kT0 + 25 * kHour + 5 * kMin, false);  // out at 01:05
  h.door(kT0 + 25 * kHour + 6 * kMin, true);
  h.water(kT0 + 25 * kHour + 15 * kMin);
  CHECK(h.count(Rule::D3) == 0);  // not yet: maybe back in a minute
  h.water(kT0 + 25 * kHour + 30 * kMin);
  const Alert* d3 = first(h, Rule::D3);
  REQUIRE(d3 != nullptr);
  CHECK(d3->event_time_ms == kT0 + 25 * kHour + 5 * kMin);
  CHECK(d3->detect_time_ms == kT0 + 25 * kHour + 25 * kMin);
}

TEST_CASE("D3: a late return, a trip out and back, and a guest leaving late are not wandering") {
  Home h;
  h.water(kT0 + 18 * kHour, 0.02);
  h.door(kT0 + 19 * kHour, false);  // out for the evening
  h.door(kT0 + 19 * kHour + kMin, true);
  h.door(kT0 + 23 * kHour + 30 * kMin, false);  // back at 23:30
  h.door(kT0 + 23 * kHour + 31 * kMin, true);
  h.water(kT0 + 23 * kHour + 45 * kMin, 0.005);
  h.pass(kT0 + 24 * kHour);  // 00:00 out with the rubbish, back at 00:04
  h.pass(kT0 + 24 * kHour + 4 * kMin);
  h.water(kT0 + 24 * kHour + 15 * kMin);
  h.water(kT0 + 24 * kHour + 45 * kMin);
  CHECK(h.count(Rule::D3) == 0);
  // The next evening a visitor: the door lets them in, water is used, they leave at 22:40.
  h.pass(kT0 + 44 * kHour);
  h.water(kT0 + 44 * kHour + 30 * kMin, 0.01);
  h.pass(kT0 + 46 * kHour + 40 * kMin);
  h.water(kT0 + 47 * kHour + 15 * kMin);
  h.water(kT0 + 47 * kHour + 30 * kMin);
  CHECK(h.count(Rule::D3) == 0);
}

TEST_CASE("the usual bedtime is the median end of the day's last use, from the days before") {
  HouseholdModel m;
  constexpr int kOffset = 8 * 60;  // kT0 is local midnight at +08:00
  const double last_use_h[] = {21.0, 20.5, 23.0, 19.0, 21.2};
  for (int d = 0; d < 5; ++d) {
    const int64_t d0 = kT0 + d * kDay;
    model_mark(m, d0 + 7 * kHour, d0 + 7 * kHour, kOffset);
    model_mark(m, d0 + 12 * kHour, d0 + 12 * kHour, kOffset);
    const int64_t last = d0 + static_cast<int64_t>(last_use_h[d] * kHour);
    model_mark(m, last, last, kOffset);
    CHECK(model_usual_bedtime(m, d0 + 22 * kHour, kOffset, 3) == (d < 3 ? -1 : 21 * 60 + 15));
  }
  // Sorted ends of the last slots: 19:15, 20:45, 21:15, 21:15, 23:15: the median is 21:15.
  CHECK(model_usual_bedtime(m, kT0 + 5 * kDay + kHour, kOffset, 3) == 21 * 60 + 15);
  CHECK(model_usual_bedtime(m, kT0 + 5 * kDay + kHour, kOffset, 6) == -1);
}

TEST_CASE("an early sleeper's early night and late rising are not W1 - a fall is still found") {
  // Ordinary days end with water in the report of 21:15 (usual bedtime 21:30, learned), quiet
  // hours 22-06. Day 6: the last use at 18:45 (3 h 15 before the quiet hours), then nothing.
  auto run = [](int learn_days, int64_t next_use) {
    Home h;
    RulesConfig rules;
    rules.w1_bedtime_learn_days = learn_days;
    h.engine.reconfigure(rules, home());
    for (int d = 0; d < 5; ++d) ordinary_day(h, kT0 + d * kDay, false);
    const int64_t d5 = kT0 + 5 * kDay;
    for (int64_t t = d5 + 15 * kMin; t <= d5 + 18 * kHour + 45 * kMin; t += 15 * kMin)
      h.water(t, t == d5 + 8 * kHour || t == d5 + 18 * kHour + 45 * kMin ? 0.008 : 0);
    for (int64_t t = d5 + 19 * kHour; t < next_use; t += 15 * kMin) h.water(t);
    h.water(next_use, 0.008);
    return h.count(Rule::W1);
  };
  const int64_t late_rising = kT0 + 6 * kDay + 9 * kHour + 30 * kMin;
  CHECK(run(3, late_rising) == 0);  // awake hours from 06:00: W1 would come at 12:00
  CHECK(run(0, late_rising) == 1);  // the quiet hours alone: W1 at 08:45
  // Quiet on to 13:00: W1 at 12:00, 17 h 15 after the last use (within 24 h).
  CHECK(run(3, kT0 + 6 * kDay + 13 * kHour) == 1);
}

TEST_CASE("learned rhythm: quiet days teach nothing false, and a fall at noon is found in hours") {
  Home h;
  const int64_t day0 = kT0;  // local midnight
  for (int d = 0; d < 16; ++d) ordinary_day(h, day0 + d * kDay);
  CHECK(h.count(Rule::H1) == 0);
  CHECK(h.count(Rule::W1) == 0);
  CHECK(h.count(Rule::D3) == 0);
  const HouseholdState* hs = h.engine.household("hh-1");
  REQUIRE(hs != nullptr);
  CHECK(model_days(hs->model) >= 14);
  // Day 17: water at 12:00, a fall at 12:10, nothing after.
  const int64_t d17 = day0 + 16 * kDay;
  for (int64_t t = d17 + 15 * kMin; t <= d17 + 12 * kHour; t += 15 * kMin)
    h.water(t, t == d17 + 7 * kHour + 15 * kMin || t == d17 + 12 * kHour ? 0.008 : 0);
  // The deadline of this quiet, as `edgegw household` shows it before the rule needs it
  // (worked out on demand: the rule works it out only once the quiet lasts h1_min_quiet).
  const Engine::QuietDeadline shown = h.engine.quiet_deadline(*hs);
  CHECK(shown.due_ms >= d17 + 12 * kHour + RulesConfig{}.h1_min_quiet_s * 1000);
  CHECK(shown.usual_ms > 0);
  for (int64_t t = d17 + 12 * kHour + 15 * kMin; t <= d17 + 24 * kHour; t += 15 * kMin) h.water(t);
  const Alert* h1 = first(h, Rule::H1);
  REQUIRE(h1 != nullptr);
  CHECK(h1->audience == Audience::Care);
  // The alert's allowed quiet is the deadline shown.
  CHECK(std::llround(h1->threshold * kHour) == shown.due_ms - hs->last_sign_ms);
  CHECK(h1->window_s == shown.usual_ms / 1000);
  CHECK(h1->event_time_ms == d17 + 12 * kHour);
  const int64_t delay = h1->detect_time_ms - (d17 + 12 * kHour + 10 * kMin);
  CHECK(delay > 0);
  CHECK(delay <= 4 * kHour);
  // The W1 floor holds too, folded into the open H1 case: one alert for one silence.
  CHECK(h.count(Rule::W1) == 0);
  CHECK(held_not_sent(h, "wm-1", AlertKind::NoWaterUse12h));
  CHECK(h.engine.explain_sensor("wm-1")->why_held.find("UnusualQuiet is open") !=
        std::string::npos);

  SUBCASE("the learned model survives a checkpoint") {
    const auto records = h.engine.take_dirty_records();
    Home after;
    for (const auto& rec : records) after.engine.load_record(rec.key, rec.value);
    const HouseholdState* a = after.engine.household("hh-1");
    REQUIRE(a != nullptr);
    CHECK(model_days(a->model) == model_days(hs->model));
    CHECK(after.engine.quiet_deadline(*a).due_ms == h.engine.quiet_deadline(*hs).due_ms);
    CHECK(after.engine.quiet_deadline(*a).due_ms > a->last_sign_ms);
    CHECK(a->last_sign_ms == hs->last_sign_ms);
    CHECK(std::equal(&a->model.slots[0][0], &a->model.slots[0][0] + sizeof a->model.slots,
                     &hs->model.slots[0][0]));
  }
}

TEST_CASE("learned rhythm: a night fall after the toilet is found in the morning from day 6") {
  // Five ordinary days teach this person's rising (water at 07:00, reported at 07:15); on the
  // sixth night, a flush at 03:00 and nothing after. Judged from the quiet hours' end: H1 when
  // no water has come 4.5 h after the usual rising (11:45), hours before W1 (12 h after the
  // flush, at 15:00). The day's own rhythm is not judged yet (14 days).
  Home h;
  for (int d = 0; d < 5; ++d) ordinary_day(h, kT0 + d * kDay);
  const int64_t d5 = kT0 + 5 * kDay;
  for (int64_t t = d5 + 15 * kMin; t <= d5 + 16 * kHour && !first_no_activity(h); t += 15 * kMin)
    h.water(t, t == d5 + 3 * kHour + 15 * kMin ? 0.006 : 0);
  const Alert* a = first_no_activity(h);
  REQUIRE(a != nullptr);
  CHECK(a->rule == Rule::H1);
  CHECK(a->detect_time_ms >= d5 + 11 * kHour + 45 * kMin);
  CHECK(a->detect_time_ms <= d5 + 12 * kHour);
  CHECK(a->event_time_ms == d5 + 3 * kHour + 15 * kMin);
}

namespace {

// A day from local midnight `d0` with meter reports every 15 min and 8 L in the reports at
// these local hours.
void day_of_uses(Home& h, int64_t d0, std::initializer_list<double> hours) {
  for (int64_t t = d0 + 15 * kMin; t <= d0 + kDay; t += 15 * kMin) {
    bool use = false;
    for (double u : hours) use = use || t == d0 + static_cast<int64_t>(u * kHour);
    h.water(t, use ? 0.008 : 0);
  }
}

}  // namespace

TEST_CASE(
    "learned rhythm: a night fall is found 4.5 h after the usual rising, a late rising is not") {
  // Up at 07:00 on three days; on two, water at 06:15 and then nothing until noon (out early).
  // A night judged by the longest quiet after waking would wait for those mornings (5.5 h x
  // 1.25 + 1 h: 14:00, W1's 15:00 nearly); by the usual first use (07:00) plus a late rising's
  // 4.5 h it is 11:30.
  Home h;
  for (int d = 0; d < 5; ++d)
    day_of_uses(h, kT0 + d * kDay,
                d % 2 ? std::initializer_list<double>{6.25, 12, 18, 20}
                      : std::initializer_list<double>{7, 7.5, 12, 18, 20});
  // Day 5: an early night (last use 18:00), the toilet at 03:00, up 4 h late at 11:00.
  const int64_t d5 = kT0 + 5 * kDay;
  day_of_uses(h, d5, {7, 7.5, 12, 18});
  const int64_t d6 = d5 + kDay;
  day_of_uses(h, d6, {3, 11, 12, 18, 20});
  CHECK(first_no_activity(h) == nullptr);
  // Day 7: the toilet at 03:00, then a fall.
  const int64_t d7 = d6 + kDay;
  h.water(d7 + 15 * kMin);
  for (int64_t t = d7 + 30 * kMin; t <= d7 + 16 * kHour && !first_no_activity(h); t += 15 * kMin)
    h.water(t, t == d7 + 3 * kHour ? 0.006 : 0);
  const Alert* a = first_no_activity(h);
  REQUIRE(a != nullptr);
  CHECK(a->rule == Rule::H1);
  CHECK(a->event_time_ms == d7 + 3 * kHour);
  CHECK(a->detect_time_ms >= d7 + 11 * kHour + 30 * kMin);
  CHECK(a->detect_time_ms <= d7 + 11 * kHour + 45 * kMin);
}

TEST_CASE("learned rhythm: an early riser up before the quiet hours end is judged as by day") {
  // Up at 06:15 on three days, at 05:30 on two; on every day quiet from the morning's wash
  // until 11:30. The usual first use after 06:00 is 06:15, but on a day the person is up at
  // 05:30 the quiet after the wash is the day's usual one (till 11:30), not a night: no H1.
  Home h;
  for (int d = 0; d < 5; ++d)
    day_of_uses(h, kT0 + d * kDay,
                d % 2 ? std::initializer_list<double>{5.5, 5.75, 11.5, 12, 18, 20}
                      : std::initializer_list<double>{6.25, 6.5, 11.5, 12, 18, 20});
  const int64_t d5 = kT0 + 5 * kDay;
  day_of_uses(h, d5, {5.5, 5.75, 11.5, 12, 18, 20});
  CHECK(first_no_activity(h) == nullptr);
}

namespace {
// Day `d` of an early riser: out to the market 05:30-`back` (local, 0: not back), water at
// 07:00, 12:00 and 19:00 when home.
void market_day(Home& m, int d, int64_t back = 6 * kHour + 30 * kMin) {
  const int64_t d0 = kT0 + d * kDay;
  for (int64_t t = d0 + 15 * kMin; t <= d0 + kDay; t += 15 * kMin) {
    if (t == d0 + 5 * kHour + 45 * kMin) m.pass(d0 + 5 * kHour + 30 * kMin);
    if (back != 0 && t - 15 * kMin < d0 + back && d0 + back <= t) m.pass(d0 + back);
    const bool home = back != 0 && d0 + back < t;
    const bool use = t == d0 + 7 * kHour + 15 * kMin || t == d0 + 12 * kHour + 15 * kMin ||
                     t == d0 + 19 * kHour + 15 * kMin;
    m.water(t, use && (home || t < d0 + 5 * kHour) ? 0.008 : 0);
  }
}
}  // namespace

TEST_CASE("learned rhythm: an early riser's daily market trip at 05:30 is not wandering") {
  Home m;
  size_t d3_first_week = 0;
  for (int d = 0; d < 16; ++d) {
    market_day(m, d);
    if (d == 6) d3_first_week = m.count(Rule::D3);
  }
  // Before the habit is known the first trips may raise D3 (the fixed rule); once it is, none.
  CHECK(d3_first_week <= 2);
  CHECK(m.count(Rule::D3) == d3_first_week);
  // A long trip, back at 08:45 (after the quiet hours, before 09:00): not wandering either.
  market_day(m, 16, 8 * kHour + 45 * kMin);
  CHECK(m.count(Rule::D3) == d3_first_week);
  // Out at the usual hour and not back, no water: D3 3 h after the quiet hours end (09:00),
  // not at the 84 h absence limit. The alert's event time is the exit.
  market_day(m, 17, 0);
  REQUIRE(m.count(Rule::D3) == d3_first_week + 1);
  const Alert& d3 = *std::find_if(m.alerts.rbegin(), m.alerts.rend(),
                                  [](const Alert& a) { return a.rule == Rule::D3; });
  CHECK(d3.event_time_ms == kT0 + 17 * kDay + 5 * kHour + 30 * kMin);
  CHECK(d3.detect_time_ms == kT0 + 17 * kDay + 9 * kHour);
}

TEST_CASE("a usual night exit awaiting its morning confirmation survives a restart") {
  Home m;
  for (int d = 0; d < 17; ++d) market_day(m, d);
  const int64_t d0 = kT0 + 17 * kDay;
  m.quiet(d0 + 15 * kMin, d0 + 5 * kHour + 15 * kMin);
  m.pass(d0 + 5 * kHour + 30 * kMin);  // out at the usual hour
  m.quiet(d0 + 5 * kHour + 45 * kMin, d0 + 6 * kHour);
  const size_t d3_before = m.count(Rule::D3);
  Home after;
  restart_into(m, after);
  after.quiet(d0 + 6 * kHour + 15 * kMin, d0 + 8 * kHour + 45 * kMin);
  CHECK(after.count(Rule::D3) == 0);  // not at 08:00 (an unusual exit at dawn waits 150 min)
  after.quiet(d0 + 9 * kHour, d0 + 9 * kHour);
  CHECK(after.count(Rule::D3) == 1);
  CHECK(m.count(Rule::D3) == d3_before);
}

TEST_CASE("D3: a guest let in by day may leave at night, an exit long after is the person's") {
  Home h;
  h.water(kT0 + 9 * kHour, 0.02);
  h.quiet(kT0 + 9 * kHour + 15 * kMin, kT0 + 10 * kHour);
  h.pass(kT0 + 10 * kHour);                     // someone let in at 10:00 (or a parcel)
  h.water(kT0 + 10 * kHour + 30 * kMin, 0.01);  // water while the count says out: home, guest
  h.quiet(kT0 + 10 * kHour + 45 * kMin, kT0 + kDay + 23 * kHour);
  h.water(kT0 + kDay + 23 * kHour + 15 * kMin, 0.005);
  h.pass(kT0 + kDay + 23 * kHour + 20 * kMin);  // the next night, 36 h later: not the guest
  h.quiet(kT0 + kDay + 23 * kHour + 30 * kMin, kT0 + kDay + 24 * kHour);
  CHECK(h.count(Rule::D3) == 1);

  Home v;  // a guest from 09:40 who leaves at 22:45, 13 h later: still the guest
  v.water(kT0 + 9 * kHour, 0.02);
  v.quiet(kT0 + 9 * kHour + 15 * kMin, kT0 + 9 * kHour + 30 * kMin);
  v.pass(kT0 + 9 * kHour + 40 * kMin);
  v.water(kT0 + 9 * kHour + 45 * kMin, 0.01);
  v.quiet(kT0 + 10 * kHour, kT0 + 22 * kHour + 30 * kMin);
  v.pass(kT0 + 22 * kHour + 45 * kMin);
  v.quiet(kT0 + 22 * kHour + 45 * kMin, kT0 + 23 * kHour + 30 * kMin);
  CHECK(v.count(Rule::D3) == 0);

  Home g;
  g.water(kT0 + 14 * kHour, 0.02);
  g.quiet(kT0 + 14 * kHour + 15 * kMin, kT0 + 15 * kHour);
  g.pass(kT0 + 15 * kHour);  // a visitor at 15:00
  g.water(kT0 + 15 * kHour + 30 * kMin, 0.01);
  g.quiet(kT0 + 15 * kHour + 45 * kMin, kT0 + 22 * kHour + 45 * kMin);
  g.pass(kT0 + 22 * kHour + 50 * kMin);  // the visitor leaves at 22:50 (or the person?)
  g.quiet(kT0 + 23 * kHour, kT0 + 31 * kHour);
  CHECK(g.count(Rule::D3) == 0);
  SUBCASE("water in the morning: the person was home") {
    g.water(kT0 + 31 * kHour + 15 * kMin, 0.005);
    g.quiet(kT0 + 31 * kHour + 30 * kMin, kT0 + 36 * kHour);
    CHECK(g.count(Rule::D3) == 0);
  }
  SUBCASE("a use in the report that holds the exit: the guest left, the person went to bed") {
    Home b;
    b.water(kT0 + 14 * kHour, 0.02);
    b.quiet(kT0 + 14 * kHour + 15 * kMin, kT0 + 15 * kHour);
    b.pass(kT0 + 15 * kHour);
    b.water(kT0 + 15 * kHour + 30 * kMin, 0.01);
    b.quiet(kT0 + 15 * kHour + 45 * kMin, kT0 + 22 * kHour + 45 * kMin);
    b.pass(kT0 + 22 * kHour + 50 * kMin);
    b.water(kT0 + 23 * kHour, 0.006);  // used between 22:45 and 23:00: before or after 22:50
    b.quiet(kT0 + 23 * kHour + 15 * kMin, kT0 + 33 * kHour + 15 * kMin);  // a late rising
    CHECK(b.count(Rule::D3) == 0);
  }
  SUBCASE("no water by 09:00: it was the person who left") {
    g.quiet(kT0 + 31 * kHour + 15 * kMin, kT0 + 33 * kHour + 15 * kMin);
    const Alert* d3 = first(g, Rule::D3);
    REQUIRE(d3 != nullptr);
    CHECK(d3->event_time_ms == kT0 + 22 * kHour + 50 * kMin);
    CHECK(d3->detect_time_ms == kT0 + 33 * kHour);
  }
}

TEST_CASE("D3: a guest leaves in the evening - an exit in the small hours is the person's") {
  // A visitor let in at 15:00 (water while the count says out). An exit within 3 h of the
  // quiet hours' start may be the visitor's and waits for the morning (above); at 02:30 it is
  // the person's, confirmed as any night exit 20 min later.
  // With the toilet just before leaving (water in the report that holds the exit), the use
  // is the person's before going, not the person still home after a guest left.
  auto visited_then_exit_at = [](int64_t exit, bool toilet_first) {
    Home g;
    g.water(kT0 + 14 * kHour, 0.02);
    g.quiet(kT0 + 14 * kHour + 15 * kMin, kT0 + 15 * kHour);
    g.pass(kT0 + 15 * kHour);
    g.water(kT0 + 15 * kHour + 30 * kMin, 0.01);
    g.quiet(kT0 + 15 * kHour + 45 * kMin, exit - 5 * kMin);
    g.pass(exit);
    g.water(exit + 10 * kMin, toilet_first ? 0.006 : 0);
    g.quiet(exit + 25 * kMin, kT0 + 34 * kHour);
    const Alert* d3 = first(g, Rule::D3);
    return d3 == nullptr ? int64_t{-1} : d3->detect_time_ms;
  };
  const int64_t small_hours = kT0 + 26 * kHour + 30 * kMin;  // 02:30
  CHECK(visited_then_exit_at(small_hours, false) == small_hours + 20 * kMin);
  const int64_t after_toilet = visited_then_exit_at(small_hours, true);  // the next report's
  CHECK(after_toilet > small_hours + 25 * kMin);
  CHECK(after_toilet < small_hours + kHour);
  const int64_t evening = kT0 + 24 * kHour + 40 * kMin;  // 00:40
  CHECK(visited_then_exit_at(evening, false) == kT0 + 33 * kHour);
  CHECK(visited_then_exit_at(evening, true) == -1);  // water by the guest's leaving: home
}

TEST_CASE(
    "D3: in the evening, water in the exit's report is the person up - it waits for the morning") {
  // 15-minute meter, quiet hours 22:00-06:00 local. Water at 21:00; the door opens at `exit`
  // and water is used in the report that holds it (a guest leaves, the host washes up; or the
  // person uses the toilet and goes), then nothing till `next_use`. No guest was seen coming
  // in: the passages say the person was home.
  auto night = [](Home& h, int64_t exit, int64_t next_use) {
    h.water(kT0 + 21 * kHour, 0.02);
    h.quiet(kT0 + 21 * kHour + 15 * kMin, exit - exit % (15 * kMin));
    h.pass(exit);
    const int64_t report = exit - exit % (15 * kMin) + 15 * kMin;  // holds the exit
    h.water(report, 0.008);
    h.quiet(report + 15 * kMin, next_use - 15 * kMin);
    h.water(next_use, 0.01);
  };
  const int64_t evening = kT0 + 22 * kHour + 50 * kMin;  // 22:50, within 2 h of the quiet hours
  const int64_t morning = kT0 + 30 * kHour;              // 06:00
  Home host;  // the host, home, up at 07:00: no D3 in the night, none in the morning
  night(host, evening, morning + kHour);
  CHECK(host.count(Rule::D3) == 0);

  Home gone;  // nobody home: no use by 3 h after the quiet hours, D3 then
  night(gone, evening, morning + 4 * kHour);
  const Alert* d3 = first(gone, Rule::D3);
  REQUIRE(d3 != nullptr);
  CHECK(d3->event_time_ms == evening);
  CHECK(d3->detect_time_ms == morning + 3 * kHour);
  CHECK(d3->window_s == (morning + 3 * kHour - evening) / 1000);

  // Past the evening (00:35) the same reports are the toilet before going out: D3 on the report
  // after the one that holds the exit, as before.
  const int64_t late = kT0 + 24 * kHour + 35 * kMin;
  Home wandered;
  night(wandered, late, morning + 4 * kHour);
  const Alert* late_d3 = first(wandered, Rule::D3);
  REQUIRE(late_d3 != nullptr);
  CHECK(late_d3->detect_time_ms <= late + kHour);

  // The wait survives a restart in the night.
  Home before;
  before.water(kT0 + 21 * kHour, 0.02);
  before.quiet(kT0 + 21 * kHour + 15 * kMin, kT0 + 22 * kHour + 45 * kMin);
  before.pass(evening);
  before.water(kT0 + 23 * kHour, 0.008);
  before.quiet(kT0 + 23 * kHour + 15 * kMin, kT0 + 24 * kHour);
  Home after;
  restart_into(before, after);
  after.quiet(kT0 + 24 * kHour + 15 * kMin, morning + 2 * kHour + 45 * kMin);
  CHECK(after.count(Rule::D3) == 0);
  after.quiet(morning + 3 * kHour, morning + 3 * kHour);
  CHECK(after.count(Rule::D3) == 1);
  CHECK(before.count(Rule::D3) == 0);
}

TEST_CASE("D3: an exit in the last 90 min of the quiet hours waits 150 min (a market trip)") {
  Home h;  // quiet hours end at 06:00 local
  h.water(kT0 + 5 * kHour + 15 * kMin, 0.005);
  h.pass(kT0 + 5 * kHour + 20 * kMin);  // out at 05:20
  h.quiet(kT0 + 5 * kHour + 30 * kMin, kT0 + 7 * kHour);
  CHECK(h.count(Rule::D3) == 0);  // 100 min: maybe the market
  h.quiet(kT0 + 7 * kHour + 15 * kMin, kT0 + 8 * kHour);
  const Alert* d3 = first(h, Rule::D3);
  REQUIRE(d3 != nullptr);
  CHECK(d3->detect_time_ms == kT0 + 7 * kHour + 50 * kMin);
  CHECK(d3->window_s == 150 * 60);

  Home m;  // back from the market at 06:40: nothing
  m.water(kT0 + 5 * kHour + 15 * kMin, 0.005);
  m.pass(kT0 + 5 * kHour + 20 * kMin);
  m.quiet(kT0 + 5 * kHour + 30 * kMin, kT0 + 6 * kHour + 30 * kMin);
  m.pass(kT0 + 6 * kHour + 40 * kMin);
  m.quiet(kT0 + 6 * kHour + 45 * kMin, kT0 + 9 * kHour);
  CHECK(m.count(Rule::D3) == 0);
}

TEST_CASE("W1 after an early night: a late rising is not missing activity, a fall still is") {
  Home h;                                                   // quiet hours 22:00-06:00 local
  h.water(kT0 + 19 * kHour + 30 * kMin, 0.02);              // to bed at 19:30
  h.quiet(kT0 + 19 * kHour + 45 * kMin, kT0 + 34 * kHour);  // up at 10:00 the next day
  CHECK(h.count(Rule::W1) == 0);
  h.quiet(kT0 + 34 * kHour + 15 * kMin, kT0 + 36 * kHour);
  const Alert* w1 = first(h, Rule::W1);  // 6 h awake after the quiet hours: 12:00
  REQUIRE(w1 != nullptr);
  CHECK(w1->detect_time_ms == kT0 + 36 * kHour);
  // C1 (critical) 4 h past W1, not with it: 16 h of silence had passed at 11:30, but a late
  // riser is up by 16:00, a person on the floor is not.
  CHECK(h.count(Rule::C1) == 0);
  h.quiet(kT0 + 36 * kHour + 15 * kMin, kT0 + 40 * kHour);
  const Alert* c1 = first(h, Rule::C1);
  REQUIRE(c1 != nullptr);
  CHECK(c1->detect_time_ms == kT0 + 40 * kHour);
  CHECK(c1->state == AlertState::Escalated);

  Home d;  // the last use at 16:00: the evening counts as awake, W1 after 12 h as before
  d.water(kT0 + 16 * kHour, 0.02);
  d.quiet(kT0 + 16 * kHour + 15 * kMin, kT0 + 29 * kHour);
  const Alert* dw1 = first(d, Rule::W1);
  REQUIRE(dw1 != nullptr);
  CHECK(dw1->detect_time_ms == kT0 + 28 * kHour);
}

TEST_CASE("D3: a use in the report spanning a night exit waits for the next report to decide") {
  // 15-minute meter; someone uses water around 00:50, the door opens at 00:53 (local).
  auto night = [](Home& h, double use_after) {
    h.quiet(kT0 + 22 * kHour, kT0 + 24 * kHour + 45 * kMin);
    h.door(kT0 + 24 * kHour + 53 * kMin, false);
    h.door(kT0 + 24 * kHour + 54 * kMin, true);
    h.water(kT0 + 25 * kHour, 0.017);                  // 00:45-01:00: before or after the exit?
    h.water(kT0 + 25 * kHour + 15 * kMin, use_after);  // 01:00-01:15: wholly after it
    h.quiet(kT0 + 25 * kHour + 30 * kMin, kT0 + 26 * kHour);
  };
  Home guest_left;  // the person is home: the next report shows use
  night(guest_left, 0.001);
  CHECK(guest_left.count(Rule::D3) == 0);

  Home went_out;  // the toilet, then out: the next report shows none
  night(went_out, 0);
  const Alert* d3 = first(went_out, Rule::D3);
  REQUIRE(d3 != nullptr);
  CHECK(d3->event_time_ms == kT0 + 24 * kHour + 53 * kMin);
  CHECK(d3->detect_time_ms <= kT0 + 25 * kHour + 30 * kMin);  // one report later than 01:13
}

TEST_CASE("D3 on an hourly meter: the report of the hour that holds a night exit is waited for") {
  // Reports on the hour (and the door's hourly state report beside them: the clock is not
  // one sensor's); water at 23:40, the door opens at 00:10 (local), 20 min before D3's usual
  // wait ends and 50 min before the report of the hour that holds it.
  auto night = [](Home& h, double in_hour, double next_hour) {
    auto report = [&h](int64_t t, double use) {
      h.door(t, true);
      h.water(t, use);
    };
    for (int64_t t = kT0 + 18 * kHour; t <= kT0 + 23 * kHour; t += kHour) report(t, 0);
    report(kT0 + 24 * kHour, 0.004);  // 23:00-24:00
    h.door(kT0 + 24 * kHour + 10 * kMin, false);
    h.door(kT0 + 24 * kHour + 11 * kMin, true);
    report(kT0 + 25 * kHour, in_hour);    // 00:00-01:00: holds the exit
    report(kT0 + 26 * kHour, next_hour);  // 01:00-02:00: wholly after it
    report(kT0 + 27 * kHour, 0);
  };
  Home guest_left;  // a guest left; the person, home, uses water after it
  night(guest_left, 0.006, 0.003);
  CHECK(guest_left.count(Rule::D3) == 0);

  Home went_out;  // no water after the exit: D3 when the hour's report shows none
  night(went_out, 0, 0);
  const Alert* d3 = first(went_out, Rule::D3);
  REQUIRE(d3 != nullptr);
  CHECK(d3->event_time_ms == kT0 + 24 * kHour + 10 * kMin);
  CHECK(d3->detect_time_ms <= kT0 + 25 * kHour + 15 * kMin);

  Home toilet_then_out;  // water in the hour of the exit, none after: D3 a report later
  night(toilet_then_out, 0.006, 0);
  d3 = first(toilet_then_out, Rule::D3);
  REQUIRE(d3 != nullptr);
  CHECK(d3->detect_time_ms <= kT0 + 26 * kHour + 15 * kMin);
}
