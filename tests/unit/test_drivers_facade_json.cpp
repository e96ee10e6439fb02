// test_drivers_facade_json.cpp: thermal frames and region summaries sent as JSON.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "drivers/facade_json.h"
#include "tests/unit/driver_fixture.h"

using namespace edgegw;

namespace {

void decode(Decoded& d, std::string_view payload, std::string_view topic = "facade/s03") {
  d.status = decode_facade_json(topic, payload, DecodeLimits{}, d.scratch, d.r);
}

void expect_error(const Decoded& d, DecodeErrorCode code, std::string_view field) {
  REQUIRE(d.status);
  CHECK(d.status->code == code);
  CHECK_MESSAGE(d.status->detail.find(field) != std::string::npos, d.status->detail);
}

// A frame message with `n` pixels of `value`, pixel `odd` replaced by `odd_value` text.
std::string frame_json(size_t n, std::string_view value = "31.2", size_t odd = SIZE_MAX,
                       std::string_view odd_value = "") {
  std::string s = R"({"dev":"s03","frame_c":[)";
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ',';
    s += i == odd ? odd_value : value;
  }
  return s + "]}";
}

bool in_hotspot(int x, int y) {
  return x >= 12 && x <= 14 && y >= 7 && y <= 8;
}

}  // namespace

TEST_CASE("facade json: MLX90640 frame with a warm patch") {
  const std::string p = fixture("facade/constructed-mlx90640-frame-hotspot.json");
  Decoded d;
  decode(d, p);
  REQUIRE_MESSAGE(!d.status, (d.status ? d.status->detail : ""));
  CHECK(d.r.sensor_id == "facade-b12-s03");
  CHECK(d.r.kind == SensorKind::facade);
  CHECK(d.r.time_ms == 1715911200000);  // 2024-05-17T02:00:00Z
  CHECK(d.r.facade.phase == FacadePhase::unknown);
  CHECK(d.r.facade.regions.empty());
  REQUIRE(d.r.facade.frame_c.size() == static_cast<size_t>(kFramePixels));
  CHECK(d.r.facade.frame_c.data() == d.scratch.frame.data());
  const auto px = [&](int x, int y) { return d.r.facade.frame_c[y * kFrameWidth + x]; };
  CHECK(px(0, 0) == doctest::Approx(31.17f));
  CHECK(px(12, 7) == doctest::Approx(32.49f));
  CHECK(px(14, 8) == doctest::Approx(32.56f));
  double wall = 0, patch = 0;
  int wall_n = 0;
  float wall_max = -100, patch_min = 100;
  for (int y = 0; y < kFrameHeight; ++y)
    for (int x = 0; x < kFrameWidth; ++x) {
      if (in_hotspot(x, y)) {
        patch += px(x, y);
        patch_min = std::min(patch_min, px(x, y));
      } else {
        wall += px(x, y);
        ++wall_n;
        wall_max = std::max(wall_max, px(x, y));
      }
    }
  wall /= wall_n;
  patch /= 6;
  CHECK(wall == doctest::Approx(31.2).epsilon(0.002));
  CHECK(patch - wall == doctest::Approx(1.3).epsilon(0.05));
  CHECK(patch_min > wall_max + 1.0f);  // the patch stands out pixel by pixel
}

TEST_CASE("facade json: region summary while heating") {
  const std::string p = fixture("facade/constructed-roi-heating.json");
  Decoded d;
  decode(d, p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "facade-b12-s03");
  CHECK(d.r.time_ms == 1715911500000);  // 2024-05-17T02:05:00Z
  CHECK(d.r.facade.phase == FacadePhase::heating);
  CHECK(d.r.facade.ref_c == doctest::Approx(31.1f));
  CHECK_FALSE(d.r.facade.rain);
  CHECK(d.r.facade.frame_c.empty());
  REQUIRE(d.r.facade.regions.size() == 1);
  const FacadeRegion& g = d.r.facade.regions[0];
  CHECK(g.x == 12);
  CHECK(g.y == 7);
  CHECK(g.w == 3);
  CHECK(g.h == 2);
  CHECK(g.dt_c == doctest::Approx(1.3f));
  CHECK(g.frames == 6);
}

TEST_CASE("facade json: region summary while cooling") {
  const std::string p = fixture("facade/constructed-roi-cooling.json");
  Decoded d;
  decode(d, p);
  REQUIRE_FALSE(d.status);
  CHECK(d.r.time_ms == 1715945400000);  // 2024-05-17T11:30:00Z
  CHECK(d.r.facade.phase == FacadePhase::cooling);
  CHECK(d.r.facade.ref_c == doctest::Approx(24.6f));
  CHECK_FALSE(d.r.facade.rain);
  REQUIRE(d.r.facade.regions.size() == 1);
  CHECK(d.r.facade.regions[0].dt_c == doctest::Approx(-0.7f));
  CHECK(d.r.facade.regions[0].frames == 5);
}

TEST_CASE("facade json: optional fields and id fallback") {
  Decoded d;
  decode(d, R"({"phase":"night","rain":true,"roi":[]})", "facade/s07");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.sensor_id == "s07");
  CHECK(d.r.facade.phase == FacadePhase::night);
  CHECK(d.r.facade.rain);
  CHECK(std::isnan(d.r.facade.ref_c));
  CHECK(d.r.facade.regions.empty());
  CHECK(d.r.time_ms == 0);

  std::string many = R"({"dev":"s","roi":[)";
  for (size_t i = 0; i < kMaxRegions; ++i)
    many += fmt::format("{}{{\"x\":{},\"y\":0,\"w\":1,\"h\":1,\"dT_c\":0.5}}", i ? "," : "", i);
  decode(d, many + "]}");
  REQUIRE_FALSE(d.status);
  CHECK(d.r.facade.regions.size() == kMaxRegions);
  CHECK(d.r.facade.regions[15].x == 15);
  CHECK(d.r.facade.regions[15].frames == 0);
}

TEST_CASE("facade json: rejections name the field") {
  Decoded d;
  decode(d, frame_json(767));
  expect_error(d, DecodeErrorCode::bad_value, "767 values");
  decode(d, frame_json(769));
  expect_error(d, DecodeErrorCode::bad_value, "769 values");
  decode(d, frame_json(0));
  expect_error(d, DecodeErrorCode::bad_value, "frame_c");
  decode(d, frame_json(768, "31.2", 40, "\"hot\""));
  expect_error(d, DecodeErrorCode::wrong_type, "frame_c[40]");
  decode(d, frame_json(768, "31.2", 40, "null"));
  expect_error(d, DecodeErrorCode::wrong_type, "frame_c[40]");
  decode(d, frame_json(768, "31.2", 33, "999"));
  expect_error(d, DecodeErrorCode::bad_value, "frame_c[33]' (x=1, y=1) is 999");
  decode(d, frame_json(768, "31.2", 33, "-273.15"));
  expect_error(d, DecodeErrorCode::bad_value, "frame_c[33]");
  decode(d, R"({"frame_c":{"0":1}})");
  expect_error(d, DecodeErrorCode::wrong_type, "frame_c");
  decode(d, R"({"dev":"s"})");
  expect_error(d, DecodeErrorCode::missing_field, "frame_c");
  decode(d, R"({"phase":"dusk","roi":[]})");
  expect_error(d, DecodeErrorCode::bad_value, "phase");
  decode(d, R"({"ref_c":500,"roi":[]})");
  expect_error(d, DecodeErrorCode::bad_value, "ref_c");
  decode(d, R"({"rain":"no","roi":[]})");
  expect_error(d, DecodeErrorCode::wrong_type, "rain");
  decode(d, R"({"ts":"02:00","roi":[]})");
  expect_error(d, DecodeErrorCode::bad_timestamp, "ts");
  decode(d, R"({"w":80,"h":62,"roi":[]})");
  expect_error(d, DecodeErrorCode::unsupported, "80x62");
  decode(d, R"({"roi":{}})");
  expect_error(d, DecodeErrorCode::wrong_type, "roi");
  decode(d, R"({"roi":[7]})");
  expect_error(d, DecodeErrorCode::wrong_type, "roi[0]");
  decode(d, R"({"roi":[{"x":1,"y":1,"w":1,"h":1}]})");
  expect_error(d, DecodeErrorCode::missing_field, "roi[0].dT_c");
  decode(d, R"({"roi":[{"x":30,"y":1,"w":3,"h":1,"dT_c":1}]})");
  expect_error(d, DecodeErrorCode::bad_value, "roi[0].w");
  decode(d, R"({"roi":[{"x":1,"y":24,"w":1,"h":1,"dT_c":1}]})");
  expect_error(d, DecodeErrorCode::bad_value, "roi[0].y");
  decode(d, R"({"roi":[{"x":1.5,"y":2,"w":1,"h":1,"dT_c":1}]})");
  expect_error(d, DecodeErrorCode::bad_value, "roi[0].x");
  decode(d, R"({"roi":[{"x":1,"y":2,"w":1,"h":1,"dT_c":1,"frames":-1}]})");
  expect_error(d, DecodeErrorCode::bad_value, "roi[0].frames");
  decode(d, R"({"roi":[{"x":1,"y":2,"w":1,"h":1,"dT_c":"1"}]})");
  expect_error(d, DecodeErrorCode::wrong_type, "roi[0].dT_c");
  decode(d, R"({"roi":[{"x":1,"y":2,"w":1,"h":1,"dT_c":1,"mean_c":1e6}]})");
  expect_error(d, DecodeErrorCode::bad_value, "roi[0].mean_c");

  std::string many = R"({"roi":[)";
  for (size_t i = 0; i <= kMaxRegions; ++i)
    many += fmt::format("{}{{\"x\":1,\"y\":0,\"w\":1,\"h\":1,\"dT_c\":0.5}}", i ? "," : "");
  decode(d, many + "]}");
  expect_error(d, DecodeErrorCode::too_large, "roi");
}
