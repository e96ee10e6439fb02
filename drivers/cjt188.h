// cjt188.h: CJ/T 188-2004 water-meter reply frames (DI 901F, "read metering data"), published
// as raw bytes or as hex text (topic `cjt188/<anything>`; the meter address names the sensor).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "drivers/decode_scratch.h"
#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

// One bit of the 16-bit status word ST and the meter alarm it raises when set.
// ST is read little-endian: the first status byte on the wire is bits 0..7.
struct Cjt188StatusBit {
  uint8_t bit = 0;              // 0..15
  uint32_t alarm = kAlarmNone;  // MeterAlarm bits
};

// Which ST bits mean what. Vendors disagree: the common reading of the standard is the
// default below (first status byte: D0-D1 valve state 00 open / 01 closed / 11 abnormal,
// D2 battery 0 normal / 1 low, the rest vendor-defined), but some meters put valve and battery
// in the second byte (bits 8-10) and magnet attack / fault flags in the first, and others
// number the bits from the most significant end. Configure the table per vendor.
struct Cjt188StatusMap {
  static constexpr size_t kMaxBits = 16;
  std::array<Cjt188StatusBit, kMaxBits> bits{};
  size_t count = 0;  // entries of `bits` in use
};

// Default table: bit 0 -> valve closed, bit 1 -> other (with bit 0: valve abnormal),
// bit 2 -> low battery. Bits 3..15 are ignored.
constexpr Cjt188StatusMap default_cjt188_status_map() {
  Cjt188StatusMap m;
  m.bits[0] = {0, kAlarmValveClosed};
  m.bits[1] = {1, kAlarmOther};
  m.bits[2] = {2, kAlarmLowBattery};
  m.count = 3;
  return m;
}

struct Cjt188Options {
  // The meter clock is local time; this is its offset from UTC (480 = UTC+8, China).
  int utc_offset_minutes = 480;
  Cjt188StatusMap status = default_cjt188_status_map();
};

// Frame layout: [FE..] 68 T A0..A6 C L DI0 DI1 SER <data> CS 16, with
//   T = 0x10..0x13 (water meters), C = 0x81 (read-data reply), L = 0x16, DI = bytes 90 1F,
//   data = current cumulative flow (4 BCD bytes, little-endian, 2 decimals) + unit,
//          settlement-day flow (4 BCD + unit, not used), meter time (7 BCD bytes:
//          sec min hour day month year-lo year-hi, local time), ST (2 bytes),
//   CS = sum of the bytes from 68 through ST, mod 256.
// Units: 0x2C = m3, 0x29 = litres (converted to m3); anything else is `unsupported`.
// The payload is raw bytes when it starts with FE or 68, otherwise hex text: pairs of hex
// digits, optionally separated by whitespace (up to kCjt188MaxFrameBytes bytes).
// Sensor id = the address as 14 hex digits, most significant byte first (A6..A0), written
// into scratch.sensor_id. A meter time of all zeros means "no time" (time_ms = 0).
inline constexpr size_t kCjt188MaxFrameBytes = 300;

DecodeStatus decode_cjt188(std::string_view topic, std::string_view payload,
                           const DecodeLimits& limits, DecodeScratch& scratch, Reading& out,
                           const Cjt188Options& options = {});

// Maps ST to MeterAlarm bits with the given table.
uint32_t cjt188_status_to_alarms(uint16_t status, const Cjt188StatusMap& map);

}  // namespace edgegw
