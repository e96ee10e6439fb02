// connection.h: what the ingest subscriber and the uplink sender share about keeping one MQTT
// connection up: connecting with the broker's options, disconnecting quietly, and the capped
// exponential reconnect backoff with jitter.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include <mqtt/async_client.h>

#include "gateway/config.h"

namespace edgegw {

// Connects `client` with make_connect_options(broker, persistent_session) and waits up to
// `timeout`; throws (mqtt::exception, ConfigError, or std::runtime_error "connect timed out").
void connect_client(mqtt::async_client& client, const BrokerConfig& broker,
                    bool persistent_session,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Disconnects when connected, waiting up to 2 s; never throws.
void disconnect_quietly(mqtt::async_client& client);

// Reconnect waits: the current step plus up to half of it at random, the step doubling after
// each failure up to max_ms, back to min_ms after a success.
class ReconnectBackoff {
 public:
  ReconnectBackoff(int min_ms, int max_ms, uint64_t seed)
      : min_ms_(min_ms), max_ms_(max_ms), step_ms_(min_ms), rng_(seed) {}

  int step_ms() const { return step_ms_; }  // the step the next wait is drawn from
  void reset() { step_ms_ = min_ms_; }
  // The wait before the next attempt; doubles the step (capped) for the one after.
  int next_wait_ms() {
    const int wait_ms = step_ms_ + std::uniform_int_distribution<int>(0, step_ms_ / 2)(rng_);
    step_ms_ = std::min(step_ms_ * 2, max_ms_);
    return wait_ms;
  }

 private:
  int min_ms_, max_ms_, step_ms_;
  std::mt19937_64 rng_;
};

}  // namespace edgegw
