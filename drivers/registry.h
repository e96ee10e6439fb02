// registry.h: which driver decodes a message, chosen by MQTT topic filters (config [[routes]]).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/cjt188.h"
#include "drivers/decode_scratch.h"
#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

enum class DriverId : uint8_t {
  wmbusmeters,        // wmbusmeters JSON
  wmbusmeters_alarm,  // wmbusmeters alarmshell text (receiver faults)
  cjt188,             // CJ/T 188-2004 reply frames, raw bytes or hex text
  zigbee2mqtt,        // Zigbee2MQTT door contact JSON
  zigbee2mqtt_availability,
  facade_json,  // thermal frame (frame_c) or region summary (roi) JSON
  facade_raw,   // raw little-endian float32 frame, 3072 bytes
  native,       // schemas/reading.fbs FlatBuffer
};

std::string_view to_string(DriverId id);
std::optional<DriverId> driver_from_string(std::string_view name);

struct Route {
  std::string filter;  // MQTT topic filter, with + and #
  DriverId driver;
};

// The bridges' own topic conventions; used when the config names no routes.
std::vector<Route> default_routes();

// True when `topic` matches the MQTT topic filter `filter`.
bool topic_matches(std::string_view filter, std::string_view topic);

// The first route whose filter matches the topic (routes are tried in order).
std::optional<DriverId> route_topic(std::span<const Route> routes, std::string_view topic);

// Per-site driver settings (config [cjt188]): vendors disagree on CJ/T 188 status bits.
struct DriverOptions {
  Cjt188Options cjt188;
};

// Decodes one payload with the given driver.
DecodeStatus decode_with(DriverId driver, std::string_view topic, std::string_view payload,
                         const DecodeLimits& limits, DecodeScratch& scratch, Reading& out,
                         const DriverOptions& options = {});

}  // namespace edgegw
