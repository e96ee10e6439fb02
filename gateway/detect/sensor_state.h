// sensor_state.h: what the detector remembers about one sensor: plain structs per sensor
// family plus device health. Checkpointed field by field, only the sensor's own kind
// (state_codec.h: a field added here is added there, with a new record version).
#pragma once

#include <cstdint>
#include <limits>
#include <variant>

#include "drivers/reading.h"
#include "gateway/alert/alert.h"

namespace edgegw {

// A "no significant use" window (W1, W2): the anchor is the reading at which the register last
// rose by at least the threshold since the previous anchor; the window is quiet when a reading
// at or past anchor + window is still below anchor + threshold.
struct QuietWindow {
  int64_t anchor_time_ms = 0;
  double anchor_total_m3 = kNaN;
};

struct WaterState {
  int64_t last_time_ms = 0;
  double last_total_m3 = kNaN;
  int64_t last_change_ms = 0;  // last reading at which the register moved at all
  QuietWindow w1, w2;
  int64_t flow_since_ms = 0;  // W3: start of the current run of rising reports (0 = none)
  double flow_since_total = 0;
  int64_t day = 0;  // W4: local day of day_start_total
  double day_start_total = kNaN;
  uint64_t slot_bits = 0;  // W5: one bit per 30-min slot with use, newest in bit 0
  int64_t slot_index = 0;  // slot of bit 0 (UTC half-hours since the epoch)
  int64_t period_ms = 0;   // estimated transmit period (EWMA of report spacing)
  int64_t last_backwards_ms = 0;
  int32_t flow_reports = 0;  // W3: rising reports in the current run
  float step_m3 = 0;  // the register's resolution: the finest decimal seen in it (0 = none yet)
};

// W3: the current run of reports in which the register rose. The first report of a run saw
// only part of the flow.
struct FlowState {
  static constexpr int kReports = 8;
  float rate[kReports] = {};  // the run's last reports' rates (m3/h), newest first
  float used[2] = {0, 0};     // the last reports' volumes, newest first
};

struct DoorState {
  int64_t last_event_ms = 0;    // last contact change or report
  int64_t last_opening_ms = 0;  // last transition to open
  int64_t open_since_ms = 0;    // 0 = closed (or unknown)
  int8_t contact_closed = -1;   // -1 unknown, 0 open, 1 closed
  int64_t d3_night = -1;        // local day of the quiet period that raised D3 last
};

struct FacadeState {
  int consecutive = 0;  // heating-phase readings in a row with a patch
  float last_dt_c = 0;
  int64_t first_day = -1;  // local day F1 first held
  int64_t f1_day = -1;     // local day F1 last held
  uint8_t patch_x = 0, patch_y = 0;
};

struct HealthState {
  int64_t last_seen_ms = 0;
  uint32_t garbage_count = 0;  // rejected messages in the current day
  int64_t garbage_day = -1;
};

// Which alerts are open upstream for this sensor: bit (1 << AlertKind).
using OpenAlerts = uint32_t;

inline constexpr uint32_t kNoHousehold = std::numeric_limits<uint32_t>::max();

// A water meter's own state: its register and W3's runs.
struct MeterState {
  WaterState water;
  FlowState flow;  // W3's current run
  // W3's long run (rising in every report at the slow-leak rate at least), beside the steady
  // run in WaterState (0 = none).
  int64_t slow_since_ms = 0;
  double slow_since_total = 0;
  // W3's trickle run: since when the register has never been still for longer than a slow
  // leak takes to move it one step (0 = none; from the night's start once in the night), and
  // the volume it counted (Engine::w3_trickle).
  int64_t trickle_since_ms = 0;
  double trickle_volume = 0;
  bool trickle_held = false;  // the run has held in a night (Engine::w3_trickle)
};

// One sensor: what every kind has, and its own kind's state only (a meter carries no door or
// facade fields: 264 bytes instead of 336, bench/README.md "Memory, checkpoint bytes and
// restart, third round"). The kind is fixed when the sensor is first seen; asking for another
// kind's state is a bug (std::bad_variant_access).
struct SensorState {
  SensorState() = default;  // a water meter
  explicit SensorState(SensorKind k) : kind(k) {
    if (k == SensorKind::door) part = DoorState{};
    if (k == SensorKind::facade) part = FacadeState{};
  }

  SensorKind kind = SensorKind::water;
  uint32_t household = kNoHousehold;  // index into the engine's households
  OpenAlerts open = 0;                // alerts raised upstream and not yet cleared
  OpenAlerts held = 0;                // conditions holding (raised or suppressed)
  HealthState health;
  int64_t scheduled_due[3] = {0, 0, 0};  // pending deadline per DeadlineKind (0 = none) ...
  int64_t night_exit_due = 0;            // ... and for DeadlineKind::night_exit
  std::variant<MeterState, DoorState, FacadeState> part;  // by kind

  MeterState& meter() { return std::get<MeterState>(part); }
  const MeterState& meter() const { return std::get<MeterState>(part); }
  WaterState& water() { return meter().water; }
  const WaterState& water() const { return meter().water; }
  DoorState& door() { return std::get<DoorState>(part); }
  const DoorState& door() const { return std::get<DoorState>(part); }
  FacadeState& facade() { return std::get<FacadeState>(part); }
  const FacadeState& facade() const { return std::get<FacadeState>(part); }
};

constexpr OpenAlerts bit(AlertKind k) {
  return OpenAlerts{1} << static_cast<unsigned>(k);
}

// The no-activity care alerts (W1, W2, H1, D1, D2, C1): a household has one such case at a
// time, escalated but not repeated (Engine::raise).
inline constexpr OpenAlerts kNoActivityAlerts =
    bit(AlertKind::NoWaterUse12h) | bit(AlertKind::NoWaterUse24h) | bit(AlertKind::UnusualQuiet) |
    bit(AlertKind::NoDoorOpening) | bit(AlertKind::NoEntryExit) | bit(AlertKind::NoSignOfLife);

constexpr bool is_no_activity(AlertKind k) {
  return (kNoActivityAlerts & bit(k)) != 0;
}

}  // namespace edgegw
