// timestamp.h: parsing ISO 8601 UTC timestamps as devices and bridges write them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/time.h"  // format_iso8601_utc, days_from_civil: the formatting side

namespace edgegw {

// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also "+00:00" and a space for 'T').
// Returns ms since the Unix epoch, or nullopt when the text is not such a timestamp.
std::optional<int64_t> parse_iso8601_utc(std::string_view text);

// wmbusmeters writes 1111-11-11T11:11:11Z when it has no time: treat as "no timestamp".
bool is_placeholder_timestamp(std::string_view text);

}  // namespace edgegw
