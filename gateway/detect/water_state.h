// water_state.h: what the detector remembers about one water meter, and the W1 rule on it.
#pragma once

#include <cstdint>
#include <vector>

#include "drivers/reading.h"
#include "gateway/detect/alert.h"
#include "gateway/detect/rules_config.h"

namespace edgegw {

// Where an alert about a sensor is addressed: its household or building, or the sensor itself.
struct Subject {
  SubjectKind kind = SubjectKind::Sensor;
  std::string_view id;
};

struct WaterState {
  int64_t last_time_ms = 0;  // last accepted reading
  double last_total_m3 = kNaN;
  // W1 anchor: the reading at which the register last rose by at least the threshold since the
  // previous anchor. "No use for the window" = the register is still below anchor + threshold
  // when a reading at or past anchor + window arrives.
  int64_t anchor_time_ms = 0;
  double anchor_total_m3 = kNaN;
  bool w1_open = false;
  int64_t w1_event_time_ms = 0;
};

// Applies one water reading (already validated, time_ms set) to the meter's state and appends
// the W1 alerts it raises or clears. Late and duplicate readings (time <= last) change nothing.
void apply_water_reading(const RulesConfig& rules, const Reading& r, Subject subject,
                         WaterState& s, std::vector<Alert>& out);

}  // namespace edgegw
