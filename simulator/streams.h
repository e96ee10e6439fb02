// streams.h: every simulated device as a stream of MQTT messages, merged into one stream in
// event-time order (ties broken by device, so the order is deterministic).
#pragma once

#include <cstdint>
#include <limits>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "simulator/activity.h"
#include "simulator/facade_model.h"
#include "simulator/fleet.h"
#include "simulator/household_model.h"
#include "simulator/incidents.h"
#include "simulator/sim_config.h"

namespace fleetsim {

struct Message {
  int64_t time_ms = 0;
  std::string topic;
  std::string payload;
  // For meter readings that decode (not garbage): the household and the register sent, so
  // the baseline rule can replay the same water series.
  int household = -1;
  double total_m3 = std::numeric_limits<double>::quiet_NaN();
};

struct MeterDevice {
  int household = 0;
  std::mt19937_64 rng;
  std::mt19937_64 outage_rng;
  int64_t period_ms = 15 * kMinuteMs;
  int64_t outage_from_ms = 0, outage_to_ms = 0;  // the next (or current) radio outage
  int64_t nominal_ms = 0;                        // next report slot
  int64_t next_ms = 0;  // next report time (slot + jitter), or the final report
  bool lost_prev = false;
  bool final_due = false;  // the regular reports are over; one final report at the end
  bool done = false;
  uint8_t seq = 0;
  double battery_years = 12;
  double last_sent_m3 = -1;
  const Incident* fault = nullptr;  // a meter fault of this household, if any
};

struct DoorDevice {
  int household = 0;
  std::mt19937_64 rng;
  int64_t heartbeat_ms = 0;
  bool closed = true;
  int battery_pct = 100;
  bool done = false;
  const Incident* fault = nullptr;  // a door fault of this household, if any
};

struct FacadeDevice {
  int facade = 0;
  FacadeModel model;
  int64_t next_ms = 0;
  bool done = false;
};

struct FleetSim {
  const SimConfig* cfg = nullptr;
  const Fleet* fleet = nullptr;
  std::vector<HouseholdModel> households;
  std::vector<MeterDevice> meters;
  std::vector<DoorDevice> doors;
  std::vector<FacadeDevice> facades;
  std::vector<ActivityRecord> outages;  // radio outages drawn so far (confounders)
  // (time, source): source < meters.size() is a meter, then doors, then facades.
  using Entry = std::pair<int64_t, uint32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
};

// The config, fleet and plan must outlive the FleetSim.
FleetSim make_fleet_sim(const SimConfig& c, const Fleet& fleet, const IncidentPlan& plan);

// The next message in event-time order; false when every device is done.
bool next_message(FleetSim& sim, Message& out);

// Every confounder of the run so far (households' routines, radio outages, hourly meters),
// by household and time. Call after the last message for the whole run.
std::vector<ActivityRecord> fleet_activities(const FleetSim& sim);

}  // namespace fleetsim
