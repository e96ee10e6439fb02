// wmbusmeters_json.h: water meters as the wmbusmeters bridge publishes them
// (topic `wmbusmeters/<meter id>`, one JSON object per telegram), and the vendor status words.
#pragma once

#include <string_view>

#include "drivers/decode_scratch.h"
#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

// Decodes one telegram. Fields used: id (falls back to the topic's last level); driver (newer
// wmbusmeters) or meter (older): the meter model; total_m3, the cumulative register (absent or
// null: a report without a register, e.g. monthly-billing telegrams with only target_m3 or
// history values, accepted as a sign of life); flow_m3h / volume_flow_m3h / current_flow_m3h /
// max_flow_m3h; status (current name), current_status (deprecated by wmbusmeters from
// 2026-12-01) and current_alarms (izar): the vendor's words, kept, and mapped to MeterAlarm bits;
// remaining_battery_life_y / battery_y; timestamp (UTC; the placeholder 1111-11-11T11:11:11Z
// means "no time": time_ms stays 0 and time_placeholder is set).
DecodeStatus decode_wmbusmeters_json(std::string_view topic, std::string_view payload,
                                     const DecodeLimits& limits, DecodeScratch& scratch,
                                     Reading& out);

// Maps wmbusmeters status words ("OK", "DRY", "LEAK", "meter_blocked,underflow",
// "ERROR_FLAGS_800", ...) to MeterAlarm bits. Words that mean "no problem" map to 0, and so do
// informational and past-period words (NO_FLOW, TAMPER_PREV_MONTH: history, not a fault now).
uint32_t wmbus_status_to_alarms(std::string_view status);

}  // namespace edgegw
