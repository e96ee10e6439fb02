// validate.h: plausibility checks every decoded reading passes, whatever its driver:
// times near the arrival time, finite and sane numbers. Fills in a missing event time.
#pragma once

#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

// `arrival_ms` is when the gateway received the message (its clock, or the replay watermark).
// A reading without a time (time_ms == 0) gets the arrival time.
DecodeStatus validate_reading(Reading& r, int64_t arrival_ms, const DecodeLimits& limits);

}  // namespace edgegw
