// config_diff.h: what a config reload (SIGHUP) may change in a running gateway. Rules,
// inventory (households, facades, away defaults) and log rate limits apply live, keeping all
// detector state; everything else (brokers, ids, data dir, clock, routes, limits, bounds,
// status listener) needs a restart and is reported, not applied.
#pragma once

#include <string>
#include <vector>

#include "gateway/config.h"

namespace edgegw {

struct ReloadPlan {
  std::vector<std::string> restart_needed;  // config keys that changed but apply only at start
};

ReloadPlan plan_reload(const Config& running, const Config& next);

// `running` with the live-reloadable settings taken from `next`. The inventory, also live, is
// not copied: the engine interns it (Engine::reconfigure) and keeps the only copy.
Config apply_live(const Config& running, const Config& next);

struct ReloadResult {
  bool applied = false;
  std::string error;                        // why the new config was refused
  std::vector<std::string> restart_needed;  // changed keys that wait for a restart
};

}  // namespace edgegw
