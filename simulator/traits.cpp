// traits.cpp: drawing a person's habits around the fleet's routine parameters.
#include "simulator/traits.h"

#include <algorithm>

#include "simulator/rng.h"

namespace fleetsim {

namespace {

// A per-household probability around the fleet's mean (x0.3 .. x1.7), at most `cap`.
double around(std::mt19937_64& rng, double mean, double cap = 0.95) {
  return std::min(cap, mean * uniform(rng, 0.3, 1.7));
}

}  // namespace

Traits draw_traits(const SimConfig& c, int household) {
  auto rng = make_rng(c.seed, Stream::traits, static_cast<uint64_t>(household));
  const RoutineParams& p = c.routine;
  Traits t;
  t.wake_h = clamp_normal(rng, 6.2, 0.8, 4.5, 8.5);
  t.sleep_h = clamp_normal(rng, 21.7, 0.8, 19.8, 23.4);
  t.lunch_h = clamp_normal(rng, 11.7, 0.4, 10.8, 13.0);
  t.dinner_h = clamp_normal(rng, 17.7, 0.5, 16.5, 19.0);
  t.breakfast_after_h = uniform(rng, 0.2, 1.0);
  t.flush_l = uniform(rng, 4, 9);
  t.hand_wash_l = uniform(rng, 0.4, 1.5);
  t.night_toilet_rate = around(rng, p.night_toilet_prob, 3.0);
  t.day_flushes = uniform(rng, 3, 7);
  t.shower_prob = around(rng, p.shower_prob);
  t.shower_morning = chance(rng, 0.3);
  t.shower_l = uniform(rng, 25, 70);
  const int first = uniform_int(rng, 0, 6);
  t.laundry_days = 1 << first;
  if (chance(rng, 0.5)) t.laundry_days |= 1 << ((first + uniform_int(rng, 2, 4)) % 7);
  t.machine_laundry = chance(rng, 0.7);
  t.cleaning_weekday = uniform_int(rng, 0, 6);
  t.early_market = t.wake_h < 5.6 && chance(rng, 0.7);
  t.market_prob = t.early_market ? around(rng, p.early_market_prob) : 0;
  t.morning_prob = around(rng, p.shopping_prob);
  t.afternoon_prob = around(rng, p.walk_prob);
  t.outing_median_h = uniform(rng, 0.6, 2.5);
  t.rubbish_prob = around(rng, p.rubbish_prob);
  t.rubbish_h =
      chance(rng, 0.5) ? t.dinner_h + uniform(rng, 0.6, 1.8) : t.wake_h + uniform(rng, 0.5, 2);
  t.visitor_prob = around(rng, p.visitor_prob);
  // Late sleepers come home late more often.
  t.late_return_prob = around(rng, p.late_return_prob) * (t.sleep_h > 22.5 ? 2.0 : 1.0);
  t.away_prob = around(rng, p.away_prob);
  t.chore_door_prob = around(rng, p.chore_door_prob);
  return t;
}

double local_hour(int64_t t_ms, int64_t utc_offset_ms) {
  const int64_t local = t_ms + utc_offset_ms;
  const int64_t in_day = ((local % kDayMs) + kDayMs) % kDayMs;
  return static_cast<double>(in_day) / kHourMs;
}

}  // namespace fleetsim
