// inventory.h: the site inventory TOML the gateway reads ([[household]], [[facade]]), and the
// run's sidecar FILE.meta.json (fleet size, time span, baseline alerts) that `score` reads.
#pragma once

#include <ostream>
#include <span>
#include <string>

#include "simulator/baseline.h"
#include "simulator/fleet.h"
#include "simulator/sim_config.h"

namespace fleetsim {

void write_inventory(std::ostream& out, const SimConfig& c, const Fleet& fleet);

// "+08:00" for 480.
std::string utc_offset_text(int minutes);

struct RunMeta {
  int households = 0;
  int facades = 0;
  int buildings = 0;
  double days = 0;
  int64_t start_ms = 0, end_ms = 0;
  uint64_t seed = 0;
  int report_minutes = 0;
  uint64_t messages = 0;
  std::vector<BaselineAlert> baseline;
};

void write_meta(std::ostream& out, const RunMeta& meta);

}  // namespace fleetsim
