// cmd_run.cpp: `edgegw run`: load config, start the gateway, wait for signals.
#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include "gateway/cli/commands.h"
#include "gateway/config.h"
#include "gateway/gateway.h"
#include "gateway/log.h"

namespace edgegw {

int cmd_run(const RunOptions& opts) {
  Config config;
  try {
    if (!opts.config_file.empty()) config = load_config(opts.config_file);
  } catch (const ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  if (opts.ingest_url) config.ingest.url = *opts.ingest_url;
  if (opts.uplink_url) config.uplink.broker.url = *opts.uplink_url;
  if (opts.data_dir) config.data_dir = *opts.data_dir;
  if (opts.gateway_id) config.gateway_id = *opts.gateway_id;
  if (opts.clock) config.clock = *opts.clock == "event" ? ClockMode::event : ClockMode::wall;

  // Signals are taken synchronously by this thread only: no handler, no global state.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    Gateway gateway(config);
    gateway.start();
    log_info("gateway", fmt::format("{} running: ingest {}, uplink {} topic {}, data {}, clock {}",
                                    config.gateway_id, config.ingest.url, config.uplink.broker.url,
                                    config.uplink_topic(), config.data_dir,
                                    config.clock == ClockMode::wall ? "wall" : "event"));
    while (true) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGHUP) {
        log_info("gateway", "SIGHUP: config reload is not supported yet; keeping the running config");
        continue;
      }
      log_info("gateway", fmt::format("signal {}: stopping", sig));
      break;
    }
    gateway.stop();
  } catch (const std::exception& e) {
    log_error("gateway", e.what());
    return 1;
  }
  return 0;
}

}  // namespace edgegw
