// zigbee2mqtt.h: door contacts as Zigbee2MQTT publishes them: state JSON on
// `zigbee2mqtt/<friendly name>`, availability on `zigbee2mqtt/<friendly name>/availability`.
#pragma once

#include <string_view>

#include "drivers/decode_scratch.h"
#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

// Decodes a device state message. Sensor id = the topic after its first level (the friendly
// name). Fields used, all optional: contact (bool, true = CLOSED), battery (percent, a number
// or a numeric string such as "100.00"), voltage (mV, type-checked only), linkquality
// (0..255), tamper (bool), battery_low (bool), last_seen (ISO 8601 with Z or a +-HH:MM offset, or
// epoch ms as a number; the event time when present, else 0). Unknown fields are ignored.
DecodeStatus decode_zigbee2mqtt(std::string_view topic, std::string_view payload,
                                const DecodeLimits& limits, DecodeScratch& scratch, Reading& out);

// Decodes an availability message: plain `online` / `offline` (legacy) or
// {"state":"online"|"offline"}. Sensor id = the topic between the first level and
// `/availability`. Produces a door Reading with only `availability` set (time 0).
DecodeStatus decode_zigbee2mqtt_availability(std::string_view topic, std::string_view payload,
                                             const DecodeLimits& limits, DecodeScratch& scratch,
                                             Reading& out);

}  // namespace edgegw
