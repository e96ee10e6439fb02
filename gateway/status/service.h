// service.h: the gateway's observability, one object beside the gateway that observes it
// (gateway/observer.h): latency histograms, the recent-alerts log, live rates, rate-limited
// logging of rejected messages, the tail stream, reload bookkeeping, and the status server
// that answers the CLI and Prometheus. The gateway calls the observer hooks on its hot path
// (under its lock); they cost a few counter updates unless a tail client is connected. The
// views read the gateway through its read-only queries (gateway/query.h); the one change the
// service makes, away mode, goes through a function the owner hands it.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "gateway/alert/alert.h"
#include "gateway/config.h"
#include "gateway/config_diff.h"
#include "gateway/observer.h"
#include "gateway/query.h"
#include "gateway/status/alert_log.h"
#include "gateway/status/http.h"
#include "gateway/status/metrics.h"
#include "gateway/status/server.h"
#include "gateway/status/tail.h"
#include "util/log.h"

namespace edgegw {

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

class StatusService : public GatewayObserver {
 public:
  // Away mode for a household until `until_ms` (0 clears); false for an unknown household
  // (POST /household/<id>/away; Gateway::set_away).
  using SetAway = std::function<bool(std::string_view household, int64_t until_ms)>;

  // Observes nothing until the owner calls gateway.set_observer(&service) (cli/cmd_run.cpp).
  StatusService(const GatewayQuery& gateway, SetAway set_away, const Config& config);
  ~StatusService() override;
  StatusService(const StatusService&) = delete;
  StatusService& operator=(const StatusService&) = delete;

  // Binds <data_dir>/edgegw.sock (and the HTTP port). When that fails (path too long, port in
  // use) it logs the error and the gateway runs on without a status interface.
  void start();
  void stop();

  // GatewayObserver, under the gateway lock: one message (hot path), stored alerts, a reload.
  void on_message(const MessageEvent& event) override;
  void on_stored(std::span<const Alert> alerts, std::chrono::nanoseconds elapsed) override;
  void on_reload(const Config& live, const ReloadResult& result) override;

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
  void tail_message(const MessageEvent& event);

  const GatewayQuery& gateway_;
  const SetAway set_away_;
  const StatusServerOptions server_options_;
  const std::string gateway_id_;
  const std::chrono::steady_clock::time_point started_;
  const int64_t started_wall_ms_;

  LatencyHistogram detect_latency_, store_latency_;
  AlertLog alert_log_;
  LogLimiter limiter_;
  TailHub tail_;

  // Totals for rates, written on the hot path, sampled by tick().
  std::atomic<uint64_t> messages_{0}, readings_{0}, rejected_{0}, alerts_{0};

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
