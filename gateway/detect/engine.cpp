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
#include "gateway/detect/engine.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "drivers/timestamp.h"

namespace edgegw {

Engine::Engine(const RulesConfig& rules, const Inventory& inventory) {
  reconfigure(rules, inventory);
}

void Engine::reconfigure(const RulesConfig& rules, const Inventory& inventory) {
  rules_ = rules;
  // Keep runtime household state (away mode, last activity) across a reload.
  std::vector<HouseholdState> old = std::move(households_);
  StringMap<uint32_t> old_index = std::move(household_index_);
  inventory_ = inventory;
  households_.clear();
  household_index_.clear();
  household_of_sensor_.clear();
  facade_buildings_.clear();
  for (const Household& h : inventory_.households) {
    HouseholdState hs;
    hs.profile = h;
    if (auto it = old_index.find(h.id); it != old_index.end()) {
      const HouseholdState& o = old[it->second];
      hs.last_water_use_ms = o.last_water_use_ms;
      hs.last_water_use_from_ms = o.last_water_use_from_ms;
      hs.last_any_use_from_ms = o.last_any_use_from_ms;
      hs.last_door_activity_ms = o.last_door_activity_ms;
      hs.prev_door_activity_ms = o.prev_door_activity_ms;
      hs.c1_open = o.c1_open;
      hs.openings_since_use = o.openings_since_use;
      if (hs.profile.away_until_ms == 0) hs.profile.away_until_ms = o.profile.away_until_ms;
    }
    const uint32_t hi = static_cast<uint32_t>(households_.size());
    household_index_[h.id] = hi;
    for (const auto& m : h.meters) household_of_sensor_[m] = hi;
    for (const auto& d : h.doors) household_of_sensor_[d] = hi;
    households_.push_back(std::move(hs));
  }
  for (const FacadeSite& f : inventory_.facades)
    facade_buildings_[f.sensor] = Subject{SubjectKind::Building, f.building};
  link_households();
}

void Engine::link_households() {
  for (auto& h : households_) h.meters.clear(), h.doors.clear();
  for (uint32_t i = 0; i < sensors_.size(); ++i) {
    auto it = household_of_sensor_.find(ids_[i]);
    sensors_[i].household = it == household_of_sensor_.end() ? kNoHousehold : it->second;
    if (sensors_[i].household == kNoHousehold) continue;
    auto& h = households_[sensors_[i].household];
    (sensors_[i].kind == SensorKind::door ? h.doors : h.meters).push_back(i);
  }
}

uint32_t Engine::index_of(std::string_view id, SensorKind kind) {
  if (auto it = index_.find(id); it != index_.end()) return it->second;
  const uint32_t idx = static_cast<uint32_t>(sensors_.size());
  index_.emplace(std::string(id), idx);
  ids_.emplace_back(id);
  SensorState s;
  s.kind = kind;
  auto h = household_of_sensor_.find(id);
  if (h != household_of_sensor_.end()) {
    s.household = h->second;
    auto& hs = households_[h->second];
    (kind == SensorKind::door ? hs.doors : hs.meters).push_back(idx);
  }
  sensors_.push_back(s);
  dirty_.push_back(1);
  return idx;
}

Subject Engine::subject_of(std::string_view sensor_id) const {
  if (auto it = household_of_sensor_.find(sensor_id); it != household_of_sensor_.end())
    return Subject{SubjectKind::Household, households_[it->second].profile.id};
  if (auto it = facade_buildings_.find(sensor_id); it != facade_buildings_.end()) return it->second;
  return Subject{SubjectKind::Sensor, sensor_id};
}

const SensorState* Engine::sensor(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &sensors_[it->second];
}

const HouseholdState* Engine::household(std::string_view id) const {
  auto it = household_index_.find(id);
  return it == household_index_.end() ? nullptr : &households_[it->second];
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
  const Subject subject = subject_of(ids_[idx]);
  a.subject_kind = subject.kind;
  a.subject = std::string(subject.id);
  a.sensor_id = ids_[idx];
  a.event_time_ms = event_ms;
  a.detect_time_ms = detect_ms;
  a.observed = observed;
  a.threshold = threshold;
  a.window_s = static_cast<uint32_t>(window_s);
  return a;
}

// The door opened after the last water use: the person probably went out. A use is only known
// to lie between two meter reports, so a door event inside that interval counts as after it
// (washing hands, then leaving, is common; coming home and falling within one report is not).
namespace {
bool left_after_last_use(const HouseholdState& h) {
  // Any register movement after the door (even a litre) says someone is home.
  return !h.profile.doors.empty() &&
         h.last_door_activity_ms > std::max(h.last_water_use_from_ms, h.last_any_use_from_ms);
}
}  // namespace

bool Engine::suppressed(uint32_t idx, const Alert& a) const {
  const SensorState& s = sensors_[idx];
  if (a.audience != Audience::Care || s.household == kNoHousehold) return false;
  const HouseholdState& h = households_[s.household];
  if (h.profile.away_until_ms > a.detect_time_ms) return true;
  switch (a.rule) {
    case Rule::W1:
    case Rule::W2:
    case Rule::D1:
    case Rule::D2: {
      // Out: the door opened after the last water use. Wait until the absence is too long.
      // (A door contact cannot tell leaving from coming back; see README, Detection.)
      const bool out = left_after_last_use(h);
      if (out) return a.detect_time_ms - h.last_door_activity_ms < rules_.max_absence_s * 1000;
      // At home: D1/D2 wait while water was used after the last opening (someone is well).
      if (a.rule == Rule::D1 || a.rule == Rule::D2)
        return !h.profile.meters.empty() && h.last_water_use_ms > a.event_time_ms;
      return false;
    }
    default: return false;
  }
}

void Engine::raise(uint32_t idx, Alert a, std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  const OpenAlerts b = bit(a.kind);
  if (!(s.held & b)) dirty_[idx] = 1;
  s.held |= b;
  if ((s.open & b) || suppressed(idx, a)) return;
  s.open |= b;
  dirty_[idx] = 1;
  if (a.rule == Rule::W1 && s.household != kNoHousehold) {
    out.push_back(a);
    update_c1(s.household, idx, a.detect_time_ms, out);
    return;
  }
  out.push_back(std::move(a));
}

void Engine::clear(uint32_t idx, AlertKind kind, Rule rule, int64_t at_ms,
                   std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  const OpenAlerts b = bit(kind);
  if (!(s.held & b)) return;
  s.held &= ~b;
  dirty_[idx] = 1;
  if (!(s.open & b)) return;
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
  if (rule == Rule::W1 && s.household != kNoHousehold) update_c1(s.household, idx, at_ms, out);
}

// C1 holds while a meter of the household has W1 open and no door opened since the last water use.
void Engine::update_c1(uint32_t hi, uint32_t meter, int64_t at_ms, std::vector<Alert>& out) {
  HouseholdState& h = households_[hi];
  if (h.profile.doors.empty()) return;
  bool w1_open = false;
  for (uint32_t m : h.meters) w1_open |= (sensors_[m].open & bit(AlertKind::NoWaterUse12h)) != 0;
  const bool holds = w1_open && !left_after_last_use(h) && h.profile.away_until_ms <= at_ms;
  if (holds == h.c1_open) return;
  h.c1_open = holds;
  dirty_households_.push_back(hi);
  Alert a = make(meter, Rule::C1, AlertKind::NoSignOfLife, Audience::Care, Severity::Critical,
                 std::max(h.last_water_use_ms, h.last_door_activity_ms), at_ms, 0,
                 rules_.w1_threshold_m3, rules_.w1_window_s);
  if (!holds) {
    a.state = AlertState::Cleared;
    a.event_time_ms = at_ms;
  }
  out.push_back(std::move(a));
}

void Engine::schedule(uint32_t idx, DeadlineKind kind, int64_t due_ms) {
  int64_t& pending = sensors_[idx].scheduled_due[static_cast<int>(kind)];
  // One heap entry per sensor and kind: an earlier pending entry re-checks and re-arms itself.
  if (pending != 0 && pending <= due_ms) return;
  pending = due_ms;
  deadlines_.schedule(due_ms, idx, kind);
}

void Engine::on_deadline(const Deadline& d, std::vector<Alert>& out) {
  SensorState& s = sensors_[d.sensor];
  int64_t& pending = s.scheduled_due[static_cast<int>(d.kind)];
  if (pending != d.due_ms) return;  // superseded entry
  pending = 0;
  switch (d.kind) {
    case DeadlineKind::door_no_opening:
    case DeadlineKind::door_left_open: door_deadline(d.sensor, d.due_ms, out); break;
    case DeadlineKind::sensor_silent: silence_deadline(d.sensor, d.due_ms, out); break;
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
  auto it = household_index_.find(household);
  if (it == household_index_.end()) return false;
  households_[it->second].profile.away_until_ms = until_ms;
  dirty_households_.push_back(it->second);
  return true;
}

std::string Engine::explain_sensor(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return fmt::format(R"({{"sensor":"{}","known":false}})", id);
  const SensorState& s = sensors_[it->second];
  const Subject subject = subject_of(id);
  std::string open, held;
  for (int k = 0; k <= static_cast<int>(AlertKind::MAX); ++k) {
    const auto kind = static_cast<AlertKind>(k);
    if (s.open & bit(kind))
      open += fmt::format(R"({}"{}")", open.empty() ? "" : ",", fb::EnumNameAlertKind(kind));
    if ((s.held & bit(kind)) && !(s.open & bit(kind)))
      held += fmt::format(R"({}"{}")", held.empty() ? "" : ",", fb::EnumNameAlertKind(kind));
  }
  std::string why;
  if (!held.empty() && s.household != kNoHousehold) {
    const HouseholdState& h = households_[s.household];
    if (h.profile.away_until_ms > watermark_ms_)
      why = fmt::format("household away until {}", format_iso8601_utc(h.profile.away_until_ms));
    else if (left_after_last_use(h) && (s.held & bit(AlertKind::NoWaterUse12h)))
      why = "door opened after the last water use: probably out";
    else if (h.last_water_use_ms > 0)
      why = "water used after the last door opening: someone is home";
  }
  auto t = [](int64_t ms) {
    return ms ? "\"" + format_iso8601_utc(ms) + "\"" : std::string("null");
  };
  std::string detail;
  switch (s.kind) {
    case SensorKind::water:
      detail = fmt::format(R"("register_m3":{},"last_use":{},"quiet_since":{},"period_s":{})",
                           std::isnan(s.water.last_total_m3) ? 0.0 : s.water.last_total_m3,
                           t(s.water.last_change_ms), t(s.water.w1.anchor_time_ms),
                           s.water.period_ms / 1000);
      break;
    case SensorKind::door:
      detail = fmt::format(R"("contact":"{}","last_opening":{},"open_since":{})",
                           s.door.contact_closed < 0 ? "unknown"
                           : s.door.contact_closed   ? "closed"
                                                     : "open",
                           t(s.door.last_opening_ms), t(s.door.open_since_ms));
      break;
    case SensorKind::facade:
      detail = fmt::format(R"("patch_dT_c":{},"consecutive_readings":{})", s.facade.last_dt_c,
                           s.facade.consecutive);
      break;
  }
  return fmt::format(
      R"({{"sensor":"{}","known":true,"kind":"{}","subject_kind":"{}","subject":"{}","last_seen":{},)"
      R"("open_alerts":[{}],"held_not_sent":[{}],"why_held":"{}",{}}})",
      id,
      s.kind == SensorKind::water  ? "water"
      : s.kind == SensorKind::door ? "door"
                                   : "facade",
      fb::EnumNameSubjectKind(subject.kind), subject.id, t(s.health.last_seen_ms), open, held, why,
      detail);
}

// --- checkpoints --------------------------------------------------------------------------
// Sensor record: "s/<id>" -> version byte + SensorState bytes (trivially copyable).
// Household record: "h/<id>" -> version byte + last water use, last door activity, away, c1.
// Watermark: "w" -> int64.

namespace {
constexpr char kStateVersion = 1;

struct HouseholdRecord {
  int64_t last_water_use_ms, last_water_use_from_ms, last_any_use_from_ms, last_door_activity_ms,
      prev_door_activity_ms, away_until_ms;
  bool c1_open;
  int32_t openings_since_use;
};

StateRecord household_record(const HouseholdState& h) {
  HouseholdRecord rec{};  // zeroed, padding included: the bytes are stored as they are
  rec.last_water_use_ms = h.last_water_use_ms;
  rec.last_water_use_from_ms = h.last_water_use_from_ms;
  rec.last_any_use_from_ms = h.last_any_use_from_ms;
  rec.last_door_activity_ms = h.last_door_activity_ms;
  rec.prev_door_activity_ms = h.prev_door_activity_ms;
  rec.away_until_ms = h.profile.away_until_ms;
  rec.c1_open = h.c1_open;
  rec.openings_since_use = h.openings_since_use;
  std::string v(1 + sizeof rec, kStateVersion);
  std::memcpy(v.data() + 1, &rec, sizeof rec);
  return {"h/" + h.profile.id, std::move(v)};
}
}  // namespace

void Engine::records_for(std::string_view sensor_id, std::vector<StateRecord>& out) const {
  static_assert(std::is_trivially_copyable_v<SensorState>);
  auto it = index_.find(sensor_id);
  if (it == index_.end()) return;
  const SensorState& s = sensors_[it->second];
  std::string value(1 + sizeof(SensorState), kStateVersion);
  std::memcpy(value.data() + 1, &s, sizeof s);
  out.push_back({"s/" + std::string(sensor_id), std::move(value)});
  if (s.household != kNoHousehold) {
    const HouseholdState& h = households_[s.household];
    out.push_back(household_record(h));
  }
}

std::vector<StateRecord> Engine::take_dirty_records() {
  std::vector<StateRecord> out;
  for (uint32_t i = 0; i < sensors_.size(); ++i) {
    if (!dirty_[i]) continue;
    dirty_[i] = 0;
    records_for(ids_[i], out);
  }
  std::sort(dirty_households_.begin(), dirty_households_.end());
  dirty_households_.erase(std::unique(dirty_households_.begin(), dirty_households_.end()),
                          dirty_households_.end());
  for (uint32_t hi : dirty_households_) out.push_back(household_record(households_[hi]));
  dirty_households_.clear();
  if (watermark_dirty_) {
    std::string v(sizeof watermark_ms_, '\0');
    std::memcpy(v.data(), &watermark_ms_, sizeof watermark_ms_);
    out.push_back({"w", std::move(v)});
    watermark_dirty_ = false;
  }
  return out;
}

void Engine::restart_windows(int64_t from_ms) {
  for (uint32_t i = 0; i < sensors_.size(); ++i) {
    SensorState& s = sensors_[i];
    if (s.kind == SensorKind::water) {
      for (QuietWindow* w : {&s.water.w1, &s.water.w2})
        if (w->anchor_time_ms != 0 && w->anchor_time_ms < from_ms) {
          w->anchor_time_ms = from_ms;
          dirty_[i] = 1;
        }
    } else if (s.kind == SensorKind::door && s.door.last_opening_ms != 0 &&
               s.door.last_opening_ms < from_ms) {
      s.door.last_opening_ms = from_ms;  // the pending D1/D2 deadline re-arms from it
      schedule(i, DeadlineKind::door_no_opening, from_ms + rules_.d1_window_s * 1000);
      dirty_[i] = 1;
    }
  }
}

void Engine::load_record(std::string_view key, std::string_view value) {
  if (key == "w" && value.size() == sizeof(int64_t)) {
    std::memcpy(&watermark_ms_, value.data(), sizeof(int64_t));
    return;
  }
  if (value.empty() || value[0] != kStateVersion) return;  // other versions: start afresh
  if (key.starts_with("s/") && value.size() == 1 + sizeof(SensorState)) {
    SensorState s;
    std::memcpy(&s, value.data() + 1, sizeof s);
    const uint32_t idx = index_of(key.substr(2), s.kind);
    const uint32_t household = sensors_[idx].household;
    s.household = household;  // from today's inventory, not the checkpoint's
    for (auto& due : s.scheduled_due) due = 0;
    sensors_[idx] = s;
    dirty_[idx] = 0;
    // Re-arm the deadlines this state implies.
    if (s.kind == SensorKind::door) {
      if (s.door.last_opening_ms)
        schedule(idx, DeadlineKind::door_no_opening,
                 s.door.last_opening_ms + rules_.d1_window_s * 1000);
      if (s.door.open_since_ms)
        schedule(idx, DeadlineKind::door_left_open, s.door.open_since_ms + rules_.d4_open_s * 1000);
    }
    if (const int64_t due = silence_due(s)) schedule(idx, DeadlineKind::sensor_silent, due);
  } else if (key.starts_with("h/") && value.size() == 1 + sizeof(HouseholdRecord)) {
    auto it = household_index_.find(key.substr(2));
    if (it == household_index_.end()) return;
    HouseholdRecord rec;
    std::memcpy(&rec, value.data() + 1, sizeof rec);
    HouseholdState& h = households_[it->second];
    h.last_water_use_ms = rec.last_water_use_ms;
    h.last_water_use_from_ms = rec.last_water_use_from_ms;
    h.last_any_use_from_ms = rec.last_any_use_from_ms;
    h.last_door_activity_ms = rec.last_door_activity_ms;
    h.prev_door_activity_ms = rec.prev_door_activity_ms;
    h.profile.away_until_ms = rec.away_until_ms;
    h.c1_open = rec.c1_open;
    h.openings_since_use = rec.openings_since_use;
  }
}

}  // namespace edgegw
