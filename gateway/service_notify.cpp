// service_notify.cpp: sd_notify READY/STOPPING/WATCHDOG (libsystemd) and the liveness judge.
#include "gateway/service_notify.h"

#include <systemd/sd-daemon.h>

#include <algorithm>

#include <fmt/format.h>

#include "gateway/gateway.h"
#include "util/log.h"

namespace edgegw {

Liveness PipelineJudge::update(const PipelineSample& s) {
  const bool uplink_progress = !has_last_ || s.acknowledged != last_.acknowledged ||
                               s.uplink_reconnects != last_.uplink_reconnects;
  const bool uplink_idle = s.outbox_depth == 0 || !s.uplink_connected;
  if (uplink_progress || uplink_idle) uplink_ok_ms_ = s.steady_ms;
  if (!has_last_) first_wall_ms_ = s.wall_ms;
  has_last_ = true;
  last_ = s;

  Liveness l;
  // Counted from the first sample at the earliest: the ticker's first tick may not have come.
  const int64_t tick_lag = s.wall_ms - std::max(s.watermark_ms, first_wall_ms_);
  if (s.wall_clock && tick_lag > limits_.max_tick_lag.count()) {
    l.alive = false;
    l.reason =
        fmt::format("detector: the ticker has not advanced event time for {} s", tick_lag / 1000);
  } else if (s.steady_ms - uplink_ok_ms_ > limits_.max_uplink_stall.count()) {
    l.alive = false;
    l.reason = fmt::format("uplink: {} alerts waiting, link up, nothing acknowledged for {} s",
                           s.outbox_depth, (s.steady_ms - uplink_ok_ms_) / 1000);
  }
  return l;
}

PipelineSample sample_pipeline(const Gateway& gateway) {
  const GatewayStatus st = gateway.status();  // takes the pipeline lock
  PipelineSample s;
  s.steady_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  s.wall_ms = wall_clock_ms();
  s.wall_clock = gateway.config().clock == ClockMode::wall;
  s.watermark_ms = st.watermark_ms;
  s.messages = st.counters.messages;
  s.ingest_connected = st.ingest.connected;
  s.outbox_depth = st.outbox.depth;
  s.acknowledged = st.outbox.acknowledged;
  s.uplink_connected = st.uplink.connected;
  s.uplink_reconnects = st.uplink.reconnects;
  return s;
}

ServiceNotifier::ServiceNotifier(const Gateway& gateway) : gateway_(gateway) {}

ServiceNotifier::~ServiceNotifier() {
  stop_thread();
}

void ServiceNotifier::ready(const std::string& status) {
  sd_notify(0, fmt::format("READY=1\nSTATUS={}", status).c_str());
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  log_info("systemd", fmt::format("watchdog every {} ms", usec / 1000));
  thread_ = std::thread([this, usec] { watchdog_loop(std::chrono::microseconds(usec / 3)); });
}

void ServiceNotifier::stopping() {
  sd_notify(0, "STOPPING=1");
  stop_thread();
}

void ServiceNotifier::stop_thread() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ServiceNotifier::watchdog_loop(std::chrono::microseconds period) {
  PipelineJudge judge;
  bool was_alive = true;
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    lock.unlock();
    const Liveness l = judge.update(sample_pipeline(gateway_));  // blocks if the pipeline hangs
    if (l.alive) {
      sd_notify(0, "WATCHDOG=1");
    } else if (was_alive) {
      log_error("systemd", fmt::format("pipeline stuck, no more watchdog pings: {}", l.reason));
      sd_notify(0, fmt::format("STATUS=stuck: {}", l.reason).c_str());
    }
    was_alive = l.alive;
    lock.lock();
  }
}

}  // namespace edgegw
