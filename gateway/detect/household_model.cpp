// household_model.cpp: the learned rhythm of a household (see household_model.h).
#include "gateway/detect/household_model.h"

#include <algorithm>
#include <bit>
#include <iterator>

#include "gateway/detect/local_time.h"

namespace edgegw {

namespace {

constexpr int64_t kSlotMs = HouseholdModel::kSlotMinutes * kMinuteMs;
constexpr int kOutingUpperMin[HouseholdModel::kOutingBins] = {15,  30,  60,  120,  180,  240,
                                                              360, 480, 720, 1080, 1440, 72 * 60};

int row_of(int64_t day) {
  return static_cast<int>(((day % HouseholdModel::kDays) + HouseholdModel::kDays) %
                          HouseholdModel::kDays);
}

bool slot_set(const HouseholdModel& m, int row, int slot) {
  return (m.slots[row][slot / 8] >> (slot % 8)) & 1;
}

bool day_seen(const HouseholdModel& m, int64_t day) {
  if (day > m.newest_day || day <= m.newest_day - HouseholdModel::kDays) return false;
  return (m.day_seen_bits >> row_of(day)) & 1;
}

// Makes `day` the newest row, clearing the rows of the days it skips.
void roll_to(HouseholdModel& m, int64_t day) {
  if (day <= m.newest_day) return;
  const int64_t first = std::max(m.newest_day + 1, day - HouseholdModel::kDays + 1);
  for (int64_t d = first; d <= day; ++d) {
    const int row = row_of(d);
    std::fill(std::begin(m.slots[row]), std::end(m.slots[row]), uint8_t{0});
    m.day_seen_bits &= ~(uint32_t{1} << row);
  }
  m.newest_day = day;
}

template <size_t N>
void add_decayed(uint8_t (&counts)[N], size_t i) {
  if (counts[i] == 255)
    for (auto& c : counts) c /= 2;
  ++counts[i];
}

}  // namespace

int outing_bin_upper_min(int bin) {
  return kOutingUpperMin[std::clamp(bin, 0, HouseholdModel::kOutingBins - 1)];
}

void model_mark(HouseholdModel& m, int64_t from_ms, int64_t to_ms, int utc_offset_min) {
  if (to_ms < from_ms) return;
  const int64_t offset = utc_offset_min * kMinuteMs;
  const int64_t last_day = local_day(to_ms, utc_offset_min);
  roll_to(m, last_day);
  // Only the days still in the ring.
  const int64_t oldest_ms = (m.newest_day - HouseholdModel::kDays + 1) * kDayMs - offset;
  for (int64_t t = std::max(from_ms, oldest_ms) / kSlotMs * kSlotMs; t <= to_ms; t += kSlotMs) {
    const int64_t day = local_day(t, utc_offset_min);
    const int row = row_of(day);
    const int slot = local_minute_of_day(t, utc_offset_min) / HouseholdModel::kSlotMinutes;
    m.slots[row][slot / 8] |= static_cast<uint8_t>(1u << (slot % 8));
    if (!((m.day_seen_bits >> row) & 1)) {
      m.day_seen_bits |= uint32_t{1} << row;
      if (m.days_seen < 0xffff) ++m.days_seen;
    }
  }
}

int model_days(const HouseholdModel& m) {
  return m.days_seen;
}

namespace {

// Word `w` (0: slots 0-63, 1: slots 64-95) of a day's row: slot i is bit i % 64.
uint64_t row_word(const uint8_t (&row)[HouseholdModel::kSlotBytes], int w) {
  uint64_t v = 0;
  const int first = w * 8;
  const int last = std::min(first + 8, HouseholdModel::kSlotBytes);
  for (int b = first; b < last; ++b) v |= static_cast<uint64_t>(row[b]) << (8 * (b - first));
  return v;
}

// The first set slot of `row` in [from, end), or `end` when there is none.
int first_set(const uint8_t (&row)[HouseholdModel::kSlotBytes], int from, int end) {
  for (int w = from / 64; w * 64 < end; ++w) {
    uint64_t v = row_word(row, w);
    if (w == from / 64) v &= ~uint64_t{0} << (from % 64);
    if (v != 0) return std::min(w * 64 + std::countr_zero(v), end);
  }
  return end;
}

// Quiet slots from (day, slot) onwards, up to `limit`, on known days and before `until` (the
// slot being judged today). A word at a time: a run ends at the first set bit after it.
int quiet_run(const HouseholdModel& m, int64_t day, int slot, int64_t today, int until, int limit) {
  int run = 0;
  while (run < limit) {
    if (slot >= HouseholdModel::kSlotsPerDay) {
      slot -= HouseholdModel::kSlotsPerDay;
      ++day;
    }
    if (!day_seen(m, day) || day > today) break;
    const int end = day == today ? std::min(until + 1, HouseholdModel::kSlotsPerDay)
                                 : HouseholdModel::kSlotsPerDay;
    if (slot >= end) break;
    const int stop = first_set(m.slots[row_of(day)], slot, end);
    run += stop - slot;
    if (stop < HouseholdModel::kSlotsPerDay) break;  // a use, or the judged slot today
    slot = HouseholdModel::kSlotsPerDay;
  }
  return std::min(run, limit);
}

}  // namespace

int64_t model_usual_quiet_after(const HouseholdModel& m, int64_t t_ms, int utc_offset_min,
                                int min_days) {
  if (m.days_seen < min_days || m.newest_day < 0) return -1;
  const int64_t today = local_day(t_ms, utc_offset_min);
  const int start = local_minute_of_day(t_ms, utc_offset_min) / HouseholdModel::kSlotMinutes;
  constexpr int kMaxRun = 2 * HouseholdModel::kSlotsPerDay;  // longer is never "usual" anyway
  // A person's day shifts: a quiet stretch that began up to an hour either side counts.
  constexpr int kShift = 60 / HouseholdModel::kSlotMinutes;
  int longest = 0, days = 0;
  for (int64_t day = today - 1; day > today - HouseholdModel::kDays; --day) {
    if (!day_seen(m, day)) continue;
    ++days;
    // A run from a quiet slot is one longer than the run from the slot after it: only the
    // window's first slot and a slot right after a use (or after unknown history) can begin
    // the longest, so the window's other slots are not measured.
    bool previous_quiet = false;
    for (int k = start + 1 - kShift; k <= start + 1 + kShift; ++k) {
      const int64_t d = k < 0 ? day - 1 : day;
      const int slot = k < 0 ? k + HouseholdModel::kSlotsPerDay : k;
      const int run = quiet_run(m, d, slot, today, start, previous_quiet ? 1 : kMaxRun);
      if (!previous_quiet) longest = std::max(longest, run);
      previous_quiet = run > 0;
    }
  }
  if (days < min_days / 2) return -1;
  // The quiet slots lie between two activities: count the slot the run ends in as quiet too.
  return static_cast<int64_t>(longest + 1) * kSlotMs;
}

int64_t model_median_first_use_after(const HouseholdModel& m, int64_t t_ms, int utc_offset_min,
                                     int min_days) {
  if (m.days_seen < min_days || m.newest_day < 0) return -1;
  const int64_t today = local_day(t_ms, utc_offset_min);
  const int start = local_minute_of_day(t_ms, utc_offset_min) / HouseholdModel::kSlotMinutes;
  constexpr int kMaxRun = 2 * HouseholdModel::kSlotsPerDay;
  int runs[HouseholdModel::kDays];
  int n = 0;
  for (int64_t day = today - 1; day > today - HouseholdModel::kDays; --day)
    if (day_seen(m, day)) runs[n++] = quiet_run(m, day, start, today, start, kMaxRun);
  if (n < std::max(min_days / 2, 1)) return -1;
  std::nth_element(runs, runs + n / 2, runs + n);
  // The slot of the first use counts as quiet (the use may come at its end), as above.
  return static_cast<int64_t>(runs[n / 2] + 1) * kSlotMs;
}

int model_usual_bedtime(const HouseholdModel& m, int64_t t_ms, int utc_offset_min, int min_days) {
  if (m.newest_day < 0) return -1;
  const int64_t today = local_day(t_ms, utc_offset_min);
  constexpr int kNoon = HouseholdModel::kSlotsPerDay / 2;
  int last[HouseholdModel::kDays];
  int n = 0;
  for (int64_t day = today - 1; day > today - HouseholdModel::kDays; --day) {
    if (!day_seen(m, day)) continue;
    const int row = row_of(day);
    for (int slot = HouseholdModel::kSlotsPerDay - 1; slot >= kNoon; --slot)
      if (slot_set(m, row, slot)) {
        last[n++] = slot;
        break;
      }
  }
  if (n < std::max(min_days, 1)) return -1;
  std::nth_element(last, last + n / 2, last + n);
  return (last[n / 2] + 1) * HouseholdModel::kSlotMinutes;
}

void model_record_outing(HouseholdModel& m, int64_t start_ms, int64_t end_ms) {
  if (end_ms <= start_ms) return;
  const int64_t minutes = (end_ms - start_ms) / kMinuteMs;
  int bin = 0;
  while (bin < HouseholdModel::kOutingBins - 1 && minutes > kOutingUpperMin[bin]) ++bin;
  add_decayed(m.outing_len, bin);
}

int64_t model_outing_quantile(const HouseholdModel& m, double quantile, int min_outings) {
  int total = 0;
  for (uint8_t c : m.outing_len) total += c;
  if (total < min_outings || total == 0) return -1;
  const double want = quantile * total;
  int cumulative = 0;
  for (int bin = 0; bin < HouseholdModel::kOutingBins; ++bin) {
    cumulative += m.outing_len[bin];
    if (cumulative >= want) return static_cast<int64_t>(kOutingUpperMin[bin]) * kMinuteMs;
  }
  return static_cast<int64_t>(kOutingUpperMin[HouseholdModel::kOutingBins - 1]) * kMinuteMs;
}

void model_record_opening(HouseholdModel& m, int64_t t_ms, int utc_offset_min) {
  add_decayed(m.opening_hour, local_minute_of_day(t_ms, utc_offset_min) / 60);
}

int model_openings_near(const HouseholdModel& m, int64_t t_ms, int utc_offset_min) {
  const int hour = local_minute_of_day(t_ms, utc_offset_min) / 60;
  return m.opening_hour[(hour + 23) % 24] + m.opening_hour[hour] + m.opening_hour[(hour + 1) % 24];
}

}  // namespace edgegw
