// encoders.h: device payloads in the formats the gateway's drivers read: wmbusmeters JSON,
// CJ/T 188 reply frames as hex text, Zigbee2MQTT contact JSON, facade region / frame JSON, and
// the native FlatBuffer Reading (schemas/reading.fbs); plus garbage a broken device sends.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/sim_config.h"

namespace fleetsim {

struct MeterSample {
  std::string_view meter_id;
  int64_t time_ms = 0;
  double total_m3 = 0;
  bool low_battery = false;
  double battery_years = 12;  // remaining battery life the meter reports
  uint8_t seq = 0;            // CJ/T 188 SER
};

struct DoorSample {
  std::string_view door_id;
  int64_t time_ms = 0;
  bool closed = true;
  int battery_pct = 100;
  int link_quality = 120;
};

struct FacadeRoi {
  int x = 0, y = 0, w = 1, h = 1;
  double mean_c = 0, dt_c = 0;
  int frames = 1;
};

enum class Phase : uint8_t { heating, cooling, night };
std::string_view to_string(Phase p);

struct FacadeSample {
  std::string_view sensor_id;
  int64_t time_ms = 0;
  Phase phase = Phase::night;
  double ref_c = 20, ambient_c = 20;
  bool rain = false;
  std::vector<FacadeRoi> roi;
  std::vector<float> frame;  // kFramePixels values when a full frame is sent, else empty
};

inline constexpr int kFrameW = 32, kFrameH = 24;

std::string encode_wmbus_json(const MeterSample& s);
// The meter's clock is local time: utc_offset_min is the city's offset (UTC+8 = 480).
std::string encode_cjt188_hex(const MeterSample& s, int utc_offset_min);
// The same frame as raw bytes (tests; hex text is what goes on the wire).
std::vector<uint8_t> cjt188_frame(const MeterSample& s, int utc_offset_min);
std::string encode_native_water(const MeterSample& s);

std::string encode_z2m(const DoorSample& s);
std::string encode_native_door(const DoorSample& s);

std::string encode_facade_roi_json(const FacadeSample& s);
std::string encode_facade_frame_json(const FacadeSample& s);
std::string encode_native_facade(const FacadeSample& s);

std::string encode_meter(MeterFormat f, const MeterSample& s, int utc_offset_min);
std::string encode_door(DoorFormat f, const DoorSample& s);
std::string encode_facade(FacadeFormat f, const FacadeSample& s);

std::string meter_topic(MeterFormat f, std::string_view id);
std::string door_topic(DoorFormat f, std::string_view id);
std::string facade_topic(FacadeFormat f, std::string_view id);

// Something a faulty device or bridge could send in place of a good payload of this family:
// truncated JSON, wrong types, a frame with a bad checksum, random bytes.
std::string garbage_meter_payload(std::mt19937_64& rng, MeterFormat f, const MeterSample& s,
                                  int utc_offset_min);

}  // namespace fleetsim
