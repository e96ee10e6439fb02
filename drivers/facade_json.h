// facade_json.h: infrared facade sensors' JSON messages (topic `facade/<id>`): a full
// MLX90640-style 32x24 thermal frame, or a summary of warm/cold regions.
#pragma once

#include <string_view>

#include "drivers/decode_scratch.h"
#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

// Decodes one message of either form (both may be present in one message):
//  - frame: `frame_c`, exactly kFramePixels numbers, row-major (i = y*32 + x), each within
//    limits.min/max_temperature_c; copied into scratch.frame, Reading.facade.frame_c spans it.
//    Optional `w`/`h`, when present, must be 32/24.
//  - regions: `roi`, an array of at most kMaxRegions objects {x, y, w, h, dT_c, mean_c?,
//    frames?} lying inside the frame; copied into scratch.regions.
// Common fields: `dev` (sensor id; falls back to the topic's last level), `ts` (ISO 8601 UTC
// event time, absent -> 0), `phase` (heating / cooling / night; others are rejected), `ref_c`
// (sound-wall reference temperature), `rain` (bool).
DecodeStatus decode_facade_json(std::string_view topic, std::string_view payload,
                                const DecodeLimits& limits, DecodeScratch& scratch, Reading& out);

// "heating" / "cooling" / "night" -> the phase; anything else -> nullopt.
std::optional<FacadePhase> facade_phase_from_string(std::string_view text);

}  // namespace edgegw
