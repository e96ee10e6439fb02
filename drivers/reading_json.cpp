// reading_json.cpp: the reading encoder, written with the JSON writer (util/json.h).
#include "drivers/reading_json.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "util/json.h"

namespace edgegw {

std::string_view sensor_kind_name(SensorKind k) {
  switch (k) {
    case SensorKind::water: return "water";
    case SensorKind::door: return "door";
    case SensorKind::facade: return "facade";
  }
  return "unknown";
}

namespace {

// Writes "key":value when the value is known.
template <typename T>
void number(JsonWriter& w, std::string_view key, T v) {
  if (!std::isnan(v)) w.key(key).value(v);
}

void alarm_list(JsonWriter& w, uint32_t alarms) {
  static constexpr std::pair<MeterAlarm, std::string_view> kNames[] = {
      {kAlarmLeak, "leak"},
      {kAlarmBurst, "burst"},
      {kAlarmDry, "dry"},
      {kAlarmReverseFlow, "reverse_flow"},
      {kAlarmBlocked, "blocked"},
      {kAlarmTamper, "tamper"},
      {kAlarmLowBattery, "low_battery"},
      {kAlarmValveClosed, "valve_closed"},
      {kAlarmOther, "other"}};
  w.begin_array();
  for (const auto& [bit, name] : kNames)
    if (alarms & bit) w.value(name);
  w.end_array();
}

std::string_view phase_name(FacadePhase p) {
  switch (p) {
    case FacadePhase::heating: return "heating";
    case FacadePhase::cooling: return "cooling";
    case FacadePhase::night: return "night";
    case FacadePhase::unknown: break;
  }
  return "unknown";
}

}  // namespace

std::string reading_to_json(const Reading& r) {
  JsonWriter w;
  w.begin_object();
  w.key("sensor").value(r.sensor_id).key("kind").value(sensor_kind_name(r.kind));
  w.key("time").time(r.time_ms);
  if (r.time_placeholder) w.key("time_placeholder").value(true);
  number(w, "battery_pct", r.battery_pct);
  number(w, "battery_years", r.battery_years);
  if (r.link_quality >= 0) w.key("link_quality").value(r.link_quality);
  if (r.availability != Availability::unknown)
    w.key("availability").value(r.availability == Availability::online ? "online" : "offline");
  switch (r.kind) {
    case SensorKind::water:
      if (std::isnan(r.water.total_m3))
        w.key("total_m3").null();  // a report without a register: the meter is alive
      else
        number(w, "total_m3", r.water.total_m3);
      number(w, "flow_m3h", r.water.flow_m3h);
      w.key("alarms");
      alarm_list(w, r.water.alarms);
      if (!r.water.status.empty()) w.key("vendor_status").value(r.water.status);
      if (!r.water.model.empty()) w.key("model").value(r.water.model);
      break;
    case SensorKind::door:
      if (r.door.contact_closed)
        w.key("contact").value(*r.door.contact_closed ? "closed" : "open");
      w.key("tamper").value(r.door.tamper);
      if (r.door.battery_low) w.key("battery_low").value(*r.door.battery_low);
      break;
    case SensorKind::facade: {
      w.key("phase").value(phase_name(r.facade.phase)).key("rain").value(r.facade.rain);
      number(w, "ref_c", r.facade.ref_c);
      w.key("regions").begin_array();
      for (const FacadeRegion& g : r.facade.regions)
        w.begin_object()
            .key("x").value(g.x).key("y").value(g.y).key("w").value(g.w).key("h").value(g.h)
            .key("dT_c").value(g.dt_c).key("frames").value(g.frames)
            .end_object();
      w.end_array();
      if (!r.facade.frame_c.empty()) {
        float lo = r.facade.frame_c[0], hi = lo;
        for (float v : r.facade.frame_c) lo = std::min(lo, v), hi = std::max(hi, v);
        w.key("frame").begin_object();
        w.key("pixels").value(static_cast<uint64_t>(r.facade.frame_c.size()));
        w.key("min_c").value(lo).key("max_c").value(hi).end_object();
      }
      break;
    }
  }
  w.end_object();
  return w.take();
}

}  // namespace edgegw
