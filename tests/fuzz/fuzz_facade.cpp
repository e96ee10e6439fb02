// fuzz_facade.cpp: libFuzzer target for the facade JSON and raw-frame drivers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/facade_json.h"
#include "drivers/facade_raw.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgegw;
  static DecodeScratch scratch;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  Reading r;
  if (!decode_facade_json("facade/fuzz", payload, DecodeLimits{}, scratch, r))
    fuzz_check_reading(r);
  if (!decode_facade_raw("facade/fuzz/raw", payload, DecodeLimits{}, scratch, r))
    fuzz_check_reading(r);
  return 0;
}
