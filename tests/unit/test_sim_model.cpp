// test_sim_model.cpp: fleetsim is deterministic with a seed, emits in event-time order, and its
// household routine and incidents behave as the ground truth says.
#include <doctest/doctest.h>

#include <functional>
#include <set>
#include <sstream>

#include "simulator/baseline.h"
#include "simulator/household_model.h"
#include "simulator/incidents.h"
#include "simulator/score.h"
#include "simulator/streams.h"

using namespace fleetsim;

namespace {

SimConfig small_config(uint64_t seed) {
  SimConfig c;
  c.households = 30;
  c.facades = 4;
  c.days = 4;
  c.seed = seed;
  return c;
}

// A digest of the whole message stream, and checks on its order.
size_t stream_digest(const SimConfig& c, size_t* count = nullptr) {
  const Fleet fleet = build_fleet(c);
  const IncidentPlan plan = plan_incidents(c, fleet);
  FleetSim sim = make_fleet_sim(c, fleet, plan);
  Message m;
  size_t h = 0, n = 0;
  int64_t last = 0;
  while (next_message(sim, m)) {
    REQUIRE(m.time_ms >= last);
    last = m.time_ms;
    h = h * 1000003u ^ std::hash<std::string>{}(m.topic) ^
        std::hash<std::string>{}(m.payload) * 31u;
    ++n;
  }
  if (count) *count = n;
  return h;
}

std::string truth_text(const SimConfig& c) {
  const Fleet fleet = build_fleet(c);
  std::ostringstream out;
  write_truth(out, plan_incidents(c, fleet));
  return out.str();
}

}  // namespace

TEST_CASE("sim: the same seed gives the same messages and truth - another seed does not") {
  size_t n = 0;
  const size_t a = stream_digest(small_config(42), &n);
  CHECK(n > 30 * 4 * 96);  // at least the meter reports
  CHECK(stream_digest(small_config(42)) == a);
  CHECK(stream_digest(small_config(43)) != a);
  CHECK(truth_text(small_config(42)) == truth_text(small_config(42)));
  CHECK(truth_text(small_config(42)) != truth_text(small_config(43)));
}

TEST_CASE("sim: the default incident mix has every kind, one incident per household") {
  SimConfig c = small_config(5);
  const Fleet fleet = build_fleet(c);
  const IncidentPlan plan = plan_incidents(c, fleet);
  std::set<int> kinds;
  std::set<std::string> subjects;
  for (const Incident& i : plan.incidents) {
    kinds.insert(static_cast<int>(i.kind));
    if (i.kind != IncidentKind::hollow_patch) CHECK(subjects.insert(i.subject).second);
    CHECK(i.start_ms >= c.start_ms);
    CHECK(i.start_ms <= c.end_ms());
  }
  CHECK(kinds.size() == kIncidentKinds);
  std::vector<TruthRecord> parsed;
  CHECK(parse_truth(truth_text(c), parsed).empty());
  CHECK(parsed.size() == plan.incidents.size());
}

TEST_CASE("sim: after a fall the register stops and the door stays shut") {
  SimConfig c = small_config(9);
  c.days = 3;
  Incident fall;
  fall.kind = IncidentKind::fall;
  fall.subject = "hh-00001";
  fall.start_ms = c.start_ms + 30 * kHourMs;  // 14:00 local on day 2
  HouseholdModel h = make_household(c, 0, &fall);
  const double before = register_at(h, fall.start_ms - 12 * kHourMs);
  const double at_fall = register_at(h, fall.start_ms);
  CHECK(at_fall > before);  // a normal morning
  CHECK(register_at(h, fall.start_ms + 40 * kHourMs) == doctest::Approx(at_fall));
  while (const DoorEvent* e = peek_door(h)) {
    CHECK(e->t_ms < fall.start_ms);
    h.doors.pop_front();
  }
}

TEST_CASE("sim: a normal routine uses water every day and never opens the door at night") {
  SimConfig c = small_config(11);
  c.days = 20;
  for (int i = 0; i < 20; ++i) {
    HouseholdModel h = make_household(c, i, nullptr);
    double last = register_at(h, c.start_ms);
    for (int64_t t = c.start_ms + kDayMs; t <= c.end_ms(); t += kDayMs) {
      const double now = register_at(h, t);
      const double used = now - last;
      CHECK(used >= 0);
      CHECK(used < 0.5);  // an elderly person alone: ~0.1 m3 a day, spikes on cleaning days
      last = now;
    }
    while (const DoorEvent* e = peek_door(h)) {
      const double local_h = static_cast<double>((e->t_ms + h.utc_offset_ms) % kDayMs) / kHourMs;
      CHECK_MESSAGE((local_h >= 6.0 && local_h < 22.0), "door event at local hour " << local_h);
      h.doors.pop_front();
    }
  }
}

TEST_CASE("sim: baseline rule alerts once per quiet period") {
  BaselineMeter m;
  BaselineParams p;
  int64_t ev = 0, det = 0;
  int alerts = 0;
  double v = 100;
  const int64_t q = 15 * kMinuteMs;
  for (int64_t t = 0; t < 30 * kHourMs; t += q) {
    if (t < 4 * kHourMs) v += 0.002;  // use, then 26 h of nothing
    if (baseline_observe(m, p, t, v, ev, det)) {
      ++alerts;
      CHECK(det - ev >= 12 * kHourMs);
      CHECK(det <= 4 * kHourMs + 12 * kHourMs + q);
    }
  }
  CHECK(alerts == 1);
  v += 0.05;  // water again: quiet period over, a new one may alert
  CHECK_FALSE(baseline_observe(m, p, 30 * kHourMs, v, ev, det));
  for (int64_t t = 30 * kHourMs + q; t < 44 * kHourMs; t += q)
    if (baseline_observe(m, p, t, v, ev, det)) ++alerts;
  CHECK(alerts == 2);
}
