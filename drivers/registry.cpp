// registry.cpp: topic routing and the table of drivers.
#include "drivers/registry.h"

#include <fmt/format.h>

#include "drivers/cjt188.h"
#include "drivers/facade_json.h"
#include "drivers/facade_raw.h"
#include "drivers/native_reading.h"
#include "drivers/wmbusmeters_alarm.h"
#include "drivers/wmbusmeters_json.h"
#include "drivers/zigbee2mqtt.h"

namespace edgegw {

namespace {

struct DriverName {
  DriverId id;
  std::string_view name;
};

constexpr DriverName kDriverNames[] = {
    {DriverId::wmbusmeters, "wmbusmeters"},
    {DriverId::wmbusmeters_alarm, "wmbusmeters_alarm"},
    {DriverId::cjt188, "cjt188"},
    {DriverId::zigbee2mqtt, "zigbee2mqtt"},
    {DriverId::zigbee2mqtt_availability, "zigbee2mqtt_availability"},
    {DriverId::facade_json, "facade_json"},
    {DriverId::facade_raw, "facade_raw"},
    {DriverId::native, "native"},
};

}  // namespace

std::string_view to_string(DriverId id) {
  for (const auto& d : kDriverNames)
    if (d.id == id) return d.name;
  return "unknown";
}

std::optional<DriverId> driver_from_string(std::string_view name) {
  for (const auto& d : kDriverNames)
    if (d.name == name) return d.id;
  return std::nullopt;
}

std::vector<Route> default_routes() {
  return {
      {"wmbusmeters/+", DriverId::wmbusmeters},
      {"wmbusmeters_alarm", DriverId::wmbusmeters_alarm},
      {"wmbusmeters_alarm/+", DriverId::wmbusmeters_alarm},
      {"cjt188/+", DriverId::cjt188},
      {"zigbee2mqtt/+/availability", DriverId::zigbee2mqtt_availability},
      {"zigbee2mqtt/+", DriverId::zigbee2mqtt},
      {"facade/+/raw", DriverId::facade_raw},
      {"facade/+", DriverId::facade_json},
      {"edgegw/reading/+", DriverId::native},
  };
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  // Topics starting with '$' are not matched by wildcards in the first level (MQTT 3.1.1 4.7.2).
  if (!topic.empty() && topic[0] == '$' && !filter.empty() &&
      (filter[0] == '+' || filter[0] == '#'))
    return false;
  size_t f = 0, t = 0;
  while (true) {
    const size_t f_end = std::min(filter.find('/', f), filter.size());
    const std::string_view level = filter.substr(f, f_end - f);
    if (level == "#") return true;
    const size_t t_end = std::min(topic.find('/', t), topic.size());
    if (t > topic.size()) return false;
    if (level != "+" && level != topic.substr(t, t_end - t)) return false;
    const bool filter_done = f_end == filter.size(), topic_done = t_end == topic.size();
    if (filter_done || topic_done) {
      if (filter_done && topic_done) return true;
      // "a/#" also matches "a": the remaining filter is exactly "/#".
      return topic_done && filter.substr(f_end) == "/#";
    }
    f = f_end + 1;
    t = t_end + 1;
  }
}

std::optional<DriverId> route_topic(std::span<const Route> routes, std::string_view topic) {
  for (const auto& r : routes)
    if (topic_matches(r.filter, topic)) return r.driver;
  return std::nullopt;
}

DecodeStatus decode_with(DriverId driver, std::string_view topic, std::string_view payload,
                         const DecodeLimits& limits, DecodeScratch& scratch, Reading& out,
                         const DriverOptions& options) {
  switch (driver) {
    case DriverId::wmbusmeters:
      return decode_wmbusmeters_json(topic, payload, limits, scratch, out);
    case DriverId::wmbusmeters_alarm:
      return decode_wmbusmeters_alarm(topic, payload, limits, scratch, out);
    case DriverId::cjt188:
      return decode_cjt188(topic, payload, limits, scratch, out, options.cjt188);
    case DriverId::zigbee2mqtt: return decode_zigbee2mqtt(topic, payload, limits, scratch, out);
    case DriverId::zigbee2mqtt_availability:
      return decode_zigbee2mqtt_availability(topic, payload, limits, scratch, out);
    case DriverId::facade_json: return decode_facade_json(topic, payload, limits, scratch, out);
    case DriverId::facade_raw: return decode_facade_raw(topic, payload, limits, scratch, out);
    case DriverId::native: return decode_native_reading(topic, payload, limits, scratch, out);
  }
  return DecodeError{DecodeErrorCode::unsupported,
                     fmt::format("driver {} is unknown", static_cast<int>(driver))};
}

}  // namespace edgegw
