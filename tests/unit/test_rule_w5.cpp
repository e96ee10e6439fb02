// test_rule_w5.cpp: rule W5 (use in every 30-minute slot of 24 h: a leak, for maintenance):
// raised once for a leak, also on a register that moves only every other report, and cleared
// when the flow stops.
#include <doctest/doctest.h>

#include <cmath>

#include "household_fixture.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

// A meter reporting every 15 min whose register shows a leak of `litres_per_hour` in whole
// steps of `step_litres` from `from` to `to` (ms), and still after it until `until`.
void leak(Home& h, int64_t from, int64_t to, int64_t until, double litres_per_hour,
          double step_litres) {
  const double start = h.total;
  for (int64_t t = from; t <= until; t += 15 * kMin) {
    const double hours = static_cast<double>(std::min(t, to) - from) / kHour;
    const double litres = std::floor(hours * litres_per_hour / step_litres) * step_litres;
    h.water(t, start + litres / 1000 - h.total);
  }
}

}  // namespace

TEST_CASE("W5: a leak on a register of 10 L steps is raised once and cleared when it stops") {
  Home h;
  // 25 L/h: a 10 L step every 24 min, so some 15-minute reports show none.
  leak(h, kT0, kT0 + 3 * kDay, kT0 + 3 * kDay + 4 * kHour, 25, 10);
  REQUIRE(h.count(Rule::W5, AlertState::Raised) == 1);
  REQUIRE(h.count(Rule::W5, AlertState::Cleared) == 1);
  const auto cleared = std::find_if(h.alerts.begin(), h.alerts.end(), [](const Alert& a) {
    return a.rule == Rule::W5 && a.state == AlertState::Cleared;
  });
  CHECK(cleared->detect_time_ms > kT0 + 3 * kDay + kHour);  // four half hours with no step
  CHECK(cleared->detect_time_ms <= kT0 + 3 * kDay + 2 * kHour + 30 * kMin);
}

TEST_CASE("W5: a leak on a fine register is raised when 48 half hours in a row show use") {
  Home h;
  leak(h, kT0, kT0 + 2 * kDay, kT0 + 2 * kDay, 4, 1);  // 1 L every 15 min
  REQUIRE(h.count(Rule::W5, AlertState::Raised) == 1);
  const auto raised = std::find_if(h.alerts.begin(), h.alerts.end(),
                                   [](const Alert& a) { return a.rule == Rule::W5; });
  CHECK(raised->detect_time_ms >= kT0 + 23 * kHour);  // 48 slots, the first one begun
  CHECK(raised->detect_time_ms <= kT0 + kDay + kHour);
  CHECK(h.count(Rule::W5, AlertState::Cleared) == 0);
}
