// wmbusmeters_json.cpp: decoder for wmbusmeters JSON telegrams.
#include "drivers/wmbusmeters_json.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "drivers/json_fields.h"

namespace edgegw {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

uint32_t word_to_alarm(std::string_view w) {
  if (w.empty() || iequals(w, "OK") || iequals(w, "no_alarm") || iequals(w, "null")) return 0;
  // History and information, not a fault now (ultrimis: TAMPER_PREV_MONTH, NO_FLOW_THIS_MONTH).
  if (iends_with(w, "_prev_month") || iends_with(w, "_last_month") || icontains(w, "no_flow"))
    return 0;
  if (icontains(w, "leak")) return kAlarmLeak;
  if (icontains(w, "burst")) return kAlarmBurst;
  if (icontains(w, "dry")) return kAlarmDry;
  if (icontains(w, "revers") || icontains(w, "backflow") || icontains(w, "back_flow"))
    return kAlarmReverseFlow;
  if (icontains(w, "block")) return kAlarmBlocked;
  if (icontains(w, "tamper") || icontains(w, "fraud") || icontains(w, "magnet"))
    return kAlarmTamper;
  if (icontains(w, "battery") || icontains(w, "power_low")) return kAlarmLowBattery;
  if (icontains(w, "valve")) return kAlarmValveClosed;
  return kAlarmOther;
}

// Appends the meter's status words to a rejection, so that a dead letter still shows them.
DecodeError with_status(DecodeError err, std::string_view status) {
  if (!status.empty()) err.detail += fmt::format(" (meter status: {})", status);
  return err;
}

}  // namespace

uint32_t wmbus_status_to_alarms(std::string_view status) {
  uint32_t bits = 0;
  size_t start = 0;
  while (start <= status.size()) {
    size_t end = status.find_first_of(", ", start);
    if (end == std::string_view::npos) end = status.size();
    bits |= word_to_alarm(status.substr(start, end - start));
    start = end + 1;
  }
  return bits;
}

DecodeStatus decode_wmbusmeters_json(std::string_view topic, std::string_view payload,
                                     const DecodeLimits& limits, DecodeScratch& scratch,
                                     Reading& out) {
  simdjson::dom::element root;
  if (auto err = parse_json(payload, limits.max_payload_bytes, limits.max_depth, scratch, root))
    return err;
  simdjson::dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS)
    return DecodeError{DecodeErrorCode::wrong_type, "telegram is not a JSON object"};

  out = Reading{};
  out.kind = SensorKind::water;
  // Status first: a rejection for another reason still names what the meter said.
  WaterFields& w = out.water;
  for (std::string_view field : {"status", "current_status", "current_alarms"}) {
    std::string_view words;
    if (auto err = optional_string(obj, field, limits.max_status_bytes, words)) return err;
    const uint32_t bits = wmbus_status_to_alarms(words);
    // The first field that says something; a later one only if it names an alarm the first
    // does not (izar's current_alarms next to an "OK" status).
    if (w.status.empty() || (bits & ~w.alarms) != 0) {
      if (!words.empty()) w.status = words;
    }
    w.alarms |= bits;
  }

  std::string_view id;
  if (auto err = optional_string(obj, "id", limits.max_string_bytes, id))
    return with_status(*err, w.status);
  if (id.empty()) {
    const size_t slash = topic.rfind('/');
    id = slash == std::string_view::npos ? topic : topic.substr(slash + 1);
  }
  if (id.empty())
    return with_status({DecodeErrorCode::missing_field, "no meter id in 'id' or topic"}, w.status);
  out.sensor_id = id;
  for (std::string_view field : {"driver", "meter"}) {
    if (!w.model.empty()) break;
    if (auto err = optional_string(obj, field, limits.max_string_bytes, w.model))
      return with_status(*err, w.status);
  }

  // No register (billing-date or history telegrams): still a report from a living meter.
  if (auto err = optional_number(obj, "total_m3", w.total_m3)) return with_status(*err, w.status);
  for (std::string_view field :
       {"flow_m3h", "volume_flow_m3h", "current_flow_m3h", "max_flow_m3h"}) {
    if (!std::isnan(w.flow_m3h)) break;
    if (auto err = optional_number(obj, field, w.flow_m3h)) return with_status(*err, w.status);
  }
  double years = kNaN;
  for (std::string_view field : {"remaining_battery_life_y", "battery_y"}) {
    if (!std::isnan(years)) break;
    if (auto err = optional_number(obj, field, years)) return with_status(*err, w.status);
  }
  out.battery_years = static_cast<float>(years);
  if (auto err = optional_timestamp(obj, "timestamp", out.time_ms, out.time_placeholder))
    return with_status(*err, w.status);
  return std::nullopt;
}

}  // namespace edgegw
