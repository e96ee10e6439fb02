// household_model.h: the daily routine of a person living alone, as the water meter and the
// door contact see it: water uses (start, duration, volume) and door open/close events, plus
// the confounders (simulator/activity.h) that shaped them. Days are planned lazily, one local
// day at a time, from the household's own seeded stream, in this person's own rhythm
// (simulator/traits.h).
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "simulator/activity.h"
#include "simulator/incidents.h"
#include "simulator/sim_config.h"
#include "simulator/traits.h"

namespace fleetsim {

struct WaterUse {
  int64_t start_ms = 0;
  int64_t dur_ms = 0;
  double m3 = 0;  // spread evenly over the duration
};

struct DoorEvent {
  int64_t t_ms = 0;
  bool open = false;
};

struct HouseholdModel {
  int index = 0;
  Traits traits;
  RoutineParams params;
  std::mt19937_64 rng;
  int64_t utc_offset_ms = 0;
  int64_t sim_start_ms = 0, sim_end_ms = 0;
  const Incident* incident = nullptr;      // a care incident the routine must honour, if any
  int64_t planned_until_ms = 0;            // days are planned up to this local midnight
  int64_t away_until_ms = 0;               // away (nights away, hospital) until this time
  bool late_rising_next = false;           // went to bed early: wakes late the next day
  int64_t early_night_ms = 0;              // when that early night began
  int64_t fallen_ms = 0;                   // nothing happens after this (0 = never)
  double committed_m3 = 0;                 // register from finished water uses
  std::deque<WaterUse> water;              // uses not yet fully in committed_m3, by start
  std::deque<DoorEvent> doors;             // door events not yet consumed, by time
  std::vector<ActivityRecord> activities;  // confounders planned so far, by day
};

// `incident` may be any incident of the household; only care incidents shape the routine.
HouseholdModel make_household(const SimConfig& c, int index, const Incident* incident);

// Plans whole local days until planned_until_ms > t_ms.
void plan_until(HouseholdModel& h, int64_t t_ms);

// The true register at t_ms (call with non-decreasing t_ms).
double register_at(HouseholdModel& h, int64_t t_ms);

// The next door event, planning ahead as needed; nullptr if none before the end of the run.
const DoorEvent* peek_door(HouseholdModel& h);

}  // namespace fleetsim
