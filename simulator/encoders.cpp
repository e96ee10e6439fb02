// encoders.cpp: the payload formats of the simulated devices.
#include "simulator/encoders.h"

#include <cmath>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "schemas/reading_generated.h"
#include "simulator/rng.h"

namespace fleetsim {

namespace {

std::string iso(int64_t ms) {
  return edgegw::format_iso8601_utc(ms / 1000 * 1000);
}

uint8_t bcd(int v) {
  return static_cast<uint8_t>((v / 10) << 4 | (v % 10));
}

std::string as_string(const flatbuffers::FlatBufferBuilder& b) {
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

// Registers truncate: a meter shows the litres it has counted, not more.
double floor_to(double v, double unit) {
  return std::floor(v / unit + 1e-9) * unit;
}

edgegw::fb::FacadePhase fb_phase(Phase p) {
  switch (p) {
    case Phase::heating: return edgegw::fb::FacadePhase::Heating;
    case Phase::cooling: return edgegw::fb::FacadePhase::Cooling;
    default: return edgegw::fb::FacadePhase::Night;
  }
}

}  // namespace

std::string_view to_string(Phase p) {
  switch (p) {
    case Phase::heating: return "heating";
    case Phase::cooling: return "cooling";
    default: return "night";
  }
}

std::string encode_wmbus_json(const MeterSample& s) {
  return fmt::format(
      R"({{"_":"telegram","media":"water","meter":"iperl","name":"{}","id":"{}","total_m3":{:.3f},)"
      R"("max_flow_m3h":0,"remaining_battery_life_y":{:.2f},"status":"{}","timestamp":"{}"}})",
      s.meter_id, s.meter_id, floor_to(s.total_m3, 0.001), s.battery_years,
      s.low_battery ? "LOW_BATTERY" : "OK", iso(s.time_ms));
}

std::vector<uint8_t> cjt188_frame(const MeterSample& s, int utc_offset_min) {
  std::vector<uint8_t> f = {0xFE, 0xFE, 0x68, 0x10};
  // Address A0..A6: the 14-digit id (left-padded with zeros), least significant pair first.
  std::string id(14 - std::min<size_t>(14, s.meter_id.size()), '0');
  id += s.meter_id.substr(s.meter_id.size() - std::min<size_t>(14, s.meter_id.size()));
  std::array<uint8_t, 7> addr{};
  for (size_t i = 0; i < 7; ++i)
    addr[i] = static_cast<uint8_t>((id[12 - 2 * i] - '0') << 4 | (id[13 - 2 * i] - '0'));
  f.insert(f.end(), addr.begin(), addr.end());
  f.insert(f.end(), {0x81, 0x16, 0x90, 0x1F, s.seq});
  auto put_flow = [&](double m3) {
    auto hundredths = static_cast<int64_t>(std::floor(m3 * 100 + 1e-6)) % 100000000;
    for (int i = 0; i < 4; ++i) {
      f.push_back(bcd(static_cast<int>(hundredths % 100)));
      hundredths /= 100;
    }
    f.push_back(0x2C);  // m3
  };
  put_flow(s.total_m3);
  put_flow(std::floor(s.total_m3));  // settlement-day flow: not used by the gateway
  const int64_t local_s = (s.time_ms / 1000) + static_cast<int64_t>(utc_offset_min) * 60;
  const int64_t days = local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
  const int64_t sod = local_s - days * 86400;
  // civil date of `days` (days since 1970-01-01), Howard Hinnant's algorithm
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2));
  f.insert(f.end(),
           {bcd(static_cast<int>(sod % 60)), bcd(static_cast<int>(sod / 60 % 60)),
            bcd(static_cast<int>(sod / 3600)), bcd(d), bcd(m), bcd(y % 100), bcd(y / 100)});
  f.push_back(s.low_battery ? 0x04 : 0x00);  // ST: D2 = battery low
  f.push_back(0x00);
  unsigned cs = 0;
  for (size_t i = 2; i < f.size(); ++i) cs += f[i];
  f.push_back(static_cast<uint8_t>(cs & 0xFF));
  f.push_back(0x16);
  return f;
}

std::string encode_cjt188_hex(const MeterSample& s, int utc_offset_min) {
  const auto f = cjt188_frame(s, utc_offset_min);
  std::string out;
  out.reserve(f.size() * 3);
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < f.size(); ++i) {
    if (i) out += ' ';
    out += kHex[f[i] >> 4];
    out += kHex[f[i] & 15];
  }
  return out;
}

std::string encode_native_water(const MeterSample& s) {
  namespace fb = edgegw::fb;
  flatbuffers::FlatBufferBuilder b(160);
  auto id = b.CreateString(s.meter_id.data(), s.meter_id.size());
  auto water = fb::CreateWaterReading(b, floor_to(s.total_m3, 0.001),
                                      std::numeric_limits<double>::quiet_NaN(),
                                      s.low_battery ? 1u << 6 : 0u);  // kAlarmLowBattery
  fb::ReadingBuilder rb(b);
  rb.add_sensor_id(id);
  rb.add_kind(fb::SensorKind::Water);
  rb.add_time_ms(s.time_ms);
  rb.add_water(water);
  b.Finish(rb.Finish(), fb::ReadingIdentifier());
  return as_string(b);
}

std::string encode_z2m(const DoorSample& s) {
  return fmt::format(
      R"({{"battery":{},"contact":{},"linkquality":{},"voltage":{},"last_seen":"{}"}})",
      s.battery_pct, s.closed ? "true" : "false", s.link_quality, 2700 + s.battery_pct * 34 / 10,
      iso(s.time_ms));
}

std::string encode_native_door(const DoorSample& s) {
  namespace fb = edgegw::fb;
  flatbuffers::FlatBufferBuilder b(128);
  auto id = b.CreateString(s.door_id.data(), s.door_id.size());
  auto door = fb::CreateDoorReading(b, true, s.closed, false);
  fb::ReadingBuilder rb(b);
  rb.add_sensor_id(id);
  rb.add_kind(fb::SensorKind::Door);
  rb.add_time_ms(s.time_ms);
  rb.add_battery_pct(static_cast<float>(s.battery_pct));
  rb.add_link_quality(static_cast<int16_t>(s.link_quality));
  rb.add_door(door);
  b.Finish(rb.Finish(), fb::ReadingIdentifier());
  return as_string(b);
}

std::string encode_facade_roi_json(const FacadeSample& s) {
  std::string out = fmt::format(R"({{"dev":"{}","ts":"{}","phase":"{}","ref_c":{:.2f},"roi":[)",
                                s.sensor_id, iso(s.time_ms), to_string(s.phase), s.ref_c);
  for (size_t i = 0; i < s.roi.size(); ++i) {
    const FacadeRoi& r = s.roi[i];
    if (i) out += ',';
    out +=
        fmt::format(R"({{"x":{},"y":{},"w":{},"h":{},"mean_c":{:.2f},"dT_c":{:.2f},"frames":{}}})",
                    r.x, r.y, r.w, r.h, r.mean_c, r.dt_c, r.frames);
  }
  out += fmt::format(R"(],"rain":{}}})", s.rain ? "true" : "false");
  return out;
}

std::string encode_facade_frame_json(const FacadeSample& s) {
  std::string out = fmt::format(
      R"({{"dev":"{}","ts":"{}","sensor":"mlx90640","hz":1,"ta_c":{:.1f},"emissivity":0.92,)"
      R"("phase":"{}","rain":{},"w":32,"h":24,"frame_c":[)",
      s.sensor_id, iso(s.time_ms), s.ambient_c, to_string(s.phase), s.rain ? "true" : "false");
  out.reserve(out.size() + s.frame.size() * 7 + 4);
  for (size_t i = 0; i < s.frame.size(); ++i) {
    if (i) out += ',';
    fmt::format_to(std::back_inserter(out), "{:.2f}", s.frame[i]);
  }
  out += "]}";
  return out;
}

std::string encode_native_facade(const FacadeSample& s) {
  namespace fb = edgegw::fb;
  flatbuffers::FlatBufferBuilder b(256 + s.frame.size() * 4);
  auto id = b.CreateString(s.sensor_id.data(), s.sensor_id.size());
  std::vector<flatbuffers::Offset<fb::FacadeRegion>> regions;
  for (const FacadeRoi& r : s.roi)
    regions.push_back(fb::CreateFacadeRegion(
        b, static_cast<uint8_t>(r.x), static_cast<uint8_t>(r.y), static_cast<uint8_t>(r.w),
        static_cast<uint8_t>(r.h), static_cast<float>(r.dt_c), static_cast<uint16_t>(r.frames)));
  auto regions_vec = b.CreateVector(regions);
  flatbuffers::Offset<flatbuffers::Vector<float>> frame;
  if (!s.frame.empty()) frame = b.CreateVector(s.frame);
  auto facade = fb::CreateFacadeReading(b, fb_phase(s.phase), static_cast<float>(s.ref_c), s.rain,
                                        regions_vec, frame);
  fb::ReadingBuilder rb(b);
  rb.add_sensor_id(id);
  rb.add_kind(fb::SensorKind::Facade);
  rb.add_time_ms(s.time_ms);
  rb.add_facade(facade);
  b.Finish(rb.Finish(), fb::ReadingIdentifier());
  return as_string(b);
}

std::string encode_meter(MeterFormat f, const MeterSample& s, int utc_offset_min) {
  switch (f) {
    case MeterFormat::cjt188: return encode_cjt188_hex(s, utc_offset_min);
    case MeterFormat::native: return encode_native_water(s);
    default: return encode_wmbus_json(s);
  }
}

std::string encode_door(DoorFormat f, const DoorSample& s) {
  return f == DoorFormat::native ? encode_native_door(s) : encode_z2m(s);
}

std::string encode_facade(FacadeFormat f, const FacadeSample& s) {
  switch (f) {
    case FacadeFormat::frame: return encode_facade_frame_json(s);
    case FacadeFormat::native: return encode_native_facade(s);
    default: return encode_facade_roi_json(s);
  }
}

std::string meter_topic(MeterFormat f, std::string_view id) {
  switch (f) {
    case MeterFormat::cjt188: return fmt::format("cjt188/{}", id);
    case MeterFormat::native: return fmt::format("edgegw/reading/{}", id);
    default: return fmt::format("wmbusmeters/{}", id);
  }
}

std::string door_topic(DoorFormat f, std::string_view id) {
  return f == DoorFormat::native ? fmt::format("edgegw/reading/{}", id)
                                 : fmt::format("zigbee2mqtt/{}", id);
}

std::string facade_topic(FacadeFormat f, std::string_view id) {
  return f == FacadeFormat::native ? fmt::format("edgegw/reading/{}", id)
                                   : fmt::format("facade/{}", id);
}

std::string garbage_meter_payload(std::mt19937_64& rng, MeterFormat f, const MeterSample& s,
                                  int utc_offset_min) {
  const int variant = uniform_int(rng, 0, 2);
  if (f == MeterFormat::cjt188) {
    auto frame = cjt188_frame(s, utc_offset_min);
    if (variant == 0)
      frame[frame.size() - 2] ^= 0x5A;  // checksum
    else if (variant == 1)
      frame.resize(frame.size() / 2);  // truncated
    else
      frame[16 + static_cast<size_t>(uniform_int(rng, 0, 3))] = 0xAB;  // non-BCD flow
    if (variant == 2) {  // keep the checksum right: the data itself is nonsense
      unsigned cs = 0;
      for (size_t i = 2; i + 2 < frame.size(); ++i) cs += frame[i];
      frame[frame.size() - 2] = static_cast<uint8_t>(cs & 0xFF);
    }
    std::string out;
    for (size_t i = 0; i < frame.size(); ++i)
      out += fmt::format("{}{:02X}", i ? " " : "", frame[i]);
    return out;
  }
  if (f == MeterFormat::native || variant == 2) {  // random bytes
    std::string out(static_cast<size_t>(uniform_int(rng, 8, 96)), '\0');
    for (char& c : out) c = static_cast<char>(uniform_int(rng, 0, 255));
    return out;
  }
  std::string good = encode_wmbus_json(s);
  if (variant == 0) return good.substr(0, good.size() / 2);  // truncated
  return fmt::format(
      R"({{"_":"telegram","media":"water","id":"{}","total_m3":"#ERR","timestamp":"{}"}})",
      s.meter_id, iso(s.time_ms));
}

}  // namespace fleetsim
