// incident_kind.h: the kinds of injected incidents, their names in the ground truth, and class.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fleetsim {

enum class IncidentKind : uint8_t {
  fall_day,            // person down during their active hours: water and door silent from then
  fall_night,          // down at night, minutes after a toilet visit
  fall_after_return,   // down 1-10 min after coming home from an outing (door pair before it)
  fall_after_rubbish,  // down 1-10 min after stepping out with the rubbish and back
  cistern_leak,        // a cistern that keeps running, until the end of the run
  tap_left_open,       // a tap left running for 1-3 h at ~300 L/h
  night_wandering,     // leaves at night, unusual for them, and does not come back
  door_left_open,      // door not closed for tens of minutes
  hollow_patch,        // facade: a hollow (delaminated) patch appears and grows
  meter_silent,        // device fault: the meter stops reporting
  low_battery,         // device fault: battery runs low
  stuck_register,      // device fault: the register stops moving though water flows
  backwards_register,  // device fault: the register jumps back
  garbage,             // device fault: the device sends undecodable payloads
};

inline constexpr size_t kIncidentKinds = 14;

inline constexpr std::array<std::string_view, kIncidentKinds> kIncidentNames = {
    "fall_day",           "fall_night",    "fall_after_return", "fall_after_rubbish",
    "cistern_leak",       "tap_left_open", "night_wandering",   "door_left_open",
    "hollow_patch",       "meter_silent",  "low_battery",       "stuck_register",
    "backwards_register", "garbage"};

inline std::string_view to_string(IncidentKind k) {
  return kIncidentNames[static_cast<size_t>(k)];
}

inline std::optional<IncidentKind> incident_from_string(std::string_view name) {
  for (size_t i = 0; i < kIncidentKinds; ++i)
    if (kIncidentNames[i] == name) return static_cast<IncidentKind>(i);
  return std::nullopt;
}

inline bool is_fall(IncidentKind k) {
  return k == IncidentKind::fall_day || k == IncidentKind::fall_night ||
         k == IncidentKind::fall_after_return || k == IncidentKind::fall_after_rubbish;
}

// The person is gone or down from the start on: nothing of theirs happens after it.
inline bool ends_routine(IncidentKind k) {
  return is_fall(k) || k == IncidentKind::night_wandering;
}

// Care incidents: a person may need help. The rest are maintenance (facade, device faults).
inline bool is_care(IncidentKind k) {
  return static_cast<uint8_t>(k) <= static_cast<uint8_t>(IncidentKind::door_left_open);
}

inline std::string_view class_name(IncidentKind k) {
  return is_care(k) ? "care" : "maintenance";
}

}  // namespace fleetsim
