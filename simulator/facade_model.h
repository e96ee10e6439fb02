// facade_model.h: an infrared facade sensor watching a wall through the day: the solar cycle
// (heating, cooling, night), moving shadows, sun glints, rain days, and a hollow patch that
// appears and grows (warmer than the sound wall while it heats, cooler while it cools).
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

#include "simulator/encoders.h"
#include "simulator/fleet.h"
#include "simulator/incidents.h"
#include "simulator/sim_config.h"

namespace fleetsim {

struct FacadeWeather {
  int64_t day0 = -1;  // local midnight (UTC ms) the weather is for
  bool rain = false;
  double ambient_c = 22;    // mean air temperature of the day
  double amplitude_c = 12;  // how much the sun heats the wall at noon
};

struct FacadeModel {
  std::string_view sensor_id;
  FacadeFormat format = FacadeFormat::roi;
  std::mt19937_64 rng;
  int64_t utc_offset_ms = 0;
  int64_t period_ms = 10 * kMinuteMs;
  int64_t start_ms = 0, end_ms = 0;
  const Incident* patch = nullptr;
  int patch_x = 10, patch_y = 8;
  int patch_frames = 0;  // consecutive reports the patch was seen in
  int shadow_frames = 0;
  int shadow_x = -1;
  int rain_frames = 0;
  uint64_t seed = 0;
  FacadeWeather weather;
};

FacadeModel make_facade_model(const SimConfig& c, const FacadeInfo& info, int index,
                              const Incident* patch);
int64_t first_facade_report(const FacadeModel& m);
int64_t next_facade_report(FacadeModel& m, int64_t t_ms);

// What the sensor reports at t_ms (call with increasing t_ms). With format frame, the sample
// carries the full 32x24 frame as well as the regions.
FacadeSample facade_sample(FacadeModel& m, int64_t t_ms);

// Phase of the wall at a local hour of day.
Phase facade_phase(double local_h);

}  // namespace fleetsim
