// household_fixture.h: one home (a water meter, a door) in front of a detection engine, with
// helpers to feed it readings in event time; shared by the household rule tests.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "gateway/detect/engine.h"

namespace edgegw::test {

constexpr int64_t kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;
constexpr int64_t kT0 = 1714492800000;  // 2024-04-30T16:00:00Z = 2024-05-01 00:00 at +08:00

inline Inventory home() {
  Inventory inv;
  Household h;
  h.id = "hh-1";
  h.meters = {"wm-1"};
  h.doors = {"door-1"};
  inv.households.push_back(h);
  inv.facades.push_back(FacadeSite{"fac-1", "bld-1", {}});
  return inv;
}

struct Home {
  Engine engine{RulesConfig{}, home()};
  std::vector<Alert> alerts;
  double total = 10.0;
  void water(int64_t t, double use = 0) {
    total += use;
    Reading r;
    r.sensor_id = "wm-1";
    r.kind = SensorKind::water;
    r.time_ms = t;
    r.water.total_m3 = total;
    engine.on_reading(r, alerts);
  }
  void door(int64_t t, bool closed) {
    Reading r;
    r.sensor_id = "door-1";
    r.kind = SensorKind::door;
    r.time_ms = t;
    r.door.contact_closed = closed;
    engine.on_reading(r, alerts);
  }
  // One passage through the door: opened at t, closed a minute later.
  void pass(int64_t t) {
    door(t, false);
    door(t + kMin, true);
  }
  // Meter reports every 15 min from `from` to `to`, with no use.
  void quiet(int64_t from, int64_t to) {
    for (int64_t t = from; t <= to; t += 15 * kMin) water(t);
  }
  // Alerts of `rule` sent to the community worker: raised or escalated (a household's open
  // no-activity case is escalated, not raised again), or those in one state.
  size_t count(Rule rule) const {
    return std::count_if(alerts.begin(), alerts.end(), [&](const Alert& a) {
      return a.rule == rule && a.state != AlertState::Cleared;
    });
  }
  size_t count(Rule rule, AlertState state) const {
    return std::count_if(alerts.begin(), alerts.end(),
                         [&](const Alert& a) { return a.rule == rule && a.state == state; });
  }
};

// Where the household record (state_codec.cpp, version 4) holds silence_held_ms; after it come
// the usual-hour flag (u8) and the longest door gap (i64), the fields versions 2 and 3 lacked.
constexpr size_t kSilenceHeldAt = 1 + 6 * 8 + 1 + 4 + 1 + 1 + 5 * 8;

// A restart with an older household record: `into` loads `records` with the household's
// rewritten as `version`, `length` bytes (the fields that version lacked) removed at `offset`.
// Every record must load.
inline void restart_with_older_household(Home& into, const std::vector<StateRecord>& records,
                                         char version, size_t offset, size_t length) {
  for (const StateRecord& r : records) {
    std::string value = r.value;
    if (r.key == "h/hh-1") {
      value[0] = version;
      value.erase(offset, length);
    }
    CAPTURE(r.key);
    CHECK(into.engine.load_record(r.key, value).empty());
  }
}

}  // namespace edgegw::test
