// engine_household.cpp: the household's presence and its learned no-activity rule.
//
// Presence, from the door's passages, from the first day: each opening is one passage, out or
// back in; water used says "home" and restarts the count. Water used in a meter interval with
// no door event while the count says "out" was a door opened for someone who stayed (a guest,
// a parcel): the person is home, and the next opening may be the guest leaving (not a night
// exit for D3). A door event inside the interval of a use is ordered by the passage count: home
// before the interval and one opening means "used water, then left"; out before it means "came
// back, then used water". So the second passage of a pair minutes apart (the rubbish, the post)
// is a return, and a fall right after coming home is a fall at home: W1 counts the outing in
// its 12 h once the person has been home w1_return_quiet_s with no use (Engine::suppressed).
// An outing in progress holds the no-activity rules until it is improbably long.
//
// H1: after h1_min_days of history, the person quiet at home past the longest quiet stretch
// this person had after that time of day (household_model.h), with a margin, is improbable:
// raised on the next meter report, with the current quiet (observed, h), the allowed quiet
// (threshold, h) and the usual one (window, s) as evidence. A quiet that runs into the quiet
// hours is judged from their end, after h1_morning_min_days of history: no use by this person's
// median first use after them plus a late rising's allowance. The W1 floor holds whatever the
// model says.
//
// D3: leaving in quiet hours and not back within d3_confirm_s, at an hour at which this person
// does not usually go out. A late return, or an early riser's usual market trip, is not; in the
// last d3_dawn_s of the quiet hours, before the habit is learned, the wait is d3_dawn_confirm_s.
// Leaving at a usual hour and not back, with no water, d3_guest_confirm_s after the quiet
// hours' end is D3 too (the habit is no reason to wait for the 84 h absence limit). So is an
// exit that may be a guest leaving, in the evening (d3_guest_evening_s); later in the night a
// guest is not waited for.
#include <algorithm>
#include <cmath>

#include "gateway/detect/engine.h"
#include "gateway/detect/local_time.h"

namespace edgegw {

// A sign of life restarts the quiet. H1's deadline for it is worked out only when the quiet
// has lasted h1_min_quiet_s (household_quiet_check): most quiets end sooner, and the learned
// model it reads is not changed in between (it is marked only by a sign of life).
void Engine::note_sign_of_life(HouseholdState& h, int64_t t) {
  h.last_sign_ms = std::max(h.last_sign_ms, t);
  h.quiet_deadline_ms = kQuietDeadlineDue;
  h.usual_quiet_ms = 0;
}

// H1's deadline for the quiet that began at the last sign of life. By day: the longest quiet
// stretch this person had after this time of day, scaled, plus a margin. A quiet that reaches
// the household's quiet hours is a night, judged from the end of the quiet hours (a night
// without a trip to the toilet is not an alert): by this person's median first use after
// them plus h1_morning_late_s (a late rising), or, when the last use came in the last
// h1_morning_up_s of the quiet hours (an early riser already up), by the longest quiet after
// their end, as by day.
Engine::QuietDeadline Engine::quiet_deadline(const HouseholdState& h) const {
  if (h.quiet_deadline_ms != kQuietDeadlineDue) return {h.quiet_deadline_ms, h.usual_quiet_ms};
  const int64_t t = h.last_sign_ms;
  const HouseholdProfile& p = h.profile;
  const int offset = p.utc_offset_min;
  // A quiet allowed from `from`: never shorter than h1_min_quiet_s, never past W1's window.
  auto bounded = [&](int64_t from, int64_t quiet_ms) {
    return from + std::clamp(quiet_ms, rules_.h1_min_quiet_s * 1000, rules_.w1_window_s * 1000);
  };
  // By the longest quiet after `from`'s time of day on the days of history, scaled, plus the
  // margin.
  auto by_longest = [&](int64_t from, int min_days) -> QuietDeadline {
    const int64_t usual = model_usual_quiet_after(h.model, from, offset, min_days);
    if (usual < 0) return {};
    const auto scaled =
        static_cast<int64_t>(std::llround(static_cast<double>(usual) * rules_.h1_factor));
    return {bounded(from, scaled + rules_.h1_margin_s * 1000), usual};
  };
  const bool night_now =
      in_quiet_hours(local_minute_of_day(t, offset), p.quiet_start_min, p.quiet_end_min);
  const int64_t night_starts = night_now ? t : next_local_minute(t, offset, p.quiet_start_min);
  if (!night_now) {
    const QuietDeadline by_day = by_longest(t, rules_.h1_min_days);
    if (by_day.due_ms == 0 || by_day.due_ms < night_starts) return by_day;
  }
  const int64_t morning = next_local_minute(night_starts, offset, p.quiet_end_min);
  if (night_now && morning - t < rules_.h1_morning_up_s * 1000)
    return by_longest(morning, rules_.h1_morning_min_days);
  const int64_t usual =
      model_median_first_use_after(h.model, morning, offset, rules_.h1_morning_min_days);
  if (usual < 0) return {};
  return {bounded(morning, usual + rules_.h1_morning_late_s * 1000), usual};
}

void Engine::household_water_use(uint32_t hi, int64_t from_ms, int64_t t) {
  HouseholdState& h = households_[hi];
  dirty_households_.push_back(hi);
  model_mark(h.model, t, t, h.profile.utc_offset_min);
  const bool door_in_interval = h.last_door_activity_ms > from_ms;
  if (h.presence == Presence::unsure || (h.presence == Presence::out && !door_in_interval)) {
    // Out with no passage since the last report, yet water used: someone opened the door and
    // stayed (a visitor, a doorstep talk). The person is home.
    if (h.presence == Presence::out) {
      h.guest_possible = true;
      h.parity_error_ms = t;
    }
    h.presence = Presence::home;
    h.outing_start_ms = 0;
  }
  if (h.presence != Presence::out) note_sign_of_life(h, t);
}

void Engine::household_door_opening(uint32_t hi, uint32_t door, int64_t t) {
  HouseholdState& h = households_[hi];
  dirty_households_.push_back(hi);
  const int offset = h.profile.utc_offset_min;
  const bool guest_leaving = guest_may_leave(h, t);
  h.guest_possible = false;           // kept below for a night exit that may be the guest's
  if (h.presence == Presence::out) {  // back home
    model_record_outing(h.model, h.outing_start_ms, t);
    h.presence = Presence::home;
    h.outing_start_ms = 0;
    h.last_return_ms = t;
    note_sign_of_life(h, t);
  } else {  // out (the guest's leaving is counted as the person's: a fall after it is held)
    h.presence = Presence::out;
    h.outing_start_ms = t;
  }
  // D3 candidate: leaving in quiet hours (water was the last thing before this opening). At an
  // hour at which this person uses the door (an early market), or when it may be a guest who
  // came in and stayed (the person probably home), confirmed only when there is no water and no
  // return by the morning (night_exit_confirm_ms).
  const bool home_before =
      h.prev_door_activity_ms <= std::max(h.last_water_use_from_ms, h.last_any_use_from_ms);
  const int minute = local_minute_of_day(t, offset);
  if (in_quiet_hours(minute, h.profile.quiet_start_min, h.profile.quiet_end_min)) {
    if (home_before) {
      h.night_exit_ms = t;
      h.night_exit_usual = model_openings_near(h.model, t, offset) >= rules_.d3_usual_outings;
      h.guest_possible = guest_leaving;
      schedule(door, DeadlineKind::night_exit, night_exit_confirm_ms(h, t));
    }
    model_record_opening(h.model, t, offset);  // the habit: a night opening at this hour
  }
}

int64_t Engine::night_exit_confirm_ms(const HouseholdState& h, int64_t opened) const {
  const int offset = h.profile.utc_offset_min;
  const int64_t quiet_end = next_local_minute(opened, offset, h.profile.quiet_end_min);
  // In the evening, water used in the report that holds the exit (or the next) says the person
  // was up: a guest leaving and the host washing up before bed, more likely than a wandering
  // from bed. It waits for the morning, as for a known guest: no use by then is D3.
  const bool up = in_evening(h, opened, rules_.d3_up_evening_s) && used_around(h, opened);
  if (h.night_exit_usual || guest_may_leave(h, opened) || up)
    return quiet_end + rules_.d3_guest_confirm_s * 1000;
  const bool dawn = quiet_end - opened <= rules_.d3_dawn_s * 1000;
  return opened + (dawn ? rules_.d3_dawn_confirm_s : rules_.d3_confirm_s) * 1000;
}

int Engine::usual_bedtime_min(const HouseholdState& h, int64_t t_ms) const {
  if (rules_.w1_bedtime_learn_days <= 0) return -1;
  return model_usual_bedtime(h.model, t_ms, h.profile.utc_offset_min, rules_.w1_bedtime_learn_days);
}

int64_t Engine::outing_limit_ms(const HouseholdState& h) const {
  const int64_t q =
      model_outing_quantile(h.model, rules_.outing_quantile, rules_.outing_min_outings);
  if (q < 0) return rules_.max_absence_s * 1000;
  const auto scaled =
      static_cast<int64_t>(std::llround(static_cast<double>(q) * rules_.outing_factor));
  return std::clamp(scaled, rules_.outing_min_alert_s * 1000, rules_.max_absence_s * 1000);
}

void Engine::household_quiet_check(uint32_t meter, int64_t t, std::vector<Alert>& out) {
  SensorState& s = sensors_[meter];
  HouseholdState& h = households_[s.household];
  // The deadline is never sooner than h1_min_quiet_s after the last sign of life: before
  // then (or while the person is out) it is not worked out.
  if (t - h.last_sign_ms < rules_.h1_min_quiet_s * 1000 || probably_out(h)) {
    clear(meter, AlertKind::UnusualQuiet, Rule::H1, t, out);
    return;
  }
  if (h.quiet_deadline_ms == kQuietDeadlineDue) {
    const QuietDeadline d = quiet_deadline(h);
    h.quiet_deadline_ms = d.due_ms;
    h.usual_quiet_ms = d.usual_ms;
  }
  if (h.quiet_deadline_ms == 0 || t < h.quiet_deadline_ms) {
    clear(meter, AlertKind::UnusualQuiet, Rule::H1, t, out);
    return;
  }
  raise(meter,
        make(meter, Rule::H1, AlertKind::UnusualQuiet, Audience::Care, Severity::Warning,
             h.last_sign_ms, t, static_cast<double>(t - h.last_sign_ms) / kHourMs,
             static_cast<double>(h.quiet_deadline_ms - h.last_sign_ms) / kHourMs,
             h.usual_quiet_ms / 1000),
        out);
}

void Engine::night_exit_deadline(uint32_t door, int64_t due, std::vector<Alert>& out) {
  SensorState& s = sensors_[door];
  if (s.household == kNoHousehold) return;
  HouseholdState& h = households_[s.household];
  const int64_t opened = h.night_exit_ms;
  if (opened == 0) return;
  const int64_t confirm = night_exit_confirm_ms(h, opened);
  if (confirm > due) {  // a later exit than the one that armed this, or the person was up
    schedule(door, DeadlineKind::night_exit, confirm);
    return;
  }
  // A use reported in the meter's report that spans the exit may have come just before it
  // (the toilet before going out) or just after (back inside, or never gone): wait for that
  // report (an hourly meter's comes up to an hour after the exit), and when it shows use, for
  // the next one, whose interval lies wholly after the exit, before deciding. A meter that
  // misses its report is not waited for.
  for (uint32_t m : h.meters) {
    const WaterState& w = sensors_[m].water();
    if (w.period_ms <= 0) continue;
    const bool spanning_due = w.last_time_ms < opened;
    const bool spanning_used =
        !spanning_due && w.last_change_ms > opened && w.last_time_ms - w.period_ms < opened;
    if (!spanning_due && !spanning_used) continue;
    const int64_t next_report = w.last_time_ms + w.period_ms + w.period_ms / 4;
    if (next_report > due) {
      schedule(door, DeadlineKind::night_exit, next_report);
      return;
    }
  }
  const bool guest = guest_may_leave(h, opened);
  h.night_exit_ms = 0;
  h.guest_possible = false;
  // Still gone: no passage and no water since that opening. A use reported after the exit may
  // have come before it, within the same report: for the person's own exit that is not a
  // return; for an exit that was probably the guest's, it is the person still at home.
  if (h.last_door_activity_ms != opened || h.last_any_use_from_ms >= opened) return;
  if (guest && register_moved_since(h, opened)) return;
  const HouseholdProfile& p = h.profile;
  const int minute = local_minute_of_day(opened, p.utc_offset_min);
  const int64_t night = local_day(
      opened + (minute >= p.quiet_start_min && p.quiet_start_min > p.quiet_end_min ? kDayMs : 0),
      p.utc_offset_min);
  if (night == s.door().d3_night) return;  // once per night
  s.door().d3_night = night;
  s.open &= ~bit(AlertKind::NightDoorOpening);
  s.held &= ~bit(AlertKind::NightDoorOpening);
  raise(door,
        make(door, Rule::D3, AlertKind::NightDoorOpening, Audience::Care, Severity::Warning, opened,
             due, minute, p.quiet_start_min, (confirm - opened) / 1000),
        out);
}

}  // namespace edgegw
