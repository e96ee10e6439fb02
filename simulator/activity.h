// activity.h: the confounders of the simulated routine: what a household was doing that could
// look like an incident to a rule (a night away, a visitor, a cleaning day, an hourly meter...),
// recorded with its time span, so `score` can say which one a false care alert came from.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

enum class Activity : uint8_t {
  night_away,    // nights at family, not entered in away mode
  hospital,      // a hospital stay, not entered in away mode
  visitor,       // a visitor: extra water, door pairs, maybe leaving late
  cleaning,      // a cleaning day: big bursts of water over hours
  laundry,       // washing machine fills / hand washing
  late_rising,   // an early night, then waking 2-3.5 h later than usual
  early_market,  // an early riser's market trip around 05:30
  late_return,   // coming home after 22:00
  rubbish_trip,  // door out and back within minutes
  radio_outage,  // the meter's radio path down for a few hours
  hourly_meter,  // the household's meter reports hourly (the whole run)
};

inline constexpr size_t kActivities = 11;
inline constexpr std::array<std::string_view, kActivities> kActivityNames = {
    "night_away",   "hospital",    "visitor",      "cleaning",     "laundry",     "late_rising",
    "early_market", "late_return", "rubbish_trip", "radio_outage", "hourly_meter"};

inline std::string_view to_string(Activity a) {
  return kActivityNames[static_cast<size_t>(a)];
}

std::optional<Activity> activity_from_string(std::string_view name);

struct ActivityRecord {
  int household = 0;  // index in the fleet
  Activity kind = Activity::visitor;
  int64_t from_ms = 0, to_ms = 0;
};

// One line per record: "hh-00001<TAB>visitor<TAB>from<TAB>to" (ISO 8601 UTC).
void write_activities(std::ostream& out, const std::vector<std::string>& household_ids,
                      const std::vector<ActivityRecord>& records);

struct NamedActivity {
  std::string subject;
  Activity kind = Activity::visitor;
  int64_t from_ms = 0, to_ms = 0;
};

// Parses what write_activities wrote. Returns an error message (with the line number) or empty.
std::string parse_activities(const std::string& text, std::vector<NamedActivity>& out);

}  // namespace fleetsim
