// facade_raw.h: raw thermal frames from infrared facade sensors (topic `facade/<id>/raw`):
// exactly kFramePixels little-endian IEEE 754 float32 values, row-major, no header.
#pragma once

#include <string_view>

#include "drivers/decode_scratch.h"
#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

inline constexpr size_t kRawFrameBytes = kFramePixels * sizeof(float);  // 3072

// Sensor id = the topic level after the first (`facade/<id>/raw` -> <id>); time 0 (the frame
// carries none). Every pixel must be finite and within limits.min/max_temperature_c.
// The frame is copied into scratch.frame; Reading.facade.frame_c spans it.
DecodeStatus decode_facade_raw(std::string_view topic, std::string_view payload,
                               const DecodeLimits& limits, DecodeScratch& scratch, Reading& out);

}  // namespace edgegw
