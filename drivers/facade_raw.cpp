// facade_raw.cpp: decoder for raw little-endian float32 thermal frames.
#include "drivers/facade_raw.h"

#include <bit>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace edgegw {

DecodeStatus decode_facade_raw(std::string_view topic, std::string_view payload,
                               const DecodeLimits& limits, DecodeScratch& scratch, Reading& out) {
  if (payload.empty()) return DecodeError{DecodeErrorCode::empty, "empty payload"};
  if (payload.size() != kRawFrameBytes)
    return DecodeError{
        payload.size() > kRawFrameBytes ? DecodeErrorCode::too_large : DecodeErrorCode::malformed,
        fmt::format("raw frame is {} bytes, expected {} ({} float32 pixels)", payload.size(),
                    kRawFrameBytes, kFramePixels)};
  // `facade/<id>/raw`: the second level; a topic without levels names itself.
  std::string_view id = topic;
  if (const size_t first = topic.find('/'); first != std::string_view::npos) {
    id = topic.substr(first + 1);
    id = id.substr(0, id.find('/'));
  }
  if (id.empty()) return DecodeError{DecodeErrorCode::missing_field, "no sensor id in the topic"};
  if (id.size() > limits.max_string_bytes)
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("sensor id in the topic is {} bytes long, the limit is {}",
                                   id.size(), limits.max_string_bytes)};

  for (int i = 0; i < kFramePixels; ++i) {
    uint32_t bits;
    std::memcpy(&bits, payload.data() + static_cast<size_t>(i) * 4, 4);
    if constexpr (std::endian::native == std::endian::big) bits = __builtin_bswap32(bits);
    const float c = std::bit_cast<float>(bits);
    if (!std::isfinite(c) || c < limits.min_temperature_c || c > limits.max_temperature_c)
      return DecodeError{
          DecodeErrorCode::bad_value,
          fmt::format("pixel {} (x={}, y={}) is {} C, outside {}..{}", i, i % kFrameWidth,
                      i / kFrameWidth, c, limits.min_temperature_c, limits.max_temperature_c)};
    scratch.frame[static_cast<size_t>(i)] = c;
  }
  out = Reading{};
  out.kind = SensorKind::facade;
  out.sensor_id = id;
  out.facade.frame_c = std::span<const float>(scratch.frame.data(), kFramePixels);
  return std::nullopt;
}

}  // namespace edgegw
