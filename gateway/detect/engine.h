// engine.h: the detection engine: per-sensor and per-household state, the event-time watermark
// and its deadlines, and the rules that turn readings into alerts (design's rule table).
// Care alerts pass through the household: away mode pauses them, and water and door evidence
// are fused (see emit rules in engine.cpp). Single-threaded: the caller serializes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "drivers/reading.h"
#include "gateway/alert/alert.h"
#include "gateway/detect/deadlines.h"
#include "gateway/detect/household_model.h"
#include "gateway/detect/id_table.h"
#include "gateway/detect/inventory.h"
#include "gateway/detect/rules_config.h"
#include "gateway/detect/sensor_state.h"

namespace edgegw {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Where an alert about a sensor is addressed: its household or building, or the sensor itself.
struct Subject {
  SubjectKind kind = SubjectKind::Sensor;
  std::string_view id;
};

// HouseholdState::quiet_deadline_ms before it is worked out.
inline constexpr int64_t kQuietDeadlineDue = -1;

// Where the person probably is, from the door's passages since the last sign of life at home:
// each opening is a passage (out, or back in); water used says "home". `unsure` is no longer
// entered (checkpoints of earlier versions may hold it; it is read as "home").
enum class Presence : uint8_t { home, out, unsure };

struct HouseholdState {
  HouseholdProfile profile;
  std::vector<uint32_t> meters, doors;  // sensor indexes
  int64_t last_water_use_ms = 0;        // latest W1 anchor of its meters (the report's time)
  int64_t last_water_use_from_ms = 0;   // the report before it: the use happened in between
  int64_t last_any_use_from_ms = 0;     // likewise for the last register movement of any size
  int64_t last_door_activity_ms = 0;    // latest door opening
  int64_t prev_door_activity_ms = 0;    // the opening before it
  int32_t openings_since_use = 0;       // door openings since the last water use
  int64_t longest_door_gap_ms = 0;      // longest stretch without an opening since that use
  bool c1_open = false;
  Presence presence = Presence::home;
  bool guest_possible = false;    // someone let in who stayed: the next opening may be theirs
  bool night_exit_usual = false;  // night_exit_ms came at an hour this person goes out at
  int64_t last_sign_ms = 0;       // last sign of life at home: water use, or coming home
  int64_t last_return_ms = 0;     // when the person last came home from an outing
  int64_t outing_start_ms = 0;    // the opening that began the outing in progress
  // H1, learned: quiet past this is improbable (0: not learned; kQuietDeadlineDue: worked out
  // when the quiet first lasts h1_min_quiet_s, Engine::quiet_deadline), and the usual quiet it
  // was derived from.
  int64_t quiet_deadline_ms = 0;
  int64_t usual_quiet_ms = 0;
  int64_t parity_error_ms = 0;  // last time water contradicted the passage count
  int64_t night_exit_ms = 0;    // an opening in quiet hours awaiting D3's confirmation
  int64_t silence_held_ms = 0;  // when W1 or W2 began to hold in this silence (0: neither holds)
  HouseholdModel model;
  // How many meters and doors the inventory lists (meters and doors above: those seen so far).
  uint32_t listed_meters = 0, listed_doors = 0;
};

// What the detector knows of one sensor: its state, where its alerts go, and why alerts it
// holds were not sent (status/views.cpp writes it as JSON).
struct SensorExplanation {
  SensorState state;
  SubjectKind subject_kind = SubjectKind::Sensor;
  std::string subject;
  OpenAlerts held_not_sent = 0;  // conditions holding whose alert is suppressed
  std::string why_held;          // empty when nothing is held
};

// One checkpoint record: key and value for the state column family.
struct StateRecord {
  std::string key, value;
};

// Checkpoint records in storage kept from one commit to the next: the first `size` entries are
// the current ones; the entries past them keep their strings' capacity for the next fill, so a
// reading's records are encoded without allocating once the buffer is warm (perf: encoding a
// fresh string per record was two thirds of the mallocs of the ingest thread).
struct StateRecords {
  std::vector<StateRecord> entries;
  size_t size = 0;
  // The next record, key and value empty.
  StateRecord& add() {
    if (size == entries.size()) entries.emplace_back();
    StateRecord& r = entries[size++];
    r.key.clear();
    r.value.clear();
    return r;
  }
  void clear() { size = 0; }
  bool empty() const { return size == 0; }
  const StateRecord* begin() const { return entries.data(); }
  const StateRecord* end() const { return entries.data() + size; }
  StateRecord* begin() { return entries.data(); }
  StateRecord* end() { return entries.data() + size; }
};

// When rule S1 calls this sensor silent: its last report plus the door's silence or the
// meter's missed reports (0 = no estimate yet: never seen, or a meter's period unknown),
// counted from `listening_since_ms` when that is later: a sensor is not silent for the time
// the gateway was not listening (down, or its broker connection lost).
int64_t silence_due(const RulesConfig& rules, const SensorState& s, int64_t listening_since_ms);

class Engine {
 public:
  Engine(const RulesConfig& rules, const Inventory& inventory);

  // Applies one validated reading (time_ms set) and appends the alerts it raises or clears.
  // The reading moves the watermark (everyone's deadlines) to its time, but never past
  // `wall_ms` (wall-clock mode; 0 in event mode), and in event mode a jump of more than
  // kSoloJumpMs needs another recently heard sensor at that time: one device's clock cannot
  // fire the whole site's deadlines.
  void on_reading(const Reading& r, std::vector<Alert>& out, int64_t wall_ms = 0);
  static constexpr int64_t kSoloJumpMs = 15 * 60 * 1000;

  // A message from this sensor was rejected at `time_ms` (garbage payloads, rule S2).
  void on_rejected(std::string_view sensor_id, int64_t time_ms, std::vector<Alert>& out);

  // Moves event time forward (never back) and fires the deadlines it passes, in due order.
  void advance_watermark(int64_t t_ms, std::vector<Alert>& out);
  int64_t watermark_ms() const { return watermark_ms_; }
  // Wall-clock mode: the gateway has been listening to its sensors since `t_ms` (its start, or
  // its broker connection back). S1 counts silence from then at the earliest. Not persisted.
  void set_listening_since(int64_t t_ms) { listening_since_ms_ = t_ms; }
  int64_t listening_since_ms() const { return listening_since_ms_; }

  // Away mode (hospital, visiting family) pauses the household's care rules until `until_ms`
  // (0 clears it). False when the household is unknown.
  bool set_away(std::string_view household, int64_t until_ms);

  // New rules and inventory (config reload) keeping all sensor state.
  void reconfigure(const RulesConfig& rules, const Inventory& inventory);

  Subject subject_of(std::string_view sensor_id) const;
  size_t sensor_count() const { return sensors_.size(); }
  const SensorState* sensor(std::string_view sensor_id) const;
  // The sensors seen, by index (0 .. sensor_count() - 1).
  std::string_view sensor_id(uint32_t index) const { return sensor_ids_.at(index); }
  // The inventory's meters and doors, seen or not (0 .. listed_sensor_count() - 1), and its
  // facades.
  struct ListedSensor {
    std::string_view id;
    SensorKind kind;
    std::string_view household;
  };
  size_t listed_sensor_count() const { return listed_ids_.size(); }
  ListedSensor listed_sensor(uint32_t n) const {
    const Listed& l = listed_[n];
    return {listed_ids_.at(n), l.kind, households_[l.household].profile.id};
  }
  const std::vector<FacadeSite>& facades() const { return facades_; }
  const HouseholdState* household(std::string_view id) const;
  // What the household's presence and learned rhythm say (edgegw household, alert evidence):
  // whether an opening may be a guest leaving, whether the person is probably out, and how
  // long an outing may last before the no-activity rules speak.
  bool guest_may_leave(const HouseholdState& h, int64_t t) const;
  bool probably_out(const HouseholdState& h) const;
  int64_t outing_limit_ms(const HouseholdState& h) const;
  // Whether a meter of the household reported its register moving (by any amount) after t_ms.
  bool register_moved_since(const HouseholdState& h, int64_t t_ms) const;
  // t lies in the first evening_s of the household's quiet hours.
  bool in_evening(const HouseholdState& h, int64_t t, int64_t evening_s) const;
  // A meter moved last in the report whose interval holds t (the next after it).
  bool used_around(const HouseholdState& h, int64_t t) const;
  // This person's usual bedtime as of `t_ms` (local minute of the day), -1 until learned or
  // when W1 does not learn it (w1_bedtime_learn_days = 0).
  int usual_bedtime_min(const HouseholdState& h, int64_t t_ms) const;
  // When D3 confirms an exit at `opened` that is not followed by a return.
  int64_t night_exit_confirm_ms(const HouseholdState& h, int64_t opened) const;
  // H1's deadline for the quiet since h.last_sign_ms and the usual quiet behind it, as
  // HouseholdState keeps them (0, 0 when not learned), worked out if not yet.
  struct QuietDeadline {
    int64_t due_ms = 0;
    int64_t usual_ms = 0;
  };
  QuietDeadline quiet_deadline(const HouseholdState& h) const;
  // A sensor's state and why it is or is not alerting (`edgegw sensor`); nullopt if unknown.
  std::optional<SensorExplanation> explain_sensor(std::string_view sensor_id) const;

  // Checkpoint: records of everything changed since the last call (sensors, households,
  // watermark); and restoring from such records at start. At most about `max_records` records
  // per call (a sensor's record comes with its household's, so one more at most); what is left
  // stays dirty for the next call. The watermark record comes only in the call that leaves
  // nothing dirty, after every record changed up to it: written in call order, a record "w" on
  // disk means every change up to that watermark is on disk before it.
  std::vector<StateRecord> take_dirty_records(size_t max_records = SIZE_MAX);
  // The same into `out` (cleared first; its storage reused: the commit after every batch).
  void take_dirty_records(StateRecords& out, size_t max_records = SIZE_MAX);
  // Returns why a record was not loaded (it names the record), or empty; the sensor or
  // household it was for starts afresh (state_codec.h: the format and its versions).
  std::string load_record(std::string_view key, std::string_view value);
  // A whole checkpoint's restore: the households' records ("h/") through
  // load_household_record and every other record through load_other_record, in any order
  // (the two touch disjoint state), then finish_restore(): it applies what links them (a
  // sensor to its household's list, a household's pending night exit to its doors'
  // deadlines; before it, a household restored before its doors re-armed no night exit).
  // load_record is the three for one record.
  std::string load_household_record(std::string_view key, std::string_view value);
  std::string load_other_record(std::string_view key, std::string_view value);
  void finish_restore();
  // After a power cut lost the state written since `from_ms` (the checkpoint's time plus the
  // sync interval): every no-activity window (W1/W2 anchors, the door's last opening for
  // D1/D2) restarts there, so that an activity the cut erased cannot leave a stale start to
  // fire on. Care alerts of windows in progress come later by up to their window; none falsely.
  void restart_windows(int64_t from_ms);
  // The same at the next reading, from no earlier than its time (event-clock mode: how much
  // event time the lost state covered is unknown; it ended before the next reading).
  void restart_windows_at_next_reading(int64_t from_ms) { restart_at_next_ms_ = from_ms; }
  // The record of one sensor and its household's, unless the household's bytes are those
  // handed out last for it (a reading that changed only its sensor).
  void records_for(std::string_view sensor_id, StateRecords& out);

 private:
  // The sensor's index, added (and linked to its household's list, or left for
  // finish_restore() to link when `defer_link`) on first sight.
  uint32_t index_of(std::string_view id, SensorKind kind, bool defer_link = false);
  Alert make(uint32_t idx, Rule rule, AlertKind kind, Audience audience, Severity severity,
             int64_t event_ms, int64_t detect_ms, double observed, double threshold,
             int64_t window_s) const;
  void raise(uint32_t idx, Alert a, std::vector<Alert>& out);
  void clear(uint32_t idx, AlertKind kind, Rule rule, int64_t at_ms, std::vector<Alert>& out);
  bool suppressed(uint32_t idx, const Alert& a) const;
  // The household's open no-activity case: its worst open alert and that alert's severity
  // (-1: no case open).
  struct OpenCase {
    int severity = -1;
    AlertKind kind = AlertKind::NoSignOfLife;
  };
  OpenCase open_case(const HouseholdState& h) const;
  void schedule(uint32_t idx, DeadlineKind kind, int64_t due_ms);
  void on_deadline(const Deadline& d, std::vector<Alert>& out);
  void update_c1(uint32_t household, uint32_t meter, int64_t at_ms, std::vector<Alert>& out);
  // Household presence and the learned no-activity rule (engine_household.cpp).
  void household_water_use(uint32_t hi, int64_t from_ms, int64_t t);
  void household_door_opening(uint32_t hi, uint32_t door, int64_t t);
  void household_quiet_check(uint32_t meter, int64_t t, std::vector<Alert>& out);
  void night_exit_deadline(uint32_t door, int64_t due, std::vector<Alert>& out);
  void note_sign_of_life(HouseholdState& h, int64_t t);

  void water_reading(uint32_t idx, const Reading& r, std::vector<Alert>& out);
  void w3_flow(uint32_t idx, int64_t previous_time, int64_t previous_change, double previous,
               double used, bool after_gap, std::vector<Alert>& out);
  bool w3_trickle(uint32_t idx, int64_t previous_time, int64_t previous_change, double used);
  void door_reading(uint32_t idx, const Reading& r, std::vector<Alert>& out);
  void facade_reading(uint32_t idx, const Reading& r, std::vector<Alert>& out);
  void health_reading(uint32_t idx, const Reading& r, std::vector<Alert>& out);
  void door_deadline(uint32_t idx, int64_t due, std::vector<Alert>& out);
  void silence_deadline(uint32_t idx, int64_t due, std::vector<Alert>& out);
  void link_households();

  RulesConfig rules_;
  std::vector<FacadeSite> facades_;  // the inventory's (households are in households_)
  IdTable sensor_ids_;               // sensor id <-> index into sensors_
  std::vector<SensorState> sensors_;
  // Changed since the last take_dirty_records(): a flag per sensor and the list of those set
  // (a checkpoint after every message must not scan every sensor).
  std::vector<uint8_t> dirty_;
  std::vector<uint32_t> dirty_sensors_;
  void mark_dirty(uint32_t i) {
    if (dirty_[i]) return;
    dirty_[i] = 1;
    dirty_sensors_.push_back(i);
  }
  std::vector<HouseholdState> households_;
  IdTable household_ids_;                // household id <-> index into households_
  StringMap<Subject> facade_buildings_;  // facade sensor -> building (ids owned by facades_)
  // The inventory's meters and doors (seen or not): number -> kind and household.
  struct Listed {
    uint32_t household;
    SensorKind kind;
  };
  IdTable listed_ids_;
  std::vector<Listed> listed_;
  uint32_t listed_household(std::string_view sensor_id) const {
    const uint32_t n = listed_ids_.find(sensor_id);
    return n == IdTable::kNone ? kNoHousehold : listed_[n].household;
  }
  // Left by a restore for finish_restore(): (household, sensor) links to make; households
  // restored with a night exit pending.
  std::vector<std::pair<uint32_t, uint32_t>> restore_links_;
  std::vector<uint32_t> restore_night_exits_;
  DeadlineQueue deadlines_;
  int64_t watermark_ms_ = 0;
  int64_t listening_since_ms_ = 0;
  bool watermark_dirty_ = false;
  // The last readings' (sensor, time), for the event-mode bound on watermark jumps.
  struct RecentTime {
    uint32_t sensor = 0;
    int64_t time_ms = 0;
  };
  std::array<RecentTime, 16> recent_{};
  size_t recent_count_ = 0, recent_next_ = 0;
  int64_t restart_at_next_ms_ = 0;  // restart_windows_at_next_reading(), 0 = none
  int64_t watermark_bound(uint32_t idx, int64_t t_ms, int64_t wall_ms) const;
  std::vector<uint32_t> dirty_households_;
  // A hash of each household's record as last handed out (0: none since the engine was built):
  // a meter's reading that changed nothing of its household writes no household record, which
  // is two thirds of each reading's bytes (bench/README.md "Native ingest").
  std::vector<uint64_t> household_written_;
  std::string household_scratch_;  // the record being compared
  void household_record_if_changed(uint32_t h, StateRecords& out);
};

}  // namespace edgegw
