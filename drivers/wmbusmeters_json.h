// wmbusmeters_json.h: water meters as the wmbusmeters bridge publishes them
// (topic `wmbusmeters/<meter id>`, one JSON object per telegram).
#pragma once

#include <string_view>

#include "drivers/decode_scratch.h"
#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

// Decodes one telegram. Fields used: id (falls back to the topic's last level), total_m3
// (required, the cumulative register), flow_m3h / max_flow_m3h, status / current_status /
// current_alarms (mapped to MeterAlarm bits), remaining_battery_life_y, timestamp (UTC; the
// placeholder 1111-11-11T11:11:11Z means "no time", left as 0).
DecodeStatus decode_wmbusmeters_json(std::string_view topic, std::string_view payload,
                                     const DecodeLimits& limits, DecodeScratch& scratch,
                                     Reading& out);

// Maps wmbusmeters status words ("OK", "DRY", "LEAK", "meter_blocked,underflow",
// "ERROR_FLAGS_800", ...) to MeterAlarm bits. Words that mean "no problem" map to 0.
uint32_t wmbus_status_to_alarms(std::string_view status);

}  // namespace edgegw
