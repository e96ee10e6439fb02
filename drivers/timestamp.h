// timestamp.h: ISO 8601 UTC timestamps as devices and bridges write them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgegw {

// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also "+00:00" and a space for 'T').
// Returns ms since the Unix epoch, or nullopt when the text is not such a timestamp.
std::optional<int64_t> parse_iso8601_utc(std::string_view text);

// wmbusmeters writes 1111-11-11T11:11:11Z when it has no time: treat as "no timestamp".
bool is_placeholder_timestamp(std::string_view text);

// Formats ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" (or without .mmm when whole seconds).
std::string format_iso8601_utc(int64_t ms);

// Days since 1970-01-01 of a civil date (proleptic Gregorian), and its inverse.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

}  // namespace edgegw
