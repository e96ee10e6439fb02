// test_rule_w4.cpp: rule W4 (a local day's use above w4_daily_max_m3) and what counts as a
// day's use when a report's interval crosses midnight.
#include <doctest/doctest.h>

#include "household_fixture.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

std::vector<Alert> w4(const Home& home) {
  std::vector<Alert> out;
  for (const Alert& a : home.alerts)
    if (a.rule == Rule::W4) out.push_back(a);
  return out;
}

}  // namespace

TEST_CASE("W4 raises when a local day's use passes 2 m3 and clears on the next day") {
  Home h;  // kT0 is the household's local midnight
  h.water(kT0 + 6 * kHour);
  h.water(kT0 + 8 * kHour, 1.2);
  h.water(kT0 + 10 * kHour, 0.8);  // exactly 2 m3 today: not above
  CHECK(w4(h).empty());
  h.water(kT0 + 12 * kHour, 0.1);
  REQUIRE(w4(h).size() == 1);
  CHECK(w4(h)[0].state == AlertState::Raised);
  CHECK(w4(h)[0].event_time_ms == kT0);  // the local day it is about
  CHECK(w4(h)[0].observed == doctest::Approx(2.1));
  h.water(kT0 + kDay + 6 * kHour);
  REQUIRE(w4(h).size() == 2);
  CHECK(w4(h)[1].state == AlertState::Cleared);
}

TEST_CASE("W4: a meter back after days of silence does not count the days' use as today's") {
  Home h;
  h.water(kT0 + 20 * kHour);
  // Silent for three days (a radio outage), then 4.2 m3 more: about 1.4 m3 a day.
  h.water(kT0 + 3 * kDay + 20 * kHour, 4.2);
  CHECK(w4(h).empty());
  // The same day, 2 m3 more on top of the gap's share after midnight: W4.
  h.water(kT0 + 3 * kDay + 22 * kHour, 2.0);
  REQUIRE(w4(h).size() == 1);
  CHECK(w4(h)[0].observed == doctest::Approx(2.0 + 4.2 * 20.0 / 72.0));  // 20 h of the 72
}

TEST_CASE("W4: a report across midnight counts toward today only its use after midnight") {
  Home h;
  h.water(kT0 - kHour);
  h.water(kT0 + kHour, 3.0);  // 3 m3 over the two hours around midnight: 1.5 m3 today
  CHECK(w4(h).empty());
  h.water(kT0 + 2 * kHour, 0.6);  // today 2.1 m3
  REQUIRE(w4(h).size() == 1);
  CHECK(w4(h)[0].observed == doctest::Approx(2.1));
}
