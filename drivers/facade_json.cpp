// facade_json.cpp: decoder for thermal frames and region summaries sent as JSON.
#include "drivers/facade_json.h"

#include <cmath>

#include <fmt/format.h>

#include "drivers/json_fields.h"

namespace edgegw {

namespace {

bool in_temperature_range(double c, const DecodeLimits& limits) {
  return std::isfinite(c) && c >= limits.min_temperature_c && c <= limits.max_temperature_c;
}

DecodeError temperature_error(std::string_view what, double c, const DecodeLimits& limits) {
  return {DecodeErrorCode::bad_value,
          fmt::format("{} is {} C, outside {}..{}", what, c, limits.min_temperature_c,
                      limits.max_temperature_c)};
}

DecodeStatus decode_frame(simdjson::dom::element field, const DecodeLimits& limits,
                          DecodeScratch& scratch, Reading& out) {
  simdjson::dom::array values;
  if (field.get(values) != simdjson::SUCCESS)
    return DecodeError{DecodeErrorCode::wrong_type, "field 'frame_c' is not an array"};
  size_t i = 0;
  for (simdjson::dom::element v : values) {
    if (i == kFramePixels)
      return DecodeError{
          DecodeErrorCode::bad_value,
          fmt::format("field 'frame_c' has {} values, expected {}", values.size(), kFramePixels)};
    double c;
    if (v.get(c) != simdjson::SUCCESS)
      return DecodeError{DecodeErrorCode::wrong_type,
                         fmt::format("field 'frame_c[{}]' is not a number", i)};
    if (!in_temperature_range(c, limits))
      return temperature_error(
          fmt::format("field 'frame_c[{}]' (x={}, y={})", i, i % kFrameWidth, i / kFrameWidth), c,
          limits);
    scratch.frame[i++] = static_cast<float>(c);
  }
  if (i != kFramePixels)
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("field 'frame_c' has {} values, expected {}", i, kFramePixels)};
  out.facade.frame_c = std::span<const float>(scratch.frame.data(), kFramePixels);
  return std::nullopt;
}

// A number field of region `idx`, within min..max (and whole when `integer`).
DecodeStatus region_number(simdjson::dom::object o, size_t idx, std::string_view key, bool required,
                           double min, double max, bool integer, double& out) {
  auto f = o.at_key(key);
  if (f.error() == simdjson::NO_SUCH_FIELD || f.is_null()) {
    if (!required) return std::nullopt;
    return DecodeError{DecodeErrorCode::missing_field,
                       fmt::format("field 'roi[{}].{}' is missing", idx, key)};
  }
  double v;
  if (f.get(v) != simdjson::SUCCESS)
    return DecodeError{DecodeErrorCode::wrong_type,
                       fmt::format("field 'roi[{}].{}' is not a number", idx, key)};
  if (!std::isfinite(v) || v < min || v > max || (integer && v != std::floor(v)))
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("field 'roi[{}].{}' is {}, expected {}{}..{}", idx, key, v,
                                   integer ? "an integer " : "", min, max)};
  out = v;
  return std::nullopt;
}

DecodeStatus decode_regions(simdjson::dom::element field, const DecodeLimits& limits,
                            DecodeScratch& scratch, Reading& out) {
  simdjson::dom::array items;
  if (field.get(items) != simdjson::SUCCESS)
    return DecodeError{DecodeErrorCode::wrong_type, "field 'roi' is not an array"};
  size_t n = 0;
  for (simdjson::dom::element item : items) {
    if (n == kMaxRegions)
      return DecodeError{
          DecodeErrorCode::too_large,
          fmt::format("field 'roi' has {} regions, the limit is {}", items.size(), kMaxRegions)};
    simdjson::dom::object o;
    if (item.get(o) != simdjson::SUCCESS)
      return DecodeError{DecodeErrorCode::wrong_type,
                         fmt::format("field 'roi[{}]' is not an object", n)};
    double x = 0, y = 0, w = 0, h = 0, dt = 0, mean = kNaN, frames = 0;
    const double span = limits.max_temperature_c - limits.min_temperature_c;
    if (auto e = region_number(o, n, "x", true, 0, kFrameWidth - 1, true, x)) return e;
    if (auto e = region_number(o, n, "y", true, 0, kFrameHeight - 1, true, y)) return e;
    if (auto e = region_number(o, n, "w", true, 1, kFrameWidth - x, true, w)) return e;
    if (auto e = region_number(o, n, "h", true, 1, kFrameHeight - y, true, h)) return e;
    if (auto e = region_number(o, n, "dT_c", true, -span, span, false, dt)) return e;
    if (auto e = region_number(o, n, "mean_c", false, limits.min_temperature_c,
                               limits.max_temperature_c, false, mean))
      return e;
    if (auto e = region_number(o, n, "frames", false, 0, 65535, true, frames)) return e;
    FacadeRegion& r = scratch.regions[n++];
    r.x = static_cast<uint8_t>(x);
    r.y = static_cast<uint8_t>(y);
    r.w = static_cast<uint8_t>(w);
    r.h = static_cast<uint8_t>(h);
    r.dt_c = static_cast<float>(dt);
    r.frames = static_cast<uint16_t>(frames);
  }
  out.facade.regions = std::span<const FacadeRegion>(scratch.regions.data(), n);
  return std::nullopt;
}

}  // namespace

std::optional<FacadePhase> facade_phase_from_string(std::string_view text) {
  if (text == "heating") return FacadePhase::heating;
  if (text == "cooling") return FacadePhase::cooling;
  if (text == "night") return FacadePhase::night;
  return std::nullopt;
}

DecodeStatus decode_facade_json(std::string_view topic, std::string_view payload,
                                const DecodeLimits& limits, DecodeScratch& scratch, Reading& out) {
  simdjson::dom::element root;
  if (auto err = parse_json(payload, limits.max_payload_bytes, limits.max_depth, scratch, root))
    return err;
  simdjson::dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS)
    return DecodeError{DecodeErrorCode::wrong_type, "facade message is not a JSON object"};

  out = Reading{};
  out.kind = SensorKind::facade;
  std::string_view id;
  if (auto err = optional_string(obj, "dev", limits.max_string_bytes, id)) return err;
  if (id.empty()) {
    const size_t slash = topic.rfind('/');
    id = slash == std::string_view::npos ? topic : topic.substr(slash + 1);
  }
  if (id.empty())
    return DecodeError{DecodeErrorCode::missing_field, "no sensor id in 'dev' or topic"};
  out.sensor_id = id;
  if (auto err = optional_timestamp(obj, "ts", out.time_ms, out.time_placeholder)) return err;

  std::string_view phase;
  if (auto err = optional_string(obj, "phase", limits.max_string_bytes, phase)) return err;
  if (!phase.empty()) {
    auto p = facade_phase_from_string(phase);
    if (!p)
      return DecodeError{
          DecodeErrorCode::bad_value,
          fmt::format("field 'phase' is '{}', expected heating, cooling or night", phase)};
    out.facade.phase = *p;
  }
  double ref = kNaN;
  if (auto err = optional_number(obj, "ref_c", ref)) return err;
  if (!std::isnan(ref)) {
    if (!in_temperature_range(ref, limits)) return temperature_error("field 'ref_c'", ref, limits);
    out.facade.ref_c = static_cast<float>(ref);
  }
  std::optional<bool> rain;
  if (auto err = optional_bool(obj, "rain", rain)) return err;
  out.facade.rain = rain.value_or(false);

  double w = kFrameWidth, h = kFrameHeight;
  if (auto err = optional_number(obj, "w", w)) return err;
  if (auto err = optional_number(obj, "h", h)) return err;
  if (w != kFrameWidth || h != kFrameHeight)
    return DecodeError{DecodeErrorCode::unsupported,
                       fmt::format("frame of {}x{} pixels (fields 'w', 'h'), only {}x{} is decoded",
                                   w, h, kFrameWidth, kFrameHeight)};

  auto frame = obj.at_key("frame_c");
  auto roi = obj.at_key("roi");
  const bool has_frame = frame.error() != simdjson::NO_SUCH_FIELD && !frame.is_null();
  const bool has_roi = roi.error() != simdjson::NO_SUCH_FIELD && !roi.is_null();
  if (!has_frame && !has_roi)
    return DecodeError{DecodeErrorCode::missing_field,
                       "neither field 'frame_c' nor 'roi' is present"};
  if (has_frame)
    if (auto err = decode_frame(frame.value_unsafe(), limits, scratch, out)) return err;
  if (has_roi)
    if (auto err = decode_regions(roi.value_unsafe(), limits, scratch, out)) return err;
  return std::nullopt;
}

}  // namespace edgegw
