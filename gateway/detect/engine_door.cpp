// engine_door.cpp: door-contact rules. Zigbee2MQTT's contact true = closed.
//  D1 fewer than the minimum openings in 24 h; D2 no entry / exit for 48 h (both as deadlines
//  on the watermark from the last opening); D4 door left open longer than 10 min (deadline
//  from the opening). D3 (leaving at night) is the household's: engine_household.cpp.
#include "gateway/detect/engine.h"
#include "gateway/detect/local_time.h"

namespace edgegw {

void Engine::door_reading(uint32_t idx, const Reading& r, std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  DoorState& d = s.door();
  if (!r.door.contact_closed) return;       // availability or battery-only message
  if (r.time_ms < d.last_event_ms) return;  // late
  const int8_t closed = *r.door.contact_closed ? 1 : 0;
  const int64_t t = r.time_ms;
  // The opening already counted at this very time, delivered again (a QoS 1 redelivery after
  // a restart, behind the closing that followed it): counting it twice would flip in and out.
  if (closed == 0 && t == d.last_opening_ms) return;
  mark_dirty(idx);
  d.last_event_ms = t;
  if (closed == d.contact_closed) return;  // a report without a change
  const bool opened = closed == 0;
  d.contact_closed = closed;
  if (!opened) {
    d.open_since_ms = 0;
    clear(idx, AlertKind::DoorLeftOpen, Rule::D4, t, out);
    return;
  }
  d.open_since_ms = t;
  d.last_opening_ms = t;
  if (s.household != kNoHousehold) {
    HouseholdState& h = households_[s.household];
    h.longest_door_gap_ms =
        std::max(h.longest_door_gap_ms, t - std::max(h.last_door_activity_ms, h.last_water_use_ms));
    h.prev_door_activity_ms = h.last_door_activity_ms;
    h.last_door_activity_ms = std::max(h.last_door_activity_ms, t);
    ++h.openings_since_use;
    dirty_households_.push_back(s.household);
    if (h.c1_open) update_c1(s.household, idx, t, out);
  }
  clear(idx, AlertKind::NoDoorOpening, Rule::D1, t, out);
  clear(idx, AlertKind::NoEntryExit, Rule::D2, t, out);
  schedule(idx, DeadlineKind::door_no_opening, t + rules_.d1_window_s * 1000);
  schedule(idx, DeadlineKind::door_left_open, t + rules_.d4_open_s * 1000);

  // Presence, the learned model and D3 (leaving at night): engine_household.cpp.
  if (s.household != kNoHousehold) household_door_opening(s.household, idx, t);
}

void Engine::door_deadline(uint32_t idx, int64_t due, std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  DoorState& d = s.door();
  // D4: still open since the opening that armed it.
  if (d.open_since_ms != 0) {
    const int64_t open_due = d.open_since_ms + rules_.d4_open_s * 1000;
    if (open_due <= due)
      raise(idx,
            make(idx, Rule::D4, AlertKind::DoorLeftOpen, Audience::Care, Severity::Info,
                 d.open_since_ms, open_due, static_cast<double>(due - d.open_since_ms) / 1000,
                 static_cast<double>(rules_.d4_open_s), rules_.d4_open_s),
            out);
    else
      schedule(idx, DeadlineKind::door_left_open, open_due);
  }
  if (d.last_opening_ms == 0) return;
  const int64_t d1_due = d.last_opening_ms + rules_.d1_window_s * 1000;
  const int64_t d2_due = d.last_opening_ms + rules_.d2_window_s * 1000;
  if (d1_due <= due) {
    raise(idx,
          make(idx, Rule::D1, AlertKind::NoDoorOpening, Audience::Care, Severity::Warning,
               d.last_opening_ms, d1_due, 0, rules_.d1_min_openings, rules_.d1_window_s),
          out);
  } else {
    schedule(idx, DeadlineKind::door_no_opening, d1_due);
    return;
  }
  if (d2_due <= due)
    raise(idx,
          make(idx, Rule::D2, AlertKind::NoEntryExit, Audience::Care, Severity::High,
               d.last_opening_ms, d2_due, 0, 1, rules_.d2_window_s),
          out);
  else
    schedule(idx, DeadlineKind::door_no_opening, d2_due);
}

}  // namespace edgegw
