// household_model.h: what the detector learns about one household's rhythm, on the box, in
// event time: a ring of the last kDays local days in 15-minute slots (was water used in that
// slot), and the lengths of their outings and the hours of their night door openings. From it:
// how long this person is usually quiet after a given time of day, how long their outings
// last, and whether they usually go out at a given hour. 300 bytes, trivially copyable, no
// heap; deterministic (a pure function of the events fed to it).
#pragma once

#include <cstdint>

namespace edgegw {

struct HouseholdModel {
  static constexpr int kDays = 21;         // days of history kept
  static constexpr int kSlotMinutes = 15;  // resolution of the activity bitmap
  static constexpr int kSlotsPerDay = 24 * 60 / kSlotMinutes;
  static constexpr int kSlotBytes = kSlotsPerDay / 8;
  static constexpr int kOutingBins = 12;  // outing lengths, see outing_bin_upper_min()

  // Bit set: water was used in that slot (a sign of life). Clear: quiet, out, or no data; so
  // an outing lengthens the quiet stretches the person is judged against, never shortens
  // them (no false alert from a day the person stays in). Row (newest_day % kDays) is today.
  uint8_t slots[kDays][kSlotBytes] = {};
  // Per day of the ring, whether any activity was recorded (a day without data teaches nothing).
  uint32_t day_seen_bits = 0;
  int64_t newest_day = -1;  // local day number of the current row, -1 before the first event
  uint16_t days_seen = 0;   // distinct days with activity since the model began (capped)
  uint8_t outing_len[kOutingBins] = {};  // decayed counts of outing lengths
  uint8_t opening_hour[24] = {};         // decayed counts of night door openings by local hour
};

// Records water use in [from_ms, to_ms] (a single instant when equal).
void model_mark(HouseholdModel& m, int64_t from_ms, int64_t to_ms, int utc_offset_min);

// Days of history the model has learned from (days with activity).
int model_days(const HouseholdModel& m);

// The longest stretch without water, over the days of history, that began within an hour of
// the time of day of `t_ms`, in ms; -1 when fewer than `min_days` days were seen.
int64_t model_usual_quiet_after(const HouseholdModel& m, int64_t t_ms, int utc_offset_min,
                                int min_days);

// An outing from start to end (door out, door back) of at least a few minutes.
void model_record_outing(HouseholdModel& m, int64_t start_ms, int64_t end_ms);

// The outing length that `quantile` (0..1) of this person's outings stay under, in ms; -1 when
// fewer than `min_outings` outings were seen.
int64_t model_outing_quantile(const HouseholdModel& m, double quantile, int min_outings);

// A door opening in the quiet hours (the person's night habits: a late return, a market trip).
void model_record_opening(HouseholdModel& m, int64_t t_ms, int utc_offset_min);

// How many of the recorded night openings fell within an hour of the local hour of `t_ms`.
int model_openings_near(const HouseholdModel& m, int64_t t_ms, int utc_offset_min);

// The median, over the days of history before `t_ms`'s day, of the quiet from the time of day
// of `t_ms` to the day's first water use after it (a night's: when this person usually gets
// up), in ms; -1 when fewer than `min_days` days were seen.
int64_t model_median_first_use_after(const HouseholdModel& m, int64_t t_ms, int utc_offset_min,
                                     int min_days);

// This person's usual bedtime: the median, over the days of history before `t_ms`'s day, of
// the end of the day's last water use between noon and midnight (local minute of the day);
// -1 when fewer than `min_days` such days were seen.
int model_usual_bedtime(const HouseholdModel& m, int64_t t_ms, int utc_offset_min, int min_days);

// Upper edge of an outing-length bin, in minutes.
int outing_bin_upper_min(int bin);

}  // namespace edgegw
