// fuzz_native.cpp: libFuzzer target for the FlatBuffer reading: verify-then-read on arbitrary
// bytes, and encode/decode round trips of whatever it accepts. With EDGEGW_FUZZ_WRITE_SEEDS=<dir>
// it writes a few valid buffers there first (run.sh uses them as the seed corpus).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "drivers/native_reading.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

void write_seeds(const std::string& dir) {
  using namespace edgegw;
  static float frame[kFramePixels];
  for (int i = 0; i < kFramePixels; ++i) frame[i] = 31.2f + static_cast<float>(i % 5) * 0.01f;
  static const FacadeRegion regions[] = {{12, 7, 3, 2, 1.3f, 6}};
  Reading w;
  w.sensor_id = "00000012345678";
  w.time_ms = 1715905800000;
  w.water.total_m3 = 123.45;
  w.water.alarms = kAlarmValveClosed;
  Reading d;
  d.sensor_id = "back_door";
  d.kind = SensorKind::door;
  d.door.contact_closed = true;
  d.battery_pct = 92;
  d.link_quality = 61;
  Reading f;
  f.sensor_id = "facade-b12-s03";
  f.kind = SensorKind::facade;
  f.facade.phase = FacadePhase::heating;
  f.facade.ref_c = 31.1f;
  f.facade.regions = regions;
  Reading ff = f;
  ff.facade.frame_c = frame;
  int n = 0;
  for (const Reading* r : {&w, &d, &f, &ff}) {
    std::ofstream out(dir + "/seed-" + std::to_string(n++) + ".bin", std::ios::binary);
    out << encode_native_reading(*r);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("EDGEGW_FUZZ_WRITE_SEEDS")) write_seeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgegw;
  static DecodeScratch scratch, again;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  Reading r;
  if (decode_native_reading("edgegw/reading/fuzz", payload, DecodeLimits{}, scratch, r)) return 0;
  fuzz_check_reading(r);
  // what was accepted must survive a round trip unchanged
  const std::string encoded = encode_native_reading(r);
  Reading back;
  if (decode_native_reading("edgegw/reading/fuzz", encoded, DecodeLimits{}, again, back))
    __builtin_trap();
  if (back.sensor_id != r.sensor_id || back.kind != r.kind || back.time_ms != r.time_ms ||
      back.link_quality != r.link_quality ||
      back.facade.frame_c.size() != r.facade.frame_c.size() ||
      back.facade.regions.size() != r.facade.regions.size())
    __builtin_trap();
  return 0;
}
