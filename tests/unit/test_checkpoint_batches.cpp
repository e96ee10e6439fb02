// test_checkpoint_batches.cpp: a checkpoint taken in bounded pieces (Engine::take_dirty_records
// with a limit, as the gateway's state-only writes do): each piece is bounded, every changed
// record comes exactly once with its latest value, and the watermark record comes only in the
// piece that leaves nothing dirty, so that a watermark on disk has every record up to it.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "gateway/detect/state_codec.h"
#include "household_fixture.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

constexpr int kHouseholds = 300;

Inventory many_homes() {
  Inventory inv;
  for (int i = 0; i < kHouseholds; ++i) {
    Household h;
    h.id = "hh-" + std::to_string(i);
    h.meters = {"wm-" + std::to_string(i)};
    inv.households.push_back(h);
  }
  return inv;
}

void reading(Engine& engine, int meter, int64_t t, double total, std::vector<Alert>& alerts) {
  const std::string id = "wm-" + std::to_string(meter);
  Reading r;
  r.sensor_id = id;
  r.kind = SensorKind::water;
  r.time_ms = t;
  r.water.total_m3 = total;
  engine.on_reading(r, alerts);
}

}  // namespace

TEST_CASE("a checkpoint taken in bounded pieces: each record once, the watermark last") {
  Engine engine{RulesConfig{}, many_homes()};
  std::vector<Alert> alerts;
  for (int i = 0; i < kHouseholds; ++i) reading(engine, i, kT0 + i * 1000, 10.0, alerts);
  const int64_t watermark = engine.watermark_ms();
  CHECK(watermark == kT0 + (kHouseholds - 1) * 1000);

  constexpr size_t kLimit = 64;
  std::map<std::string, std::string> written;  // key -> latest value, in write order
  std::vector<std::vector<StateRecord>> pieces;
  for (int guard = 0; guard < 100; ++guard) {
    std::vector<StateRecord> piece = engine.take_dirty_records(kLimit);
    if (piece.empty()) break;
    // A sensor that changes between two pieces is taken again, with its new value.
    if (pieces.size() == 1) reading(engine, 0, watermark, 10.5, alerts);
    pieces.push_back(std::move(piece));
  }
  REQUIRE(pieces.size() > 2);
  for (size_t p = 0; p < pieces.size(); ++p) {
    CAPTURE(p);
    CHECK(pieces[p].size() <= kLimit + 1);  // a sensor's record comes with its household's
    for (const StateRecord& r : pieces[p]) {
      // The watermark only in the last piece, after every record changed up to it.
      if (r.key == "w") CHECK(p + 1 == pieces.size());
      written[r.key] = r.value;
    }
  }
  CHECK(pieces.back().back().key == "w");
  CHECK(written.size() == 2 * kHouseholds + 1);  // s/ and h/ for each, and w
  CHECK(engine.take_dirty_records(kLimit).empty());

  // Loaded back, the pieces give the engine's state, the late change included.
  Engine restored{RulesConfig{}, many_homes()};
  for (const auto& [key, value] : written) CHECK(restored.load_record(key, value).empty());
  CHECK(restored.watermark_ms() == watermark);
  REQUIRE(restored.sensor_count() == kHouseholds);
  CHECK(restored.sensor("wm-0")->water().last_total_m3 == doctest::Approx(10.5));
  CHECK(restored.sensor("wm-299")->water().last_total_m3 == doctest::Approx(10.0));
}

TEST_CASE("a checkpoint without a limit is one piece, the watermark included") {
  Engine engine{RulesConfig{}, many_homes()};
  std::vector<Alert> alerts;
  for (int i = 0; i < kHouseholds; ++i) reading(engine, i, kT0 + i * 1000, 10.0, alerts);
  const std::vector<StateRecord> all = engine.take_dirty_records();
  CHECK(all.size() >= 2 * kHouseholds + 1);
  CHECK(all.back().key == "w");
  CHECK(engine.take_dirty_records().empty());
}

TEST_CASE("records taken into a reused buffer are the current ones only, with their values") {
  Engine engine{RulesConfig{}, many_homes()};
  std::vector<Alert> alerts;
  for (int i = 0; i < kHouseholds; ++i) reading(engine, i, kT0 + i * 1000, 10.0, alerts);
  StateRecords buffer;
  engine.take_dirty_records(buffer);
  CHECK(buffer.size >= 2 * kHouseholds + 1);
  // One more reading: only its records now, though the buffer held 601 before.
  reading(engine, 7, kT0 + kHouseholds * 1000, 10.25, alerts);
  engine.take_dirty_records(buffer);
  std::map<std::string, std::string> taken;
  for (const StateRecord& r : buffer) taken[r.key] = r.value;
  CHECK(taken.size() == buffer.size);
  CHECK(taken.count("s/wm-7") == 1);
  CHECK(taken.count("s/wm-8") == 0);
  CHECK(taken.count("w") == 1);
  // The same bytes as a fresh encoding: nothing of an earlier, longer record is left in it.
  CHECK(taken["s/wm-7"] == encode_sensor_state(*engine.sensor("wm-7")));
  Engine restored{RulesConfig{}, many_homes()};
  CHECK(restored.load_record("s/wm-7", taken["s/wm-7"]).empty());
  CHECK(restored.sensor("wm-7")->water().last_total_m3 == doctest::Approx(10.25));
  engine.take_dirty_records(buffer);
  CHECK(buffer.empty());
}
