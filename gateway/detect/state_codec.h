// state_codec.h: the detector's checkpoint format: how one sensor's state, one household's
// state and the watermark are written to (and read back from) the state column family.
//
// Every record is encoded field by field, fixed-width little-endian (util/coding.h), after a
// version byte, so the bytes on disk do not depend on the structs' layout, padding or host:
//
//   "s/<sensor id>"    -> 6, kind (u8), open (u32), held (u32), health, then the kind's own
//                         state only (water: WaterState, FlowState, W3's slow and trickle
//                         runs; door:
//                         DoorState; facade: FacadeState). Deadlines are not stored: the
//                         engine re-arms them from the state on load.
//   "h/<household id>" -> 3, the household's fields and its learned model (state_codec.cpp).
//   "w"                -> the event-time watermark (i64).
//
// Versions 1-3 of the sensor record were SensorState's bytes as laid out until version 3
// (memcpy); they still load, through a frozen copy of that layout kept in state_codec.cpp.
// Versions 4 (before the register step and W3's 8 rates) and 5 (before the trickle run) load
// too.
// A record that does not parse (unknown version, wrong length) is refused with a message that
// names it; the caller starts that sensor or household afresh.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/detect/engine.h"

namespace edgegw {

inline constexpr char kSensorRecordVersion = 6;
inline constexpr char kHouseholdRecordVersion = 4;

std::string encode_sensor_state(const SensorState& s);
// The same into `out` (replaced; its capacity reused).
void encode_sensor_state(const SensorState& s, std::string& out);
// The state in `value`, or nullopt with `error` set. Household and deadlines are left default.
std::optional<SensorState> decode_sensor_state(std::string_view value, std::string& error);

std::string encode_household_state(const HouseholdState& h);
// The same into `out` (its capacity reused: the engine encodes a household after every reading
// of its sensors, to see whether it changed).
void encode_household_state(const HouseholdState& h, std::string& out);
// Restores the checkpointed fields of `h` (its profile and sensor indexes stay); false with
// `error` set when `value` does not parse (then `h` is unchanged).
bool decode_household_state(std::string_view value, HouseholdState& h, std::string& error);

std::string encode_watermark(int64_t watermark_ms);
std::optional<int64_t> decode_watermark(std::string_view value);

}  // namespace edgegw
