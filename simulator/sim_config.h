// sim_config.h: everything that shapes a simulated fleet (size, time span, incident mix,
// payload format shares, routine probabilities), from flags or a small TOML file.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/incident_kind.h"

namespace fleetsim {

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 3'600'000;
inline constexpr int64_t kDayMs = 86'400'000;

enum class MeterFormat : uint8_t { wmbus, cjt188, native };
enum class DoorFormat : uint8_t { zigbee2mqtt, native };
enum class FacadeFormat : uint8_t { roi, frame, native };

inline constexpr std::array<std::string_view, 3> kMeterFormatNames = {"wmbus", "cjt188", "native"};
inline constexpr std::array<std::string_view, 2> kDoorFormatNames = {"zigbee2mqtt", "native"};
inline constexpr std::array<std::string_view, 3> kFacadeFormatNames = {"roi", "frame", "native"};

// The fleet's routine: means around which each household draws its own habits (simulator/
// traits.h), as probabilities per household-day unless said otherwise.
struct RoutineParams {
  double late_rise_prob = 0.04;    // an early night, then waking 2-3.5 h later than usual
  double night_toilet_prob = 0.8;  // mean toilet visits per night (each household its own)
  double away_prob = 0.012;        // leaves for 1-3 nights at family (not in away mode)
  double hospital_prob = 0.002;    // a hospital stay of 1-5 days (not in away mode)
  double shopping_prob = 0.5;      // morning outing (market, shopping, park)
  double walk_prob = 0.5;          // afternoon outing
  double early_market_prob = 0.5;  // early risers who go to the early market: on such a day
  double rubbish_prob = 0.6;       // rubbish out and back within minutes
  double visitor_prob = 0.1;       // a visitor for 1-4 h
  double guest_late_prob = 0.25;   // of visits: the guest leaves after 22:00
  double late_return_prob = 0.04;  // comes home after 22:00
  double chore_door_prob = 0.4;    // a delivery or a neighbour at the door
  double shower_prob = 0.6;
  double laundry_prob = 0.8;   // on the household's laundry days
  double cleaning_prob = 0.8;  // on the household's cleaning day: big bursts over hours
};

struct SimConfig {
  int households = 20;
  int facades = 0;  // facade sensors
  int sensors_per_building = 2;
  double days = 3;
  int64_t start_ms = 1714521600000;  // 2024-05-01T00:00:00Z
  bool start_given = false;
  double speed = 0;  // event seconds per wall second; 0 = as fast as possible
  uint64_t seed = 1;
  int report_minutes = 15;          // transmit period of the frequent meters
  double hourly_share = 0.25;       // meters that report hourly instead
  double outage_prob = 0.01;        // a radio outage of 2-6 h, per meter-day
  double report_jitter_s = 20;      // +- around the period
  double lost_report_prob = 0.01;   // a report lost on the air (never two in a row)
  int door_heartbeat_minutes = 55;  // Zigbee check-in
  int facade_report_minutes = 10;
  int utc_offset_min = 480;  // the city's time zone (UTC+8)
  // Incidents per kind; nullopt = the default rate for the fleet size.
  std::array<std::optional<int>, kIncidentKinds> incidents{};
  std::array<double, 3> meter_shares = {0.7, 0.2, 0.1};
  std::array<double, 2> door_shares = {0.9, 0.1};
  std::array<double, 3> facade_shares = {0.9, 0.0, 0.1};
  RoutineParams routine;

  int64_t end_ms() const { return start_ms + static_cast<int64_t>(days * kDayMs); }
  int buildings() const {
    return facades <= 0 ? 0 : (facades + sensors_per_building - 1) / sensors_per_building;
  }
};

// The number of incidents of a kind this config asks for (explicit, else a default rate).
int incident_count(const SimConfig& c, IncidentKind kind);

// "fall_day=3,cistern_leak=2": sets those counts. Returns an error message, or empty on success.
std::string parse_incident_mix(std::string_view text, SimConfig& c);

// "wmbus=0.7,cjt188=0.2,native=0.1" against the names of one device family.
template <size_t N>
std::string parse_shares(std::string_view text, const std::array<std::string_view, N>& names,
                         std::array<double, N>& out);

// Reads a TOML sim config into `c` (keys absent from the file keep their values).
// Returns an error message naming the key and line, or empty on success.
std::string load_sim_toml(const std::string& path, SimConfig& c);

// "max" -> 0, "realtime" -> 1, "<factor>" -> factor. nullopt when not understood.
std::optional<double> parse_speed(std::string_view text);

}  // namespace fleetsim
