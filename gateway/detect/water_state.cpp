// water_state.cpp: per-meter water state and rule W1 (no water use over a rolling window).
#include "gateway/detect/water_state.h"

#include <cmath>

namespace edgegw {

namespace {

Alert w1_alert(const RulesConfig& rules, const Reading& r, Subject subject, const WaterState& s,
               AlertState state, int64_t event_time_ms) {
  Alert a;
  a.rule = Rule::W1;
  a.kind = AlertKind::NoWaterUse12h;
  a.audience = Audience::Care;
  a.severity = Severity::Warning;
  a.state = state;
  a.subject_kind = subject.kind;
  a.subject = std::string(subject.id);
  a.sensor_id = std::string(r.sensor_id);
  a.event_time_ms = event_time_ms;
  a.detect_time_ms = r.time_ms;
  a.observed = std::max(0.0, r.water.total_m3 - s.anchor_total_m3);
  a.threshold = rules.w1_threshold_m3;
  a.window_s = static_cast<uint32_t>(rules.w1_window_s);
  return a;
}

}  // namespace

void apply_water_reading(const RulesConfig& rules, const Reading& r, Subject subject,
                         WaterState& s, std::vector<Alert>& out) {
  const double total = r.water.total_m3;
  if (std::isnan(total)) return;
  if (s.last_time_ms != 0 && r.time_ms <= s.last_time_ms) return;  // late or duplicate
  const bool first = std::isnan(s.last_total_m3);
  const bool backwards = !first && total < s.last_total_m3;
  s.last_time_ms = r.time_ms;
  s.last_total_m3 = total;
  if (first || backwards) {  // a new meter, or a replaced / reset one: start the window afresh
    s.anchor_time_ms = r.time_ms;
    s.anchor_total_m3 = total;
    return;
  }
  // A small tolerance so that 0.01 m3 written as 123.539 - 123.529 counts as 0.01.
  constexpr double kEpsilon = 1e-9;
  if (total - s.anchor_total_m3 + kEpsilon >= rules.w1_threshold_m3) {
    if (s.w1_open) {
      out.push_back(w1_alert(rules, r, subject, s, AlertState::Cleared, r.time_ms));
      s.w1_open = false;
    }
    s.anchor_time_ms = r.time_ms;
    s.anchor_total_m3 = total;
    return;
  }
  if (!s.w1_open && r.time_ms - s.anchor_time_ms >= rules.w1_window_s * 1000) {
    s.w1_open = true;
    s.w1_event_time_ms = s.anchor_time_ms;
    out.push_back(w1_alert(rules, r, subject, s, AlertState::Raised, s.anchor_time_ms));
  }
}

}  // namespace edgegw
