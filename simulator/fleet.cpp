// fleet.cpp: ids and per-device payload formats of the simulated site.
#include "simulator/fleet.h"

#include <fmt/format.h>

#include "simulator/rng.h"

namespace fleetsim {

Fleet build_fleet(const SimConfig& c) {
  Fleet f;
  auto rng = make_rng(c.seed, Stream::fleet, 0);
  f.households.reserve(static_cast<size_t>(std::max(c.households, 0)));
  for (int i = 1; i <= c.households; ++i) {
    HouseholdInfo h;
    h.id = fmt::format("hh-{:05}", i);
    h.door_id = fmt::format("door-{:05}", i);
    h.meter_format = static_cast<MeterFormat>(pick_share(c.meter_shares, uniform(rng, 0, 1)));
    h.door_format = static_cast<DoorFormat>(pick_share(c.door_shares, uniform(rng, 0, 1)));
    h.report_minutes = uniform(rng, 0, 1) < c.hourly_share ? 60 : c.report_minutes;
    // CJ/T 188 meters are named by their 7-byte BCD address: 14 decimal digits.
    h.meter_id = h.meter_format == MeterFormat::cjt188 ? fmt::format("{:014}", 10000000 + i)
                                                       : fmt::format("wm-{:05}", i);
    f.households.push_back(std::move(h));
  }
  f.buildings = c.buildings();
  for (int i = 0; i < c.facades; ++i) {
    FacadeInfo s;
    s.building = i / c.sensors_per_building;
    s.building_id = fmt::format("bld-{:03}", s.building + 1);
    s.sensor_id = fmt::format("fac-{:03}-{:02}", s.building + 1, i % c.sensors_per_building + 1);
    s.format = static_cast<FacadeFormat>(pick_share(c.facade_shares, uniform(rng, 0, 1)));
    f.facades.push_back(std::move(s));
  }
  return f;
}

}  // namespace fleetsim
