// fuzz_zigbee2mqtt.cpp: libFuzzer target for the Zigbee2MQTT state and availability drivers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/zigbee2mqtt.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgegw;
  static DecodeScratch scratch;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  Reading r;
  if (!decode_zigbee2mqtt("zigbee2mqtt/fuzz door", payload, DecodeLimits{}, scratch, r))
    fuzz_check_reading(r);
  if (!decode_zigbee2mqtt_availability("zigbee2mqtt/fuzz door/availability", payload,
                                       DecodeLimits{}, scratch, r)) {
    if (r.availability == Availability::unknown) __builtin_trap();
    fuzz_check_reading(r);
  }
  return 0;
}
