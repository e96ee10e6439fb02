// local_time.h: a household's local clock from UTC event time and its fixed UTC offset.
#pragma once

#include <algorithm>
#include <cstdint>

namespace edgegw {

inline constexpr int64_t kMinuteMs = 60'000, kHourMs = 60 * kMinuteMs, kDayMs = 24 * kHourMs;
inline constexpr int kMinutesPerDay = 24 * 60;

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

// The first instant at or after `t` at which the local clock shows `minute` (after midnight).
inline int64_t next_local_minute(int64_t t, int utc_offset_min, int minute) {
  const int now = local_minute_of_day(t, utc_offset_min);
  const int64_t floor_minute = t / kMinuteMs * kMinuteMs;
  int64_t next = floor_minute + ((minute - now + kMinutesPerDay) % kMinutesPerDay) * kMinuteMs;
  if (next < t) next += kDayMs;
  return next;
}

// Milliseconds of [from, to) outside the daily quiet hours [start, end) (local minutes).
inline int64_t awake_ms(int64_t from, int64_t to, int utc_offset_min, int start, int end) {
  if (to <= from) return 0;
  const int64_t offset = utc_offset_min * kMinuteMs;
  int64_t quiet = 0;
  for (int64_t day = local_day(from, utc_offset_min) - 1; day <= local_day(to, utc_offset_min);
       ++day) {
    const int64_t midnight = day * kDayMs - offset;  // UTC ms of local midnight
    const int64_t q0 = midnight + start * kMinuteMs;
    const int64_t q1 = midnight + (start <= end ? end : end + kMinutesPerDay) * kMinuteMs;
    quiet += std::max<int64_t>(0, std::min(to, q1) - std::max(from, q0));
  }
  return (to - from) - quiet;
}

}  // namespace edgegw
