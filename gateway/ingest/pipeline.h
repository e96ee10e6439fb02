// pipeline.h: one message's way through the gateway: route -> decode -> validate -> detect.
// Rejected messages are counted by reason and kept as dead letters; accepted readings update
// the detector, whose alerts the caller stores. Single-threaded: the caller serializes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/decode_scratch.h"
#include "drivers/registry.h"
#include "gateway/config.h"
#include "gateway/detect/engine.h"
#include "gateway/store/deadletters.h"

namespace edgegw {

inline constexpr size_t kDecodeErrorCodes = static_cast<size_t>(DecodeErrorCode::no_route) + 1;
inline constexpr size_t kDrivers = static_cast<size_t>(DriverId::native) + 1;

struct PipelineCounters {
  std::array<uint64_t, kDrivers> accepted_by_driver{};
  std::array<uint64_t, kDecodeErrorCodes> rejected_by_reason{};
  uint64_t messages = 0;
  uint64_t alerts = 0;
  uint64_t sensor_limit = 0;       // readings of new sensors refused: the table was full
  uint64_t placeholder_times = 0;  // accepted readings whose device sent a "no time" placeholder
  uint64_t without_register = 0;   // accepted meter reports with no register (sign of life only)
};

// The total of a per-driver or per-reason count.
template <size_t N>
uint64_t total_count(const std::array<uint64_t, N>& counts) {
  uint64_t n = 0;
  for (uint64_t v : counts) n += v;
  return n;
}

// What became of one message (Pipeline::handle), for observers (gateway/observer.h).
struct PipelineOutcome {
  enum class Kind : uint8_t {
    reading,       // decoded, validated and handed to the detector
    rejected,      // refused: `reason` (a DecodeErrorCode name) and `detail`; a dead letter
    sensor_limit,  // decoded, but a new sensor while the table is full; a dead letter
  };
  Kind kind = Kind::reading;
  std::optional<DriverId> driver;  // the driver the topic routes to (none: no_route)
  Reading reading;                 // reading and sensor_limit; views valid until the next message
  std::string_view reason;         // rejected and sensor_limit
  std::string detail;              // rejected and sensor_limit
};

// Wall-clock mode: a reading more than `max_ahead_ms` ahead of `wall_ms` is in the future
// (bad_timestamp), whatever the drivers' own skew limit allows. `edgegw parse` judges the same.
DecodeStatus check_clock_ahead(const Reading& r, int64_t wall_ms, int64_t max_ahead_ms);

// The sensor id a topic names, for counting rejected messages per sensor (empty if none).
std::string_view sensor_of_topic(std::string_view topic);

class Pipeline {
 public:
  Pipeline(const Config& config, DeadLetters* dead_letters);

  // Handles one message that arrived at `arrival_ms` (wall clock, or 0 in event-clock mode).
  // Appends the alerts it raises to `alerts` (ids not yet assigned); says what became of the
  // message in `outcome` when given. `sent_size`, when larger than the payload, is the size of
  // a payload the ingest cut (too large: refused, with that size).
  void handle(std::string_view topic, std::string_view payload, int64_t arrival_ms,
              std::vector<Alert>& alerts, PipelineOutcome* outcome = nullptr, size_t sent_size = 0);

  // Advances event time (wall-clock mode calls this every second).
  void tick(int64_t now_ms, std::vector<Alert>& alerts) {
    engine_.advance_watermark(now_ms, alerts);
  }

  const PipelineCounters& counters() const { return counters_; }
  const Engine& engine() const { return engine_; }
  Engine& engine() { return engine_; }

 private:
  void reject(std::string_view topic, std::string_view payload, int64_t arrival_ms,
              DecodeError error, std::vector<Alert>& alerts, PipelineOutcome* outcome,
              size_t sent_size = 0);

  std::vector<Route> routes_;
  DecodeLimits limits_;
  DriverOptions drivers_;
  size_t max_sensors_;
  int64_t max_clock_ahead_ms_;
  DecodeScratch scratch_;
  Engine engine_;
  DeadLetters* dead_letters_;  // may be null (e.g. `edgegw parse`)
  PipelineCounters counters_;
};

}  // namespace edgegw
