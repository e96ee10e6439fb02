// engine_health.cpp: device health for every sensor: S1 silence (Zigbee after 25 h, meters
// after 3 x their transmit period, availability "offline"), S2 battery low, tamper, meter
// alarm flags, weak link, and garbage payloads.
#include <cmath>
#include <string_view>

#include "gateway/detect/engine.h"
#include "gateway/detect/local_time.h"

namespace edgegw {

int64_t silence_due(const RulesConfig& rules, const SensorState& s, int64_t listening_since_ms) {
  if (s.health.last_seen_ms == 0) return 0;
  const int64_t from = std::max(s.health.last_seen_ms, listening_since_ms);
  if (s.kind == SensorKind::door) return from + rules.s1_door_silence_s * 1000;
  if (s.kind == SensorKind::water && s.water().period_ms > 0)
    return from +
           std::max<int64_t>(rules.s1_meter_missed_reports * s.water().period_ms, 15 * kMinuteMs);
  return 0;
}

void Engine::silence_deadline(uint32_t idx, int64_t due, std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  const int64_t real_due = silence_due(rules_, s, listening_since_ms_);
  if (real_due == 0) return;
  if (real_due > due) {
    schedule(idx, DeadlineKind::sensor_silent, real_due);
    return;
  }
  raise(idx,
        make(idx, Rule::S1, AlertKind::SensorSilent, Audience::Maintenance, Severity::Warning,
             s.health.last_seen_ms, real_due,
             static_cast<double>(real_due - s.health.last_seen_ms) / 1000,
             static_cast<double>(real_due - s.health.last_seen_ms) / 1000, 0),
        out);
}

void Engine::health_reading(uint32_t idx, const Reading& r, std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  HealthState& h = s.health;
  const int64_t t = r.time_ms;
  if (t < h.last_seen_ms) return;
  h.last_seen_ms = t;
  mark_dirty(idx);
  if (r.availability == Availability::offline) {
    raise(idx,
          make(idx, Rule::S1, AlertKind::SensorSilent, Audience::Maintenance, Severity::Warning, t,
               t, 0, 0, 0),
          out);
    return;
  }
  clear(idx, AlertKind::SensorSilent, Rule::S1, t, out);
  // The silence deadline follows the period, which the water rules update after this.
  const int64_t period =
      s.kind == SensorKind::water ? std::max<int64_t>(s.water().period_ms, 0) : 0;
  if (s.kind == SensorKind::door)
    schedule(idx, DeadlineKind::sensor_silent, t + rules_.s1_door_silence_s * 1000);
  else if (period > 0)
    schedule(idx, DeadlineKind::sensor_silent,
             t + std::max<int64_t>(rules_.s1_meter_missed_reports * period, 15 * kMinuteMs));

  // `words`: the device's own words behind the alert, kept as its evidence (a meter's vendor
  // status flags: "other" alone tells a field engineer nothing).
  auto level = [&](AlertKind kind, bool low, bool recovered, double observed, double threshold,
                   std::string_view words = {}) {
    if (low) {
      Alert a = make(idx, Rule::S2, kind, Audience::Maintenance, Severity::Warning, t, t, observed,
                     threshold, 0);
      a.detail = words;
      raise(idx, std::move(a), out);
    } else if (recovered) {
      clear(idx, kind, Rule::S2, t, out);
    }
  };
  const std::string_view meter_words = r.kind == SensorKind::water ? r.water.status : "";
  // A device's own low-battery flag (Zigbee2MQTT battery_low) counts as low whatever its level.
  const bool flag_low = r.door.battery_low.value_or(false);
  if (!std::isnan(r.battery_pct))
    level(AlertKind::BatteryLow, r.battery_pct < rules_.s2_battery_low_pct || flag_low,
          r.battery_pct >= rules_.s2_battery_low_pct + 5 && !flag_low, r.battery_pct,
          rules_.s2_battery_low_pct, flag_low ? "battery_low" : "");
  else if (r.door.battery_low)
    level(AlertKind::BatteryLow, flag_low, !flag_low, flag_low, 0, "battery_low");
  else if (!std::isnan(r.battery_years))
    level(AlertKind::BatteryLow, r.battery_years < rules_.s2_battery_low_years,
          r.battery_years >= rules_.s2_battery_low_years + 0.25, r.battery_years,
          rules_.s2_battery_low_years, meter_words);
  if (r.link_quality >= 0)
    level(AlertKind::WeakLink, r.link_quality < rules_.s2_weak_link_lqi,
          r.link_quality >= rules_.s2_weak_link_lqi * 2, r.link_quality, rules_.s2_weak_link_lqi);
  if (r.kind == SensorKind::door)
    level(AlertKind::Tamper, r.door.tamper, !r.door.tamper, r.door.tamper, 0, "tamper");
  if (r.kind == SensorKind::water) {
    const uint32_t alarms = r.water.alarms & ~static_cast<uint32_t>(kAlarmLowBattery);
    level(AlertKind::MeterAlarm, alarms != 0, alarms == 0, alarms, 0, meter_words);
    if (r.water.alarms & kAlarmLowBattery)
      level(AlertKind::BatteryLow, true, false, 0, rules_.s2_battery_low_years, meter_words);
  }
  if (h.garbage_count > 0 && local_day(t, 0) != h.garbage_day) {
    h.garbage_count = 0;
    clear(idx, AlertKind::GarbagePayloads, Rule::S2, t, out);
  }
}

void Engine::on_rejected(std::string_view sensor_id, int64_t time_ms, std::vector<Alert>& out) {
  const uint32_t idx = sensor_ids_.find(sensor_id);
  if (idx == IdTable::kNone || time_ms <= 0) return;  // unknown ids cannot grow the table
  HealthState& h = sensors_[idx].health;
  const int64_t day = local_day(time_ms, 0);
  if (day != h.garbage_day) {
    h.garbage_day = day;
    h.garbage_count = 0;
  }
  ++h.garbage_count;
  mark_dirty(idx);
  if (h.garbage_count >= static_cast<uint32_t>(rules_.s2_garbage_per_day))
    raise(idx,
          make(idx, Rule::S2, AlertKind::GarbagePayloads, Audience::Maintenance, Severity::Warning,
               time_ms, time_ms, h.garbage_count, rules_.s2_garbage_per_day, 86400),
          out);
}

}  // namespace edgegw
