// fleet.h: the simulated site: households with a water meter and a door contact, facade
// sensors on buildings; their ids and the payload format each device speaks.
#pragma once

#include <string>
#include <vector>

#include "simulator/sim_config.h"

namespace fleetsim {

struct HouseholdInfo {
  std::string id;        // hh-00001
  std::string meter_id;  // wm-00001, or 14 decimal digits for a CJ/T 188 meter
  std::string door_id;   // door-00001
  MeterFormat meter_format = MeterFormat::wmbus;
  DoorFormat door_format = DoorFormat::zigbee2mqtt;
  int report_minutes = 15;  // the meter's transmit period (a share of meters report hourly)
};

struct FacadeInfo {
  std::string sensor_id;    // fac-001-01
  std::string building_id;  // bld-001
  int building = 0;         // index of the building
  FacadeFormat format = FacadeFormat::roi;
};

struct Fleet {
  std::vector<HouseholdInfo> households;
  std::vector<FacadeInfo> facades;
  int buildings = 0;
};

// Deterministic in the config's seed and size.
Fleet build_fleet(const SimConfig& c);

// Picks an index with probability proportional to shares[i], from a uniform u in [0, 1).
template <size_t N>
size_t pick_share(const std::array<double, N>& shares, double u) {
  double sum = 0;
  for (double s : shares) sum += s;
  double acc = 0;
  for (size_t i = 0; i < N; ++i) {
    acc += shares[i] / sum;
    if (u < acc) return i;
  }
  for (size_t i = N; i-- > 0;)
    if (shares[i] > 0) return i;
  return 0;
}

}  // namespace fleetsim
