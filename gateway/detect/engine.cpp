// engine.cpp: sensor table, alert emission (dedup, away mode, water + door fusion), C1,
// deadlines and checkpoints. The rules per sensor family are in engine_{water,door,facade,
// health}.cpp.
//
// Emission rules for care alerts of a sensor in a household:
//  - away mode active at detection time: held, not sent (sent later if still holding after).
//  - W1/W2 while the door opened after the last water use: the person probably went out; W1 is
//    held, W2 (24 h) is sent at its own severity so a fall after coming home is still found.
//  - W1 with the door silent since the last water use: W1 is sent and escalated to C1
//    ("no sign of life", critical).
//  - D1/D2 while water was used after the last opening: someone is home and well; held.
//  - One no-activity case per household (W1, W2, H1, D1, D2, C1): while one is open, another
//    of no higher severity is held (D1 beside W1, W1 after H1); a worse one is sent with state
//    Escalated (W2 after W1, C1). The community worker gets one silence once, and its worsening.
#include "gateway/detect/engine.h"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "gateway/detect/local_time.h"
#include "gateway/detect/state_codec.h"

namespace edgegw {

Engine::Engine(const RulesConfig& rules, const Inventory& inventory) {
  reconfigure(rules, inventory);
}

void Engine::reconfigure(const RulesConfig& rules, const Inventory& inventory) {
  rules_ = rules;
  // Keep runtime household state (away mode, last activity) across a reload.
  std::vector<HouseholdState> old = std::move(households_);
  IdTable old_ids = std::move(household_ids_);
  facades_ = inventory.facades;
  households_.clear();
  household_ids_ = IdTable{};
  listed_ids_ = IdTable{};
  listed_.clear();
  facade_buildings_.clear();
  // Sized once: growing by doubling would hold two copies at the peak (100,000 households).
  size_t listed = 0, listed_chars = 0, household_chars = 0;
  for (const Household& h : inventory.households) {
    household_chars += h.id.size();
    for (const auto* ids : {&h.meters, &h.doors}) {
      listed += ids->size();
      for (const std::string& id : *ids) listed_chars += id.size();
    }
  }
  households_.reserve(inventory.households.size());
  household_ids_.reserve(inventory.households.size(), household_chars);
  listed_ids_.reserve(listed, listed_chars);
  listed_.reserve(listed);
  const size_t inventory_sensors = listed + inventory.facades.size();
  if (sensors_.capacity() < inventory_sensors) {
    sensors_.reserve(inventory_sensors);
    dirty_.reserve(inventory_sensors);
    sensor_ids_.reserve(inventory_sensors, listed_chars);
  }
  for (const Household& h : inventory.households) {
    HouseholdState hs;
    if (const uint32_t before = old_ids.find(h.id); before != IdTable::kNone) {
      hs = std::move(old[before]);  // runtime state and the learned model carry over
      const int64_t away = hs.profile.away_until_ms;
      hs.profile = h;
      if (hs.profile.away_until_ms == 0) hs.profile.away_until_ms = away;
    } else {
      hs.profile = h;
    }
    hs.listed_meters = static_cast<uint32_t>(h.meters.size());
    hs.listed_doors = static_cast<uint32_t>(h.doors.size());
    // An id listed twice: the last listing wins (for the household and for a sensor).
    const uint32_t hi = household_ids_.intern(h.id);
    if (hi == households_.size())
      households_.push_back(std::move(hs));
    else
      households_[hi] = std::move(hs);
    for (const auto* ids : {&h.meters, &h.doors}) {
      const SensorKind kind = ids == &h.doors ? SensorKind::door : SensorKind::water;
      for (const std::string& id : *ids) {
        const uint32_t n = listed_ids_.intern(id);
        if (n == listed_.size())
          listed_.push_back({hi, kind});
        else
          listed_[n] = {hi, kind};
      }
    }
  }
  for (const FacadeSite& f : facades_)
    facade_buildings_[f.sensor] = Subject{SubjectKind::Building, f.building};
  household_written_.assign(households_.size(), 0);  // indexes may have moved: write each once
  link_households();
}

void Engine::link_households() {
  for (auto& h : households_) h.meters.clear(), h.doors.clear();
  for (uint32_t i = 0; i < sensors_.size(); ++i) {
    sensors_[i].household = listed_household(sensor_ids_.at(i));
    if (sensors_[i].household == kNoHousehold) continue;
    auto& h = households_[sensors_[i].household];
    (sensors_[i].kind == SensorKind::door ? h.doors : h.meters).push_back(i);
  }
}

uint32_t Engine::index_of(std::string_view id, SensorKind kind, bool defer_link) {
  const uint32_t idx = sensor_ids_.intern(id);
  if (idx < sensors_.size()) return idx;
  SensorState s(kind);
  if (const uint32_t h = listed_household(id); h != kNoHousehold) {
    s.household = h;
    if (defer_link) {
      restore_links_.emplace_back(h, idx);
    } else {
      auto& hs = households_[h];
      (kind == SensorKind::door ? hs.doors : hs.meters).push_back(idx);
    }
  }
  sensors_.push_back(s);
  dirty_.push_back(1);
  dirty_sensors_.push_back(static_cast<uint32_t>(dirty_.size() - 1));
  return idx;
}

Subject Engine::subject_of(std::string_view sensor_id) const {
  if (const uint32_t h = listed_household(sensor_id); h != kNoHousehold)
    return Subject{SubjectKind::Household, households_[h].profile.id};
  if (auto it = facade_buildings_.find(sensor_id); it != facade_buildings_.end()) return it->second;
  return Subject{SubjectKind::Sensor, sensor_id};
}

const SensorState* Engine::sensor(std::string_view id) const {
  const uint32_t i = sensor_ids_.find(id);
  return i == IdTable::kNone ? nullptr : &sensors_[i];
}

const HouseholdState* Engine::household(std::string_view id) const {
  const uint32_t i = household_ids_.find(id);
  return i == IdTable::kNone ? nullptr : &households_[i];
}

Alert Engine::make(uint32_t idx, Rule rule, AlertKind kind, Audience audience, Severity severity,
                   int64_t event_ms, int64_t detect_ms, double observed, double threshold,
                   int64_t window_s) const {
  Alert a;
  a.rule = rule;
  a.kind = kind;
  a.audience = audience;
  a.severity = severity;
  a.state = AlertState::Raised;
  const std::string_view sensor_id = sensor_ids_.at(idx);
  const Subject subject = subject_of(sensor_id);
  a.subject_kind = subject.kind;
  a.subject = std::string(subject.id);
  a.sensor_id = std::string(sensor_id);
  a.event_time_ms = event_ms;
  a.detect_time_ms = detect_ms;
  a.observed = observed;
  a.threshold = threshold;
  a.window_s = static_cast<uint32_t>(window_s);
  return a;
}

// A door opening since the last water use's interval began (the use may have come first).
namespace {
bool door_since_use(const HouseholdState& h) {
  return h.last_door_activity_ms > std::max(h.last_water_use_from_ms, h.last_any_use_from_ms);
}
}  // namespace

// An opening at `t` may be a guest leaving: water was used while the passages said "out" (a
// door opened for someone who came in and stayed), less than guest_stay_s ago, and it is not
// late in the night (guests leave in the evening: the first d3_guest_evening_s of the quiet
// hours).
bool Engine::guest_may_leave(const HouseholdState& h, int64_t t) const {
  if (!h.guest_possible || t - h.parity_error_ms >= rules_.guest_stay_s * 1000) return false;
  const HouseholdProfile& p = h.profile;
  const int minute = local_minute_of_day(t, p.utc_offset_min);
  return !in_quiet_hours(minute, p.quiet_start_min, p.quiet_end_min) ||
         in_evening(h, t, rules_.d3_guest_evening_s);
}

bool Engine::in_evening(const HouseholdState& h, int64_t t, int64_t evening_s) const {
  const HouseholdProfile& p = h.profile;
  const int minute = local_minute_of_day(t, p.utc_offset_min);
  if (!in_quiet_hours(minute, p.quiet_start_min, p.quiet_end_min)) return false;
  const int into_night = (minute - p.quiet_start_min + kMinutesPerDay) % kMinutesPerDay;
  return int64_t{into_night} * 60 < evening_s;
}

bool Engine::used_around(const HouseholdState& h, int64_t t) const {
  for (uint32_t m : h.meters) {
    const WaterState& w = sensors_[m].water();
    if (w.period_ms > 0 && w.last_change_ms > t &&
        w.last_change_ms <= t + w.period_ms + w.period_ms / 4)
      return true;
  }
  return false;
}

// A report after t_ms in which a meter of the household moved at all.
bool Engine::register_moved_since(const HouseholdState& h, int64_t t_ms) const {
  for (uint32_t m : h.meters)
    if (sensors_[m].water().last_change_ms > t_ms) return true;
  return false;
}

// Out, by the passages: an odd number of them since the last sign of life at home.
bool Engine::probably_out(const HouseholdState& h) const {
  return h.listed_doors != 0 && h.presence == Presence::out;
}

bool Engine::suppressed(uint32_t idx, const Alert& a) const {
  const SensorState& s = sensors_[idx];
  if (a.audience != Audience::Care || s.household == kNoHousehold) return false;
  const HouseholdState& h = households_[s.household];
  if (h.profile.away_until_ms > a.detect_time_ms) return true;
  switch (a.rule) {
    case Rule::W1:
    case Rule::W2:
    case Rule::H1:
    case Rule::D1:
    case Rule::D2: {
      // A register known stuck (S2 raised on it) tells nothing of the person: its W1, W2 and
      // H1 are held until it moves again, and the door's D1 and D2 speak for the household
      // (fleetsim: W2 escalations days after a register stuck, the person well and in). C1
      // needs no door since the last use, which a stuck register (S2) never has.
      if (s.held & bit(AlertKind::StuckRegister)) return true;
      // Out: wait until the outing is improbably long for this person.
      if (probably_out(h)) {
        return a.detect_time_ms - h.outing_start_ms < outing_limit_ms(h);
      }
      // At home: D1/D2 wait while water was used after the last opening (someone is well).
      if (a.rule == Rule::D1 || a.rule == Rule::D2)
        return h.listed_meters != 0 && h.last_water_use_ms > a.event_time_ms;
      // Back home since W1's last use with the register still since: W1's 12 h count the
      // outing (little water over 12 h, wherever the person was; a fall on coming home) once
      // the person has been home w1_return_quiet_s. A register that moved since by less than
      // a sign of life (a drip) says nothing of the person: 12 h at home, as W2 counts.
      if (a.rule == Rule::W1 && h.last_return_ms > a.event_time_ms) {
        const int64_t hold_s = register_moved_since(h, h.last_return_ms) ? rules_.w1_window_s
                                                                         : rules_.w1_return_quiet_s;
        return a.detect_time_ms - h.last_return_ms < hold_s * 1000;
      }
      if (a.rule == Rule::W2 && h.last_return_ms > a.event_time_ms)
        return a.detect_time_ms - h.last_return_ms < rules_.w2_window_s * 1000;
      return false;
    }
    default: return false;
  }
}

void Engine::raise(uint32_t idx, Alert a, std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  const OpenAlerts b = bit(a.kind);
  if (!(s.held & b)) mark_dirty(idx);
  s.held |= b;
  if ((s.open & b) || suppressed(idx, a)) return;
  // One no-activity case per household: a condition no worse than one already open for the
  // household (D1 beside W1, W1 after H1, W1 released with the W2 that supersedes it) tells the
  // community worker nothing new; it stays held. A worse one is sent as an escalation.
  if (is_no_activity(a.kind) && s.household != kNoHousehold) {
    const int open_severity = open_case(households_[s.household]).severity;
    if (static_cast<int>(a.severity) <= open_severity) return;
    if (open_severity >= 0) a.state = AlertState::Escalated;
  }
  s.open |= b;
  mark_dirty(idx);
  out.push_back(std::move(a));
}

Engine::OpenCase Engine::open_case(const HouseholdState& h) const {
  if (h.c1_open) return {static_cast<int>(Severity::Critical), AlertKind::NoSignOfLife};
  // The no-activity alerts other than C1, worst first, at the severity their rules raise them.
  constexpr std::pair<AlertKind, Severity> kWorstFirst[] = {
      {AlertKind::NoWaterUse24h, Severity::High},
      {AlertKind::NoEntryExit, Severity::High},
      {AlertKind::NoWaterUse12h, Severity::Warning},
      {AlertKind::UnusualQuiet, Severity::Warning},
      {AlertKind::NoDoorOpening, Severity::Warning}};
  for (const auto& [kind, severity] : kWorstFirst) {
    for (uint32_t m : h.meters)
      if (sensors_[m].open & bit(kind)) return {static_cast<int>(severity), kind};
    for (uint32_t d : h.doors)
      if (sensors_[d].open & bit(kind)) return {static_cast<int>(severity), kind};
  }
  return {};
}

void Engine::clear(uint32_t idx, AlertKind kind, Rule rule, int64_t at_ms,
                   std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  const OpenAlerts b = bit(kind);
  if (!(s.held & b)) return;
  s.held &= ~b;
  mark_dirty(idx);
  const bool w1_w2 = (rule == Rule::W1 || rule == Rule::W2) && s.household != kNoHousehold;
  if (!(s.open & b)) {  // held, never sent (folded into the household's case, or suppressed)
    if (w1_w2) update_c1(s.household, idx, at_ms, out);
    return;
  }
  s.open &= ~b;
  Alert a = make(idx, rule, kind, Audience::Care, Severity::Info, at_ms, at_ms, 0, 0, 0);
  a.state = AlertState::Cleared;
  // A clear repeats the audience and severity of what it clears.
  switch (rule) {
    case Rule::W5:
    case Rule::F1:
    case Rule::F2:
    case Rule::S1:
    case Rule::S2:
    case Rule::G1: a.audience = Audience::Maintenance; break;
    default: break;
  }
  out.push_back(std::move(a));
  if (w1_w2) update_c1(s.household, idx, at_ms, out);
}

// C1 escalates W1: it holds while a meter of the household has W1 open, no door opened since
// the last water use, and the silence has lasted c1_after_w1_s past W1's window and past the
// moment W1 began to hold (a late rising after an early night ends before that; a person on
// the floor does not).
void Engine::update_c1(uint32_t hi, uint32_t meter, int64_t at_ms, std::vector<Alert>& out) {
  HouseholdState& h = households_[hi];
  if (h.listed_doors == 0) return;
  bool w1_open = false;  // W1 or W2 holding (sent, or folded into the household's case)
  for (uint32_t m : h.meters)
    w1_open |=
        (sensors_[m].held & (bit(AlertKind::NoWaterUse12h) | bit(AlertKind::NoWaterUse24h))) != 0;
  if (w1_open != (h.silence_held_ms != 0)) {
    h.silence_held_ms = w1_open ? at_ms : 0;
    dirty_households_.push_back(hi);
  }
  // No door event since the last water use either: no sign of life at all, c1_after_w1_s past
  // W1's window and past W1 itself (held back by the awake hours, W1 comes later than its
  // window: a late rising after an early night is W1 at noon, not W1 and C1 together).
  const int64_t silent_since = std::max(h.last_water_use_ms, h.last_door_activity_ms);
  const bool long_enough =
      at_ms - silent_since >= (rules_.w1_window_s + rules_.c1_after_w1_s) * 1000 &&
      at_ms - h.silence_held_ms >= rules_.c1_after_w1_s * 1000;
  const bool holds = w1_open && !door_since_use(h) && !probably_out(h) &&
                     h.profile.away_until_ms <= at_ms && (h.c1_open || long_enough);
  if (holds == h.c1_open) return;
  h.c1_open = holds;
  dirty_households_.push_back(hi);
  Alert a = make(meter, Rule::C1, AlertKind::NoSignOfLife, Audience::Care, Severity::Critical,
                 silent_since, at_ms, 0, rules_.w1_threshold_m3,
                 rules_.w1_window_s + rules_.c1_after_w1_s);
  if (holds) a.state = AlertState::Escalated;  // of the W1 (or H1, W2) case it follows
  if (!holds) {
    a.state = AlertState::Cleared;
    a.event_time_ms = at_ms;
  }
  out.push_back(std::move(a));
}

namespace {
int64_t& pending_due(SensorState& s, DeadlineKind kind) {
  return kind == DeadlineKind::night_exit ? s.night_exit_due
                                          : s.scheduled_due[static_cast<int>(kind)];
}
}  // namespace

void Engine::schedule(uint32_t idx, DeadlineKind kind, int64_t due_ms) {
  int64_t& pending = pending_due(sensors_[idx], kind);
  // One heap entry per sensor and kind: an earlier pending entry re-checks and re-arms itself.
  if (pending != 0 && pending <= due_ms) return;
  pending = due_ms;
  deadlines_.schedule(due_ms, idx, kind);
}

void Engine::on_deadline(const Deadline& d, std::vector<Alert>& out) {
  SensorState& s = sensors_[d.sensor];
  int64_t& pending = pending_due(s, d.kind);
  if (pending != d.due_ms) return;  // superseded entry
  pending = 0;
  switch (d.kind) {
    case DeadlineKind::door_no_opening:
    case DeadlineKind::door_left_open: door_deadline(d.sensor, d.due_ms, out); break;
    case DeadlineKind::sensor_silent: silence_deadline(d.sensor, d.due_ms, out); break;
    case DeadlineKind::night_exit: night_exit_deadline(d.sensor, d.due_ms, out); break;
  }
}

void Engine::advance_watermark(int64_t t_ms, std::vector<Alert>& out) {
  if (t_ms <= watermark_ms_) return;
  watermark_ms_ = t_ms;
  watermark_dirty_ = true;
  Deadline d;
  while (deadlines_.pop_due(t_ms, d)) on_deadline(d, out);
}

// How far a reading at t_ms from sensor idx may move the watermark: see on_reading().
int64_t Engine::watermark_bound(uint32_t idx, int64_t t_ms, int64_t wall_ms) const {
  if (wall_ms > 0) return std::min(t_ms, wall_ms);
  if (t_ms <= watermark_ms_ + kSoloJumpMs) return t_ms;
  int64_t others = 0;  // the newest time another recently heard sensor vouches for
  bool any_other = false;
  for (size_t i = 0; i < recent_count_; ++i) {
    if (recent_[i].sensor == idx) continue;
    others = any_other ? std::max(others, recent_[i].time_ms) : recent_[i].time_ms;
    any_other = true;
  }
  return any_other ? std::min(t_ms, others) : t_ms;  // alone: its clock is the only one
}

void Engine::on_reading(const Reading& r, std::vector<Alert>& out, int64_t wall_ms) {
  if (restart_at_next_ms_ != 0) {
    restart_windows(std::max(restart_at_next_ms_, r.time_ms));
    restart_at_next_ms_ = 0;
  }
  const uint32_t idx = index_of(r.sensor_id, r.kind);
  const int64_t bound = watermark_bound(idx, r.time_ms, wall_ms);
  recent_[recent_next_] = RecentTime{idx, r.time_ms};
  recent_next_ = (recent_next_ + 1) % recent_.size();
  recent_count_ = std::min(recent_count_ + 1, recent_.size());
  // Deadlines before this reading's time fire first, so that order of input decides nothing.
  advance_watermark(std::min(r.time_ms - 1, bound), out);
  if (sensors_[idx].kind != r.kind) return;  // one id, two families: keep the first
  health_reading(idx, r, out);
  switch (r.kind) {
    case SensorKind::water: water_reading(idx, r, out); break;
    case SensorKind::door: door_reading(idx, r, out); break;
    case SensorKind::facade: facade_reading(idx, r, out); break;
  }
  advance_watermark(bound, out);
}

bool Engine::set_away(std::string_view household, int64_t until_ms) {
  const uint32_t i = household_ids_.find(household);
  if (i == IdTable::kNone) return false;
  households_[i].profile.away_until_ms = until_ms;
  dirty_households_.push_back(i);
  return true;
}

std::optional<SensorExplanation> Engine::explain_sensor(std::string_view id) const {
  const uint32_t i = sensor_ids_.find(id);
  if (i == IdTable::kNone) return std::nullopt;
  SensorExplanation e;
  e.state = sensors_[i];
  const Subject subject = subject_of(id);
  e.subject_kind = subject.kind;
  e.subject = std::string(subject.id);
  const SensorState& s = e.state;
  e.held_not_sent = s.held & ~s.open;
  if (e.held_not_sent != 0 && s.household != kNoHousehold) {
    const HouseholdState& h = households_[s.household];
    if (h.profile.away_until_ms > watermark_ms_)
      e.why_held =
          fmt::format("household away until {}", format_iso8601_utc(h.profile.away_until_ms));
    else if ((s.held & bit(AlertKind::StuckRegister)) && (e.held_not_sent & kNoActivityAlerts))
      e.why_held =
          "register stuck (S2): its silence says nothing of the person; the door's "
          "rules speak for the household";
    else if (probably_out(h))
      e.why_held = "door opened after the last water use: probably out";
    else if (const OpenCase c = open_case(h);
             c.severity >= 0 && (e.held_not_sent & kNoActivityAlerts))
      e.why_held = fmt::format(
          "the household's no-activity alert {} is open: one case, escalated only if it worsens",
          fb::EnumNameAlertKind(c.kind));
    else if (h.last_water_use_ms > 0)
      e.why_held = "water used after the last door opening: someone is home";
  }
  return e;
}

// --- checkpoints (their format: state_codec.h) ---------------------------------------------

void Engine::household_record_if_changed(uint32_t h, StateRecords& out) {
  encode_household_state(households_[h], household_scratch_);  // no allocation when unchanged
  // A collision (2^-64) would leave one change unwritten until the household's next change.
  const uint64_t hash = std::hash<std::string_view>{}(household_scratch_) | 1;
  if (household_written_[h] == hash) return;
  household_written_[h] = hash;
  StateRecord& r = out.add();
  r.key.append("h/").append(households_[h].profile.id);
  r.value.swap(household_scratch_);  // the scratch takes the entry's old buffer
}

void Engine::records_for(std::string_view sensor_id, StateRecords& out) {
  const uint32_t i = sensor_ids_.find(sensor_id);
  if (i == IdTable::kNone) return;
  const SensorState& s = sensors_[i];
  StateRecord& r = out.add();
  r.key.append("s/").append(sensor_id);
  encode_sensor_state(s, r.value);
  if (s.household != kNoHousehold) household_record_if_changed(s.household, out);
}

std::vector<StateRecord> Engine::take_dirty_records(size_t max_records) {
  StateRecords out;
  take_dirty_records(out, max_records);
  out.entries.resize(out.size);
  return std::move(out.entries);
}

void Engine::take_dirty_records(StateRecords& out, size_t max_records) {
  out.clear();
  // Ascending index order, as a scan would give (the list, not a scan: this runs after every
  // message); a sensor loaded from a checkpoint after it was listed is no longer dirty.
  std::sort(dirty_sensors_.begin(), dirty_sensors_.end());
  size_t taken = 0;
  for (; taken < dirty_sensors_.size() && out.size < max_records; ++taken) {
    const uint32_t i = dirty_sensors_[taken];
    if (!dirty_[i]) continue;
    dirty_[i] = 0;
    records_for(sensor_ids_.at(i), out);
  }
  dirty_sensors_.erase(dirty_sensors_.begin(),
                       dirty_sensors_.begin() + static_cast<ptrdiff_t>(taken));
  bool all_taken = dirty_sensors_.empty();
  std::sort(dirty_households_.begin(), dirty_households_.end());
  dirty_households_.erase(std::unique(dirty_households_.begin(), dirty_households_.end()),
                          dirty_households_.end());
  size_t h = 0;
  for (; h < dirty_households_.size() && out.size < max_records; ++h)
    household_record_if_changed(dirty_households_[h], out);
  dirty_households_.erase(dirty_households_.begin(),
                          dirty_households_.begin() + static_cast<ptrdiff_t>(h));
  all_taken = all_taken && dirty_households_.empty();
  if (watermark_dirty_ && all_taken && out.size < max_records) {
    StateRecord& r = out.add();
    r.key = "w";
    r.value = encode_watermark(watermark_ms_);
    watermark_dirty_ = false;
  }
}

void Engine::restart_windows(int64_t from_ms) {
  for (uint32_t i = 0; i < sensors_.size(); ++i) {
    SensorState& s = sensors_[i];
    if (s.kind == SensorKind::water) {
      for (QuietWindow* w : {&s.water().w1, &s.water().w2})
        if (w->anchor_time_ms != 0 && w->anchor_time_ms < from_ms) {
          w->anchor_time_ms = from_ms;
          mark_dirty(i);
        }
    } else if (s.kind == SensorKind::door && s.door().last_opening_ms != 0 &&
               s.door().last_opening_ms < from_ms) {
      s.door().last_opening_ms = from_ms;  // the pending D1/D2 deadline re-arms from it
      schedule(i, DeadlineKind::door_no_opening, from_ms + rules_.d1_window_s * 1000);
      mark_dirty(i);
    }
  }
}

std::string Engine::load_record(std::string_view key, std::string_view value) {
  std::string error =
      key.starts_with("h/") ? load_household_record(key, value) : load_other_record(key, value);
  finish_restore();
  return error;
}

// A household's pending night exit is confirmed by a deadline on its doors: armed here for
// the households loaded and for the doors linked since the last call, whichever came first.
void Engine::finish_restore() {
  auto arm_night_exit = [this](uint32_t hi, uint32_t door) {
    const HouseholdState& h = households_[hi];
    if (h.night_exit_ms != 0)
      schedule(door, DeadlineKind::night_exit, night_exit_confirm_ms(h, h.night_exit_ms));
  };
  for (const auto& [hi, idx] : restore_links_) {
    if (sensors_[idx].kind == SensorKind::door) {
      households_[hi].doors.push_back(idx);
      arm_night_exit(hi, idx);
    } else {
      households_[hi].meters.push_back(idx);
    }
  }
  restore_links_.clear();
  for (const uint32_t hi : restore_night_exits_)
    for (const uint32_t door : households_[hi].doors) arm_night_exit(hi, door);
  restore_night_exits_.clear();
}

std::string Engine::load_household_record(std::string_view key, std::string_view value) {
  if (!key.starts_with("h/")) return fmt::format("checkpoint record {}: not a household's", key);
  const uint32_t i = household_ids_.find(key.substr(2));
  if (i == IdTable::kNone) return {};  // no longer in the inventory
  HouseholdState& h = households_[i];
  std::string error;
  if (!decode_household_state(value, h, error))
    return fmt::format("checkpoint record {}: {}", key, error);
  if (h.last_sign_ms) note_sign_of_life(h, h.last_sign_ms);
  if (h.night_exit_ms != 0) restore_night_exits_.push_back(i);
  return {};
}

std::string Engine::load_other_record(std::string_view key, std::string_view value) {
  std::string error;
  if (key == "w") {
    if (auto wm = decode_watermark(value)) {
      watermark_ms_ = *wm;
      return {};
    }
    return fmt::format("checkpoint record w: a watermark of {} bytes, expected 8", value.size());
  }
  if (key.starts_with("s/")) {
    std::optional<SensorState> loaded = decode_sensor_state(value, error);
    if (!loaded) return fmt::format("checkpoint record {}: {}", key, error);
    SensorState& s = *loaded;
    const uint32_t idx = index_of(key.substr(2), s.kind, /*defer_link=*/true);
    s.household = sensors_[idx].household;  // from today's inventory, not the checkpoint's
    sensors_[idx] = s;
    dirty_[idx] = 0;
    // Re-arm the deadlines this state implies.
    if (s.kind == SensorKind::door) {
      if (s.door().last_opening_ms)
        schedule(idx, DeadlineKind::door_no_opening,
                 s.door().last_opening_ms + rules_.d1_window_s * 1000);
      if (s.door().open_since_ms)
        schedule(idx, DeadlineKind::door_left_open,
                 s.door().open_since_ms + rules_.d4_open_s * 1000);
    }
    if (const int64_t due = silence_due(rules_, s, listening_since_ms_))
      schedule(idx, DeadlineKind::sensor_silent, due);
  }
  return {};
}

}  // namespace edgegw
