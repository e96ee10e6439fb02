// wmbusmeters_alarm.cpp: decoder for wmbusmeters' plain-text alarm messages.
#include "drivers/wmbusmeters_alarm.h"

#include <fmt/format.h>

namespace edgegw {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

DecodeStatus decode_wmbusmeters_alarm(std::string_view topic, std::string_view payload,
                                      const DecodeLimits& limits, DecodeScratch& /*scratch*/,
                                      Reading& out) {
  if (payload.size() > limits.max_payload_bytes)
    return DecodeError{DecodeErrorCode::too_large,
                       fmt::format("payload of {} bytes exceeds the limit of {}", payload.size(),
                                   limits.max_payload_bytes)};
  std::string_view text = payload;
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.empty()) return DecodeError{DecodeErrorCode::empty, "empty alarm message"};
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && !is_space(static_cast<char>(c))) || c == 0x7f)
      return DecodeError{DecodeErrorCode::malformed,
                         fmt::format("alarm message has a control byte 0x{:02x} at offset {}: "
                                     "expected text like \"DeviceInactivity [ALARM ...] ...\"",
                                     c, i)};
  }
  const size_t slash = topic.rfind('/');
  const std::string_view receiver =
      slash == std::string_view::npos ? topic : topic.substr(slash + 1);
  if (receiver.empty())
    return DecodeError{DecodeErrorCode::missing_field, "no receiver name in the topic"};
  if (receiver.size() > limits.max_string_bytes)
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("receiver name is {} bytes long, the limit is {}",
                                   receiver.size(), limits.max_string_bytes)};
  out = Reading{};
  out.kind = SensorKind::water;
  out.sensor_id = receiver;
  out.water.alarms = kAlarmOther;
  // Long messages keep their start (the alarm type and the device): cut at a UTF-8 boundary.
  size_t keep = std::min(text.size(), limits.max_status_bytes);
  while (keep < text.size() && keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80)
    --keep;
  out.water.status = text.substr(0, keep);
  return std::nullopt;
}

}  // namespace edgegw
