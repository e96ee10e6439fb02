// test_drivers_native.cpp: the FlatBuffer reading (schemas/reading.fbs): round trips and
// verification of untrusted buffers.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include <flatbuffers/flatbuffers.h>

#include "drivers/native_reading.h"
#include "schemas/reading_generated.h"
#include "tests/unit/driver_fixture.h"

using namespace edgegw;

namespace {

void decode(Decoded& d, std::string_view payload) {
  d.status = decode_native_reading("edgegw/reading/x", payload, DecodeLimits{}, d.scratch, d.r);
}

// Copies `bytes` to an address that is `offset` bytes past an 8-byte boundary.
struct Placed {
  std::unique_ptr<char[]> storage;
  std::string_view view;
  Placed(const std::string& bytes, size_t offset) : storage(new char[bytes.size() + 16]) {
    char* base = storage.get();
    base += (8 - reinterpret_cast<uintptr_t>(base) % 8) % 8;
    std::memcpy(base + offset, bytes.data(), bytes.size());
    view = {base + offset, bytes.size()};
  }
};

}  // namespace

TEST_CASE("native: water round trip") {
  Reading w;
  w.sensor_id = "00000012345678";
  w.kind = SensorKind::water;
  w.time_ms = 1715905800000;
  w.battery_pct = 80;
  w.link_quality = 200;
  w.water.total_m3 = 123.45;
  w.water.alarms = kAlarmValveClosed | kAlarmLowBattery;
  const std::string buf = encode_native_reading(w);
  Decoded d;
  decode(d, buf);
  REQUIRE_MESSAGE(!d.status, (d.status ? d.status->detail : ""));
  CHECK(d.r.sensor_id == "00000012345678");
  CHECK(d.r.kind == SensorKind::water);
  CHECK(d.r.time_ms == 1715905800000);
  CHECK(d.r.battery_pct == 80.0f);
  CHECK(d.r.link_quality == 200);
  CHECK(d.r.water.total_m3 == 123.45);
  CHECK(std::isnan(d.r.water.flow_m3h));
  CHECK(d.r.water.alarms == (kAlarmValveClosed | kAlarmLowBattery));
  CHECK_FALSE(d.r.door.contact_closed.has_value());
}

TEST_CASE("native: door round trip, with and without contact") {
  Reading door;
  door.sensor_id = "back_door";
  door.kind = SensorKind::door;
  door.time_ms = 1715971212000;
  door.door.contact_closed = false;
  door.door.tamper = true;
  Decoded d;
  const std::string a = encode_native_reading(door);
  decode(d, a);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.kind == SensorKind::door);
  REQUIRE(d.r.door.contact_closed.has_value());
  CHECK_FALSE(*d.r.door.contact_closed);
  CHECK(d.r.door.tamper);
  CHECK(std::isnan(d.r.battery_pct));
  CHECK(d.r.link_quality == -1);
  CHECK(std::isnan(d.r.water.total_m3));

  door.door.contact_closed.reset();
  const std::string b = encode_native_reading(door);
  decode(d, b);
  REQUIRE_FALSE(d.status);
  CHECK_FALSE(d.r.door.contact_closed.has_value());
}

TEST_CASE("native: facade round trip with frame and regions") {
  std::array<float, kFramePixels> frame;
  for (int i = 0; i < kFramePixels; ++i) frame[i] = 31.2f + static_cast<float>(i % 7) * 0.01f;
  frame[7 * kFrameWidth + 12] = 32.5f;
  std::array<FacadeRegion, 2> regions{FacadeRegion{12, 7, 3, 2, 1.3f, 6},
                                      FacadeRegion{0, 0, 32, 24, -0.2f, 1}};
  Reading f;
  f.sensor_id = "facade-b12-s03";
  f.kind = SensorKind::facade;
  f.time_ms = 1715911200000;
  f.facade.phase = FacadePhase::heating;
  f.facade.ref_c = 31.1f;
  f.facade.rain = true;
  f.facade.frame_c = frame;
  f.facade.regions = regions;
  const std::string buf = encode_native_reading(f);
  Decoded d;
  decode(d, buf);
  REQUIRE_MESSAGE(!d.status, (d.status ? d.status->detail : ""));
  CHECK(d.r.kind == SensorKind::facade);
  CHECK(d.r.facade.phase == FacadePhase::heating);
  CHECK(d.r.facade.ref_c == 31.1f);
  CHECK(d.r.facade.rain);
  REQUIRE(d.r.facade.frame_c.size() == static_cast<size_t>(kFramePixels));
  CHECK(d.r.facade.frame_c[7 * kFrameWidth + 12] == 32.5f);
  CHECK(d.r.facade.frame_c[100] == frame[100]);
  REQUIRE(d.r.facade.regions.size() == 2);
  CHECK(d.r.facade.regions[0].x == 12);
  CHECK(d.r.facade.regions[0].h == 2);
  CHECK(d.r.facade.regions[0].dt_c == 1.3f);
  CHECK(d.r.facade.regions[0].frames == 6);
  CHECK(d.r.facade.regions[1].w == 32);
}

TEST_CASE("native: misaligned payloads are copied, not read in place") {
  Reading w;
  w.sensor_id = "m1";
  w.water.total_m3 = 5;
  const std::string buf = encode_native_reading(w);
  for (size_t offset = 0; offset < 8; ++offset) {
    CAPTURE(offset);
    Placed p(buf, offset);
    Decoded d;
    decode(d, p.view);
    REQUIRE_FALSE(d.status);
    CHECK(d.r.sensor_id == "m1");
    CHECK(d.r.water.total_m3 == 5.0);
  }
}

TEST_CASE("native: rejects buffers that fail verification") {
  Reading w;
  w.sensor_id = "m1";
  w.water.total_m3 = 5;
  const std::string buf = encode_native_reading(w);
  Decoded d;
  decode(d, "");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::empty);
  decode(d, "EGRD");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::malformed);
  decode(d, R"({"sensor_id":"x"})");
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::malformed);
  CHECK(d.status->detail.find("EGRD") != std::string::npos);
  for (size_t n = 0; n < buf.size(); ++n) {  // every truncation
    CAPTURE(n);
    const std::string cut = buf.substr(0, n);  // the Reading borrows from the payload
    decode(d, cut);
    if (n < buf.size() / 2) CHECK(d.status);
    if (!d.status) CHECK(d.r.sensor_id == "m1");  // only trailing padding was cut
  }
  // every single-byte corruption: rejected or decoded to sane values, never a crash
  for (size_t i = 0; i < buf.size(); ++i)
    for (int v : {0x00, 0x7F, 0x80, 0xFF}) {
      std::string bad = buf;
      bad[i] = static_cast<char>(v);
      decode(d, bad);
      if (!d.status) CHECK(d.r.sensor_id.size() <= DecodeLimits{}.max_string_bytes);
    }
}

TEST_CASE("native: value checks after verification") {
  Decoded d;
  Reading r;
  r.sensor_id = "m1";
  r.battery_pct = 150;
  std::string buf = encode_native_reading(r);
  decode(d, buf);
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::bad_value);
  CHECK(d.status->detail.find("battery_pct") != std::string::npos);

  r.battery_pct = kNaN;
  r.water.total_m3 = std::numeric_limits<double>::infinity();
  buf = encode_native_reading(r);
  decode(d, buf);
  REQUIRE(d.status);
  CHECK(d.status->detail.find("water.total_m3") != std::string::npos);

  r.water.total_m3 = 1;
  r.sensor_id = "";
  buf = encode_native_reading(r);
  decode(d, buf);
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::missing_field);

  const std::string long_id(200, 'x');
  r.sensor_id = long_id;
  buf = encode_native_reading(r);
  decode(d, buf);
  REQUIRE(d.status);
  CHECK(d.status->detail.find("sensor_id") != std::string::npos);

  r.sensor_id = "\xff\xfe";
  buf = encode_native_reading(r);
  decode(d, buf);
  REQUIRE(d.status);
  CHECK(d.status->detail.find("UTF-8") != std::string::npos);

  r.sensor_id = "m1";
  r.time_ms = -5;
  buf = encode_native_reading(r);
  decode(d, buf);
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::bad_timestamp);

  // out-of-range enums and oversized vectors, built directly with the generated API
  flatbuffers::FlatBufferBuilder fbb;
  auto id = fbb.CreateString("f1");
  std::vector<float> short_frame(10, 31.0f);
  auto frame = fbb.CreateVector(short_frame);
  auto facade = fb::CreateFacadeReading(fbb, fb::FacadePhase::Night, 20.0f, false, 0, frame);
  fb::FinishReadingBuffer(
      fbb, fb::CreateReading(fbb, id, static_cast<fb::SensorKind>(2), 0, kNaN, -1, 0, 0, facade));
  decode(d, std::string_view(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()));
  REQUIRE(d.status);
  CHECK(d.status->detail.find("facade.frame_c") != std::string::npos);

  fbb.Clear();
  id = fbb.CreateString("k");
  fb::FinishReadingBuffer(fbb, fb::CreateReading(fbb, id, static_cast<fb::SensorKind>(9)));
  decode(d, std::string_view(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()));
  REQUIRE(d.status);
  CHECK(d.status->detail.find("kind") != std::string::npos);

  fbb.Clear();
  id = fbb.CreateString("r");
  std::vector<flatbuffers::Offset<fb::FacadeRegion>> regions;
  for (size_t i = 0; i <= kMaxRegions; ++i)
    regions.push_back(fb::CreateFacadeRegion(fbb, 0, 0, 1, 1));
  auto rv = fbb.CreateVector(regions);
  facade = fb::CreateFacadeReading(fbb, fb::FacadePhase::Night, kNaN, false, rv);
  fb::FinishReadingBuffer(
      fbb, fb::CreateReading(fbb, id, fb::SensorKind::Facade, 0, kNaN, -1, 0, 0, facade));
  decode(d, std::string_view(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()));
  REQUIRE(d.status);
  CHECK(d.status->code == DecodeErrorCode::too_large);
  CHECK(d.status->detail.find("regions") != std::string::npos);

  fbb.Clear();
  id = fbb.CreateString("r");
  regions.clear();
  regions.push_back(fb::CreateFacadeRegion(fbb, 31, 0, 2, 1));
  rv = fbb.CreateVector(regions);
  facade = fb::CreateFacadeReading(fbb, fb::FacadePhase::Night, kNaN, false, rv);
  fb::FinishReadingBuffer(
      fbb, fb::CreateReading(fbb, id, fb::SensorKind::Facade, 0, kNaN, -1, 0, 0, facade));
  decode(d, std::string_view(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()));
  REQUIRE(d.status);
  CHECK(d.status->detail.find("regions[0]") != std::string::npos);
}
