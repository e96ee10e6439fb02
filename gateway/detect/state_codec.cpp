// state_codec.cpp: the checkpoint records, field by field (see state_codec.h).
#include "gateway/detect/state_codec.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>

#include "util/coding.h"

namespace edgegw {

namespace {

// --- field writer and reader --------------------------------------------------------------

struct Writer {
  std::string out;
  void u8(uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v & 0xff));
    u8(static_cast<uint8_t>(v >> 8));
  }
  void u32(uint32_t v) { put_fixed32(out, v); }
  void i32(int32_t v) { put_fixed32(out, static_cast<uint32_t>(v)); }
  void i64(int64_t v) { put_fixed64(out, static_cast<uint64_t>(v)); }
  void f32(float v) { put_fixed32(out, std::bit_cast<uint32_t>(v)); }
  void f64(double v) { put_fixed64(out, std::bit_cast<uint64_t>(v)); }
  void bytes(const uint8_t* p, size_t n) { out.append(reinterpret_cast<const char*>(p), n); }
};

// Reads fields from the front; once one is missing, `ok` is false and the rest read as zero.
struct Reader {
  std::string_view in;
  bool ok = true;
  uint8_t u8() {
    if (in.empty()) return fail();
    const auto v = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    return v;
  }
  uint16_t u16() {
    const uint16_t lo = u8();
    return static_cast<uint16_t>(lo | (uint16_t{u8()} << 8));
  }
  uint32_t u32() {
    uint32_t v = 0;
    if (!get_fixed32(in, v)) return fail();
    return v;
  }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  int64_t i64() {
    uint64_t v = 0;
    if (!get_fixed64(in, v)) return fail();
    return static_cast<int64_t>(v);
  }
  float f32() { return std::bit_cast<float>(u32()); }
  double f64() {
    uint64_t v = 0;
    if (!get_fixed64(in, v)) return fail();
    return std::bit_cast<double>(v);
  }
  void bytes(uint8_t* p, size_t n) {
    if (in.size() < n) {
      fail();
      return;
    }
    std::memcpy(p, in.data(), n);
    in.remove_prefix(n);
  }
  uint8_t fail() {
    ok = false;
    in = {};
    return 0;
  }
};

// --- sensor state, versions 4 to 6 -----------------------------------------------------------
// Version 5 adds the register's step to the water state and keeps 8 rates of the flow run
// (version 4: its slowest and fastest rate and the last 3 rates); version 6 adds W3's trickle
// run after the slow run (an earlier record loads with none: it starts at the next movement).

void write_water(Writer& w, const WaterState& s) {
  w.i64(s.last_time_ms);
  w.f64(s.last_total_m3);
  w.i64(s.last_change_ms);
  for (const QuietWindow* q : {&s.w1, &s.w2}) {
    w.i64(q->anchor_time_ms);
    w.f64(q->anchor_total_m3);
  }
  w.i64(s.flow_since_ms);
  w.f64(s.flow_since_total);
  w.i32(s.flow_reports);
  w.i64(s.day);
  w.f64(s.day_start_total);
  w.i64(static_cast<int64_t>(s.slot_bits));
  w.i64(s.slot_index);
  w.i64(s.period_ms);
  w.i64(s.last_backwards_ms);
  w.f32(s.step_m3);
}

void read_water(Reader& r, WaterState& s, int version) {
  s.last_time_ms = r.i64();
  s.last_total_m3 = r.f64();
  s.last_change_ms = r.i64();
  for (QuietWindow* q : {&s.w1, &s.w2}) {
    q->anchor_time_ms = r.i64();
    q->anchor_total_m3 = r.f64();
  }
  s.flow_since_ms = r.i64();
  s.flow_since_total = r.f64();
  s.flow_reports = r.i32();
  s.day = r.i64();
  s.day_start_total = r.f64();
  s.slot_bits = static_cast<uint64_t>(r.i64());
  s.slot_index = r.i64();
  s.period_ms = r.i64();
  s.last_backwards_ms = r.i64();
  if (version >= 5) s.step_m3 = r.f32();
}

void write_flow(Writer& w, const FlowState& f) {
  for (float v : f.rate) w.f32(v);
  for (float v : f.used) w.f32(v);
}

void read_flow(Reader& r, FlowState& f, int version) {
  if (version == 4) {
    r.f32(), r.f32();  // the run's slowest and fastest rate: W3 no longer uses them
    for (int i = 0; i < 3; ++i) f.rate[i] = r.f32();
  } else {
    for (float& v : f.rate) v = r.f32();
  }
  for (float& v : f.used) v = r.f32();
}

void write_door(Writer& w, const DoorState& d) {
  w.i64(d.last_event_ms);
  w.i64(d.last_opening_ms);
  w.i64(d.open_since_ms);
  w.u8(static_cast<uint8_t>(d.contact_closed));
  w.i64(d.d3_night);
}

void read_door(Reader& r, DoorState& d) {
  d.last_event_ms = r.i64();
  d.last_opening_ms = r.i64();
  d.open_since_ms = r.i64();
  d.contact_closed = static_cast<int8_t>(r.u8());
  d.d3_night = r.i64();
}

void write_facade(Writer& w, const FacadeState& f) {
  w.i32(f.consecutive);
  w.f32(f.last_dt_c);
  w.i64(f.first_day);
  w.i64(f.f1_day);
  w.u8(f.patch_x);
  w.u8(f.patch_y);
}

void read_facade(Reader& r, FacadeState& f) {
  f.consecutive = r.i32();
  f.last_dt_c = r.f32();
  f.first_day = r.i64();
  f.f1_day = r.i64();
  f.patch_x = r.u8();
  f.patch_y = r.u8();
}

// --- sensor state, versions 1-3: SensorState's bytes as they were laid out (x86-64, arm64) ---

namespace legacy {
struct QuietWindow {
  int64_t anchor_time_ms;
  double anchor_total_m3;
};
struct WaterState {
  int64_t last_time_ms;
  double last_total_m3;
  int64_t last_change_ms;
  QuietWindow w1, w2;
  int64_t flow_since_ms;
  double flow_since_total;
  int32_t flow_reports;
  int64_t day;
  double day_start_total;
  uint64_t slot_bits;
  int64_t slot_index;
  int64_t period_ms;
  int64_t last_backwards_ms;
};
struct DoorState {
  int64_t last_event_ms, last_opening_ms, open_since_ms;
  int8_t contact_closed;
  int64_t d3_night;
};
struct FacadeState {
  int consecutive;
  float last_dt_c;
  int64_t first_day, f1_day;
  uint8_t patch_x, patch_y;
};
struct HealthState {
  int64_t last_seen_ms;
  uint32_t garbage_count;
  int64_t garbage_day;
};
struct FlowState {
  float min_rate, max_rate;
  float rate[3];
  float used[2];
};
struct SensorStateV3 {
  SensorKind kind;
  uint32_t household;
  uint32_t open, held;
  WaterState water;
  DoorState door;
  FacadeState facade;
  HealthState health;
  int64_t scheduled_due[3];
  int64_t night_exit_due;  // version 2 and later
  FlowState flow;
  int64_t slow_since_ms;  // version 3
  double slow_since_total;
};
// The record sizes every version 1-3 checkpoint was written with.
static_assert(sizeof(SensorStateV3) == 320);
constexpr size_t kV1Size = offsetof(SensorStateV3, night_exit_due);
constexpr size_t kV2Size = offsetof(SensorStateV3, slow_since_ms);
static_assert(kV1Size == 264 && kV2Size == 304);

SensorState upgrade(const SensorStateV3& o, int version) {
  SensorState s(o.kind);
  s.open = o.open;
  s.held = o.held;
  s.health = {o.health.last_seen_ms, o.health.garbage_count, o.health.garbage_day};
  switch (o.kind) {
    case SensorKind::water: {
      const WaterState& w = o.water;
      MeterState& m = s.meter();
      m.water.last_time_ms = w.last_time_ms;
      m.water.last_total_m3 = w.last_total_m3;
      m.water.last_change_ms = w.last_change_ms;
      m.water.w1 = {w.w1.anchor_time_ms, w.w1.anchor_total_m3};
      m.water.w2 = {w.w2.anchor_time_ms, w.w2.anchor_total_m3};
      m.water.flow_since_ms = w.flow_since_ms;
      m.water.flow_since_total = w.flow_since_total;
      m.water.flow_reports = w.flow_reports;
      m.water.day = w.day;
      m.water.day_start_total = w.day_start_total;
      m.water.slot_bits = w.slot_bits;
      m.water.slot_index = w.slot_index;
      m.water.period_ms = w.period_ms;
      m.water.last_backwards_ms = w.last_backwards_ms;
      if (version >= 2) {
        std::copy(std::begin(o.flow.rate), std::end(o.flow.rate), std::begin(m.flow.rate));
        std::copy(std::begin(o.flow.used), std::end(o.flow.used), std::begin(m.flow.used));
      }
      if (version >= 3) {
        m.slow_since_ms = o.slow_since_ms;
        m.slow_since_total = o.slow_since_total;
      }
      break;
    }
    case SensorKind::door:
      s.door() = {o.door.last_event_ms, o.door.last_opening_ms, o.door.open_since_ms,
                  o.door.contact_closed, o.door.d3_night};
      break;
    case SensorKind::facade:
      s.facade().consecutive = o.facade.consecutive;
      s.facade().last_dt_c = o.facade.last_dt_c;
      s.facade().first_day = o.facade.first_day;
      s.facade().f1_day = o.facade.f1_day;
      s.facade().patch_x = o.facade.patch_x;
      s.facade().patch_y = o.facade.patch_y;
      break;
  }
  return s;
}
}  // namespace legacy

bool valid_kind(uint8_t k) {
  return k <= static_cast<uint8_t>(SensorKind::facade);
}

// --- household ------------------------------------------------------------------------------

void write_model(Writer& w, const HouseholdModel& m) {
  w.bytes(&m.slots[0][0], sizeof m.slots);
  w.u32(m.day_seen_bits);
  w.i64(m.newest_day);
  w.u16(m.days_seen);
  w.bytes(m.outing_len, sizeof m.outing_len);
  w.bytes(m.opening_hour, sizeof m.opening_hour);
}

void read_model(Reader& r, HouseholdModel& m) {
  r.bytes(&m.slots[0][0], sizeof m.slots);
  m.day_seen_bits = r.u32();
  m.newest_day = r.i64();
  m.days_seen = r.u16();
  r.bytes(m.outing_len, sizeof m.outing_len);
  r.bytes(m.opening_hour, sizeof m.opening_hour);
}

}  // namespace

void encode_sensor_state(const SensorState& s, std::string& out) {
  out.clear();
  Writer w{std::move(out)};
  w.u8(kSensorRecordVersion);
  w.u8(static_cast<uint8_t>(s.kind));
  w.u32(s.open);
  w.u32(s.held);
  w.i64(s.health.last_seen_ms);
  w.u32(s.health.garbage_count);
  w.i64(s.health.garbage_day);
  switch (s.kind) {
    case SensorKind::water:
      write_water(w, s.water());
      write_flow(w, s.meter().flow);
      w.i64(s.meter().slow_since_ms);
      w.f64(s.meter().slow_since_total);
      w.i64(s.meter().trickle_since_ms);
      w.f64(s.meter().trickle_volume);
      w.u8(s.meter().trickle_held ? 1 : 0);
      break;
    case SensorKind::door: write_door(w, s.door()); break;
    case SensorKind::facade: write_facade(w, s.facade()); break;
  }
  out = std::move(w.out);
}

std::string encode_sensor_state(const SensorState& s) {
  std::string out;
  encode_sensor_state(s, out);
  return out;
}

std::optional<SensorState> decode_sensor_state(std::string_view value, std::string& error) {
  const int version = value.empty() ? -1 : static_cast<uint8_t>(value[0]);
  if (version >= 1 && version <= 3) {
    const size_t want = version == 1   ? legacy::kV1Size
                        : version == 2 ? legacy::kV2Size
                                       : sizeof(legacy::SensorStateV3);
    if (value.size() != 1 + want) {
      error = fmt::format("version {} sensor record of {} bytes, expected {}", version,
                          value.size(), 1 + want);
      return std::nullopt;
    }
    legacy::SensorStateV3 old{};
    std::memcpy(&old, value.data() + 1, want);
    if (!valid_kind(static_cast<uint8_t>(old.kind))) {
      error =
          fmt::format("version {} sensor record with kind {}", version, static_cast<int>(old.kind));
      return std::nullopt;
    }
    return legacy::upgrade(old, version);
  }
  if (version < 4 || version > kSensorRecordVersion) {
    error = version < 0 ? std::string("empty sensor record")
                        : fmt::format(
                              "sensor record version {} is not known to this edgegw "
                              "(it reads 1 to {}; written by a newer one?)",
                              version, int{kSensorRecordVersion});
    return std::nullopt;
  }
  Reader r{value.substr(1)};
  const uint8_t kind = r.u8();
  if (!valid_kind(kind)) {
    error = fmt::format("sensor record with kind {}", int{kind});
    return std::nullopt;
  }
  SensorState s(static_cast<SensorKind>(kind));
  s.open = r.u32();
  s.held = r.u32();
  s.health.last_seen_ms = r.i64();
  s.health.garbage_count = r.u32();
  s.health.garbage_day = r.i64();
  switch (s.kind) {
    case SensorKind::water:
      read_water(r, s.water(), version);
      read_flow(r, s.meter().flow, version);
      s.meter().slow_since_ms = r.i64();
      s.meter().slow_since_total = r.f64();
      if (version >= 6) {
        s.meter().trickle_since_ms = r.i64();
        s.meter().trickle_volume = r.f64();
        s.meter().trickle_held = r.u8() != 0;
      }
      break;
    case SensorKind::door: read_door(r, s.door()); break;
    case SensorKind::facade: read_facade(r, s.facade()); break;
  }
  if (!r.ok || !r.in.empty()) {
    error = fmt::format("version {} sensor record of {} bytes is {}", version, value.size(),
                        r.ok ? "too long" : "cut short");
    return std::nullopt;
  }
  return s;
}

// Household, version 4: last water use, its interval start, last movement's interval start,
// last and previous door opening, away until (i64 each), c1 open (u8), openings since use
// (i32), presence (u8), guest possible (u8), last sign of life, last return, outing start,
// night exit, parity error, silence held since (i64 each), night exit at a usual hour (u8),
// longest door gap since the last use (i64), then the learned model: the slot bitmap,
// day-seen bits (u32), newest day (i64), days seen (u16), outing-length counts, night-opening
// counts. Version 3 is version 4 without the longest door gap (0 on load: S2's stuck register
// counts the whole quiet as at home until the next use). Version 2 is version 3 without the
// two fields before it (0 on load: C1 counts from the first reading after the restart; a
// pending night exit is taken as unusual). Version 1 (before the model) held the first six
// fields and the memcpy'd tail of the struct.
void encode_household_state(const HouseholdState& h, std::string& out) {
  out.clear();
  Writer w{std::move(out)};
  w.u8(kHouseholdRecordVersion);
  w.i64(h.last_water_use_ms);
  w.i64(h.last_water_use_from_ms);
  w.i64(h.last_any_use_from_ms);
  w.i64(h.last_door_activity_ms);
  w.i64(h.prev_door_activity_ms);
  w.i64(h.profile.away_until_ms);
  w.u8(h.c1_open ? 1 : 0);
  w.i32(h.openings_since_use);
  w.u8(static_cast<uint8_t>(h.presence));
  w.u8(h.guest_possible ? 1 : 0);
  w.i64(h.last_sign_ms);
  w.i64(h.last_return_ms);
  w.i64(h.outing_start_ms);
  w.i64(h.night_exit_ms);
  w.i64(h.parity_error_ms);
  w.i64(h.silence_held_ms);
  w.u8(h.night_exit_usual ? 1 : 0);
  w.i64(h.longest_door_gap_ms);
  write_model(w, h.model);
  out = std::move(w.out);
}

std::string encode_household_state(const HouseholdState& h) {
  std::string out;
  encode_household_state(h, out);
  return out;
}

bool decode_household_state(std::string_view value, HouseholdState& h, std::string& error) {
  const int version = value.empty() ? -1 : static_cast<uint8_t>(value[0]);
  if (version < 1 || version > kHouseholdRecordVersion) {
    error = version < 0 ? std::string("empty household record")
                        : fmt::format(
                              "household record version {} is not known to this edgegw "
                              "(it reads 1 to {}; written by a newer one?)",
                              version, int{kHouseholdRecordVersion});
    return false;
  }
  Reader r{value.substr(1)};
  HouseholdState s;
  s.last_water_use_ms = r.i64();
  s.last_water_use_from_ms = r.i64();
  s.last_any_use_from_ms = r.i64();
  s.last_door_activity_ms = r.i64();
  s.prev_door_activity_ms = r.i64();
  const int64_t away = r.i64();
  if (version == 1) {
    // The memcpy'd struct's tail: c1 (u8) at byte 48, padding, openings (i32) at byte 52.
    s.c1_open = r.u8() != 0;
    r.u8(), r.u8(), r.u8();
    s.openings_since_use = r.i32();
  } else {
    s.c1_open = r.u8() != 0;
    s.openings_since_use = r.i32();
    const uint8_t presence = r.u8();
    if (presence > static_cast<uint8_t>(Presence::unsure)) {
      error = fmt::format("household record with presence {}", int{presence});
      return false;
    }
    s.presence = presence == static_cast<uint8_t>(Presence::out) ? Presence::out : Presence::home;
    s.guest_possible = r.u8() != 0;
    s.last_sign_ms = r.i64();
    s.last_return_ms = r.i64();
    s.outing_start_ms = r.i64();
    s.night_exit_ms = r.i64();
    s.parity_error_ms = r.i64();
    if (version >= 3) {
      s.silence_held_ms = r.i64();
      s.night_exit_usual = r.u8() != 0;
    }
    if (version >= 4) s.longest_door_gap_ms = r.i64();
    read_model(r, s.model);
  }
  if (!r.ok || !r.in.empty()) {
    error = fmt::format("version {} household record of {} bytes is {}", version, value.size(),
                        r.ok ? "too long" : "cut short");
    return false;
  }
  if (version == 1) s.last_sign_ms = std::max(s.last_water_use_ms, s.last_door_activity_ms);
  s.profile = std::move(h.profile);
  s.profile.away_until_ms = away;
  s.meters = std::move(h.meters);
  s.doors = std::move(h.doors);
  s.listed_meters = h.listed_meters;
  s.listed_doors = h.listed_doors;
  h = std::move(s);
  return true;
}

std::string encode_watermark(int64_t watermark_ms) {
  std::string out;
  put_fixed64(out, static_cast<uint64_t>(watermark_ms));
  return out;
}

std::optional<int64_t> decode_watermark(std::string_view value) {
  uint64_t v = 0;
  if (value.size() != 8 || !get_fixed64(value, v)) return std::nullopt;
  return static_cast<int64_t>(v);
}

}  // namespace edgegw
