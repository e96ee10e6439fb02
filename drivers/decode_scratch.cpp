// decode_scratch.cpp: the one place that hands untrusted bytes to the JSON parser.
#include "drivers/decode_scratch.h"

#include <fmt/format.h>

namespace edgegw {

DecodeStatus parse_json(std::string_view payload, size_t max_bytes, int max_depth,
                        DecodeScratch& scratch, simdjson::dom::element& root) {
  if (payload.empty()) return DecodeError{DecodeErrorCode::empty, "empty payload"};
  if (payload.size() > max_bytes)
    return DecodeError{
        DecodeErrorCode::too_large,
        fmt::format("payload of {} bytes exceeds the limit of {}", payload.size(), max_bytes)};
  if (scratch.json.max_depth() != static_cast<size_t>(max_depth) ||
      scratch.json.capacity() < payload.size()) {
    const size_t capacity = std::max(payload.size(), size_t{4096});
    if (scratch.json.allocate(capacity, static_cast<size_t>(max_depth)) != simdjson::SUCCESS)
      return DecodeError{DecodeErrorCode::too_large, "cannot allocate the JSON parser"};
  }
  scratch.padded.resize(payload.size() + simdjson::SIMDJSON_PADDING);
  std::copy(payload.begin(), payload.end(), scratch.padded.begin());
  auto result = scratch.json.parse(scratch.padded.data(), payload.size(), false);
  if (result.error() == simdjson::DEPTH_ERROR)
    return DecodeError{DecodeErrorCode::too_deep,
                       fmt::format("JSON nested deeper than {} levels", max_depth)};
  if (result.error() == simdjson::UTF8_ERROR)
    return DecodeError{DecodeErrorCode::malformed, "payload is not valid UTF-8"};
  if (result.error())
    return DecodeError{DecodeErrorCode::malformed,
                       fmt::format("not valid JSON: {}", simdjson::error_message(result.error()))};
  root = result.value_unsafe();
  return std::nullopt;
}

}  // namespace edgegw
