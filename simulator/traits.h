// traits.h: one person's habits, drawn once per household from its own seeded stream (so the
// incident plan can place an incident in this person's rhythm before the routine runs): wake
// and bed times, meal times, toilet and shower habits, laundry and cleaning days, outings,
// rubbish trips, visitors, late returns, early markets.
#pragma once

#include <cstdint>

#include "simulator/sim_config.h"

namespace fleetsim {

struct Traits {
  double wake_h = 6.5;  // local hours
  double sleep_h = 21.5;
  double lunch_h = 11.8, dinner_h = 17.8;
  double breakfast_after_h = 0.5;  // after waking
  double flush_l = 7, hand_wash_l = 0.8;
  double night_toilet_rate = 0.8;  // mean visits per night
  double day_flushes = 5;          // mean flushes while up
  double shower_prob = 0.6;
  bool shower_morning = false;
  double shower_l = 40;
  int laundry_days = 0;  // bit mask of weekdays (0..6)
  bool machine_laundry = true;
  int cleaning_weekday = 0;
  bool early_market = false;  // an early riser who goes to the market around 05:30
  double market_prob = 0;
  double morning_prob = 0.5, afternoon_prob = 0.5;
  double outing_median_h = 1.2;  // how long this person's outings last
  double rubbish_prob = 0.6, rubbish_h = 19;
  double visitor_prob = 0.1;
  double late_return_prob = 0.04;
  double away_prob = 0.012;
  double chore_door_prob = 0.4;
};

Traits draw_traits(const SimConfig& c, int household);

// The local hour in [0, 24) of an absolute time.
double local_hour(int64_t t_ms, int64_t utc_offset_ms);

}  // namespace fleetsim
