// decode_scratch.h: reusable buffers a decoding thread owns, so that decoding a payload
// allocates nothing once the buffers have grown to the largest payload seen.
#pragma once

#include <array>
#include <string>

#include <simdjson.h>

#include "drivers/reading.h"

namespace edgegw {

inline constexpr size_t kMaxRegions = 16;

struct DecodeScratch {
  simdjson::dom::parser json;
  std::string padded;  // payload copy with simdjson's padding after it
  std::array<float, kFramePixels> frame{};
  std::array<FacadeRegion, kMaxRegions> regions{};
  std::string sensor_id;  // for ids that are not a substring of the payload (e.g. CJ/T 188 BCD)
};

// Parses `payload` as JSON into scratch.json, checking size and nesting depth. On success
// `root` is the document's root element (valid until the next parse with the same scratch).
DecodeStatus parse_json(std::string_view payload, size_t max_bytes, int max_depth,
                        DecodeScratch& scratch, simdjson::dom::element& root);

}  // namespace edgegw
