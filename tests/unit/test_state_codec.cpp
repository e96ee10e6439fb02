// test_state_codec.cpp: the checkpoint format: records written by earlier versions (real bytes
// in tests/fixtures/checkpoint) still load and carry on where they stopped; every field of the
// current format survives a round trip; records that do not parse are refused by name.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <fstream>
#include <sstream>

#include "gateway/detect/state_codec.h"
#include "household_fixture.h"
#include "tests/support/gateway_process.h"
#include "util/coding.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

// key TAB hex(value) per line, as a gateway of that version wrote them to the state family.
std::vector<StateRecord> read_records(const std::string& name) {
  std::ifstream in(fixture_path("checkpoint/" + name));
  REQUIRE(in.good());
  std::vector<StateRecord> out;
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    StateRecord r{line.substr(0, tab), {}};
    for (size_t i = tab + 1; i + 1 < line.size(); i += 2)
      r.value.push_back(static_cast<char>(std::stoi(line.substr(i, 2), nullptr, 16)));
    out.push_back(std::move(r));
  }
  return out;
}

// The scenario the fixtures were captured from: door at 08:00, last use at 09:00, quiet until
// 15:00 (local), checkpointed then. Restored, the quiet goes on: W1 at 21:00, once.
void carries_on_after(const std::vector<StateRecord>& records) {
  Home after;
  for (const StateRecord& r : records) CHECK(after.engine.load_record(r.key, r.value).empty());
  REQUIRE(after.engine.sensor("wm-1") != nullptr);
  CHECK(after.engine.sensor("wm-1")->water().w1.anchor_time_ms == kT0 + 9 * kHour);
  CHECK(after.engine.sensor("door-1")->door().last_opening_ms == kT0 + 8 * kHour);
  after.total = 10.02;
  after.quiet(kT0 + 15 * kHour + 15 * kMin, kT0 + 23 * kHour);
  REQUIRE(after.count(Rule::W1) == 1);
  CHECK(after.alerts.front().event_time_ms == kT0 + 9 * kHour);
  CHECK(after.alerts.front().detect_time_ms == kT0 + 21 * kHour);
}

}  // namespace

TEST_CASE("checkpoints written by versions 2 and 3 (struct bytes) still load and carry on") {
  carries_on_after(read_records("v3-mid-quiet.tsv"));
  carries_on_after(read_records("v2-mid-quiet.tsv"));
}

TEST_CASE("state survives a checkpoint: a restart mid-quiet-period alerts at the same time, once") {
  Home before;
  before.door(kT0 + 8 * kHour, false);
  before.door(kT0 + 8 * kHour + kMin, true);
  before.water(kT0 + 8 * kHour + 45 * kMin);
  before.water(kT0 + 9 * kHour, 0.02);
  before.quiet(kT0 + 9 * kHour + 15 * kMin, kT0 + 15 * kHour);
  CHECK(before.alerts.empty());
  std::vector<StateRecord> records = before.engine.take_dirty_records();
  CHECK(before.engine.take_dirty_records().empty());  // nothing changed since
  for (const StateRecord& r : records) {
    REQUIRE_FALSE(r.value.empty());
    if (r.key.starts_with("s/")) CHECK(r.value[0] == kSensorRecordVersion);
    // Only the sensor's own kind's fields (a record of every kind's fields was 321 bytes).
    if (r.key == "s/wm-1") CHECK(r.value.size() < 240);
    if (r.key == "s/door-1") CHECK(r.value.size() < 80);
  }
  carries_on_after(records);
}

TEST_CASE("a reading that changes nothing of its household writes only its sensor's record") {
  Home h;
  auto keys = [&] {
    std::string out;
    for (const StateRecord& r : h.engine.take_dirty_records())
      if (r.key != "w") out += r.key + " ";
    return out;
  };
  h.water(kT0 + 7 * kHour + 45 * kMin);  // the meter's first reading
  CHECK(keys() == "s/wm-1 h/hh-1 ");
  h.water(kT0 + 8 * kHour, 0.02);  // a use: the household's last use and rhythm change
  CHECK(keys() == "s/wm-1 h/hh-1 ");
  h.water(kT0 + 8 * kHour + 15 * kMin);  // the same register: the meter's own state only
  CHECK(keys() == "s/wm-1 ");
  h.door(kT0 + 9 * kHour, false);  // an opening: the household's door activity changes
  CHECK(keys() == "s/door-1 h/hh-1 ");
  h.water(kT0 + 9 * kHour + 15 * kMin);
  CHECK(keys() == "s/wm-1 ");
}

TEST_CASE("every field of a sensor record survives the round trip, for each kind") {
  SensorState w(SensorKind::water);
  w.open = 0x12345;
  w.held = 0x54321;
  w.health = {111, 7, 19800};
  w.water().last_time_ms = 1;
  w.water().last_total_m3 = 12.345;
  w.water().last_change_ms = 2;
  w.water().w1 = {3, 4.5};
  w.water().w2 = {5, kNaN};
  w.water().flow_since_ms = 6;
  w.water().flow_since_total = 7.25;
  w.water().flow_reports = -8;
  w.water().day = 19801;
  w.water().day_start_total = 9.5;
  w.water().slot_bits = 0xfedcba9876543210ull;
  w.water().slot_index = 10;
  w.water().period_ms = 900'000;
  w.water().last_backwards_ms = 11;
  w.water().step_m3 = 0.01f;
  w.meter().flow = {{1, 2, 3, 4, 5, 6, 7, 8}, {4, 5}};
  w.meter().slow_since_ms = 12;
  w.meter().slow_since_total = 13.5;
  w.meter().trickle_since_ms = 14;
  w.meter().trickle_volume = 15.25;
  w.meter().trickle_held = true;
  std::string error;
  auto back = decode_sensor_state(encode_sensor_state(w), error);
  REQUIRE(back);
  CHECK(error.empty());
  CHECK(back->open == w.open);
  CHECK(back->held == w.held);
  CHECK(back->health.last_seen_ms == 111);
  CHECK(back->health.garbage_count == 7);
  CHECK(back->health.garbage_day == 19800);
  CHECK(back->water().last_total_m3 == 12.345);
  CHECK(back->water().w1.anchor_total_m3 == 4.5);
  CHECK(std::isnan(back->water().w2.anchor_total_m3));
  CHECK(back->water().flow_reports == -8);
  CHECK(back->water().slot_bits == w.water().slot_bits);
  CHECK(back->water().period_ms == 900'000);
  CHECK(back->water().last_backwards_ms == 11);
  CHECK(back->water().step_m3 == 0.01f);
  CHECK(back->meter().flow.rate[2] == 3.0f);
  CHECK(back->meter().flow.rate[7] == 8.0f);
  CHECK(back->meter().flow.used[1] == 5.0f);
  CHECK(back->meter().slow_since_total == 13.5);
  CHECK(back->meter().trickle_since_ms == 14);
  CHECK(back->meter().trickle_volume == 15.25);
  CHECK(back->meter().trickle_held);

  SensorState d(SensorKind::door);
  d.door() = {21, 22, 23, 0, 19802};
  back = decode_sensor_state(encode_sensor_state(d), error);
  REQUIRE(back);
  CHECK(back->kind == SensorKind::door);
  CHECK(back->door().open_since_ms == 23);
  CHECK(back->door().contact_closed == 0);
  CHECK(back->door().d3_night == 19802);

  SensorState f(SensorKind::facade);
  f.facade().consecutive = 4;
  f.facade().last_dt_c = -1.25f;
  f.facade().first_day = 31;
  f.facade().f1_day = 32;
  f.facade().patch_x = 7;
  f.facade().patch_y = 9;
  back = decode_sensor_state(encode_sensor_state(f), error);
  REQUIRE(back);
  CHECK(back->facade().last_dt_c == -1.25f);
  CHECK(back->facade().f1_day == 32);
  CHECK(back->facade().patch_y == 9);
}

TEST_CASE("a version 4 water record still loads: its last 3 flow rates, no register step yet") {
  SensorState w(SensorKind::water);
  w.water().last_total_m3 = 12.345;
  w.water().flow_reports = 5;
  w.water().last_backwards_ms = 11;
  w.water().step_m3 = 0.001f;
  w.meter().flow = {{1, 2, 3, 4, 5, 6, 7, 8}, {4, 5}};
  w.meter().slow_since_ms = 12;
  w.meter().slow_since_total = 13.5;
  w.meter().trickle_since_ms = 14;
  // Version 4 as it was written: the version 6 bytes without the step and the trickle run, and
  // the flow run as its slowest and fastest rate, then its last 3 rates.
  const std::string v6 = encode_sensor_state(w);
  constexpr size_t kWaterEnd = 30 + 124, kRates = kWaterEnd + 4, kUsed = kRates + 8 * 4;
  constexpr size_t kSlowEnd = kUsed + 8 + 16;
  REQUIRE(v6.size() == kSlowEnd + 17);
  std::string v4 = v6.substr(0, kWaterEnd);
  v4[0] = 4;
  put_fixed32(v4, std::bit_cast<uint32_t>(0.5f));
  put_fixed32(v4, std::bit_cast<uint32_t>(9.5f));
  v4 += v6.substr(kRates, 3 * 4);
  v4 += v6.substr(kUsed, kSlowEnd - kUsed);
  std::string error;
  const auto back = decode_sensor_state(v4, error);
  REQUIRE(back);
  CHECK(error.empty());
  CHECK(back->water().last_total_m3 == 12.345);
  CHECK(back->water().last_backwards_ms == 11);
  CHECK(back->water().step_m3 == 0);  // learned again from the next rises
  CHECK(back->meter().flow.rate[2] == 3.0f);
  CHECK(back->meter().flow.rate[3] == 0.0f);
  CHECK(back->meter().flow.used[1] == 5.0f);
  CHECK(back->meter().slow_since_total == 13.5);
  CHECK(back->meter().trickle_since_ms == 0);
}

TEST_CASE(
    "a version 5 water record still loads, with no trickle run (it starts at the next rise)") {
  SensorState w(SensorKind::water);
  w.water().last_total_m3 = 12.345;
  w.water().step_m3 = 0.01f;
  w.meter().slow_since_total = 13.5;
  w.meter().trickle_since_ms = 14;
  w.meter().trickle_held = true;
  // Version 5 as it was written: the version 6 bytes without the trickle run at the end.
  std::string v5 = encode_sensor_state(w);
  v5.resize(v5.size() - 17);
  v5[0] = 5;
  std::string error;
  const auto back = decode_sensor_state(v5, error);
  REQUIRE(back);
  CHECK(error.empty());
  CHECK(back->water().step_m3 == 0.01f);
  CHECK(back->meter().slow_since_total == 13.5);
  CHECK(back->meter().trickle_since_ms == 0);
  CHECK_FALSE(back->meter().trickle_held);
  v5[0] = 6;  // the same bytes as version 6 are cut short
  CHECK_FALSE(decode_sensor_state(v5, error));
}

TEST_CASE("a household record keeps when W1 began to hold: C1 after a restart 4 h after W1") {
  // Out and back 18:00-18:30, to bed at 19:30, nothing since: W1 at 12:00 the next day (the
  // awake hours), C1 at 16:00.
  Home before;
  before.water(kT0 + 17 * kHour + 45 * kMin);
  before.pass(kT0 + 18 * kHour);
  before.water(kT0 + 18 * kHour + 15 * kMin);
  before.pass(kT0 + 18 * kHour + 30 * kMin);
  before.quiet(kT0 + 18 * kHour + 45 * kMin, kT0 + 19 * kHour + 15 * kMin);
  before.water(kT0 + 19 * kHour + 30 * kMin, 0.02);
  before.quiet(kT0 + 19 * kHour + 45 * kMin, kT0 + 37 * kHour);
  REQUIRE(before.count(Rule::W1) == 1);
  const std::vector<StateRecord> records = before.engine.take_dirty_records();
  auto household = std::find_if(records.begin(), records.end(),
                                [](const StateRecord& r) { return r.key == "h/hh-1"; });
  REQUIRE(household != records.end());
  CHECK(household->value[0] == kHouseholdRecordVersion);
  CHECK(before.engine.household("hh-1")->silence_held_ms == kT0 + 36 * kHour);

  Home after;  // restarted at 13:00: C1 at 16:00 still
  for (const StateRecord& r : records) CHECK(after.engine.load_record(r.key, r.value).empty());
  CHECK(after.engine.household("hh-1")->silence_held_ms == kT0 + 36 * kHour);
  after.total = before.total;
  after.quiet(kT0 + 37 * kHour + 15 * kMin, kT0 + 40 * kHour);
  REQUIRE(after.count(Rule::C1) == 1);
  CHECK(after.alerts.back().detect_time_ms == kT0 + 40 * kHour);

  // A version 2 record (written before this field, the usual-hour flag and version 4's door
  // gap: the same bytes without them) loads; C1 counts 4 h from the first reading after the
  // restart.
  Home old;
  restart_with_older_household(old, records, 2, kSilenceHeldAt, 8 + 1 + 8);
  const HouseholdState* h = old.engine.household("hh-1");
  REQUIRE(h != nullptr);
  CHECK(h->silence_held_ms == 0);
  CHECK(h->last_water_use_ms == kT0 + 19 * kHour + 30 * kMin);
  CHECK(h->model.days_seen == before.engine.household("hh-1")->model.days_seen);
  old.total = before.total;
  old.quiet(kT0 + 37 * kHour + 15 * kMin, kT0 + 41 * kHour + 15 * kMin);
  REQUIRE(old.count(Rule::C1) == 1);
  CHECK(old.alerts.back().detect_time_ms == kT0 + 41 * kHour + 15 * kMin);
}

TEST_CASE("a checkpoint record that does not parse is refused by name, the rest still loads") {
  Home h;
  std::string value = encode_sensor_state(SensorState{});
  CHECK(h.engine.load_record("s/wm-1", value.substr(0, value.size() - 3)) ==
        "checkpoint record s/wm-1: version 6 sensor record of " + std::to_string(value.size() - 3) +
            " bytes is cut short");
  value[0] = 9;
  CHECK(h.engine.load_record("s/wm-1", value).find("version 9 is not known") != std::string::npos);
  CHECK(h.engine.load_record("h/hh-1", std::string(1, '\x07')).find("household record version 7") !=
        std::string::npos);
  CHECK(h.engine.load_record("w", "abc") ==
        "checkpoint record w: a watermark of 3 bytes, expected 8");
  CHECK(h.engine.load_record("s/wm-1", std::string(1, '\x03'))
            .find("version 3 sensor record of 1 bytes") != std::string::npos);
  // The meter still works from scratch.
  h.water(kT0 + 9 * kHour, 0.02);
  h.quiet(kT0 + 9 * kHour + 15 * kMin, kT0 + 22 * kHour);
  CHECK(h.count(Rule::W1) == 1);
}

TEST_CASE("a night exit awaiting D3's confirmation survives a restart, however it is loaded") {
  // Water at 23:45, the door opens at 00:05 (local); the checkpoint is taken at 00:15, before
  // D3's 20 minutes are up. Restored (records one at a time in either order, or all of them
  // and then finished, as the gateway's restore does: households first, by key order), the
  // exit is still confirmed. Until the restore was finished after all records, a household
  // restored before its doors re-armed no deadline and the exit was never confirmed.
  Home h;
  h.quiet(kT0 + 22 * kHour, kT0 + 23 * kHour + 30 * kMin);
  h.water(kT0 + 23 * kHour + 45 * kMin, 0.004);
  h.water(kT0 + 24 * kHour);
  h.pass(kT0 + 24 * kHour + 5 * kMin);
  h.water(kT0 + 24 * kHour + 15 * kMin);
  REQUIRE(h.count(Rule::D3) == 0);
  const std::vector<StateRecord> records = h.engine.take_dirty_records();
  auto confirmed_after = [](Home& after) {
    after.total = 10.004;
    after.quiet(kT0 + 24 * kHour + 30 * kMin, kT0 + 25 * kHour);
    REQUIRE(after.count(Rule::D3) == 1);
    const auto d3 = std::find_if(after.alerts.begin(), after.alerts.end(),
                                 [](const Alert& a) { return a.rule == Rule::D3; });
    CHECK(d3->event_time_ms == kT0 + 24 * kHour + 5 * kMin);
  };
  SUBCASE("one at a time, in order") {
    Home after;
    for (const StateRecord& r : records) CHECK(after.engine.load_record(r.key, r.value).empty());
    confirmed_after(after);
  }
  SUBCASE("one at a time, in reverse") {
    Home after;
    for (auto r = records.rbegin(); r != records.rend(); ++r)
      CHECK(after.engine.load_record(r->key, r->value).empty());
    confirmed_after(after);
  }
  SUBCASE("households first, then the rest, then finished") {
    Home after;
    std::vector<StateRecord> by_key = records;
    std::sort(by_key.begin(), by_key.end(),
              [](const StateRecord& a, const StateRecord& b) { return a.key < b.key; });
    for (const StateRecord& r : by_key)
      CHECK((r.key.starts_with("h/") ? after.engine.load_household_record(r.key, r.value)
                                     : after.engine.load_other_record(r.key, r.value))
                .empty());
    after.engine.finish_restore();
    confirmed_after(after);
  }
}
