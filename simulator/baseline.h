// baseline.h: the single-sensor Shanghai rule the fused rules are measured against: the water
// register rising less than 0.01 m3 in any rolling 12 h window, one alert per quiet period.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace fleetsim {

struct BaselineAlert {
  std::string subject;    // household
  std::string sensor;     // meter
  int64_t event_ms = 0;   // start of the quiet window
  int64_t detect_ms = 0;  // the reading that showed it
};

struct BaselineParams {
  int64_t window_ms = 12 * 3'600'000LL;
  double threshold_m3 = 0.01;
};

// One meter's state: its readings over the last window, and whether it is in a quiet period.
struct BaselineMeter {
  std::deque<std::pair<int64_t, double>> readings;
  bool alerted = false;
};

// Feeds one reading (in time order per meter). Returns true when it raises an alert, and then
// sets event_ms / detect_ms.
bool baseline_observe(BaselineMeter& m, const BaselineParams& p, int64_t t_ms, double total_m3,
                      int64_t& event_ms, int64_t& detect_ms);

}  // namespace fleetsim
