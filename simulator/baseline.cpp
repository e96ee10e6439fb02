// baseline.cpp: the rolling-window "no water use" rule on one meter's readings.
#include "simulator/baseline.h"

namespace fleetsim {

bool baseline_observe(BaselineMeter& m, const BaselineParams& p, int64_t t, double total,
                      int64_t& event_ms, int64_t& detect_ms) {
  if (!m.readings.empty() && t <= m.readings.back().first) return false;  // duplicate / late
  m.readings.emplace_back(t, total);
  // Keep the last reading at or before t - window (the window's start) and everything after.
  while (m.readings.size() >= 2 && m.readings[1].first <= t - p.window_ms) m.readings.pop_front();
  const auto& [t0, v0] = m.readings.front();
  if (t0 > t - p.window_ms) return false;  // not a full window of readings yet
  const double rise = total - v0;
  if (rise >= p.threshold_m3) {
    m.alerted = false;  // water used: the quiet period is over
    return false;
  }
  if (m.alerted) return false;
  m.alerted = true;
  event_ms = t0;
  detect_ms = t;
  return true;
}

}  // namespace fleetsim
