// service.h: the gateway's observability, in one object the gateway owns: latency histograms,
// the recent-alerts log, live rates, rate-limited logging of rejected messages, the tail
// stream, reload bookkeeping, and the status server that answers the CLI and Prometheus.
// The gateway calls the hooks below on its hot path (under its lock); they cost a few
// counter updates unless a tail client is connected.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "drivers/decode_scratch.h"
#include "gateway/config.h"
#include "gateway/alert/alert.h"
#include "gateway/ingest/pipeline.h"
#include "gateway/log.h"
#include "gateway/status/alert_log.h"
#include "gateway/status/config_diff.h"
#include "gateway/status/http.h"
#include "gateway/status/metrics.h"
#include "gateway/status/server.h"
#include "gateway/status/tail.h"
#include "gateway/store/deadletters.h"

namespace edgegw {

class Gateway;

// Per-second samples of the totals, for rates over the last minute.
struct RateWindow {
  double seconds = 0;
  double messages = 0, readings = 0, rejected = 0, alerts = 0;  // per second
};

struct ReloadStats {
  uint64_t applied = 0, refused = 0;
  int64_t last_ms = 0;  // wall clock of the last attempt
  std::string last_error;
  std::vector<std::string> restart_needed;
};

class StatusService {
 public:
  StatusService(Gateway& gateway, const Config& config, DeadLetters& dead_letters);
  ~StatusService();
  StatusService(const StatusService&) = delete;
  StatusService& operator=(const StatusService&) = delete;

  // Binds <data_dir>/edgegw.sock (and the HTTP port). When that fails (path too long, port in
  // use) it logs the error and the gateway runs on without a status interface.
  void start();
  void stop();

  // Hot path, under the gateway lock: after the pipeline handled one message.
  void after_message(std::string_view topic, std::string_view payload,
                     const PipelineCounters& counters, std::chrono::nanoseconds elapsed);
  // Under the gateway lock: after the outbox stored `alerts` (ids assigned).
  void after_store(std::span<const Alert> alerts, std::chrono::nanoseconds elapsed);
  // Under the gateway lock: a reload was attempted (applied or refused).
  void after_reload(const Config& live, const ReloadResult& result);

  HttpResponse handle(const HttpRequest& req);

  // For the views.
  const AlertLog& alerts() const { return alert_log_; }
  const LogLimiter& limiter() const { return limiter_; }
  LatencyHistogram::Snapshot detect_latency() const { return detect_latency_.snapshot(); }
  LatencyHistogram::Snapshot store_latency() const { return store_latency_.snapshot(); }
  RateWindow rates() const;
  ReloadStats reload_stats() const;
  int64_t started_wall_ms() const { return started_wall_ms_; }
  double uptime_seconds() const;

 private:
  void tick();
  void tail_message(std::string_view topic, std::string_view payload);

  Gateway& gateway_;
  DeadLetters& dead_letters_;
  const StatusServerOptions server_options_;
  const std::vector<Route> routes_;  // for tail decoding; routes change only on restart
  const DecodeLimits limits_;
  const std::string gateway_id_;
  const std::chrono::steady_clock::time_point started_;
  const int64_t started_wall_ms_;

  LatencyHistogram detect_latency_, store_latency_;
  AlertLog alert_log_;
  LogLimiter limiter_;
  TailHub tail_;
  DecodeScratch tail_scratch_;  // used under the gateway lock only

  // Totals for rates, written on the hot path, sampled by tick().
  std::atomic<uint64_t> messages_{0}, readings_{0}, rejected_{0}, alerts_{0};
  std::array<uint64_t, kDecodeErrorCodes> last_rejected_{};  // under the gateway lock

  struct Sample {
    std::chrono::steady_clock::time_point t;
    uint64_t messages, readings, rejected, alerts;
  };
  mutable std::mutex samples_mu_;
  std::array<Sample, 61> samples_{};
  size_t sample_count_ = 0, sample_next_ = 0;

  mutable std::mutex reload_mu_;
  ReloadStats reload_;

  std::unique_ptr<StatusServer> server_;
};

}  // namespace edgegw
