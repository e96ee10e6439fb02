// rules_config.h: the parameters of the detection rules (config [rules.*]), defaults from the
// design's rule table. Every value can be overridden per gateway.
#pragma once

#include <cstdint>

namespace edgegw {

struct RulesConfig {
  // W1: water use over a rolling window below a threshold ("no sign of water use").
  int64_t w1_window_s = 12 * 3600;
  double w1_threshold_m3 = 0.01;
  // A single report with at least this much use is a person's action (a flush, washing hands):
  // it restarts the W1/W2 windows even when the 12 h total stays under the threshold, so that a
  // night's toilet visit is a sign of life while a dripping tap is not.
  double w1_sign_of_life_m3 = 0.003;
  // W1 also needs this much of its window outside the household's quiet hours: a long night's
  // sleep and a late rising are not 12 h of missing activity.
  int64_t w1_min_awake_s = 6 * 3600;
  // ... and when the last use came less than this before the quiet hours (an early night), the
  // awake time counts from the end of the quiet hours: a late rising is not missing activity.
  int64_t w1_bedtime_s = 3 * 3600;
  // ... or less than that before this person's usual bedtime (the median end of the day's last
  // use, household_model.h), once learned from this many days: an early sleeper's early night.
  int w1_bedtime_learn_days = 3;
  // Back home after an outing with no use since: W1's window counts the outing, once the
  // person has been home this long with the register still (a fall on coming home).
  int64_t w1_return_quiet_s = 3 * 3600;
  // C1 (critical: neither water nor door) escalates W1 when the silence lasts this much longer.
  int64_t c1_after_w1_s = 4 * 3600;
  // W2: the same over 24 h, higher severity.
  int64_t w2_window_s = 24 * 3600;
  double w2_threshold_m3 = 0.01;
  // W3: continuous flow. A leak (a running cistern) is steady: the register rises in every
  // report for this long (8 whole reports at least; the first report of the run saw only part
  // of the flow), at least this rate, and the run has a floor: in w3_steady_share of its last
  // 8 reports the rate is within w3_steady_spread of the slowest one, or two register steps.
  // A person's uses are bursts on top of a leak or of nothing: a cleaning day rises in every
  // report too, but has no floor. A tap left running is fast and steady:
  // w3_tap_rate_m3h in the last 2 reports, within 1.5x of each other, after a report of at
  // least half that (meters reporting every 15 min or so), or 2 reports totalling
  // w3_tap_volume_m3 (hourly meters), or one hourly report (or one spanning lost reports) at
  // w3_tap_burst_m3h: more than a person draws in an hour (fleetsim's largest: 183 L).
  int64_t w3_min_duration_s = 2 * 3600;
  // ... on a register of 10 L steps (CJ/T 188): its floor band is one step, 40 L/h on a
  // 15-minute meter, as wide as the leaks, so the run needs more reports in it (a cleaning
  // day's 10-20 L reports for 2-3 h read as a floor).
  int64_t w3_min_duration_coarse_s = 3 * 3600;
  double w3_min_rate_m3h = 0.01;  // 10 L/h in every report; slower leaks are W5's
  double w3_steady_share = 0.75;
  double w3_steady_spread = 0.2;
  // ... or, however bursty (a person's use on top of a leak) or slow (down to this rate),
  // rising in every report this long.
  int64_t w3_sustained_s = 16 * 3600;
  double w3_sustained_min_rate_m3h = 0.004;
  // ... or, on a register too coarse to rise in every report (a CJ/T 188 register counts in
  // 10 L steps: an 8 L/h cistern moves it every 75 min), never still for as long as a leak of
  // w3_trickle_min_rate_m3h takes to fill one step, and rising at that rate, through
  // w3_trickle_night_s of the night (the household's quiet hours after their first
  // w3_trickle_skip_s, when a person's register stands still for hours), from the night's start
  // (Engine::w3_trickle).
  double w3_trickle_min_rate_m3h = 0.008;
  int64_t w3_trickle_night_s = 4 * 3600;
  int64_t w3_trickle_skip_s = 2 * 3600;
  double w3_tap_rate_m3h = 0.2;
  double w3_tap_volume_m3 = 0.25;
  double w3_tap_burst_m3h = 0.3;
  // W4: daily use above this.
  double w4_daily_max_m3 = 2.0;
  // Out of the home (the door opened after the last water use): the no-activity care rules
  // (W1, W2, D1, D2) wait until the absence exceeds this (3.5 days: longer than a long weekend
  // away). Planned absences belong in away mode.
  int64_t max_absence_s = 84 * 3600;
  // The household's learned rhythm (household_model.h). After h1_min_days days of history, H1
  // is raised when the person has been quiet at home (no water, no door) for longer than the
  // longest quiet stretch seen after that time of day, times h1_factor, plus h1_margin_s;
  // never sooner than h1_min_quiet_s. W1 stays the floor.
  int h1_min_days = 14;
  // A quiet that reaches the quiet hours is judged from their end by the usual quiet after it
  // (waking): learned from this many days, sooner than the day's (a person's rising time is
  // regular; a night fall is found in the morning instead of 12 h after the last flush).
  int h1_morning_min_days = 5;
  // A night (the last use more than h1_morning_up_s before the quiet hours' end, or before
  // them) is judged by the first use after the quiet hours: H1 when none has come by this
  // person's median first use plus h1_morning_late_s (a late rising after an early night is
  // hours later than usual; the longest quiet of the history would wait for the latest
  // morning with an outing in it). A last use closer to the end may be the person already up:
  // judged by the quiet usual after it.
  int64_t h1_morning_late_s = 270 * 60;
  int64_t h1_morning_up_s = 3600;
  double h1_factor = 1.25;
  int64_t h1_margin_s = 3600;
  int64_t h1_min_quiet_s = 3 * 3600;
  // An outing in progress (the door's passages say "out") holds the no-activity rules until it
  // is longer than this person's outing_quantile outing length times outing_factor, at least
  // outing_min_alert_s; max_absence_s before outing_min_outings outings were learned.
  double outing_quantile = 0.95;
  double outing_factor = 1.5;
  int64_t outing_min_alert_s = 84 * 3600;
  int outing_min_outings = 10;
  // D3: leaving in quiet hours and not back (no door, no water) within d3_confirm_s, at an hour
  // at which this person has gone out fewer than d3_usual_outings times (learned).
  int64_t d3_confirm_s = 20 * 60;
  // ... except in the last d3_dawn_s of the quiet hours, where an early riser's market trip
  // is not yet learned as a habit: confirmed after d3_dawn_confirm_s.
  int64_t d3_dawn_s = 90 * 60;
  int64_t d3_dawn_confirm_s = 150 * 60;
  // A door opened for someone who came in and stayed (water used while the passages said
  // "out"): the next opening within guest_stay_s, if it comes in the first d3_guest_evening_s
  // of the quiet hours (guests leave in the evening; later in the night it is the person's),
  // may be the guest leaving, not a night exit; it is raised only if no water is used by
  // d3_guest_confirm_s after the quiet hours. So is an exit at an hour at which this person has
  // gone out d3_usual_outings times (a habit: not back by then, it is D3 still).
  int64_t guest_stay_s = 24 * 3600;
  int64_t d3_guest_evening_s = 3 * 3600;
  int64_t d3_guest_confirm_s = 3 * 3600;
  int d3_usual_outings = 2;
  // A night exit in the first d3_up_evening_s of the quiet hours with water in the meter report
  // that holds it (or the next): the person was up (a guest leaving, the host washing up before
  // bed); it too waits for the morning, as a guest's leaving does.
  int64_t d3_up_evening_s = 2 * 3600;
  // D1: fewer door openings than this in 24 h.
  int d1_min_openings = 1;
  int64_t d1_window_s = 24 * 3600;
  // D2: no entry / exit for this long.
  int64_t d2_window_s = 48 * 3600;
  // D4: door left open for longer than this.
  int64_t d4_open_s = 10 * 60;
  // S1: silence. Zigbee devices after 25 h; meters after 3 x their transmit period.
  int64_t s1_door_silence_s = 25 * 3600;
  int s1_meter_missed_reports = 3;
  // S2: battery low below this percentage / remaining life in years (cleared 5 points above);
  // weak link below this Zigbee link quality; a register unchanged this long while the
  // household's door is in use is stuck.
  double s2_battery_low_pct = 15;
  double s2_battery_low_years = 0.5;
  int s2_weak_link_lqi = 15;
  int s2_stuck_min_openings = 5;            // door openings since the last water use (24 h rule)
  int64_t s2_stuck_register_s = 72 * 3600;  // or unchanged this long, two openings in 24 h
  // Either only once the register has been still this long while the door says someone was
  // home: the quiet since the last use less its longest stretch without an opening (a stay).
  int64_t s2_stuck_home_s = 12 * 3600;
  int s2_garbage_per_day = 3;
  // F1: a facade patch at least this far from the sound wall (max(0.5 C, 3 x NETD)), seen in
  // this many consecutive heating-phase readings. F2: on two days, or sign flip when cooling.
  double f1_min_dt_c = 0.5;
  int f1_min_readings = 3;
};

}  // namespace edgegw
