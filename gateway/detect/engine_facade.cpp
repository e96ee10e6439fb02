// engine_facade.cpp: facade rules on infrared readings. A patch is a region whose temperature
// differs from the sound wall by at least f1_min_dt_c (relative, never absolute: MLX90640
// accuracy is +-1.5 C). F1: a patch held over f1_min_readings consecutive heating-phase
// readings. F2: F1 on two different local days, or the patch flips sign when the wall cools.
// Rain and readings without a known phase neither count nor reset (no solar load: no evidence).
#include <algorithm>
#include <array>
#include <cmath>

#include "gateway/detect/engine.h"
#include "gateway/detect/local_time.h"

namespace edgegw {

namespace {

struct Patch {
  bool found = false;
  float dt_c = 0;
  uint8_t x = 0, y = 0;
};

Patch strongest_region(std::span<const FacadeRegion> regions, double min_dt) {
  Patch p;
  for (const FacadeRegion& g : regions)
    if (std::abs(g.dt_c) >= min_dt && std::abs(g.dt_c) > std::abs(p.dt_c))
      p = Patch{true, g.dt_c, g.x, g.y};
  return p;
}

// A frame: the sound-wall reference is the median pixel; a patch is at least 4 pixels off it
// by min_dt on the same side; its dT is their mean difference.
Patch frame_patch(std::span<const float> frame, double min_dt) {
  if (frame.size() != static_cast<size_t>(kFramePixels)) return {};
  std::array<float, kFramePixels> sorted;
  std::copy(frame.begin(), frame.end(), sorted.begin());
  std::nth_element(sorted.begin(), sorted.begin() + kFramePixels / 2, sorted.end());
  const float ref = sorted[kFramePixels / 2];
  int warm = 0, cold = 0;
  double warm_sum = 0, cold_sum = 0, wx = 0, wy = 0;
  for (int i = 0; i < kFramePixels; ++i) {
    const float d = frame[i] - ref;
    if (d >= min_dt)
      ++warm, warm_sum += d, wx += i % kFrameWidth, wy += i / kFrameWidth;
    else if (d <= -min_dt)
      ++cold, cold_sum += d;
  }
  if (warm >= 4 && warm >= cold)
    return Patch{true, static_cast<float>(warm_sum / warm), static_cast<uint8_t>(wx / warm),
                 static_cast<uint8_t>(wy / warm)};
  if (cold >= 4) return Patch{true, static_cast<float>(cold_sum / cold), 0, 0};
  return {};
}

}  // namespace

void Engine::facade_reading(uint32_t idx, const Reading& r, std::vector<Alert>& out) {
  SensorState& s = sensors_[idx];
  FacadeState& f = s.facade();
  const FacadePhase phase = r.facade.phase;
  if (r.facade.rain || phase == FacadePhase::unknown || phase == FacadePhase::night) return;
  mark_dirty(idx);
  const Patch p = !r.facade.regions.empty() ? strongest_region(r.facade.regions, rules_.f1_min_dt_c)
                                            : frame_patch(r.facade.frame_c, rules_.f1_min_dt_c);
  const int64_t t = r.time_ms;
  const int64_t day = local_day(t, 480);
  if (phase == FacadePhase::heating) {
    if (!p.found || p.dt_c <= 0) {
      f.consecutive = 0;
      return;
    }
    ++f.consecutive;
    f.last_dt_c = p.dt_c;
    f.patch_x = p.x;
    f.patch_y = p.y;
    if (f.consecutive < rules_.f1_min_readings) return;
    raise(idx,
          make(idx, Rule::F1, AlertKind::FacadePatch, Audience::Maintenance, Severity::Warning, t,
               t, p.dt_c, rules_.f1_min_dt_c, 0),
          out);
    if (f.first_day < 0) f.first_day = day;
    if (f.f1_day >= 0 && day != f.f1_day && f.first_day != day)
      raise(idx,
            make(idx, Rule::F2, AlertKind::FacadePatchPersistent, Audience::Maintenance,
                 Severity::High, t, t, p.dt_c, rules_.f1_min_dt_c, (day - f.first_day) * 86400),
            out);
    f.f1_day = day;
    return;
  }
  // Cooling: a hollow patch that was warm while heating turns cold as the wall cools.
  if (phase == FacadePhase::cooling && f.first_day >= 0 && p.found && p.dt_c <= -rules_.f1_min_dt_c)
    raise(idx,
          make(idx, Rule::F2, AlertKind::FacadePatchPersistent, Audience::Maintenance,
               Severity::High, t, t, p.dt_c, -rules_.f1_min_dt_c, 0),
          out);
}

}  // namespace edgegw
