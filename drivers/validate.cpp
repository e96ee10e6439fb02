// validate.cpp: shared plausibility checks on decoded readings.
#include "drivers/validate.h"

#include <cmath>

#include <fmt/format.h>

#include "drivers/timestamp.h"

namespace edgegw {

DecodeStatus validate_reading(Reading& r, int64_t arrival_ms, const DecodeLimits& limits) {
  if (r.sensor_id.empty()) return DecodeError{DecodeErrorCode::missing_field, "no sensor id"};
  if (r.sensor_id.size() > limits.max_string_bytes)
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("sensor id is {} bytes long, the limit is {}",
                                   r.sensor_id.size(), limits.max_string_bytes)};
  if (r.time_ms == 0) r.time_ms = arrival_ms;
  if (r.time_ms < limits.min_time_ms)
    return DecodeError{DecodeErrorCode::bad_timestamp,
                       fmt::format("time {} is before {}", format_iso8601_utc(r.time_ms),
                                   format_iso8601_utc(limits.min_time_ms))};
  if (arrival_ms > 0 && r.time_ms > arrival_ms + limits.max_future_skew_ms)
    return DecodeError{
        DecodeErrorCode::bad_timestamp,
        fmt::format("time {} is more than {} s ahead of arrival {}", format_iso8601_utc(r.time_ms),
                    limits.max_future_skew_ms / 1000, format_iso8601_utc(arrival_ms))};
  if (r.kind == SensorKind::water) {
    const double total = r.water.total_m3;
    if (!std::isnan(total) && (!std::isfinite(total) || total < 0 || total > limits.max_total_m3))
      return DecodeError{DecodeErrorCode::bad_value, fmt::format("register {} m3 is outside 0..{}",
                                                                 total, limits.max_total_m3)};
    const double flow = r.water.flow_m3h;
    if (!std::isnan(flow) && (!std::isfinite(flow) || std::abs(flow) > limits.max_flow_m3h))
      return DecodeError{DecodeErrorCode::bad_value,
                         fmt::format("flow {} m3/h is outside +-{}", flow, limits.max_flow_m3h)};
  }
  if (!std::isnan(r.battery_pct) && (r.battery_pct < 0 || r.battery_pct > 100))
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("battery {} % is outside 0..100", r.battery_pct)};
  return std::nullopt;
}

}  // namespace edgegw
