// incident_kind.h: the kinds of injected incidents, their names in the ground truth, and class.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fleetsim {

enum class IncidentKind : uint8_t {
  fall,                // person down or ill: water and door silent from a moment on
  leak,                // tap left running or a leaking cistern
  night_wandering,     // door opened in quiet hours, person out for a while
  door_left_open,      // door not closed for tens of minutes
  hollow_patch,        // facade: a hollow (delaminated) patch appears and grows
  meter_silent,        // device fault: the meter stops reporting
  low_battery,         // device fault: battery runs low
  stuck_register,      // device fault: the register stops moving though water flows
  backwards_register,  // device fault: the register jumps back
  garbage,             // device fault: the device sends undecodable payloads
};

inline constexpr size_t kIncidentKinds = 10;

inline constexpr std::array<std::string_view, kIncidentKinds> kIncidentNames = {
    "fall",         "leak",        "night_wandering", "door_left_open",     "hollow_patch",
    "meter_silent", "low_battery", "stuck_register",  "backwards_register", "garbage"};

inline std::string_view to_string(IncidentKind k) {
  return kIncidentNames[static_cast<size_t>(k)];
}

inline std::optional<IncidentKind> incident_from_string(std::string_view name) {
  for (size_t i = 0; i < kIncidentKinds; ++i)
    if (kIncidentNames[i] == name) return static_cast<IncidentKind>(i);
  return std::nullopt;
}

// Care incidents: a person may need help. The rest are maintenance (facade, device faults).
inline bool is_care(IncidentKind k) {
  return k == IncidentKind::fall || k == IncidentKind::leak || k == IncidentKind::night_wandering ||
         k == IncidentKind::door_left_open;
}

inline std::string_view class_name(IncidentKind k) {
  return is_care(k) ? "care" : "maintenance";
}

}  // namespace fleetsim
