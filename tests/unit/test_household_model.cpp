// test_household_model.cpp: the learned rhythm's "usual quiet after this time of day" and
// "first use after waking" (household_model.h): known answers, and the word-at-a-time scan against
// a slot-by-slot reading of the same bitmap on random histories (runs across midnight, days without
// data, the ring's oldest days, today's judged slot).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <random>

#include "gateway/detect/household_model.h"
#include "gateway/detect/local_time.h"

using namespace edgegw;

namespace {

constexpr int kOffset = 480;                                      // UTC+8
constexpr int64_t kDay0 = 19'844 * kDayMs - kOffset * kMinuteMs;  // a local midnight
constexpr int kSlots = HouseholdModel::kSlotsPerDay;

int64_t at(int day, int slot) {
  return kDay0 + day * kDayMs + int64_t{slot} * HouseholdModel::kSlotMinutes * kMinuteMs;
}

// The model's bitmap read one slot at a time, as the definition says: the longest run of
// quiet slots, over the days of history before today, beginning within an hour of the judged
// slot, on days with data and not past the judged slot today; plus the slot that ends it.
int64_t usual_quiet_slot_by_slot(const HouseholdModel& m, int64_t t_ms, int min_days) {
  if (m.days_seen < min_days || m.newest_day < 0) return -1;
  const int64_t today = local_day(t_ms, kOffset);
  const int start = local_minute_of_day(t_ms, kOffset) / HouseholdModel::kSlotMinutes;
  auto row = [](int64_t day) {
    return static_cast<int>(((day % HouseholdModel::kDays) + HouseholdModel::kDays) %
                            HouseholdModel::kDays);
  };
  auto seen = [&](int64_t day) {
    if (day > m.newest_day || day <= m.newest_day - HouseholdModel::kDays) return false;
    return ((m.day_seen_bits >> row(day)) & 1) != 0;
  };
  auto used = [&](int64_t day, int slot) {
    return (m.slots[row(day)][slot / 8] >> (slot % 8)) & 1;
  };
  int longest = 0, days = 0;
  for (int64_t day = today - 1; day > today - HouseholdModel::kDays; --day) {
    if (!seen(day)) continue;
    ++days;
    for (int k = start - 3; k <= start + 5; ++k) {
      int64_t d = day + (k < 0 ? -1 : k >= kSlots ? 1 : 0);
      int slot = (k + kSlots) % kSlots, run = 0;
      while (run < 2 * kSlots) {
        if (slot == kSlots) slot = 0, ++d;
        if (!seen(d) || d > today || (d == today && slot > start) || used(d, slot)) break;
        ++run, ++slot;
      }
      longest = std::max(longest, run);
    }
  }
  if (days < min_days / 2) return -1;
  return int64_t{longest + 1} * HouseholdModel::kSlotMinutes * kMinuteMs;
}

}  // namespace

TEST_CASE("usual quiet after a time of day: the longest quiet stretch that began near it") {
  HouseholdModel m;
  for (int day = 0; day < 15; ++day)
    for (int slot : {28, 32, 48, 72, 80}) model_mark(m, at(day, slot), at(day, slot), kOffset);
  // Judged at 08:00 on day 15: after the 08:00 use the person was quiet until 12:00, every day.
  CHECK(model_usual_quiet_after(m, at(15, 32), kOffset, 14) == 4 * kHourMs);
  // From 20:00 (slot 80): quiet until 07:00 the next morning (slot 28), across midnight.
  CHECK(model_usual_quiet_after(m, at(15, 80), kOffset, 14) == 11 * kHourMs);
  // Fewer days than asked for: not learned.
  CHECK(model_usual_quiet_after(m, at(15, 32), kOffset, 16) == -1);
}

TEST_CASE("first use after waking: the median over the days, not the latest morning") {
  HouseholdModel m;
  // Up at 07:00 on four days, at 06:15 on two, at 10:30 on one (a late rising): judged from
  // 06:00 (slot 24).
  const int first_use[] = {28, 25, 28, 42, 28, 25, 28};
  for (int day = 0; day < 7; ++day)
    for (int slot : {first_use[day], 48, 72, 84})
      model_mark(m, at(day, slot), at(day, slot), kOffset);
  // Sorted: 06:15, 06:15, 07:00 x 4, 10:30: the median is 07:00, one hour and its slot.
  CHECK(model_median_first_use_after(m, at(7, 24), kOffset, 5) == 75 * kMinuteMs);
  // A use in the judged slot itself is the shortest answer: that slot.
  CHECK(model_median_first_use_after(m, at(7, 48), kOffset, 5) == 15 * kMinuteMs);
  CHECK(model_median_first_use_after(m, at(7, 24), kOffset, 8) == -1);
}

TEST_CASE(
    "usual quiet after a time of day: the word-at-a-time scan reads the bitmap as the "
    "slot-by-slot definition does") {
  std::mt19937 rng(20261206);
  int compared = 0, learned = 0;
  for (int trial = 0; trial < 400; ++trial) {
    HouseholdModel m;
    const double density = std::array{0.01, 0.05, 0.2, 0.6}[trial % 4];
    const int days = 10 + static_cast<int>(rng() % 20);  // past the ring's 21 days sometimes
    std::bernoulli_distribution use(density), gap(0.1);
    for (int day = 0; day < days; ++day) {
      if (gap(rng)) continue;  // a day without data
      for (int slot = 0; slot < kSlots; ++slot)
        if (use(rng)) model_mark(m, at(day, slot), at(day, slot), kOffset);
    }
    for (int q = 0; q < 20; ++q) {
      const int64_t t = at(days - 1, 0) + static_cast<int64_t>(rng() % (2 * kDayMs));
      const int min_days = 1 + static_cast<int>(rng() % 14);
      const int64_t expected = usual_quiet_slot_by_slot(m, t, min_days);
      CHECK(model_usual_quiet_after(m, t, kOffset, min_days) == expected);
      ++compared;
      learned += expected > 0;
    }
  }
  CHECK(compared == 8000);
  CHECK(learned > 4000);  // most queries had history to judge against
}
