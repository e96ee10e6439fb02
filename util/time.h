// time.h: the gateway's clocks and ISO 8601 UTC formatting of times in ms since the epoch.
#pragma once

#include <cstdint>
#include <string>

namespace edgegw {

// Formats ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" (or without .mmm when whole seconds).
std::string format_iso8601_utc(int64_t ms);

// Days since 1970-01-01 of a civil date (proleptic Gregorian), and its inverse.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
struct CivilDate {
  int64_t y;
  unsigned m, d;
};
CivilDate civil_from_days(int64_t days);

// The wall clock, in ms since the Unix epoch.
int64_t wall_clock_ms();

}  // namespace edgegw
