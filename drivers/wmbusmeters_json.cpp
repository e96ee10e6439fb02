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

uint32_t word_to_alarm(std::string_view w) {
  if (w.empty() || iequals(w, "OK") || iequals(w, "no_alarm") || iequals(w, "null")) return 0;
  if (icontains(w, "leak")) return kAlarmLeak;
  if (icontains(w, "burst")) return kAlarmBurst;
  if (icontains(w, "dry")) return kAlarmDry;
  if (icontains(w, "revers") || icontains(w, "backflow") || icontains(w, "back_flow"))
    return kAlarmReverseFlow;
  if (icontains(w, "block")) return kAlarmBlocked;
  if (icontains(w, "tamper") || icontains(w, "fraud") || icontains(w, "magnet"))
    return kAlarmTamper;
  if (icontains(w, "battery")) return kAlarmLowBattery;
  if (icontains(w, "valve")) return kAlarmValveClosed;
  return kAlarmOther;
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
  std::string_view id;
  if (auto err = optional_string(obj, "id", limits.max_string_bytes, id)) return err;
  if (id.empty()) {
    const size_t slash = topic.rfind('/');
    id = slash == std::string_view::npos ? topic : topic.substr(slash + 1);
  }
  if (id.empty())
    return DecodeError{DecodeErrorCode::missing_field, "no meter id in 'id' or topic"};
  out.sensor_id = id;

  if (obj.at_key("total_m3").error() == simdjson::NO_SUCH_FIELD)
    return DecodeError{DecodeErrorCode::missing_field, "field 'total_m3' is missing"};
  if (auto err = optional_number(obj, "total_m3", out.water.total_m3)) return err;
  if (std::isnan(out.water.total_m3))
    return DecodeError{DecodeErrorCode::missing_field, "field 'total_m3' is null"};
  if (auto err = optional_number(obj, "flow_m3h", out.water.flow_m3h)) return err;
  if (std::isnan(out.water.flow_m3h))
    if (auto err = optional_number(obj, "max_flow_m3h", out.water.flow_m3h)) return err;

  for (std::string_view field : {"status", "current_status", "current_alarms"}) {
    std::string_view status;
    if (auto err = optional_string(obj, field, limits.max_string_bytes, status)) return err;
    out.water.alarms |= wmbus_status_to_alarms(status);
  }
  double years = kNaN;
  if (auto err = optional_number(obj, "remaining_battery_life_y", years)) return err;
  out.battery_years = static_cast<float>(years);
  if (auto err = optional_timestamp(obj, "timestamp", out.time_ms)) return err;
  return std::nullopt;
}

}  // namespace edgegw
