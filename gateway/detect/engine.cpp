// engine.cpp: routing readings to per-sensor state and rules; the event-time watermark.
#include "gateway/detect/engine.h"

namespace edgegw {

Engine::Engine(const RulesConfig& rules, const Inventory& inventory)
    : rules_(rules), inventory_(inventory) {
  for (const Household& h : inventory_.households) {
    for (const std::string& m : h.meters) subjects_[m] = Subject{SubjectKind::Household, h.id};
    for (const std::string& d : h.doors) subjects_[d] = Subject{SubjectKind::Household, h.id};
  }
  for (const FacadeSite& f : inventory_.facades)
    subjects_[f.sensor] = Subject{SubjectKind::Building, f.building};
}

Subject Engine::subject_of(std::string_view sensor_id) const {
  auto it = subjects_.find(sensor_id);
  if (it != subjects_.end()) return it->second;
  return Subject{SubjectKind::Sensor, sensor_id};
}

void Engine::on_reading(const Reading& r, std::vector<Alert>& out) {
  if (r.kind == SensorKind::water) {
    auto it = water_.find(r.sensor_id);
    if (it == water_.end()) it = water_.emplace(std::string(r.sensor_id), WaterState{}).first;
    apply_water_reading(rules_, r, subject_of(r.sensor_id), it->second, out);
  }
  advance_watermark(r.time_ms, out);
}

void Engine::advance_watermark(int64_t t_ms, std::vector<Alert>&) {
  if (t_ms > watermark_ms_) watermark_ms_ = t_ms;
}

const WaterState* Engine::water_state(std::string_view sensor_id) const {
  auto it = water_.find(sensor_id);
  return it == water_.end() ? nullptr : &it->second;
}

}  // namespace edgegw
