// run.h: `fleetsim run`: inventory and ground truth first, then every device's messages in
// event-time order to the broker (paced by --speed), then the sidecars: TRUTH.meta.json (with
// the baseline) and TRUTH.activities.tsv (the confounders).
#pragma once

#include <string>

#include "simulator/sim_config.h"

namespace fleetsim {

struct RunOptions {
  std::string broker;  // empty: do not publish (generate only, or --dump)
  std::string truth_path;
  std::string inventory_path;
  std::string dump_path;  // "topic<TAB>payload" lines (binary payloads as hex)
  std::string client_id = "fleetsim";
  size_t window = 512;
  bool quiet = false;
};

// Returns the process exit code; prints errors to stderr.
int run_fleet(const SimConfig& c, const RunOptions& o);

}  // namespace fleetsim
