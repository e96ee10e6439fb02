// cjt188.cpp: decoder for CJ/T 188-2004 read-data reply frames (raw or hex text).
#include "drivers/cjt188.h"

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "util/hex.h"

namespace edgegw {

namespace {

constexpr size_t kMinFrame = 13;  // 68 T A0..A6 C L CS 16 with no data
constexpr uint8_t kStart = 0x68, kEnd = 0x16, kPreamble = 0xFE, kReadReply = 0x81;
constexpr size_t kDataLen901F = 22;  // DI(2) SER(1) flow(5) settlement flow(5) time(7) ST(2)

using FrameBuffer = std::array<uint8_t, kCjt188MaxFrameBytes>;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02X}", u);
}

// Hex text -> bytes. Whitespace may separate bytes but not split one.
DecodeStatus hex_to_bytes(std::string_view text, FrameBuffer& buf, size_t& n) {
  n = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    const int hi = hex_digit(text[i]);
    if (hi < 0)
      return DecodeError{
          DecodeErrorCode::malformed,
          fmt::format("hex frame: {} at offset {} is not a hex digit", printable(text[i]), i)};
    if (i + 1 >= text.size())
      return DecodeError{DecodeErrorCode::malformed, "hex frame ends in the middle of a byte"};
    const int lo = hex_digit(text[i + 1]);
    if (lo < 0)
      return DecodeError{DecodeErrorCode::malformed,
                         fmt::format("hex frame: {} at offset {} is not a hex digit",
                                     printable(text[i + 1]), i + 1)};
    if (n == buf.size())
      return DecodeError{DecodeErrorCode::too_large,
                         fmt::format("hex frame is longer than {} bytes", buf.size())};
    buf[n++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return std::nullopt;
}

bool bcd_byte(uint8_t b, int& out) {
  const int hi = b >> 4, lo = b & 0x0F;
  if (hi > 9 || lo > 9) return false;
  out = hi * 10 + lo;
  return true;
}

// 7 BCD bytes sec min hour day month year-lo year-hi, local time -> ms UTC (0 = all zero).
DecodeStatus meter_time(const uint8_t* p, int utc_offset_minutes, int64_t& out_ms) {
  bool all_zero = true;
  for (int i = 0; i < 7; ++i) all_zero = all_zero && p[i] == 0;
  if (all_zero) {
    out_ms = 0;
    return std::nullopt;
  }
  int v[7] = {};
  bool ok = true;
  for (int i = 0; i < 7; ++i) ok = ok && bcd_byte(p[i], v[i]);
  const int sec = v[0], min = v[1], hour = v[2], day = v[3], month = v[4];
  const int year = v[6] * 100 + v[5];
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  ok = ok && sec < 60 && min < 60 && hour < 24 && month >= 1 && month <= 12 && day >= 1 &&
       day <= kDays[month - 1];
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  ok = ok && !(month == 2 && day == 29 && !leap);
  if (!ok)
    return DecodeError{DecodeErrorCode::bad_timestamp,
                       fmt::format("meter time bytes {} (sec min hour day month year) are not a "
                                   "valid BCD date",
                                   hex_bytes(p, 7))};
  const int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  out_ms = (((days * 24 + hour) * 60 + min) * 60 + sec) * 1000LL -
           static_cast<int64_t>(utc_offset_minutes) * 60000;
  return std::nullopt;
}

}  // namespace

uint32_t cjt188_status_to_alarms(uint16_t status, const Cjt188StatusMap& map) {
  uint32_t alarms = 0;
  for (size_t i = 0; i < map.count && i < map.bits.size(); ++i)
    if (map.bits[i].bit < 16 && (status >> map.bits[i].bit & 1u)) alarms |= map.bits[i].alarm;
  return alarms;
}

DecodeStatus decode_cjt188(std::string_view /*topic*/, std::string_view payload,
                           const DecodeLimits& limits, DecodeScratch& scratch, Reading& out,
                           const Cjt188Options& options) {
  if (payload.empty()) return DecodeError{DecodeErrorCode::empty, "empty payload"};
  if (payload.size() > limits.max_payload_bytes)
    return DecodeError{DecodeErrorCode::too_large,
                       fmt::format("payload of {} bytes exceeds the limit of {}", payload.size(),
                                   limits.max_payload_bytes)};
  FrameBuffer buf;
  const uint8_t* b;
  size_t n;
  const auto first = static_cast<uint8_t>(payload[0]);
  if (first == kPreamble || first == kStart) {
    if (payload.size() > kCjt188MaxFrameBytes)
      return DecodeError{DecodeErrorCode::too_large,
                         fmt::format("frame of {} bytes is longer than {} bytes", payload.size(),
                                     kCjt188MaxFrameBytes)};
    b = reinterpret_cast<const uint8_t*>(payload.data());
    n = payload.size();
  } else {
    if (auto err = hex_to_bytes(payload, buf, n)) return err;
    b = buf.data();
  }

  size_t i = 0;
  while (i < n && b[i] == kPreamble) ++i;
  if (n - i < kMinFrame)
    return DecodeError{DecodeErrorCode::malformed,
                       fmt::format("frame of {} bytes after the preamble is shorter than the "
                                   "{}-byte minimum",
                                   n - i, kMinFrame)};
  const uint8_t* f = b + i;
  if (f[0] != kStart)
    return DecodeError{DecodeErrorCode::malformed,
                       fmt::format("frame starts with {:02X}, expected 68", f[0])};
  const size_t len = f[10];
  const size_t frame_len = kMinFrame + len;
  if (n - i < frame_len)
    return DecodeError{DecodeErrorCode::malformed,
                       fmt::format("frame truncated: length byte says {} data bytes, {} present",
                                   len, n - i - kMinFrame)};
  if (n - i > frame_len)
    return DecodeError{DecodeErrorCode::malformed,
                       fmt::format("{} bytes after the end of the frame", n - i - frame_len)};
  if (f[frame_len - 1] != kEnd)
    return DecodeError{DecodeErrorCode::malformed,
                       fmt::format("frame ends with {:02X}, expected 16", f[frame_len - 1])};
  uint8_t sum = 0;
  for (size_t k = 0; k < 11 + len; ++k) sum = static_cast<uint8_t>(sum + f[k]);
  if (sum != f[11 + len])
    return DecodeError{
        DecodeErrorCode::bad_checksum,
        fmt::format("checksum byte is {:02X}, the frame sums to {:02X}", f[11 + len], sum)};

  const uint8_t type = f[1], ctrl = f[9];
  if (type < 0x10 || type > 0x19)
    return DecodeError{DecodeErrorCode::unsupported,
                       fmt::format("meter type {:02X} is not a water meter (10..19)", type)};
  if (ctrl != kReadReply) {
    if (ctrl & 0x40)
      return DecodeError{DecodeErrorCode::unsupported,
                         fmt::format("meter answered with an error (control code {:02X})", ctrl)};
    return DecodeError{DecodeErrorCode::unsupported,
                       fmt::format("control code {:02X} is not a read-data reply (81)", ctrl)};
  }
  if (len < 2)
    return DecodeError{DecodeErrorCode::malformed,
                       fmt::format("length byte {} leaves no room for the data identifier", len)};
  const uint8_t* d = f + 11;
  if (d[0] != 0x90 || d[1] != 0x1F)
    return DecodeError{DecodeErrorCode::unsupported,
                       fmt::format("data identifier {:02X}{:02X} is not 901F", d[0], d[1])};
  if (len != kDataLen901F)
    return DecodeError{DecodeErrorCode::malformed,
                       fmt::format("length byte {} is wrong: a DI 901F reply has {} data bytes",
                                   len, kDataLen901F)};
  d += 3;  // DI and SER

  int digits[4] = {};
  bool bcd = true;
  for (int k = 0; k < 4; ++k) bcd = bcd && bcd_byte(d[k], digits[k]);
  if (!bcd)
    return DecodeError{DecodeErrorCode::bad_value,
                       fmt::format("cumulative flow bytes {} are not BCD", hex_bytes(d, 4))};
  const int64_t hundredths =
      ((static_cast<int64_t>(digits[3]) * 100 + digits[2]) * 100 + digits[1]) * 100 + digits[0];
  double total_m3;
  switch (d[4]) {
    case 0x2C: total_m3 = static_cast<double>(hundredths) / 100.0; break;
    case 0x29: total_m3 = static_cast<double>(hundredths) / 100000.0; break;
    default:
      return DecodeError{
          DecodeErrorCode::unsupported,
          fmt::format("cumulative flow unit {:02X} is neither m3 (2C) nor L (29)", d[4])};
  }
  if (total_m3 > limits.max_total_m3)
    return DecodeError{DecodeErrorCode::bad_value, fmt::format("cumulative flow {} m3 exceeds {}",
                                                               total_m3, limits.max_total_m3)};

  out = Reading{};
  out.kind = SensorKind::water;
  out.water.total_m3 = total_m3;
  if (auto err = meter_time(d + 10, options.utc_offset_minutes, out.time_ms)) return err;
  const auto status = static_cast<uint16_t>(d[17] | d[18] << 8);
  out.water.alarms = cjt188_status_to_alarms(status, options.status);

  static constexpr char kHex[] = "0123456789ABCDEF";
  scratch.sensor_id.resize(14);
  for (int k = 0; k < 7; ++k) {
    const uint8_t a = f[2 + 6 - k];
    scratch.sensor_id[2 * k] = kHex[a >> 4];
    scratch.sensor_id[2 * k + 1] = kHex[a & 0x0F];
  }
  out.sensor_id = scratch.sensor_id;
  return std::nullopt;
}

}  // namespace edgegw
