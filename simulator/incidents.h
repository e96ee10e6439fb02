// incidents.h: which incidents are injected where and when (fixed before the run, so the
// ground truth is known up front), and the ground truth as JSON lines.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "simulator/fleet.h"
#include "simulator/incident_kind.h"
#include "simulator/sim_config.h"

namespace fleetsim {

enum class FaultDevice : uint8_t { meter, door, facade };

struct Incident {
  IncidentKind kind = IncidentKind::fall_day;
  int target = 0;  // household index, or facade sensor index for hollow_patch
  FaultDevice device = FaultDevice::meter;
  std::string subject;  // hh-00001 / bld-001
  std::string sensor;   // the device whose data shows it
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // 0 = lasts until the end of the run
  // What the incident follows, for the routine to stage it: the toilet visit before a night
  // fall (cue), the outing before a fall after coming home or the rubbish trip before a fall
  // after it (cue_from: out, cue: back in). 0 = none.
  int64_t cue_from_ms = 0, cue_ms = 0;
  double rate_m3h = 0;  // leak flow
  double amount = 0;    // backwards_register: m3 the register jumps back; low_battery: level
};

struct IncidentPlan {
  std::vector<Incident> incidents;      // in the order they were drawn
  std::vector<int> household_incident;  // per household: index into incidents, or -1
  std::vector<int> facade_incident;     // per facade sensor: index into incidents, or -1
};

// Draws the incident mix of the config onto distinct households (at most one incident per
// household) and facade sensors. Throws std::runtime_error when the fleet is too small.
IncidentPlan plan_incidents(const SimConfig& c, const Fleet& fleet);

// The device a meter fault / garbage applies to, if this household has one.
const Incident* household_incident(const IncidentPlan& plan, int household);
const Incident* facade_incident(const IncidentPlan& plan, int facade);

// One ground-truth JSON line per incident, ordered by start time.
void write_truth(std::ostream& out, const IncidentPlan& plan);

}  // namespace fleetsim
