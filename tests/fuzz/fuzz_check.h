// fuzz_check.h: invariants every fuzz target asserts on a Reading a driver accepted.
#pragma once

#include <cmath>
#include <cstdlib>

#include "drivers/reading.h"
#include "drivers/validate.h"

namespace edgegw {

// Touches every borrowed byte (so ASan sees dangling views) and aborts on a broken invariant.
inline void fuzz_check_reading(Reading r) {
  if (r.sensor_id.empty()) std::abort();
  volatile unsigned sum = 0;
  for (char c : r.sensor_id) sum = sum + static_cast<unsigned char>(c);
  for (char c : r.water.status) sum = sum + static_cast<unsigned char>(c);
  for (char c : r.water.model) sum = sum + static_cast<unsigned char>(c);
  if (r.water.status.size() > DecodeLimits{}.max_status_bytes) std::abort();
  if (!r.facade.frame_c.empty() && r.facade.frame_c.size() != kFramePixels) std::abort();
  for (float c : r.facade.frame_c)
    if (!std::isfinite(c)) std::abort();
  if (r.facade.regions.size() > 16) std::abort();
  for (const FacadeRegion& g : r.facade.regions)
    if (g.x + g.w > kFrameWidth || g.y + g.h > kFrameHeight || !std::isfinite(g.dt_c)) std::abort();
  if (!std::isnan(r.water.total_m3) && !std::isfinite(r.water.total_m3)) std::abort();
  (void)validate_reading(r, 1717200000000, DecodeLimits{});
}

}  // namespace edgegw
