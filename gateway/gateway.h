// gateway.h: the running gateway: wires ingest -> pipeline (decode, detect) -> outbox -> uplink
// around one RocksDB database, and in wall-clock mode ticks event time every second.
#pragma once

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/config.h"
#include "gateway/ingest/ingest.h"
#include "gateway/ingest/pipeline.h"
#include "gateway/status/config_diff.h"
#include "gateway/status/service.h"
#include "gateway/store/db.h"
#include "gateway/store/deadletters.h"
#include "gateway/store/outbox.h"
#include "gateway/uplink/uplink.h"

namespace edgegw {

struct GatewayStatus {
  PipelineCounters counters;
  OutboxStats outbox;
  UplinkStats uplink;
  IngestStats ingest;
  uint64_t dead_letters = 0;
  int64_t watermark_ms = 0;
  size_t sensors = 0;
};

class Gateway {
 public:
  explicit Gateway(const Config& config);  // opens the database; throws on failure
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  void start();  // connects to both brokers (retrying in the background)
  void stop();   // stops ingest first, then ticks and the uplink; state stays on disk

  // One message, as the ingest delivers it; public so that tests and replays can drive it.
  void handle_message(std::string_view topic, std::string_view payload);

  GatewayStatus status() const;

  // Config reload (SIGHUP): applies rules, inventory and log limits live, keeping all detector
  // state; reports the changed keys that need a restart (see gateway/status/config_diff.h).
  ReloadResult reload(const Config& next);
  // A new config file was refused (it did not load); counted and shown by `edgegw status`.
  void reload_refused(const std::string& error);
  // Runs f(pipeline, live config) under the gateway lock, for status queries: keep f short.
  template <typename F>
  decltype(auto) inspect(F&& f) const {
    std::lock_guard lock(mu_);
    return f(pipeline_, live_config_);
  }
  // Away mode for a household until `until_ms` (0 clears); false for an unknown household.
  bool set_away(std::string_view household, int64_t until_ms);
  const Config& config() const { return config_; }  // as started
  const Outbox& outbox() const { return outbox_; }
  const DeadLetters& dead_letters() const { return dead_letters_; }

 private:
  void store(std::vector<Alert>& alerts);
  void tick_loop();

  const Config config_;
  std::unique_ptr<Db> db_;
  Outbox outbox_;
  DeadLetters dead_letters_;
  mutable std::mutex mu_;  // guards pipeline_ and alerts_
  Pipeline pipeline_;
  std::vector<Alert> alerts_;  // reused per message
  std::chrono::steady_clock::time_point last_checkpoint_ = std::chrono::steady_clock::now();
  Config live_config_;  // config_ plus live reloads; guarded by mu_
  StatusService status_service_;
  Uplink uplink_;
  Ingest ingest_;
  std::mutex tick_mu_;
  std::condition_variable tick_wake_;
  bool stopping_ = false;
  std::thread ticker_;
};

int64_t wall_clock_ms();

}  // namespace edgegw
