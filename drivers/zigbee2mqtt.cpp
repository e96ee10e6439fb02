// zigbee2mqtt.cpp: decoders for Zigbee2MQTT door-contact state and availability messages.
#include "drivers/zigbee2mqtt.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "drivers/json_fields.h"
#include "drivers/timestamp.h"

namespace edgegw {

namespace {

constexpr std::string_view kAvailabilitySuffix = "/availability";

// The value itself when it is short printable ASCII, else a description (for error details).
std::string shown(std::string_view v) {
  if (v.size() > 40) return fmt::format("a {}-byte value", v.size());
  for (char c : v)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F)
      return fmt::format("a {}-byte value with non-printable bytes", v.size());
  return fmt::format("'{}'", v);
}

DecodeStatus name_from_topic(std::string_view topic, std::string_view suffix,
                             const DecodeLimits& limits, std::string_view& name) {
  const size_t slash = topic.find('/');
  name = slash == std::string_view::npos ? std::string_view{} : topic.substr(slash + 1);
  if (!suffix.empty() && name.ends_with(suffix)) name.remove_suffix(suffix.size());
  if (name.empty())
    return DecodeError{DecodeErrorCode::missing_field,
                       fmt::format("no friendly name in topic {}", shown(topic))};
  if (name.size() > limits.max_string_bytes)
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("friendly name is {} bytes long, the limit is {}", name.size(),
                                   limits.max_string_bytes)};
  return std::nullopt;
}

// battery: a number or (older firmware) a numeric string, 0..100.
DecodeStatus battery_field(simdjson::dom::object obj, float& out) {
  auto f = obj.at_key("battery");
  if (f.error() == simdjson::NO_SUCH_FIELD || f.is_null()) return std::nullopt;
  double v = 0;
  std::string_view text;
  if (f.get(v) == simdjson::SUCCESS) {
    // number: checked below
  } else if (f.get(text) == simdjson::SUCCESS) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc{} || ptr != end)
      return DecodeError{
          DecodeErrorCode::bad_value,
          fmt::format("field 'battery' is the string {}, not a number", shown(text))};
  } else {
    return DecodeError{DecodeErrorCode::wrong_type,
                       "field 'battery' is neither a number nor a numeric string"};
  }
  if (!std::isfinite(v) || v < 0 || v > 100)
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("field 'battery' is {}, outside 0..100", v)};
  out = static_cast<float>(v);
  return std::nullopt;
}

// "...+HH:MM" / "...-HH:MM" (Zigbee2MQTT's ISO_8601_local) -> UTC ms.
std::optional<int64_t> parse_iso8601_offset(std::string_view s) {
  if (auto ms = parse_iso8601_utc(s)) return ms;
  if (s.size() < 25 || s.size() > 40) return std::nullopt;
  const std::string_view zone = s.substr(s.size() - 6);
  if ((zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
  int hh = 0, mm = 0;
  for (int k : {1, 2, 4, 5})
    if (zone[k] < '0' || zone[k] > '9') return std::nullopt;
  hh = (zone[1] - '0') * 10 + (zone[2] - '0');
  mm = (zone[4] - '0') * 10 + (zone[5] - '0');
  if (hh > 14 || mm > 59) return std::nullopt;
  char utc[48];
  const size_t base = s.size() - 6;
  std::copy(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(base), utc);
  utc[base] = 'Z';
  auto ms = parse_iso8601_utc(std::string_view(utc, base + 1));
  if (!ms) return std::nullopt;
  const int64_t offset_ms = (hh * 60 + mm) * 60000LL;
  return zone[0] == '+' ? *ms - offset_ms : *ms + offset_ms;
}

DecodeStatus last_seen_field(simdjson::dom::object obj, int64_t& out_ms) {
  auto f = obj.at_key("last_seen");
  if (f.error() == simdjson::NO_SUCH_FIELD || f.is_null()) return std::nullopt;
  std::string_view text;
  double epoch = 0;
  if (f.get(text) == simdjson::SUCCESS) {
    auto ms = parse_iso8601_offset(text);
    if (!ms)
      return DecodeError{DecodeErrorCode::bad_timestamp,
                         fmt::format("field 'last_seen' is not an ISO 8601 time: {}", shown(text))};
    out_ms = *ms;
  } else if (f.get(epoch) == simdjson::SUCCESS) {
    if (!std::isfinite(epoch) || epoch <= 0 || epoch > 1e15)
      return DecodeError{DecodeErrorCode::bad_timestamp,
                         fmt::format("field 'last_seen' is {}, not epoch milliseconds", epoch)};
    out_ms = static_cast<int64_t>(epoch);
  } else {
    return DecodeError{DecodeErrorCode::wrong_type,
                       "field 'last_seen' is neither a string nor a number"};
  }
  return std::nullopt;
}

}  // namespace

DecodeStatus decode_zigbee2mqtt(std::string_view topic, std::string_view payload,
                                const DecodeLimits& limits, DecodeScratch& scratch, Reading& out) {
  std::string_view name;
  if (auto err = name_from_topic(topic, {}, limits, name)) return err;
  simdjson::dom::element root;
  if (auto err = parse_json(payload, limits.max_payload_bytes, limits.max_depth, scratch, root))
    return err;
  simdjson::dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS)
    return DecodeError{DecodeErrorCode::wrong_type, "device state is not a JSON object"};

  out = Reading{};
  out.kind = SensorKind::door;
  out.sensor_id = name;
  if (auto err = optional_bool(obj, "contact", out.door.contact_closed)) return err;
  std::optional<bool> tamper;
  if (auto err = optional_bool(obj, "tamper", tamper)) return err;
  out.door.tamper = tamper.value_or(false);
  if (auto err = optional_bool(obj, "battery_low", out.door.battery_low)) return err;
  if (auto err = battery_field(obj, out.battery_pct)) return err;
  double voltage_mv = 0;
  if (auto err = optional_number(obj, "voltage", voltage_mv)) return err;
  double lq = -1;
  if (auto err = optional_number(obj, "linkquality", lq)) return err;
  if (lq != -1) {
    if (lq < 0 || lq > 255 || lq != std::floor(lq))
      return DecodeError{DecodeErrorCode::bad_value,
                         fmt::format("field 'linkquality' is {}, not an integer 0..255", lq)};
    out.link_quality = static_cast<int16_t>(lq);
  }
  if (auto err = last_seen_field(obj, out.time_ms)) return err;
  return std::nullopt;
}

DecodeStatus decode_zigbee2mqtt_availability(std::string_view topic, std::string_view payload,
                                             const DecodeLimits& limits, DecodeScratch& scratch,
                                             Reading& out) {
  std::string_view name;
  if (auto err = name_from_topic(topic, kAvailabilitySuffix, limits, name)) return err;
  if (payload.size() > limits.max_payload_bytes)
    return DecodeError{DecodeErrorCode::too_large,
                       fmt::format("payload of {} bytes exceeds the limit of {}", payload.size(),
                                   limits.max_payload_bytes)};
  std::string_view text = payload;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                           text.front() == '\n'))
    text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  if (text.empty()) return DecodeError{DecodeErrorCode::empty, "empty availability payload"};

  std::string_view state = text;
  std::string_view field = "availability";
  if (text.front() == '{') {
    simdjson::dom::element root;
    if (auto err = parse_json(payload, limits.max_payload_bytes, limits.max_depth, scratch, root))
      return err;
    simdjson::dom::object obj;
    if (root.get(obj) != simdjson::SUCCESS)
      return DecodeError{DecodeErrorCode::wrong_type, "availability is not a JSON object"};
    state = {};
    if (auto err = optional_string(obj, "state", limits.max_string_bytes, state)) return err;
    if (state.empty())
      return DecodeError{DecodeErrorCode::missing_field, "field 'state' is missing"};
    field = "field 'state'";
  }
  out = Reading{};
  out.kind = SensorKind::door;
  out.sensor_id = name;
  if (state == "online") {
    out.availability = Availability::online;
  } else if (state == "offline") {
    out.availability = Availability::offline;
  } else {
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("{} is {}, expected online or offline", field, shown(state))};
  }
  return std::nullopt;
}

}  // namespace edgegw
