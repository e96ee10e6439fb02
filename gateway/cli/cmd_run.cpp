// cmd_run.cpp: `edgegw run`: load config, start the gateway, wait for signals. SIGHUP reloads
// the config file: a file that does not load is refused with the reason and the running config
// stays; otherwise the live parts apply (see gateway/config_diff.h) keeping all state.
// Under systemd it notifies readiness and feeds the watchdog (gateway/service_notify.h).
#include <csignal>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gateway/cli/commands.h"
#include "gateway/config.h"
#include "gateway/gateway.h"
#include "gateway/service_notify.h"
#include "gateway/status/service.h"
#include "util/log.h"

namespace edgegw {

namespace {

// Command-line flags win over the file, at start and on every reload.
void apply_overrides(const RunOptions& opts, Config& config) {
  if (opts.ingest_url) config.ingest.url = *opts.ingest_url;
  if (opts.uplink_url) config.uplink.broker.url = *opts.uplink_url;
  if (opts.data_dir) config.data_dir = *opts.data_dir;
  if (opts.gateway_id) config.gateway_id = *opts.gateway_id;
  if (opts.clock) config.clock = *opts.clock == "event" ? ClockMode::event : ClockMode::wall;
}

void reload(const RunOptions& opts, Gateway& gateway) {
  if (opts.config_file.empty()) {
    log_warn("config", "SIGHUP: started without --config, nothing to reload");
    return;
  }
  Config next;
  try {
    next = load_config(opts.config_file);
  } catch (const std::exception& e) {
    gateway.reload_refused(e.what());
    log_error("config",
              fmt::format("SIGHUP: new config refused, keeping the running one: {}", e.what()));
    return;
  }
  apply_overrides(opts, next);
  const ReloadResult r = gateway.reload(next);
  if (!r.applied) {
    log_error("config",
              fmt::format("SIGHUP: reload failed, keeping the running config: {}", r.error));
    return;
  }
  log_info("config",
           fmt::format("SIGHUP: reloaded {}: rules, inventory ({} households, {} facades) "
                       "and log limits applied; detector state kept",
                       opts.config_file, next.inventory.households.size(),
                       next.inventory.facades.size()));
  if (!r.restart_needed.empty())
    log_warn("config", fmt::format("SIGHUP: changed but only applied by a restart "
                                   "(systemctl restart edgegw): {}",
                                   fmt::join(r.restart_needed, ", ")));
}

// The example config's gateway_id on a box configured from /etc: two boxes with the same id
// collide upstream (alert ids are per gateway), so refuse, naming the file and line.
std::string example_id_refusal(const std::string& config_file, const Config& config) {
  if (!config_file.starts_with("/etc/") || config.gateway_id != Config{}.gateway_id) return {};
  std::ifstream in(config_file);
  int line_no = 0, at = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t") != std::string::npos &&
        line.substr(line.find_first_not_of(" \t")).starts_with("gateway_id"))
      at = line_no;
  }
  return fmt::format(
      "{}{}: gateway_id = \"{}\" is the example id: give this box its own "
      "(alert ids are per gateway; two boxes with one id collide upstream)",
      config_file, at ? fmt::format(":{}", at) : std::string(" (not set)"), config.gateway_id);
}

}  // namespace

int cmd_run(const RunOptions& opts) {
  Config config;
  try {
    if (!opts.config_file.empty()) config = load_config(opts.config_file);
  } catch (const ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  apply_overrides(opts, config);
  if (const std::string why = example_id_refusal(opts.config_file, config); !why.empty()) {
    std::cerr << "error: " << why << "\n";
    return kExitUsage;
  }

  // Signals are taken synchronously by this thread only: no handler, no global state.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    Gateway gateway(std::move(config));  // its engine holds the inventory, the only copy
    const Config& running = gateway.config();
    // The status service observes the gateway and reads it through its queries (query.h); it
    // serves before the brokers connect.
    StatusService status(
        gateway,
        [&gateway](std::string_view household, int64_t until_ms) {
          return gateway.set_away(household, until_ms);
        },
        running);
    gateway.set_observer(&status);
    // However this scope ends, the gateway stops (its last commit may still report to the
    // status service) and lets go of the observer before the status service goes.
    struct StopGatewayFirst {
      Gateway& gateway;
      ~StopGatewayFirst() {
        gateway.stop();
        gateway.set_observer(nullptr);
      }
    } stop_gateway_first{gateway};
    status.start();
    gateway.start();
    log_info("gateway",
             fmt::format("{} running: ingest {}, uplink {} topic {}, data {}, clock {}",
                         running.gateway_id, running.ingest.url, running.uplink.broker.url,
                         running.uplink_topic(), running.data_dir,
                         running.clock == ClockMode::wall ? "wall" : "event"));
    ServiceNotifier systemd(gateway);  // Type=notify: ready now, watchdog while alive
    systemd.ready(fmt::format("{} serving, ingest {}", running.gateway_id, running.ingest.url));
    while (true) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGHUP) {
        reload(opts, gateway);
        continue;
      }
      log_info("gateway", fmt::format("signal {}: stopping", sig));
      systemd.stopping();
      break;
    }
    gateway.stop();
  } catch (const DbDamagedError& e) {
    std::cerr << "error: " << e.what() << "\n";  // one line; systemd must not restart (exit 4)
    return kExitDamaged;
  } catch (const std::exception& e) {
    log_error("gateway", e.what());
    return 1;
  }
  return 0;
}

}  // namespace edgegw
