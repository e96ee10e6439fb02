// limits.h: the bounds every driver enforces on untrusted input (config [limits]).
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgegw {

struct DecodeLimits {
  size_t max_payload_bytes = 64 * 1024;
  size_t max_string_bytes = 128;   // ids, names
  size_t max_status_bytes = 1024;  // vendor status flag lists (wmbusmeters: ~180 bytes seen)
  int max_depth = 8;               // JSON nesting
  int64_t max_future_skew_ms = 24LL * 3600 * 1000;  // reading time ahead of arrival
  int64_t min_time_ms = 946684800000LL;             // 2000-01-01: older timestamps are refused
  double max_total_m3 = 1e8;                        // a register beyond this is absurd
  double max_flow_m3h = 1e4;
  float min_temperature_c = -60, max_temperature_c = 150;
};

}  // namespace edgegw
