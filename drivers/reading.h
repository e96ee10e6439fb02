// reading.h: the normalized reading every driver produces, and the error a driver returns
// when it rejects a payload. A Reading borrows its strings and arrays from the payload or
// from the DecodeScratch it was decoded with: it is valid until the next decode with that scratch.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace edgegw {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class SensorKind : uint8_t { water, door, facade };

enum class Availability : uint8_t { unknown, online, offline };

enum class FacadePhase : uint8_t { unknown, heating, cooling, night };

// Meter alarm bits, one vocabulary for every water-meter protocol (drivers map vendor flags here).
enum MeterAlarm : uint32_t {
  kAlarmNone = 0,
  kAlarmLeak = 1u << 0,
  kAlarmBurst = 1u << 1,
  kAlarmDry = 1u << 2,
  kAlarmReverseFlow = 1u << 3,
  kAlarmBlocked = 1u << 4,
  kAlarmTamper = 1u << 5,
  kAlarmLowBattery = 1u << 6,
  kAlarmValveClosed = 1u << 7,
  kAlarmOther = 1u << 31,  // the meter reported an error we have no name for
};

struct WaterFields {
  double total_m3 = kNaN;  // cumulative register; NaN = a report without one (device alive)
  double flow_m3h = kNaN;
  uint32_t alarms = kAlarmNone;  // MeterAlarm bits
  // The vendor's own status words as the bridge sent them ("ERROR_FLAGS_800",
  // "PERMANENT_ERROR P_LEAK ..."), for field engineers; empty when none was sent.
  std::string_view status;
  std::string_view model;  // the bridge's driver name for the meter ("kamwater"), if sent
};

struct DoorFields {
  std::optional<bool> contact_closed;  // Zigbee2MQTT: contact true = closed
  bool tamper = false;
  std::optional<bool> battery_low;  // devices that report a flag instead of (or with) a level
};

struct FacadeRegion {
  uint8_t x = 0, y = 0, w = 0, h = 0;
  float dt_c = 0;       // difference to the sound-wall reference, degrees C
  uint16_t frames = 0;  // consecutive frames the region was seen in, as the sensor reports it
};

inline constexpr int kFrameWidth = 32;
inline constexpr int kFrameHeight = 24;
inline constexpr int kFramePixels = kFrameWidth * kFrameHeight;

struct FacadeFields {
  FacadePhase phase = FacadePhase::unknown;
  float ref_c = std::numeric_limits<float>::quiet_NaN();
  bool rain = false;
  std::span<const FacadeRegion> regions;  // region summaries, when the sensor sends them
  std::span<const float> frame_c;         // full frame (kFramePixels, row-major), when sent
};

struct Reading {
  std::string_view sensor_id;
  SensorKind kind = SensorKind::water;
  int64_t time_ms = 0;  // event time in ms since the Unix epoch, UTC; 0 = the device sent none
  bool time_placeholder = false;  // the device sent a "no time" placeholder (1111-11-11T11:11:11Z)
  float battery_pct = std::numeric_limits<float>::quiet_NaN();
  float battery_years = std::numeric_limits<float>::quiet_NaN();  // remaining life (wM-Bus)
  int16_t link_quality = -1;
  Availability availability = Availability::unknown;  // availability-only messages set this
  WaterFields water;
  DoorFields door;
  FacadeFields facade;
};

// Why a payload was rejected. The code is what metrics count; the detail is for humans.
enum class DecodeErrorCode : uint8_t {
  empty,
  too_large,
  malformed,  // not the syntax the driver expects (bad JSON, bad frame)
  bad_checksum,
  missing_field,
  wrong_type,
  bad_value,  // NaN, infinity, absurd numbers, strings too long
  bad_timestamp,
  too_deep,
  unsupported,  // well-formed but not something this driver decodes (other DI, other unit)
  no_route,
};

std::string_view to_string(DecodeErrorCode code);

struct DecodeError {
  DecodeErrorCode code;
  std::string detail;  // names the field and the offending value
};

// Per-driver result: nullopt on success (the Reading was filled), else the reason.
using DecodeStatus = std::optional<DecodeError>;

}  // namespace edgegw
