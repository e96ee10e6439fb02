// service_notify.h: `edgegw run` as a systemd Type=notify service: READY=1 once the gateway
// serves, STOPPING=1 on the way out, and the watchdog: WATCHDOG=1 every WatchdogSec/3, sent only
// while the pipeline is alive (each stage made progress or is idle for a known reason), so a
// hung gateway is killed and restarted by systemd. Outside systemd (no NOTIFY_SOCKET) it does
// nothing. The judgement is a pure function of samples of GatewayStatus, tested on its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace edgegw {

class Gateway;

// What the watchdog looks at, taken from Gateway::status() (which needs the pipeline lock: a
// batch of readings or tick stuck in the detector or the store blocks the sample itself, and
// then no ping is sent).
struct PipelineSample {
  int64_t steady_ms = 0;  // when taken (monotonic)
  int64_t wall_ms = 0;
  bool wall_clock = true;  // the gateway's clock mode
  int64_t watermark_ms = 0;
  uint64_t messages = 0;
  bool ingest_connected = false;
  uint64_t outbox_depth = 0;
  uint64_t acknowledged = 0;  // alerts trimmed after a PUBACK
  bool uplink_connected = false;
  uint64_t uplink_reconnects = 0;
};

struct Liveness {
  bool alive = true;
  std::string reason;  // why not, for the journal
};

// Judges a stream of samples. A stage is stuck when, for longer than its bound:
// - detector (wall clock): the ticker has not moved the watermark to within `max_tick_lag` of
//   the wall clock (it advances it every second);
// - uplink: alerts wait, the upstream link is up, and none was acknowledged and the link was not
//   re-established (a healthy uplink gets a PUBACK or gives the link up within 10 s).
// Idle for a known reason: no alert waiting, upstream unreachable (backoff), ingest broker
// unreachable (Paho reconnects), no reading arriving; event-clock mode has no ticker.
struct WatchdogLimits {
  std::chrono::milliseconds max_tick_lag{30000};
  std::chrono::milliseconds max_uplink_stall{45000};
};

class PipelineJudge {
 public:
  explicit PipelineJudge(WatchdogLimits limits = {}) : limits_(limits) {}
  Liveness update(const PipelineSample& s);

 private:
  WatchdogLimits limits_;
  bool has_last_ = false;
  PipelineSample last_;
  int64_t uplink_ok_ms_ = 0;  // last sample at which the uplink progressed or was idle
  int64_t first_wall_ms_ = 0;
};

PipelineSample sample_pipeline(const Gateway& gateway);

// READY/STOPPING and the watchdog thread (only when systemd asked for a watchdog).
class ServiceNotifier {
 public:
  explicit ServiceNotifier(const Gateway& gateway);
  ~ServiceNotifier();  // stops the watchdog thread
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  void ready(const std::string& status);  // READY=1, and starts the watchdog
  void stopping();                        // STOPPING=1, and stops pinging

 private:
  void watchdog_loop(std::chrono::microseconds period);
  void stop_thread();

  const Gateway& gateway_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace edgegw
