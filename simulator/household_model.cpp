// household_model.cpp: a seeded daily routine (wake, sleep, toilet, washing, cooking, showers,
// outings, nights away, late rising, a weekly cleaning spike) and the care incidents in it.
#include "simulator/household_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "simulator/rng.h"

namespace fleetsim {

namespace {

struct Interval {
  int64_t from = 0, to = 0;
  bool contains(int64_t t) const { return t >= from && t < to; }
  bool overlaps(int64_t a, int64_t b) const { return a < to && from < b; }
};

struct DayBuilder {
  HouseholdModel& h;
  int64_t day0;
  std::vector<WaterUse> water;
  std::vector<DoorEvent> doors;
  std::vector<Interval> out;  // the person is not at home

  int64_t at(double local_h) const {
    return day0 + static_cast<int64_t>(local_h * kHourMs) / 1000 * 1000;
  }

  void use(double local_h, double litres, double minutes) {
    water.push_back({at(local_h), static_cast<int64_t>(minutes * kMinuteMs), litres / 1000.0});
  }
  void use_at(int64_t t, double litres, double minutes) {
    water.push_back({t, static_cast<int64_t>(minutes * kMinuteMs), litres / 1000.0});
  }
  void door_pass(int64_t t, double open_s) {  // open, then closed after open_s seconds
    doors.push_back({t, true});
    doors.push_back({t + static_cast<int64_t>(open_s * 1000), false});
  }
  void toilet(double local_h) {
    auto& rng = h.rng;
    use(local_h, h.traits.flush_l * uniform(rng, 0.9, 1.1), 1.5);
    use(local_h + 0.03, uniform(rng, 0.5, 1.5), 0.5);  // hand wash
  }
};

// True when the care incident forbids being out during [from, to).
bool incident_blocks(const HouseholdModel& h, int64_t from, int64_t to, int64_t margin) {
  if (!h.incident || !is_care(h.incident->kind)) return false;
  const int64_t s = h.incident->start_ms;
  const int64_t e = h.incident->end_ms ? h.incident->end_ms : s;
  return from < e + margin && s - margin < to;
}

void plan_day(HouseholdModel& h, int64_t day0) {
  auto& rng = h.rng;
  const RoutineParams& p = h.params;
  DayBuilder b{h, day0, {}, {}, {}};
  const int64_t day1 = day0 + kDayMs;

  // The day's choices are drawn up front, in a fixed order.
  double wake = clamp_normal(rng, h.traits.wake_h, 0.35, 5.0, 8.5);
  const bool late = chance(rng, p.late_rise_prob);
  if (late) wake += uniform(rng, 2.0, 3.5);
  const double sleep = clamp_normal(rng, h.traits.sleep_h, 0.4, 20.0, 23.5);
  const bool night_toilet = chance(rng, p.night_toilet_prob);
  const bool second_night_toilet = chance(rng, 0.3);
  const double nt1 = uniform(rng, 1.0, 4.5), nt2 = uniform(rng, 1.0, 4.5);
  const bool shopping = chance(rng, p.shopping_prob);
  const double shop_leave = uniform(rng, std::max(wake + 0.75, 8.0), std::max(wake + 1.0, 10.5));
  const double shop_dur = uniform(rng, 0.75, 2.0);
  const bool walk = chance(rng, p.walk_prob);
  const double walk_leave = uniform(rng, 14.5, 17.0), walk_dur = uniform(rng, 0.5, 1.5);
  const bool chores = chance(rng, p.chore_door_prob);
  const int chore_count = uniform_int(rng, 1, 2);
  const double chore_h[2] = {uniform(rng, std::max(wake + 0.5, 7.0), 20.5),
                             uniform(rng, std::max(wake + 0.5, 7.0), 20.5)};
  const bool away = chance(rng, p.away_prob);
  const double away_leave = uniform(rng, 9.0, 15.0);
  const int away_nights = uniform_int(rng, 1, 3);
  const double away_return = uniform(rng, 10.0, 18.0);
  const double lunch = uniform(rng, 11.5, 12.5), dinner = uniform(rng, 17.5, 18.5);
  const int flushes = uniform_int(rng, 3, 6), washes = uniform_int(rng, 3, 6);
  double flush_h[6], wash_h[6];
  for (int i = 0; i < 6; ++i) flush_h[i] = uniform(rng, wake + 1.0, sleep - 0.5);
  for (int i = 0; i < 6; ++i) wash_h[i] = uniform(rng, wake + 0.5, sleep - 0.5);
  const bool shower = chance(rng, p.shower_prob);
  const double shower_h = uniform(rng, sleep - 2.0, sleep - 0.5);
  const double shower_l = uniform(rng, 30, 60), shower_min = uniform(rng, 6, 12);
  const bool laundry = chance(rng, p.laundry_prob);
  const double laundry_h = uniform(rng, wake + 1.0, std::max(wake + 1.5, 11.0));
  const int64_t weekday = ((day0 + h.utc_offset_ms) / kDayMs) % 7;
  const bool cleaning = weekday == h.traits.cleaning_weekday && chance(rng, p.cleaning_prob);
  const double cleaning_h = uniform(rng, 9.0, 15.0);
  const int buckets = uniform_int(rng, 3, 5);
  double bucket_l[5], bucket_gap_h[5];
  for (double& l : bucket_l) l = uniform(rng, 15, 30);
  for (double& g : bucket_gap_h) g = uniform(rng, 8, 15) / 60.0;

  // Where the person is today.
  int64_t home_from = day0;
  if (h.away_until_ms >= day1) return;  // away all day
  if (h.away_until_ms > day0) {         // comes home today
    home_from = h.away_until_ms;
    b.door_pass(home_from, uniform(rng, 15, 40));
    b.use_at(home_from + 10 * kMinuteMs, h.traits.flush_l, 1.5);
    b.use_at(home_from + 12 * kMinuteMs, 1.0, 0.5);
  }
  const bool home_last_night = home_from == day0;
  int64_t leaves_at = day1;  // starts a stay away today
  if (home_last_night && away) {
    const int64_t leave = b.at(away_leave);
    const int64_t back = day0 + away_nights * kDayMs + static_cast<int64_t>(away_return * kHourMs);
    if (!incident_blocks(h, leave, back, 3 * kHourMs) && back < h.sim_end_ms) {
      leaves_at = leave;
      h.away_until_ms = back / 1000 * 1000;
      b.door_pass(leave, uniform(rng, 15, 40));
      b.out.push_back({leave, day1});
    }
  }

  // Night (this day's early hours): toilet visits if at home.
  if (home_last_night && night_toilet) {
    if (nt1 < wake - 0.75) b.toilet(nt1);
    if (second_night_toilet && nt2 < wake - 0.75) b.toilet(nt2);
  }
  // Morning.
  b.toilet(wake + 0.02);
  b.use(wake + 0.1, uniform(rng, 3, 6), 3);    // washing up
  b.use(wake + 0.5, uniform(rng, 1, 2.5), 1);  // breakfast
  b.use(wake + 0.9, uniform(rng, 4, 8), 4);    // dishes
  // Meals.
  b.use(lunch, uniform(rng, 2, 4), 2);
  b.use(lunch + 0.8, uniform(rng, 5, 10), 5);
  b.use(dinner, uniform(rng, 2, 4), 2);
  b.use(dinner + 0.8, uniform(rng, 6, 12), 6);
  for (int i = 0; i < flushes; ++i) b.use(flush_h[i], h.traits.flush_l, 1.5);
  for (int i = 0; i < washes; ++i) b.use(wash_h[i], 1.0, 0.5);
  if (shower) b.use(shower_h, shower_l, shower_min);
  if (laundry) {
    b.use(laundry_h, 25, 5);
    b.use(laundry_h + 0.6, 25, 5);
  }
  if (cleaning) {  // a spike: a few buckets for mopping within the hour
    double at_h = cleaning_h;
    for (int i = 0; i < buckets; ++i) {
      b.use(at_h, bucket_l[i], 2);
      at_h += bucket_gap_h[i];
    }
  }
  b.toilet(sleep - 0.25);
  b.use(sleep - 0.2, uniform(rng, 2, 4), 2);

  // Outings: the door opens and closes on leaving and coming back.
  auto outing = [&](double leave_h, double dur_h) {
    const int64_t from = b.at(leave_h), to = b.at(leave_h + dur_h);
    if (from < home_from || to > leaves_at || incident_blocks(h, from, to, 2 * kHourMs)) return;
    b.out.push_back({from, to});
    b.door_pass(from, uniform(rng, 15, 40));
    b.door_pass(to, uniform(rng, 15, 40));
  };
  if (shopping) outing(shop_leave, shop_dur);
  if (walk) outing(walk_leave, walk_dur);
  if (chores)
    for (int i = 0; i < chore_count; ++i) {
      const int64_t t = b.at(chore_h[i]);
      const bool outside = std::any_of(b.out.begin(), b.out.end(), [&](const Interval& o) {
        return o.overlaps(t - 5 * kMinuteMs, t + 5 * kMinuteMs);
      });
      if (t >= home_from + 30 * kMinuteMs && t < leaves_at && !outside &&
          !incident_blocks(h, t, t + kMinuteMs, kHourMs))
        b.door_pass(t, uniform(rng, 10, 60));
    }

  // No water while out or before coming home.
  std::erase_if(b.water, [&](const WaterUse& w) {
    if (w.start_ms < home_from || w.start_ms >= leaves_at) return true;
    return std::any_of(b.out.begin(), b.out.end(), [&](const Interval& o) {
      return o.overlaps(w.start_ms, w.start_ms + w.dur_ms);
    });
  });

  // Care incidents that start today.
  if (const Incident* inc = h.incident; inc && inc->start_ms >= day0 && inc->start_ms < day1) {
    const int64_t s = inc->start_ms;
    switch (inc->kind) {
      case IncidentKind::leak: {
        const int64_t end = inc->end_ms ? inc->end_ms : h.sim_end_ms + kDayMs;
        b.water.push_back({s, end - s, inc->rate_m3h * static_cast<double>(end - s) / kHourMs});
        break;
      }
      case IncidentKind::night_wandering:
        b.door_pass(s, 20);
        b.door_pass(inc->end_ms, 25);
        break;
      case IncidentKind::door_left_open:
        b.doors.push_back({s, true});
        b.doors.push_back({inc->end_ms, false});
        break;
      case IncidentKind::fall: h.fallen_ms = s; break;
      default: break;
    }
  }
  if (h.fallen_ms && h.fallen_ms < day1) {  // nothing from the fall on
    std::erase_if(b.water, [&](const WaterUse& w) { return w.start_ms >= h.fallen_ms; });
    for (WaterUse& w : b.water)
      if (w.start_ms + w.dur_ms > h.fallen_ms) {
        const int64_t cut = h.fallen_ms - w.start_ms;
        w.m3 *= static_cast<double>(cut) / static_cast<double>(w.dur_ms);
        w.dur_ms = cut;
      }
    std::erase_if(b.doors, [&](const DoorEvent& d) { return d.t_ms >= h.fallen_ms; });
    if (!b.doors.empty() && b.doors.back().open) b.doors.pop_back();  // keep pairs whole
  }

  std::stable_sort(b.water.begin(), b.water.end(),
                   [](const WaterUse& x, const WaterUse& y) { return x.start_ms < y.start_ms; });
  std::stable_sort(b.doors.begin(), b.doors.end(),
                   [](const DoorEvent& x, const DoorEvent& y) { return x.t_ms < y.t_ms; });
  for (const WaterUse& w : b.water)
    if (w.start_ms >= h.sim_start_ms && w.dur_ms > 0) h.water.push_back(w);
  for (const DoorEvent& d : b.doors)
    if (d.t_ms >= h.sim_start_ms && d.t_ms < day1) h.doors.push_back(d);
}

}  // namespace

HouseholdModel make_household(const SimConfig& c, int index, const Incident* incident) {
  HouseholdModel h;
  h.params = c.routine;
  h.rng = make_rng(c.seed, Stream::routine, static_cast<uint64_t>(index));
  h.utc_offset_ms = static_cast<int64_t>(c.utc_offset_min) * kMinuteMs;
  h.sim_start_ms = c.start_ms;
  h.sim_end_ms = c.end_ms();
  h.incident = incident && is_care(incident->kind) ? incident : nullptr;
  h.traits.wake_h = clamp_normal(h.rng, 6.3, 0.5, 5.0, 7.5);
  h.traits.sleep_h = clamp_normal(h.rng, 21.6, 0.5, 20.5, 23.0);
  h.traits.flush_l = uniform(h.rng, 6, 9);
  h.traits.cleaning_weekday = uniform_int(h.rng, 0, 6);
  h.committed_m3 = std::round(uniform(h.rng, 20, 900) * 1000) / 1000;
  // Plan from the local midnight before the start.
  h.planned_until_ms = (c.start_ms + h.utc_offset_ms) / kDayMs * kDayMs - h.utc_offset_ms;
  return h;
}

void plan_until(HouseholdModel& h, int64_t t_ms) {
  while (h.planned_until_ms <= t_ms) {
    plan_day(h, h.planned_until_ms);
    h.planned_until_ms += kDayMs;
  }
}

double register_at(HouseholdModel& h, int64_t t_ms) {
  plan_until(h, t_ms);
  double partial = 0;
  for (auto it = h.water.begin(); it != h.water.end() && it->start_ms < t_ms;) {
    if (it->start_ms + it->dur_ms <= t_ms) {  // finished: into the register for good
      h.committed_m3 += it->m3;
      it = h.water.erase(it);
      continue;
    }
    partial += it->m3 * static_cast<double>(t_ms - it->start_ms) / static_cast<double>(it->dur_ms);
    ++it;
  }
  return h.committed_m3 + partial;
}

const DoorEvent* peek_door(HouseholdModel& h) {
  while (h.doors.empty() && h.planned_until_ms < h.sim_end_ms + kDayMs) {
    plan_day(h, h.planned_until_ms);
    h.planned_until_ms += kDayMs;
  }
  return h.doors.empty() ? nullptr : &h.doors.front();
}

}  // namespace fleetsim
