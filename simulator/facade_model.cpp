// facade_model.cpp: the thermal model of a facade seen by an MLX90640-like sensor.
#include "simulator/facade_model.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "simulator/rng.h"

namespace fleetsim {

namespace {

constexpr double kReportThresholdC = 0.3;  // the sensor reports regions beyond this |dT|

// Sun on the wall, 0..1, between 06:00 and 19:00 local (peak early afternoon).
double solar(double h) {
  if (h < 6.0 || h > 19.0) return 0;
  return std::sin(std::numbers::pi * (h - 6.0) / 13.0);
}

void plan_weather(FacadeModel& m, int64_t day0) {
  auto rng = make_rng(m.seed, Stream::facade, static_cast<uint64_t>(day0 / kDayMs));
  FacadeWeather w;
  w.day0 = day0;
  w.rain = chance(rng, 0.15);
  w.ambient_c = uniform(rng, 18, 28);
  w.amplitude_c = w.rain ? uniform(rng, 0.5, 2.0) : uniform(rng, 6, 15);
  // A patch first shows on a dry day: it appears when the sun reveals it.
  if (m.patch && day0 <= m.patch->start_ms && m.patch->start_ms < day0 + 2 * kDayMs) {
    w.rain = false;
    w.amplitude_c = std::max(w.amplitude_c, 9.0);
  }
  m.weather = w;
}

}  // namespace

Phase facade_phase(double h) {
  if (h >= 7.0 && h < 13.0) return Phase::heating;
  if (h >= 13.0 && h < 19.0) return Phase::cooling;
  return Phase::night;
}

FacadeModel make_facade_model(const SimConfig& c, const FacadeInfo& info, int index,
                              const Incident* patch) {
  FacadeModel m;
  m.sensor_id = info.sensor_id;
  m.format = info.format;
  m.seed = mix64(c.seed ^ mix64(static_cast<uint64_t>(index) + 0x5EED));
  m.rng = make_rng(c.seed, Stream::facade, 0x100000000ull + static_cast<uint64_t>(index));
  m.utc_offset_ms = static_cast<int64_t>(c.utc_offset_min) * kMinuteMs;
  m.period_ms = static_cast<int64_t>(std::max(1, c.facade_report_minutes)) * kMinuteMs;
  m.start_ms = c.start_ms;
  m.end_ms = c.end_ms();
  m.patch = patch;
  m.patch_x = uniform_int(m.rng, 4, 24);
  m.patch_y = uniform_int(m.rng, 3, 17);
  return m;
}

int64_t first_facade_report(const FacadeModel& m) {
  // Reports on the sensor's period, aligned to the period (sensors report on the clock).
  return (m.start_ms + m.period_ms - 1) / m.period_ms * m.period_ms;
}

int64_t next_facade_report(FacadeModel& m, int64_t t_ms) {
  return t_ms + m.period_ms;
}

FacadeSample facade_sample(FacadeModel& m, int64_t t) {
  const int64_t local = t + m.utc_offset_ms;
  const int64_t day0 = local / kDayMs * kDayMs - m.utc_offset_ms;
  if (m.weather.day0 != day0) plan_weather(m, day0);
  const FacadeWeather& w = m.weather;
  const double h = static_cast<double>(local % kDayMs) / kHourMs;
  const Phase phase = facade_phase(h);
  const double sun = solar(h);
  // The wall lags the sun: heats in the morning, cools in the afternoon and evening.
  const double air = w.ambient_c + 3.0 * std::sin(std::numbers::pi * (h - 9.0) / 12.0);
  const double ref = air + w.amplitude_c * solar(h - 1.0);

  FacadeSample s;
  s.sensor_id = m.sensor_id;
  s.time_ms = t;
  s.phase = phase;
  s.ref_c = ref + normal(m.rng, 0, 0.05);
  s.ambient_c = air;
  s.rain = w.rain && sun > 0;

  // Hollow patch: its thermal mass is lower, so it runs ahead of the wall.
  if (m.patch && t >= m.patch->start_ms) {
    const double days = static_cast<double>(t - m.patch->start_ms) / kDayMs;
    const double growth = std::min(2.2, 0.8 + 0.25 * days);  // dT at full sun, grows
    const double weather = std::clamp(w.amplitude_c / 12.0, 0.1, 1.2);
    double dt = 0;
    if (phase == Phase::heating)
      dt = growth * weather * (0.6 + 0.4 * sun);
    else if (phase == Phase::cooling)
      dt = -0.7 * growth * weather * (0.4 + 0.6 * (1.0 - sun));
    else
      dt = -0.15 * growth;
    dt += normal(m.rng, 0, 0.05);
    const int size = std::min(5, 2 + static_cast<int>(days / 2));
    if (std::abs(dt) >= kReportThresholdC) {
      ++m.patch_frames;
      s.roi.push_back(
          {m.patch_x, m.patch_y, size, std::max(2, size - 1), s.ref_c + dt, dt, m.patch_frames});
    } else {
      m.patch_frames = 0;
    }
  }
  // A neighbour's shadow crosses the wall in the morning: cool, and moving.
  if (!w.rain && h >= 8.0 && h < 12.0) {
    const int x = static_cast<int>((h - 8.0) * 6.0);
    m.shadow_frames = x == m.shadow_x ? m.shadow_frames + 1 : 1;
    m.shadow_x = x;
    const double dt = -std::min(2.5, 0.3 * w.amplitude_c * sun);
    if (std::abs(dt) >= kReportThresholdC && x + 6 <= kFrameW)
      s.roi.push_back({x, 14, 6, 8, s.ref_c + dt, dt, m.shadow_frames});
  } else {
    m.shadow_frames = 0;
    m.shadow_x = -1;
  }
  // Sun glint off a window: warm for one frame.
  if (!w.rain && sun > 0.3 && chance(m.rng, 0.03)) {
    const double dt = uniform(m.rng, 0.6, 1.8);
    s.roi.push_back(
        {uniform_int(m.rng, 0, 30), uniform_int(m.rng, 0, 22), 2, 2, s.ref_c + dt, dt, 1});
  }
  // Rain: wet streaks, slightly cool.
  if (s.rain) {
    ++m.rain_frames;
    const double dt = -uniform(m.rng, 0.3, 0.7);
    s.roi.push_back({uniform_int(m.rng, 0, 28), 0, 3, 12, s.ref_c + dt, dt, m.rain_frames});
  } else {
    m.rain_frames = 0;
  }
  if (s.roi.size() > 16) s.roi.resize(16);

  if (m.format == FacadeFormat::frame) {
    s.frame.assign(kFrameW * kFrameH, 0.f);
    for (float& p : s.frame) p = static_cast<float>(s.ref_c + normal(m.rng, 0, 0.06));
    for (const FacadeRoi& r : s.roi)
      for (int y = r.y; y < std::min(kFrameH, r.y + r.h); ++y)
        for (int x = r.x; x < std::min(kFrameW, r.x + r.w); ++x)
          s.frame[static_cast<size_t>(y * kFrameW + x)] += static_cast<float>(r.dt_c);
  }
  return s;
}

}  // namespace fleetsim
