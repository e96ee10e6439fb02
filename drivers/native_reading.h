// native_reading.h: the gateway's own FlatBuffer reading (schemas/reading.fbs, identifier
// EGRD), fleetsim's ingest format on `edgegw/reading/<sensor id>`; decoder and encoder.
#pragma once

#include <string>
#include <string_view>

#include "drivers/decode_scratch.h"
#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

// Verifies the buffer with the flatbuffers Verifier (identifier, offsets, required sensor_id,
// bounded depth and table count) before reading it, then range-checks the values: sensor_id
// non-empty valid UTF-8 within limits.max_string_bytes, known enum values, battery 0..100,
// link quality -1 or 0..255, no infinities, at most kMaxRegions regions inside the frame, a
// frame of 0 or kFramePixels pixels within the temperature limits. Only the sub-table that
// matches `kind` (water / door / facade) is read; the others are ignored.
// The Reading borrows sensor_id from the payload, or from scratch.padded when the payload was
// not 8-byte aligned and had to be copied; regions and frame are copied into the scratch.
// The topic is not used (the buffer names its sensor).
DecodeStatus decode_native_reading(std::string_view topic, std::string_view payload,
                                   const DecodeLimits& limits, DecodeScratch& scratch,
                                   Reading& out);

// Serializes a Reading as a finished, identified buffer. Not carried by the schema:
// availability and battery_years.
std::string encode_native_reading(const Reading& r);

}  // namespace edgegw
