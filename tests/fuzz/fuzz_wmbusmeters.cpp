// fuzz_wmbusmeters.cpp: libFuzzer target for the wmbusmeters JSON and alarm-text drivers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/wmbusmeters_alarm.h"
#include "drivers/wmbusmeters_json.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgegw;
  static DecodeScratch scratch;  // reused across inputs, as a decoding thread does
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  Reading r;
  if (!decode_wmbusmeters_json("wmbusmeters/fuzz", payload, DecodeLimits{}, scratch, r))
    fuzz_check_reading(r);
  (void)wmbus_status_to_alarms(payload);
  if (!decode_wmbusmeters_alarm("wmbusmeters_alarm", payload, DecodeLimits{}, scratch, r))
    fuzz_check_reading(r);
  return 0;
}
