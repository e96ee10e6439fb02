// test_drivers_facade_raw.cpp: raw little-endian float32 thermal frames.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include "drivers/facade_json.h"
#include "drivers/facade_raw.h"
#include "tests/unit/driver_fixture.h"

using namespace edgegw;

namespace {

void put_pixel(std::string& frame, int i, float v) {  // little-endian host assumed by the test
  std::memcpy(frame.data() + i * 4, &v, 4);
}

}  // namespace

TEST_CASE("facade raw: the hotspot frame equals its JSON twin") {
  const std::string raw = fixture("facade/constructed-mlx90640-frame-hotspot.f32");
  DecodeScratch s;
  Reading r;
  auto st = decode_facade_raw("facade/facade-b12-s03/raw", raw, DecodeLimits{}, s, r);
  REQUIRE_MESSAGE(!st, (st ? st->detail : ""));
  CHECK(r.sensor_id == "facade-b12-s03");
  CHECK(r.kind == SensorKind::facade);
  CHECK(r.time_ms == 0);
  REQUIRE(r.facade.frame_c.size() == static_cast<size_t>(kFramePixels));
  CHECK(r.facade.frame_c[7 * kFrameWidth + 12] == doctest::Approx(32.49f));
  CHECK(r.facade.frame_c[8 * kFrameWidth + 14] == doctest::Approx(32.56f));
  CHECK(r.facade.frame_c[0] == doctest::Approx(31.17f));

  DecodeScratch js;
  Reading jr;
  const std::string json = fixture("facade/constructed-mlx90640-frame-hotspot.json");
  REQUIRE_FALSE(decode_facade_json("facade/facade-b12-s03", json, DecodeLimits{}, js, jr));
  for (int i = 0; i < kFramePixels; ++i) {
    CAPTURE(i);
    CHECK(r.facade.frame_c[i] == jr.facade.frame_c[i]);
  }
}

TEST_CASE("facade raw: rejections") {
  std::string raw = fixture("facade/constructed-mlx90640-frame-hotspot.f32");
  DecodeScratch s;
  Reading r;
  auto st = decode_facade_raw("facade/x/raw", raw.substr(0, 3071), DecodeLimits{}, s, r);
  REQUIRE(st);
  CHECK(st->code == DecodeErrorCode::malformed);
  CHECK(st->detail.find("3071 bytes") != std::string::npos);
  st = decode_facade_raw("facade/x/raw", raw + '\0', DecodeLimits{}, s, r);
  REQUIRE(st);
  CHECK(st->code == DecodeErrorCode::too_large);
  st = decode_facade_raw("facade/x/raw", "", DecodeLimits{}, s, r);
  REQUIRE(st);
  CHECK(st->code == DecodeErrorCode::empty);
  st = decode_facade_raw("facade//raw", raw, DecodeLimits{}, s, r);
  REQUIRE(st);
  CHECK(st->code == DecodeErrorCode::missing_field);

  std::string nan = raw;
  put_pixel(nan, 100, std::numeric_limits<float>::quiet_NaN());
  st = decode_facade_raw("facade/x/raw", nan, DecodeLimits{}, s, r);
  REQUIRE(st);
  CHECK(st->code == DecodeErrorCode::bad_value);
  CHECK(st->detail.find("pixel 100 (x=4, y=3)") != std::string::npos);

  std::string hot = raw;
  put_pixel(hot, 767, 1000.0f);
  st = decode_facade_raw("facade/x/raw", hot, DecodeLimits{}, s, r);
  REQUIRE(st);
  CHECK(st->code == DecodeErrorCode::bad_value);
  CHECK(st->detail.find("pixel 767") != std::string::npos);

  std::string inf = raw;
  put_pixel(inf, 0, -std::numeric_limits<float>::infinity());
  st = decode_facade_raw("facade/x/raw", inf, DecodeLimits{}, s, r);
  REQUIRE(st);
  CHECK(st->code == DecodeErrorCode::bad_value);
}
