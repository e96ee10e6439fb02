// cmd_parse.cpp: `edgegw parse`: decode one payload as the gateway would, and explain a rejection.
#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "drivers/registry.h"
#include "drivers/validate.h"
#include "gateway/cli/commands.h"
#include "gateway/config.h"
#include "gateway/ingest/pipeline.h"
#include "util/time.h"

namespace edgegw {

int cmd_parse(const ParseOptions& opts) {
  Config config;
  std::string payload;
  try {
    if (!opts.config_file.empty()) config = load_config(opts.config_file);
    payload = read_input(opts.input);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  auto driver = route_topic(config.routes, opts.topic);
  if (!driver) {
    std::cerr << fmt::format("error: no_route: no route for topic '{}'\n", opts.topic);
    return 1;
  }
  DecodeScratch scratch;
  Reading reading;
  DecodeStatus status =
      decode_with(*driver, opts.topic, payload, config.limits, scratch, reading, config.drivers);
  // Judged against the wall clock, as the live gateway judges it on arrival (a reading more
  // than limits.max_future_skew_s ahead is refused); one without its own time stays without.
  const int64_t now_ms = wall_clock_ms();
  if (!status && reading.time_ms != 0) status = validate_reading(reading, now_ms, config.limits);
  if (!status && reading.time_ms != 0)
    status = check_clock_ahead(reading, now_ms, config.max_clock_ahead_ms);
  if (status) {
    std::cerr << fmt::format("error: {} ({} driver): {}\n", to_string(status->code),
                             to_string(*driver), status->detail);
    return 1;
  }
  std::cout << reading_to_json(reading) << "\n";
  return 0;
}

}  // namespace edgegw
