// fuzz_cjt188.cpp: libFuzzer target for the CJ/T 188 driver (raw and hex text).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/cjt188.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgegw;
  static DecodeScratch scratch;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  Reading r;
  Cjt188Options opt;
  if (size > 0) opt.utc_offset_minutes = (data[0] % 49 - 24) * 30;  // -12h .. +12h
  if (!decode_cjt188("cjt188/fuzz", payload, DecodeLimits{}, scratch, r, opt)) {
    if (r.sensor_id.size() != 14) __builtin_trap();
    fuzz_check_reading(r);
  }
  return 0;
}
