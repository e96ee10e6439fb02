// local_time.h: a household's local clock from UTC event time and its fixed UTC offset.
#pragma once

#include <cstdint>

namespace edgegw {

inline constexpr int64_t kMinuteMs = 60'000, kHourMs = 60 * kMinuteMs, kDayMs = 24 * kHourMs;

// Minutes after local midnight.
inline int local_minute_of_day(int64_t utc_ms, int utc_offset_min) {
  const int64_t local = utc_ms + utc_offset_min * kMinuteMs;
  return static_cast<int>(((local % kDayMs) + kDayMs) % kDayMs / kMinuteMs);
}

// Local day number (days since 1970-01-01 in local time).
inline int64_t local_day(int64_t utc_ms, int utc_offset_min) {
  const int64_t local = utc_ms + utc_offset_min * kMinuteMs;
  return local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs);
}

// Quiet hours [start, end) in local minutes; wrap midnight when start > end (22:00-06:00).
inline bool in_quiet_hours(int minute, int start, int end) {
  return start <= end ? (minute >= start && minute < end) : (minute >= start || minute < end);
}

}  // namespace edgegw
