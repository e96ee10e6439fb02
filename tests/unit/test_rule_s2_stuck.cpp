// test_rule_s2_stuck.cpp: S2's stuck register (maintenance): a register that stays still while
// the door shows someone home and going about, and not a person back from a stay away who has
// not used water yet. Also: the door gap it needs survives a checkpoint.
#include <doctest/doctest.h>

#include <algorithm>
#include <initializer_list>

#include "gateway/detect/state_codec.h"
#include "household_fixture.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

size_t stuck(const Home& h) {
  return std::count_if(h.alerts.begin(), h.alerts.end(), [](const Alert& a) {
    return a.kind == AlertKind::StuckRegister && a.state == AlertState::Raised;
  });
}

// Back on day 2 at 14:00 from two nights away (left on day 0 at 09:30, after the last use at
// 09:00), then out with the rubbish and back, and a delivery: five openings since that use.
void back_from_two_nights(Home& h) {
  h.water(kT0 + 8 * kHour + 45 * kMin);
  h.water(kT0 + 9 * kHour, 0.02);
  h.pass(kT0 + 9 * kHour + 30 * kMin);
  h.quiet(kT0 + 9 * kHour + 15 * kMin, kT0 + 2 * kDay + 14 * kHour);
  h.pass(kT0 + 2 * kDay + 14 * kHour);
  h.pass(kT0 + 2 * kDay + 15 * kHour);
  h.pass(kT0 + 2 * kDay + 15 * kHour + 5 * kMin);
  h.pass(kT0 + 2 * kDay + 16 * kHour);
}

// Meter reports every 15 min from `from` to `to` with no use, and a passage through the door
// 5 min after each report at a local time of day in `passes` (ms after midnight).
void still_with_passes(Home& h, int64_t from, int64_t to, std::initializer_list<int64_t> passes) {
  for (int64_t t = from; t <= to; t += 15 * kMin) {
    h.water(t);
    if (std::find(passes.begin(), passes.end(), (t - kT0) % kDay) != passes.end())
      h.pass(t + 5 * kMin);
  }
}

// The register stuck on day 0 at 08:15 (its last movement) while the person goes out and back
// twice a day (09:30-11:00, 15:30-17:00), for three days.
void stuck_for_three_days(Home& h) {
  h.water(kT0 + 8 * kHour);
  h.water(kT0 + 8 * kHour + 15 * kMin, 0.02);  // the last movement: stuck from here
  still_with_passes(h, kT0 + 8 * kHour + 30 * kMin, kT0 + 3 * kDay,
                    {9 * kHour + 30 * kMin, 11 * kHour, 15 * kHour + 30 * kMin, 17 * kHour});
}

}  // namespace

TEST_CASE("S2: a register still while the person goes in and out for a day is a stuck register") {
  Home h;
  stuck_for_three_days(h);
  REQUIRE(stuck(h) == 1);
  const auto s2 = std::find_if(h.alerts.begin(), h.alerts.end(),
                               [](const Alert& a) { return a.kind == AlertKind::StuckRegister; });
  CHECK(s2->audience == Audience::Maintenance);
  CHECK(s2->event_time_ms == kT0 + 8 * kHour + 15 * kMin);
  CHECK(s2->detect_time_ms >= kT0 + kDay + 8 * kHour);  // W2's 24 h at least
  CHECK(s2->detect_time_ms <= kT0 + 2 * kDay);
}

TEST_CASE("S2: back from nights away, five openings before the first use are no stuck register") {
  Home h;
  back_from_two_nights(h);
  h.quiet(kT0 + 2 * kDay + 14 * kHour + 15 * kMin, kT0 + 2 * kDay + 19 * kHour);
  CHECK(h.engine.household("hh-1")->openings_since_use == 5);
  CHECK(stuck(h) == 0);
  // Home and going about with the register still for 12 h more: now it is.
  still_with_passes(h, kT0 + 2 * kDay + 19 * kHour + 15 * kMin, kT0 + 3 * kDay + 12 * kHour,
                    {20 * kHour, 2 * kHour, 7 * kHour, 9 * kHour, 11 * kHour});
  REQUIRE(stuck(h) == 1);
  const auto s2 = std::find_if(h.alerts.begin(), h.alerts.end(),
                               [](const Alert& a) { return a.kind == AlertKind::StuckRegister; });
  // 12 h of the quiet at home: 30 min before leaving and 11.5 h since the return.
  CHECK(s2->detect_time_ms >= kT0 + 3 * kDay + kHour + 30 * kMin);
}

TEST_CASE("S2: the longest door gap survives a restart, a version 3 record loads without it") {
  Home before;
  back_from_two_nights(before);
  const std::vector<StateRecord> records = before.engine.take_dirty_records();
  const int64_t gap = before.engine.household("hh-1")->longest_door_gap_ms;
  CHECK(gap == 2 * kDay + 14 * kHour - (9 * kHour + 30 * kMin));  // the stay

  Home after;
  for (const StateRecord& r : records) CHECK(after.engine.load_record(r.key, r.value).empty());
  CHECK(after.engine.household("hh-1")->longest_door_gap_ms == gap);
  after.total = before.total;
  after.quiet(kT0 + 2 * kDay + 16 * kHour + 15 * kMin, kT0 + 2 * kDay + 19 * kHour);
  CHECK(stuck(after) == 0);

  // Version 3: the same bytes without the gap (after the usual-hour flag); it loads as 0.
  Home old;
  restart_with_older_household(old, records, 3, kSilenceHeldAt + 8 + 1, 8);
  const HouseholdState* h = old.engine.household("hh-1");
  REQUIRE(h != nullptr);
  CHECK(h->longest_door_gap_ms == 0);
  CHECK(h->openings_since_use == 5);
  CHECK(h->model.days_seen == before.engine.household("hh-1")->model.days_seen);
}

TEST_CASE("S2: a stuck register sends no care alert of its own, the door rules still hold") {
  Home h;
  stuck_for_three_days(h);
  REQUIRE(stuck(h) == 1);
  // W1 at 12 h came first: the register's silence was all there was to go on.
  CHECK(h.count(Rule::W1) == 1);
  // Then the person stays in for two days (the last passage on day 2 at 17:05). The register,
  // known stuck, tells nothing of the person: no W2 after 24 h at home. The door does: shut
  // for 48 h is D2 (its D1 at 24 h is folded into the open W1 case).
  h.quiet(kT0 + 3 * kDay + 15 * kMin, kT0 + 4 * kDay + 18 * kHour);
  CHECK(h.count(Rule::W2) == 0);
  CHECK(h.count(Rule::D2) == 1);
  CHECK(h.engine.explain_sensor("wm-1")->why_held.find("register stuck") != std::string::npos);
  // The register moves again: S2 clears, and the water rules speak for the person again.
  h.water(kT0 + 4 * kDay + 18 * kHour + 15 * kMin, 0.005);
  CHECK(h.count(Rule::S2, AlertState::Cleared) == 1);
  h.pass(kT0 + 4 * kDay + 18 * kHour + 20 * kMin);
  h.pass(kT0 + 4 * kDay + 18 * kHour + 25 * kMin);
  h.quiet(kT0 + 4 * kDay + 18 * kHour + 30 * kMin, kT0 + 6 * kDay + 12 * kHour);
  CHECK(h.count(Rule::W2) == 1);
}
