// household_model.cpp: a seeded daily routine in the person's own rhythm (wake, toilet at
// night, meals, showers, laundry and cleaning days, outings of varied length, rubbish trips,
// early markets, late returns, visitors, nights at family and hospital stays not entered in
// away mode, late rising after an early night) and the care incidents staged in it.
#include "simulator/household_model.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "simulator/rng.h"

namespace fleetsim {

namespace {

struct Interval {
  int64_t from = 0, to = 0;
  bool overlaps(int64_t a, int64_t b) const { return a < to && from < b; }
};

struct DayBuilder {
  HouseholdModel& h;
  int64_t day0;
  std::vector<WaterUse> water;
  std::vector<DoorEvent> doors;
  std::vector<Interval> out;   // the person is not at home
  std::vector<Interval> busy;  // at home with someone, or an incident's cue: no outing then
  std::vector<ActivityRecord> acts;

  int64_t at(double local_h) const {
    return day0 + static_cast<int64_t>(local_h * kHourMs) / 1000 * 1000;
  }
  void use(double local_h, double litres, double minutes) { use_at(at(local_h), litres, minutes); }
  void use_at(int64_t t, double litres, double minutes) {
    water.push_back({t, static_cast<int64_t>(minutes * kMinuteMs), litres / 1000.0});
  }
  void door_pass(int64_t t, double open_s) {  // open, then closed after open_s seconds
    doors.push_back({t, true});
    doors.push_back({t + static_cast<int64_t>(open_s * 1000), false});
  }
  void toilet_at(int64_t t) {
    use_at(t, h.traits.flush_l * uniform(h.rng, 0.9, 1.1), 1.5);
    use_at(t + 2 * kMinuteMs, h.traits.hand_wash_l * uniform(h.rng, 0.7, 1.3), 0.5);
  }
  void toilet(double local_h) { toilet_at(at(local_h)); }
  void act(Activity kind, int64_t from, int64_t to) { acts.push_back({h.index, kind, from, to}); }
  bool free(int64_t from, int64_t to, int64_t margin) const {
    auto hit = [&](const Interval& i) { return i.overlaps(from - margin, to + margin); };
    return std::none_of(out.begin(), out.end(), hit) && std::none_of(busy.begin(), busy.end(), hit);
  }
};

// The span a care incident occupies (its cue included), or nullopt without one.
std::optional<Interval> incident_span(const HouseholdModel& h) {
  if (!h.incident || !is_care(h.incident->kind)) return std::nullopt;
  const Incident& i = *h.incident;
  const int64_t from = i.cue_from_ms ? i.cue_from_ms : i.cue_ms ? i.cue_ms : i.start_ms;
  return Interval{from, std::max(i.start_ms, i.end_ms)};
}

// True when the care incident forbids planning something else during [from, to).
bool incident_blocks(const HouseholdModel& h, int64_t from, int64_t to, int64_t margin) {
  const auto span = incident_span(h);
  return span && from < span->to + margin && span->from - margin < to;
}

double outing_hours(HouseholdModel& h) {
  return std::clamp(h.traits.outing_median_h * std::exp(normal(h.rng, 0, 0.5)), 0.25, 5.0);
}

// A stay away (nights at family or a hospital stay) starting today, if one is drawn.
int64_t plan_stay_away(HouseholdModel& h, DayBuilder& b, double wake, double sleep) {
  auto& rng = h.rng;
  const bool hospital = chance(rng, h.params.hospital_prob);
  const bool family = !hospital && chance(rng, h.traits.away_prob);
  if (!hospital && !family) return b.day0 + kDayMs;
  const double leave_h = hospital ? uniform(rng, wake + 0.3, sleep - 0.3)
                                  : uniform(rng, std::max(wake + 1.0, 9.0), 17.0);
  const int nights = hospital ? uniform_int(rng, 1, 5) : uniform_int(rng, 1, 3);
  const int64_t leave = b.at(leave_h);
  const int64_t back =
      (b.day0 + nights * kDayMs + static_cast<int64_t>(uniform(rng, 9.5, 18.5) * kHourMs)) / 1000 *
      1000;
  if (incident_blocks(h, leave, back, 3 * kHourMs) || back >= h.sim_end_ms) return b.day0 + kDayMs;
  h.away_until_ms = back;
  b.door_pass(leave, uniform(rng, 15, 40));
  b.out.push_back({leave, b.day0 + kDayMs});
  // The hours after coming home belong to the stay: a small first use, then a rest.
  b.act(hospital ? Activity::hospital : Activity::night_away, leave, back + 4 * kHourMs);
  return leave;
}

void plan_day(HouseholdModel& h, int64_t day0) {
  auto& rng = h.rng;
  const Traits& t = h.traits;
  const RoutineParams& p = h.params;
  DayBuilder b{h, day0, {}, {}, {}, {}, {}};
  const int64_t day1 = day0 + kDayMs;
  const int64_t weekday = ((day0 + h.utc_offset_ms) / kDayMs) % 7;

  // Today's rhythm.
  const bool late_today = h.late_rising_next;
  h.late_rising_next = false;
  double wake = clamp_normal(rng, t.wake_h, 0.3, 4.0, 9.0);
  if (late_today) wake += uniform(rng, 2.0, 3.5);
  double sleep = clamp_normal(rng, t.sleep_h, 0.35, 19.5, 23.6);
  if (chance(rng, p.late_rise_prob)) {  // an early night, and a late rising tomorrow
    sleep -= uniform(rng, 1.0, 2.0);
    h.late_rising_next = true;
  }

  // Where the person is today.
  int64_t home_from = day0;
  if (h.away_until_ms >= day1) return;  // away all day
  int64_t quiet_until = 0;              // after coming home: a small first use, then a rest
  if (h.away_until_ms > day0) {
    home_from = h.away_until_ms;
    b.door_pass(home_from, uniform(rng, 15, 40));
    quiet_until = home_from + static_cast<int64_t>(uniform(rng, 1.0, 3.0) * kHourMs);
  } else if (late_today && h.early_night_ms) {
    b.act(Activity::late_rising, h.early_night_ms, b.at(wake));
  }
  const bool home_last_night = home_from == day0;
  const int64_t leaves_at =
      home_last_night ? plan_stay_away(h, b, wake, sleep) : day1;  // a stay away starts today

  // Can something be planned at home during [from, to), clear of other plans by `margin`?
  auto placeable = [&](int64_t from, int64_t to, int64_t after_home, int64_t margin) {
    return from >= home_from + after_home && to < leaves_at && to < day1 &&
           b.free(from, to, margin) && !incident_blocks(h, from, to, kHourMs);
  };
  // Out through the door at `from`, back in at `to`.
  auto go_out = [&](int64_t from, int64_t to, double open_lo_s, double open_hi_s) {
    b.out.push_back({from, to});
    b.door_pass(from, uniform(rng, open_lo_s, open_hi_s));
    b.door_pass(to, uniform(rng, open_lo_s, open_hi_s));
  };

  // The cue of a care incident today: staged first, everything else keeps clear of it.
  const Incident* inc = h.incident;
  const bool inc_today = inc && inc->start_ms >= day0 && inc->start_ms < day1;
  if (inc_today) {
    if (inc->kind == IncidentKind::fall_after_return)
      go_out(inc->cue_from_ms, inc->cue_ms, 15, 40);
    else if (inc->kind == IncidentKind::fall_after_rubbish)
      go_out(inc->cue_from_ms, inc->cue_ms, 5, 15);
  }

  // Visitors and late returns move the bedtime.
  if (chance(rng, t.visitor_prob)) {
    const double arrive = uniform(rng, 9.5, 19.0);
    const bool late = chance(rng, p.guest_late_prob);
    const double leave = late ? uniform(rng, std::max(22.05, arrive + 1.0), 23.6)
                              : std::min(arrive + uniform(rng, 1.0, 4.0), 21.5);
    const int64_t from = b.at(arrive), to = b.at(leave);
    if (placeable(from, to, 30 * kMinuteMs, 10 * kMinuteMs)) {
      b.busy.push_back({from, to});
      b.door_pass(from, uniform(rng, 15, 60));
      b.door_pass(to, uniform(rng, 15, 60));
      for (int i = uniform_int(rng, 1, 2); i > 0; --i)
        b.toilet(uniform(rng, arrive + 0.2, std::max(arrive + 0.3, leave - 0.2)));
      b.use(arrive + 0.1, uniform(rng, 1, 2), 1);                        // tea
      b.use(leave - 0.1, uniform(rng, 4, 10), 4);                        // cups and plates
      if (chance(rng, 0.4)) b.use(arrive + 0.5, uniform(rng, 3, 8), 3);  // cooking together
      b.act(Activity::visitor, from, to);
      sleep = std::max(sleep, leave + uniform(rng, 0.2, 0.4));
    }
  }
  if (chance(rng, t.late_return_prob)) {
    const double leave = uniform(rng, 17.0, 19.5), back = uniform(rng, 22.05, 23.5);
    const int64_t from = b.at(leave), to = b.at(back);
    if (placeable(from, to, 30 * kMinuteMs, 10 * kMinuteMs)) {
      go_out(from, to, 15, 40);
      b.act(Activity::late_return, from, to);
      sleep = std::max(sleep, back + uniform(rng, 0.25, 0.35));
    }
  }
  sleep = std::min(sleep, 23.85);
  h.early_night_ms = h.late_rising_next ? b.at(sleep) : 0;

  // Night (this day's early hours): toilet visits if at home.
  if (home_last_night)
    for (int i = poisson(rng, t.night_toilet_rate); i > 0; --i)
      if (wake - 0.6 > 0.3) b.toilet(uniform(rng, 0.3, wake - 0.6));
  // Morning.
  b.toilet(wake + 0.02);
  b.use(wake + 0.08, uniform(rng, 1.5, 4), 2);  // washing
  const double breakfast = wake + t.breakfast_after_h;
  b.use(breakfast, uniform(rng, 1, 2), 1);        // kettle
  b.use(breakfast + 0.4, uniform(rng, 3, 7), 3);  // dishes
  const bool shower = chance(rng, t.shower_prob);
  const double shower_min = uniform(rng, 6, 15);
  if (shower && t.shower_morning)
    b.use(wake + 0.15, t.shower_l * uniform(rng, 0.8, 1.2), shower_min);
  // Meals.
  const double lunch = clamp_normal(rng, t.lunch_h, 0.25, wake + 1.5, 14.0);
  const double dinner = clamp_normal(rng, t.dinner_h, 0.3, lunch + 3.0, 20.0);
  b.use(lunch, uniform(rng, 2, 4), 2);
  b.use(lunch + 0.7, uniform(rng, 5, 10), 5);
  b.use(dinner, uniform(rng, 2, 4), 2);
  b.use(dinner + 0.7, uniform(rng, 6, 12), 6);
  // Through the day.
  for (int i = poisson(rng, t.day_flushes); i > 0; --i)
    b.toilet(uniform(rng, wake + 1.0, std::max(wake + 1.1, sleep - 0.4)));
  for (int i = uniform_int(rng, 2, 5); i > 0; --i)
    b.use(uniform(rng, wake + 0.5, std::max(wake + 0.6, sleep - 0.3)), uniform(rng, 0.3, 1.5), 0.5);
  if (shower && !t.shower_morning)
    b.use(sleep - uniform(rng, 0.7, 2.0), t.shower_l * uniform(rng, 0.8, 1.2), shower_min);
  // Bedtime.
  b.toilet(sleep - 0.2);
  b.use(sleep - 0.12, uniform(rng, 1, 3), 2);

  // Laundry days: washing machine fills or washing by hand.
  if ((t.laundry_days >> weekday & 1) && chance(rng, p.laundry_prob)) {
    const double start = uniform(rng, wake + 0.8, std::max(wake + 1.0, 16.0));
    double at_h = start, end_h = start;
    const int fills = t.machine_laundry ? uniform_int(rng, 3, 5) : uniform_int(rng, 4, 8);
    for (int i = 0; i < fills; ++i) {
      const double minutes = t.machine_laundry ? uniform(rng, 3, 5) : uniform(rng, 2, 5);
      b.use(at_h, t.machine_laundry ? uniform(rng, 10, 18) : uniform(rng, 5, 12), minutes);
      end_h = at_h + minutes / 60;
      at_h += (t.machine_laundry ? uniform(rng, 10, 25) : uniform(rng, 5, 15)) / 60.0;
    }
    b.act(Activity::laundry, b.at(start), b.at(end_h));
  }
  // Cleaning day: big bursts of water over hours (buckets, the floor, the bathroom).
  if (weekday == t.cleaning_weekday && chance(rng, p.cleaning_prob)) {
    const double start = uniform(rng, wake + 1.0, std::max(wake + 1.5, 15.0));
    const double span = uniform(rng, 2.0, 4.0);
    for (int i = uniform_int(rng, 5, 12); i > 0; --i)
      b.use(start + uniform(rng, 0, span), uniform(rng, 6, 25), uniform(rng, 2, 6));
    b.act(Activity::cleaning, b.at(start), b.at(start + span + 0.1));
  }

  // Outings: the door opens and closes on leaving and on coming back.
  auto outing = [&](int64_t from, int64_t to) {
    if (!placeable(from, to + 10 * kMinuteMs, 20 * kMinuteMs, 10 * kMinuteMs)) return false;
    go_out(from, to, 15, 40);
    return true;
  };
  if (t.early_market && chance(rng, t.market_prob)) {  // around 05:30, before the crowds
    const int64_t from = b.at(std::max(wake + uniform(rng, 0.1, 0.3), uniform(rng, 5.1, 6.0)));
    const int64_t to = from + static_cast<int64_t>(uniform(rng, 0.75, 2.0) * kHourMs);
    if (outing(from, to)) b.act(Activity::early_market, from, to);
  }
  if (chance(rng, t.morning_prob)) {
    const int64_t from = b.at(uniform(rng, std::max(wake + 0.7, 7.5), std::max(wake + 0.8, 10.5)));
    outing(from, from + static_cast<int64_t>(outing_hours(h) * kHourMs));
  }
  if (chance(rng, t.afternoon_prob)) {
    const int64_t from = b.at(uniform(rng, 14.0, 16.5));
    outing(from, from + static_cast<int64_t>(outing_hours(h) * kHourMs));
  }
  if (chance(rng, t.rubbish_prob)) {  // out with the rubbish and back within minutes
    const int64_t from =
        b.at(std::clamp(t.rubbish_h + normal(rng, 0, 0.3), wake + 0.2, sleep - 0.3));
    const int64_t to = from + static_cast<int64_t>(uniform(rng, 1, 4) * kMinuteMs) / 1000 * 1000;
    if (placeable(from, to, 20 * kMinuteMs, 3 * kMinuteMs)) {
      go_out(from, to, 5, 15);
      b.act(Activity::rubbish_trip, from, to);
    }
  }
  if (chance(rng, t.chore_door_prob)) {  // a delivery or a neighbour at the door
    const double lo = std::max(wake + 0.5, 8.0);
    const int64_t at = b.at(uniform(rng, lo, std::max(lo + 0.1, std::min(sleep - 0.5, 20.5))));
    if (placeable(at, at + kMinuteMs, 30 * kMinuteMs, 5 * kMinuteMs))
      b.door_pass(at, uniform(rng, 10, 60));
  }

  // No water while out, before coming home, or in the rest after it.
  std::erase_if(b.water, [&](const WaterUse& w) {
    if (w.start_ms < std::max(home_from, quiet_until) || w.start_ms >= leaves_at) return true;
    return std::any_of(b.out.begin(), b.out.end(), [&](const Interval& o) {
      return o.overlaps(w.start_ms, w.start_ms + w.dur_ms);
    });
  });
  if (quiet_until)  // home again: washes hands (under 3 L), then rests
    b.use_at(home_from + static_cast<int64_t>(uniform(rng, 3, 20) * kMinuteMs),
             uniform(rng, 0.3, 2.5), 0.5);

  // Care incidents that start today.
  if (inc_today) {
    const int64_t s = inc->start_ms;
    switch (inc->kind) {
      case IncidentKind::cistern_leak:
      case IncidentKind::tap_left_open: {
        const int64_t end = inc->end_ms ? inc->end_ms : h.sim_end_ms + kDayMs;
        b.water.push_back({s, end - s, inc->rate_m3h * static_cast<double>(end - s) / kHourMs});
        break;
      }
      case IncidentKind::night_wandering:  // out into the night, and not back
        b.door_pass(s, uniform(rng, 15, 40));
        h.fallen_ms = s + kMinuteMs;
        break;
      case IncidentKind::door_left_open:
        std::erase_if(b.doors, [&](const DoorEvent& d) {
          return d.t_ms >= s - 5 * kMinuteMs && d.t_ms <= inc->end_ms + 5 * kMinuteMs;
        });
        b.doors.push_back({s, true});
        b.doors.push_back({inc->end_ms, false});
        break;
      case IncidentKind::fall_night:
        b.toilet_at(inc->cue_ms);
        h.fallen_ms = s;
        break;
      case IncidentKind::fall_after_return:
      case IncidentKind::fall_after_rubbish:  // back in, maybe washed hands, and fell
        std::erase_if(b.water, [&](const WaterUse& w) {
          return w.start_ms + w.dur_ms > inc->cue_ms && w.start_ms < s;
        });
        if (s - inc->cue_ms > 2 * kMinuteMs && chance(rng, 0.5))
          b.use_at(inc->cue_ms + static_cast<int64_t>(uniform(rng, 30, 60) * 1000),
                   uniform(rng, 0.3, 0.9), 0.5);
        h.fallen_ms = s;
        break;
      default: h.fallen_ms = s; break;
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
    std::stable_sort(b.doors.begin(), b.doors.end(),
                     [](const DoorEvent& x, const DoorEvent& y) { return x.t_ms < y.t_ms; });
    if (!b.doors.empty() && b.doors.back().open) b.doors.pop_back();  // keep pairs whole
    std::erase_if(b.acts, [&](const ActivityRecord& a) { return a.from_ms >= h.fallen_ms; });
  }

  std::stable_sort(b.water.begin(), b.water.end(),
                   [](const WaterUse& x, const WaterUse& y) { return x.start_ms < y.start_ms; });
  std::stable_sort(b.doors.begin(), b.doors.end(),
                   [](const DoorEvent& x, const DoorEvent& y) { return x.t_ms < y.t_ms; });
  for (const WaterUse& w : b.water)
    if (w.start_ms >= h.sim_start_ms && w.start_ms < day1 && w.dur_ms > 0) h.water.push_back(w);
  for (const DoorEvent& d : b.doors)
    if (d.t_ms >= h.sim_start_ms && d.t_ms < day1) h.doors.push_back(d);
  for (const ActivityRecord& a : b.acts)
    if (a.to_ms >= h.sim_start_ms && a.from_ms < h.sim_end_ms) h.activities.push_back(a);
}

}  // namespace

HouseholdModel make_household(const SimConfig& c, int index, const Incident* incident) {
  HouseholdModel h;
  h.index = index;
  h.params = c.routine;
  h.traits = draw_traits(c, index);
  h.rng = make_rng(c.seed, Stream::routine, static_cast<uint64_t>(index));
  h.utc_offset_ms = static_cast<int64_t>(c.utc_offset_min) * kMinuteMs;
  h.sim_start_ms = c.start_ms;
  h.sim_end_ms = c.end_ms();
  h.incident = incident && is_care(incident->kind) ? incident : nullptr;
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
