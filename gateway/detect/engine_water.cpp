// engine_water.cpp: water-meter rules W1-W5 and the register checks of S2.
//  W1/W2 no significant use over 12 h / 24 h (anchor method, see QuietWindow);
//  W3 register rising in every report for >= 2 h at a minimum rate with a steady floor, or a
//     tap's fast steady flow, or a coarse register never still for long through the night
//     (continuous flow);
//  W4 daily use above 2 m3 (local day); W5 use in every 30-min slot of 24 h (leak);
//  S2 register going backwards, and a register stuck while the household's door is in use.
#include <algorithm>
#include <cmath>

#include "gateway/detect/engine.h"
#include "gateway/detect/local_time.h"

namespace edgegw {

namespace {

constexpr double kEpsilon = 1e-9;  // 0.01 written as 123.539 - 123.529 must count as 0.01
constexpr int64_t kSlotMs = 30 * kMinuteMs;
constexpr uint64_t kAllSlots = (uint64_t{1} << 48) - 1;
constexpr uint64_t kStillSlots = 0xf;  // W5 clears after 2 h (4 slots) with no use

// Ends W3's runs, the steady one and the long one.
void end_flow_runs(MeterState& m) {
  m.water.flow_since_ms = 0;
  m.water.flow_reports = 0;
  m.flow = FlowState{};
  m.slow_since_ms = 0;
}

// Ends W3's trickle run (Engine::w3_trickle).
void end_trickle_run(MeterState& m) {
  m.trickle_since_ms = 0;
  m.trickle_held = false;
}

// The finest decimal a register reading shows, 0.1 L to 100 L (a CJ/T 188 register reads in
// 10 L steps, a wM-Bus meter in litres): the first of them that the reading is not a whole
// multiple of the next coarser one of. 0 for a reading that is not a number.
float register_step(double total_m3) {
  if (!std::isfinite(total_m3)) return 0;
  auto whole = [](double units) { return std::abs(units - std::round(units)) < 1e-3; };
  for (const double step : {0.0001, 0.001, 0.01})
    if (whole(total_m3 / step) && !whole(total_m3 / (step * 10))) return static_cast<float>(step);
  return 0.1f;
}

// A register of 10 L steps or coarser (a CJ/T 188 meter's).
bool coarse_register(float step_m3) {
  constexpr float kCoarseStepM3 = 0.005f;
  return step_m3 >= kCoarseStepM3;
}

// How many register steps per report W3's floor allows above the slowest report. A steady flow
// reads as one of two whole steps a report (15 L per report on a 10 L register: 10 or 20),
// and report timing can make it three: two steps on a fine register (1 L: 8 L/h on a
// 15-minute meter, under the slowest leak). On a coarse one (10 L and up) two steps are 80 L/h,
// as wide as the leaks themselves: a cleaning day's 10-30 L reports would read as a floor. One
// step there, the floor's share (2 of 8 reports may lie outside) absorbing the timing.
double floor_band_steps(float step_m3) {
  return coarse_register(step_m3) ? 1.0 : 2.0;
}

// W3's floor: in w3_steady_share of the run's last 8 reports the rate is within
// w3_steady_spread of the slowest one, or `step_rate` (floor_band_steps register steps per
// report). A leak is that floor with a person's bursts on top; a cleaning day or a visit is
// bursts only.
bool has_floor(const FlowState& f, double step_rate, const RulesConfig& rules) {
  constexpr int n = FlowState::kReports;
  const float floor = *std::min_element(f.rate, f.rate + n);
  const double band = floor + std::max(step_rate, rules.w3_steady_spread * floor);
  const auto near = std::count_if(f.rate, f.rate + n, [&](float r) { return r <= band; });
  return static_cast<double>(near) >= std::ceil(rules.w3_steady_share * n - 1e-9);
}

// Moves the anchor when the threshold was reached; returns whether the window is now quiet.
bool quiet_window(QuietWindow& w, int64_t t, double total, double threshold, int64_t window_s,
                  bool sign_of_life) {
  if (std::isnan(w.anchor_total_m3) || total < w.anchor_total_m3) {
    w.anchor_time_ms = t;
    w.anchor_total_m3 = total;
    return false;
  }
  if (sign_of_life || total - w.anchor_total_m3 + kEpsilon >= threshold) {
    w.anchor_time_ms = t;
    w.anchor_total_m3 = total;
    return false;
  }
  return t - w.anchor_time_ms >= window_s * 1000;
}

}  // namespace

void Engine::water_reading(uint32_t idx, const Reading& r, std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  WaterState& w = s.water();
  const double total = r.water.total_m3;
  if (std::isnan(total)) return;
  if (w.last_time_ms != 0 && r.time_ms <= w.last_time_ms) return;  // late or duplicate
  mark_dirty(idx);
  const int64_t t = r.time_ms;
  const bool first = std::isnan(w.last_total_m3);
  // A report after missing ones (lost on the air, an outage, a broker that dropped them): its
  // volume is spread over the gap, so its rate says nothing about steadiness or a running tap.
  const bool after_gap =
      !first && w.period_ms > 0 && 4 * (r.time_ms - w.last_time_ms) >= 7 * w.period_ms;
  if (!first) {
    const int64_t gap = t - w.last_time_ms;
    w.period_ms = w.period_ms == 0 ? gap : (3 * w.period_ms + gap) / 4;
  }
  const HouseholdState* h = s.household == kNoHousehold ? nullptr : &households_[s.household];
  const int utc_offset = h ? h->profile.utc_offset_min : 480;

  // S2: a register going backwards (meter replaced, reset, or faulty). The windows restart.
  if (!first && total + kEpsilon < w.last_total_m3) {
    if (w.last_backwards_ms == 0 || t - w.last_backwards_ms > kDayMs) {
      s.open &= ~bit(AlertKind::RegisterBackwards);
      s.held &= ~bit(AlertKind::RegisterBackwards);
      raise(idx,
            make(idx, Rule::S2, AlertKind::RegisterBackwards, Audience::Maintenance,
                 Severity::Warning, t, t, total - w.last_total_m3, 0, 0),
            out);
    }
    w.last_backwards_ms = t;
    w.w1 = w.w2 = QuietWindow{};
    end_flow_runs(s.meter());
    end_trickle_run(s.meter());
    w.day_start_total = kNaN;
  }
  const double previous = first ? total : w.last_total_m3;
  const double used = std::max(0.0, total - previous);
  const int64_t previous_time = w.last_time_ms;
  const int64_t previous_change = w.last_change_ms;
  // Any use after a still report is a person (however small: washing hands on coming home);
  // so is a report of w1_sign_of_life_m3 or more. A register creeping up in every report (a
  // dripping tap, a running cistern) is not.
  const bool previous_still = w.last_change_ms != previous_time;
  const bool sign_of_life = !first && used > kEpsilon &&
                            (previous_still || (rules_.w1_sign_of_life_m3 > 0 &&
                                                used + kEpsilon >= rules_.w1_sign_of_life_m3));
  w.last_time_ms = t;
  w.last_total_m3 = total;
  if (used > kEpsilon || first) {  // the register moved: its decimals may show a finer step
    w.last_change_ms = t;
    if (const float step = register_step(total); step > 0 && (w.step_m3 == 0 || step < w.step_m3))
      w.step_m3 = step;
  }
  if (h && used > kEpsilon && previous_time > h->last_any_use_from_ms) {
    households_[s.household].last_any_use_from_ms = previous_time;
    dirty_households_.push_back(s.household);
  }

  // An exit read from a door event inside the interval of the last use ("used water, then
  // left") was wrong if water is used again with no passage since: the door was someone
  // else's (a delivery, a visitor) and the person, home, used water after it. Any use says so,
  // however small and right after the other (unless W3 holds: a leak moves the register).
  const bool home_after_all =
      h && !sign_of_life && used > kEpsilon && h->presence == Presence::out &&
      h->last_door_activity_ms <= previous_time && h->outing_start_ms > h->last_water_use_from_ms &&
      h->outing_start_ms <= h->last_water_use_ms && !(s.held & bit(AlertKind::ContinuousFlow));
  if (h && (sign_of_life || home_after_all)) household_water_use(s.household, previous_time, t);

  // W2 / W1.
  const bool w2_quiet =
      quiet_window(w.w2, t, total, rules_.w2_threshold_m3, rules_.w2_window_s, sign_of_life);
  // The door keeps being used (several openings since the last use, one in the last 12 h), yet
  // no water for 24 h: more likely a stuck register than a person in need.
  // Or: unchanged for 72 h while the door opened twice in the last 24 h (someone is back and
  // going about; a single return from a trip is not enough).
  // Either only when the person was home, by the door, s2_stuck_home_s of the quiet: the quiet
  // less its longest stretch without an opening. A person back from two nights away who went
  // out with the rubbish before the first use had opened the door five times since the last
  // one (out, back, out, back, and a delivery): 149 false S2 at fleetsim 10,000 x 30, 4 now.
  const bool door_recent = h && h->last_door_activity_ms > t - 12 * kHourMs;
  const bool home_long_enough =
      h && (t - h->last_water_use_ms) - h->longest_door_gap_ms >= rules_.s2_stuck_home_s * 1000;
  const bool comes_and_goes = door_recent && home_long_enough &&
                              (h->openings_since_use >= rules_.s2_stuck_min_openings ||
                               (t - w.last_change_ms >= rules_.s2_stuck_register_s * 1000 &&
                                h->prev_door_activity_ms > t - kDayMs));
  if (w2_quiet && comes_and_goes)
    raise(idx,
          make(idx, Rule::S2, AlertKind::StuckRegister, Audience::Maintenance, Severity::Warning,
               w.last_change_ms, t, 0, 0, rules_.w2_window_s),
          out);
  if (w2_quiet)
    raise(idx,
          make(idx, Rule::W2, AlertKind::NoWaterUse24h, Audience::Care, Severity::High,
               w.w2.anchor_time_ms, t, total - w.w2.anchor_total_m3, rules_.w2_threshold_m3,
               rules_.w2_window_s),
          out);
  else
    clear(idx, AlertKind::NoWaterUse24h, Rule::W2, t, out);
  // W1 (after W2: a W2 already open supersedes W1, see raise()).
  const bool w1_quiet =
      quiet_window(w.w1, t, total, rules_.w1_threshold_m3, rules_.w1_window_s, sign_of_life);
  if (h && w.w1.anchor_time_ms > h->last_water_use_ms && !w1_quiet && !first) {
    households_[s.household].last_water_use_ms = w.w1.anchor_time_ms;
    households_[s.household].last_water_use_from_ms = previous_time;
    households_[s.household].openings_since_use = 0;
    households_[s.household].longest_door_gap_ms = 0;
    dirty_households_.push_back(s.household);
  }
  // Awake time counts from the quiet's start at home: the anchor, or coming home after it (also
  // when the window counts the outing, Engine::suppressed: awake hours from the anchor gave
  // fleetsim twice the false care alerts, people home from a day out and resting); and
  // when that was within w1_bedtime_s of the quiet hours, or of this person's usual bedtime
  // (going to bed early), from the quiet hours' end.
  // Only worked out for a quiet window (not on every reading).
  auto w1_awake_enough = [&] {
    if (!h) return true;
    const int qs = h->profile.quiet_start_min, qe = h->profile.quiet_end_min;
    int64_t from = std::max(w.w1.anchor_time_ms, h->last_return_ms);
    if (!in_quiet_hours(local_minute_of_day(from, utc_offset), qs, qe)) {
      const int64_t night = next_local_minute(from, utc_offset, qs);
      int64_t bed = night;  // the quiet hours' start, or this person's usual bedtime if earlier
      if (const int usual = usual_bedtime_min(*h, from); usual >= 0)
        bed = std::min(bed, next_local_minute(from, utc_offset, usual % kMinutesPerDay));
      if (bed - from < rules_.w1_bedtime_s * 1000 && night < t)
        from = next_local_minute(night, utc_offset, qe);
    }
    return awake_ms(from, t, utc_offset, qs, qe) >= rules_.w1_min_awake_s * 1000;
  };
  if (w1_quiet && w1_awake_enough())
    raise(idx,
          make(idx, Rule::W1, AlertKind::NoWaterUse12h, Audience::Care, Severity::Warning,
               w.w1.anchor_time_ms, t, total - w.w1.anchor_total_m3, rules_.w1_threshold_m3,
               rules_.w1_window_s),
          out);
  else if (!w1_quiet)
    clear(idx, AlertKind::NoWaterUse12h, Rule::W1, t, out);
  if (h && (s.held & (bit(AlertKind::NoWaterUse12h) | bit(AlertKind::NoWaterUse24h))))
    update_c1(s.household, idx, t, out);

  // W3: continuous flow: a steady run (a leak), or a fast one (a tap left running).
  if (!first && previous_time != 0)
    w3_flow(idx, previous_time, previous_change, previous, used, after_gap, out);

  // W4: daily use (local day). A report whose interval began on an earlier day counts toward
  // today only the share of its use that falls after midnight, the use spread evenly over the
  // interval: a meter back after days of silence (a radio outage, a flat battery) reports the
  // days' use at once, and that is not one day's.
  const int64_t day = local_day(t, utc_offset);
  const int64_t midnight = day * kDayMs - utc_offset * kMinuteMs;
  if (std::isnan(w.day_start_total) || day != w.day) {
    if (!std::isnan(w.day_start_total)) clear(idx, AlertKind::HighDailyUse, Rule::W4, t, out);
    w.day = day;
    const double before_midnight = previous_time < midnight && t > previous_time
                                       ? used * static_cast<double>(midnight - previous_time) /
                                             static_cast<double>(t - previous_time)
                                       : 0.0;
    w.day_start_total = previous + before_midnight;
  }
  const double today = total - w.day_start_total;
  if (today > rules_.w4_daily_max_m3)
    raise(idx,
          make(idx, Rule::W4, AlertKind::HighDailyUse, Audience::Care, Severity::Warning, midnight,
               t, today, rules_.w4_daily_max_m3, 86400),
          out);

  // W5: use in every 30-min slot of the last 24 h. It clears when four slots in a row showed
  // no use (kStillSlots: still for 1.5-2 h, the flow stopped), not at the first slot without a
  // step: a leak on a register of 10 L steps moves it only every other report, and W5 cleared
  // and was raised again each time (a cistern leak on a CJ/T 188 meter: 231 W5 in 15 days).
  const int64_t slot = t / kSlotMs;
  if (w.slot_index == 0 || slot - w.slot_index >= 48) {
    w.slot_bits = 0;
  } else if (slot > w.slot_index) {
    w.slot_bits <<= (slot - w.slot_index);
  }
  w.slot_index = std::max(w.slot_index, slot);
  if (used > kEpsilon) w.slot_bits |= 1;
  w.slot_bits &= kAllSlots;
  if (w.slot_bits == kAllSlots)
    raise(idx,
          make(idx, Rule::W5, AlertKind::LeakEverySlot, Audience::Maintenance, Severity::Warning,
               t - kDayMs, t, 48, 48, 86400),
          out);
  else if ((w.slot_bits & kStillSlots) == 0 && slot > 0)
    clear(idx, AlertKind::LeakEverySlot, Rule::W5, t, out);

  // S2 stuck register (raised with W2 above) clears when the register moves again.
  if (used > kEpsilon) clear(idx, AlertKind::StuckRegister, Rule::S2, t, out);

  if (h) household_quiet_check(idx, t, out);
}

// The trickle run: a register too coarse to rise in every report under a slow leak moves one
// step at a time, never still for longer than the leak takes to fill a step, where a person's
// register stands still for hours every night. A w3_trickle_min_rate_m3h leak fills a step
// (`fill`: 75 min on a 10 L register, 7.5 min on a 1 L one) after the last one, which came
// before the report that showed it: a still report that much after the last movement ends the
// run, and a movement more than a report period later than that (reports lost on the air)
// starts it again. A report counts at most what that leak shows in it, or one step: a
// person's burst on top is not a leak's volume.
//
// It is judged in the night: the household's quiet hours after their first w3_trickle_skip_s
// (the evening's last uses are a person's; 22:00-06:00 for a meter of no household). A run that
// was going on when the night began is counted from then; one that began in the night is a
// person's trips (a leak that begins in the night is found the next one). It holds once it has
// lasted w3_trickle_night_s of the night and counted what a w3_trickle_min_rate_m3h leak would
// give; then it holds until the run ends (the day's uses on top of the leak keep it going).
bool Engine::w3_trickle(uint32_t idx, int64_t previous_time, int64_t previous_change, double used) {
  SensorState& s = sensors_[idx];
  MeterState& m = s.meter();
  const WaterState& w = m.water;
  const int64_t t = w.last_time_ms;
  const double min_rate = rules_.w3_trickle_min_rate_m3h;
  if (w.step_m3 <= 0 || w.period_ms <= 0 || min_rate <= 0) {
    end_trickle_run(m);
    return false;
  }
  const auto fill = static_cast<int64_t>(w.step_m3 / min_rate * kHourMs);
  if (used > kEpsilon) {
    if (m.trickle_since_ms == 0 || t - previous_change > fill + w.period_ms) {
      m.trickle_since_ms = t;
      m.trickle_volume = 0;
      m.trickle_held = false;
    }
  } else if (t - w.last_change_ms >= fill) {
    end_trickle_run(m);
  }
  if (m.trickle_since_ms == 0) return false;
  const double counted = std::min(
      used,
      std::max<double>(w.step_m3, min_rate * static_cast<double>(t - previous_time) / kHourMs));
  m.trickle_volume += counted;
  if (m.trickle_held) return true;
  int offset = 480, quiet_start = 22 * 60, quiet_end = 6 * 60;
  if (s.household != kNoHousehold) {
    const HouseholdProfile& p = households_[s.household].profile;
    offset = p.utc_offset_min, quiet_start = p.quiet_start_min, quiet_end = p.quiet_end_min;
  }
  const int night_start =
      static_cast<int>((quiet_start + rules_.w3_trickle_skip_s / 60) % kMinutesPerDay);
  if (!in_quiet_hours(local_minute_of_day(t, offset), night_start, quiet_end)) return false;
  const int64_t night_began = next_local_minute(t - kDayMs + 1, offset, night_start);
  if (m.trickle_since_ms < night_began) {  // going on when the night began
    m.trickle_since_ms = night_began;
    m.trickle_volume = counted;
  }
  if (m.trickle_since_ms != night_began) return false;  // began in the night
  const double hours = static_cast<double>(t - night_began) / kHourMs;
  m.trickle_held = t - night_began >= rules_.w3_trickle_night_s * 1000 &&
                   m.trickle_volume + kEpsilon >= min_rate * hours;
  return m.trickle_held;
}

void Engine::w3_flow(uint32_t idx, int64_t previous_time, int64_t previous_change, double previous,
                     double used, bool after_gap, std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  MeterState& m = s.meter();
  WaterState& w = m.water;
  FlowState& f = m.flow;
  const int64_t t = w.last_time_ms;
  const double hours = static_cast<double>(t - previous_time) / kHourMs;
  const double rate = hours > 0 ? used / hours : 0;
  const bool trickle = w3_trickle(idx, previous_time, previous_change, used);
  // W3's alert, for a flow since `since` at `run_rate` against `threshold` (m3/h).
  auto raise_flow = [&](int64_t since, double run_rate, double threshold) {
    raise(idx,
          make(idx, Rule::W3, AlertKind::ContinuousFlow, Audience::Care, Severity::Warning, since,
               t, run_rate, threshold, (t - since) / 1000),
          out);
  };
  auto raise_trickle = [&] {
    const int64_t since = m.trickle_since_ms;
    raise_flow(since, m.trickle_volume * kHourMs / static_cast<double>(t - since),
               rules_.w3_trickle_min_rate_m3h);
  };
  // The long run: rising in every report, at least w3_sustained_min_rate_m3h. It ends at a
  // still report, and the alert clears unless the trickle run holds.
  if (used <= kEpsilon || rate < rules_.w3_sustained_min_rate_m3h) {
    end_flow_runs(m);
    if (trickle)
      raise_trickle();
    else
      clear(idx, AlertKind::ContinuousFlow, Rule::W3, t, out);
    return;
  }
  // A tap left running on an hourly meter: one report, or one spanning lost reports, at a rate
  // no person draws (w3_tap_burst_m3h); the reports after it may be lost too (a radio outage).
  const bool burst = w.period_ms > kHourMs / 2 && rate >= rules_.w3_tap_burst_m3h;
  // After a gap (1.75 transmit periods or more) the register still rose: a run in progress
  // goes on, but this report's rate is an average over the gap and is not counted (but for a
  // burst: the average is the least the flow was).
  if (after_gap) {
    if (burst)
      raise_flow(previous_time, rate, rules_.w3_tap_burst_m3h);
    else if (trickle)
      raise_trickle();
    return;
  }
  if (m.slow_since_ms == 0) {
    m.slow_since_ms = previous_time;
    m.slow_since_total = previous;
  }
  // The steady run: every report at the leak rate at least; a slower one starts it again.
  if (rate < rules_.w3_min_rate_m3h) {
    w.flow_since_ms = 0;
    w.flow_reports = 0;
    f = FlowState{};
  } else {
    if (w.flow_since_ms == 0) {
      w.flow_since_ms = previous_time;
      w.flow_since_total = previous;
    }
    ++w.flow_reports;
    std::copy_backward(f.rate, f.rate + FlowState::kReports - 1, f.rate + FlowState::kReports);
    f.rate[0] = static_cast<float>(rate);
    f.used[1] = f.used[0], f.used[0] = static_cast<float>(used);
  }

  // A leak: rising in every report for long enough (8 whole reports at least: 2 h 15 min on a
  // 15-minute meter, 9 h on an hourly one; 3 h on a coarse register, whose floor band is as
  // wide as the leaks), with a floor; or, however bursty (a person's use on top of it) or slow,
  // rising in every report this long.
  const int64_t min_duration_s =
      coarse_register(w.step_m3) ? rules_.w3_min_duration_coarse_s : rules_.w3_min_duration_s;
  const bool steady =
      w.flow_reports > FlowState::kReports && t - w.flow_since_ms >= min_duration_s * 1000 &&
      has_floor(f, floor_band_steps(w.step_m3) * std::max(w.step_m3, 0.001f) / hours, rules_);
  const bool sustained = t - m.slow_since_ms >= rules_.w3_sustained_s * 1000;
  // A tap left running: fast in 3 reports in a row (meters reporting every 15 min or so), or
  // a large volume over the last 2 reports of an hourly meter (or one report at burst rate).
  const double tap = rules_.w3_tap_rate_m3h;
  const bool hourly = hours > 0.5;
  const bool fast =
      w.flow_since_ms != 0 &&
      (hourly
           ? (w.flow_reports >= 2 && f.used[0] + f.used[1] >= rules_.w3_tap_volume_m3 &&
              std::min(f.used[0], f.used[1]) >= rules_.w3_tap_volume_m3 / 5) ||
                 burst
           : w.flow_reports >= 3 && f.rate[0] >= tap && f.rate[1] >= tap && f.rate[2] >= tap / 2 &&
                 std::max(f.rate[0], f.rate[1]) <= 1.5 * std::min(f.rate[0], f.rate[1]));
  if (!steady && !sustained && !fast) {
    if (trickle) raise_trickle();
    return;
  }
  const int64_t since = steady || fast ? w.flow_since_ms : m.slow_since_ms;
  const double since_total = steady || fast ? w.flow_since_total : m.slow_since_total;
  const double run_rate =
      (w.last_total_m3 - since_total) * kHourMs / static_cast<double>(t - since);
  const double threshold = fast && !steady ? (burst ? rules_.w3_tap_burst_m3h : tap)
                           : steady        ? rules_.w3_min_rate_m3h
                                           : rules_.w3_sustained_min_rate_m3h;
  raise_flow(since, run_rate, threshold);
}

}  // namespace edgegw
