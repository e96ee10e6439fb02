// gateway.h: the running gateway: wires ingest -> pipeline (decode, detect) -> outbox -> uplink
// around one RocksDB database; ticks every second (event time in wall-clock mode, and the retry
// of writes a storage error held back). It reports what happens to an observer (observer.h).
// The status views read it through its read-only queries (query.h), implemented in query.cpp.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/config.h"
#include "gateway/config_diff.h"
#include "gateway/ingest/ingest.h"
#include "gateway/ingest/pipeline.h"
#include "gateway/observer.h"
#include "gateway/query.h"
#include "gateway/store/db.h"
#include "gateway/store/deadletters.h"
#include "gateway/store/fault.h"
#include "gateway/store/outbox.h"
#include "gateway/uplink/uplink.h"
#include "util/log.h"
#include "util/time.h"  // wall_clock_ms

namespace edgegw {

class Gateway : public GatewayQuery {
 public:
  // Opens the database; throws on failure. The engine interns `config`'s inventory and the
  // gateway keeps no copy of it (17 MB per 100,000 households): move the config in.
  explicit Gateway(Config config);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // The observer of messages, stored alerts and reloads (the status service); null for none.
  // Set it before start() and clear it before the observer goes.
  void set_observer(GatewayObserver* observer);

  void start();  // connects to both brokers (retrying in the background)
  void stop();   // stops ingest first, then ticks and the uplink; state stays on disk

  // Messages as the ingest delivers them: each through the pipeline, then one commit for all
  // (their alerts in one synced write). Public so that tests and replays can drive them.
  void handle_batch(std::span<const InboundMessage> batch);
  void handle_message(std::string_view topic, std::string_view payload);  // a batch of one

  // GatewayQuery (query.h): copies for the status views, safe from any thread.
  GatewayStatus status() const override;
  RunningConfig running_config() const override;
  int64_t now_ms() const override;
  SensorTable sensors() const override;
  std::optional<SensorExplanation> sensor(const std::string& id) const override;
  std::optional<HouseholdView> household(const std::string& id) const override;
  std::vector<Alert> outbox_oldest(size_t max_count) const override;
  std::vector<DeadLetter> dead_letters_newest(size_t limit) const override;
  uint64_t dead_letter_count() const override;

  // Config reload (SIGHUP): applies rules, inventory and log limits live, keeping all detector
  // state; reports the changed keys that need a restart (see gateway/config_diff.h).
  ReloadResult reload(const Config& next);
  // A new config file was refused (it did not load); counted and shown by `edgegw status`.
  void reload_refused(const std::string& error);
  // Away mode for a household until `until_ms` (0 clears); false for an unknown household.
  bool set_away(std::string_view household, int64_t until_ms);
  const Config& config() const { return config_; }  // as started, without the inventory
  const Outbox& outbox() const { return outbox_; }
  const DeadLetters& dead_letters() const { return dead_letters_; }

 private:
  void commit(std::vector<Alert>& alerts, bool sync = false);
  void write(std::vector<Alert>& alerts, const StateRecords& records, bool sync,
             std::chrono::steady_clock::time_point t0);
  void hold(std::vector<Alert>& alerts, StateRecords& records);
  void storage_failed(const std::string& error);

  // Alerts held in memory while the disk fails, at most (about 30 MB); older ones are dropped
  // and counted past it.
  static constexpr size_t kMaxHeldAlerts = 100000;
  // Detector records per state-only write batch (about 1 MB at 200-300 bytes a record).
  static constexpr size_t kRecordsPerWrite = 4096;
  void tick_loop();

  Config config_;  // as started, less the inventory (the engine holds it)
  std::unique_ptr<Db> db_;
  Outbox outbox_;
  DeadLetters dead_letters_;
  mutable std::mutex mu_;  // guards pipeline_ and alerts_
  Pipeline pipeline_;
  std::vector<Alert> alerts_;  // reused per message
  std::chrono::steady_clock::time_point last_sync_ = std::chrono::steady_clock::now();
  bool unsynced_ = false;  // detector state written to the WAL and not yet synced
  // While the disk fails (guarded by mu_): what could not be written, retried every second.
  StorageHealth storage_;
  std::vector<Alert> held_alerts_;                 // oldest first
  std::map<std::string, std::string> held_state_;  // detector records by key, newest value
  StateRecords records_;  // the commit's detector records (storage reused); guarded by mu_
  std::chrono::steady_clock::time_point next_retry_{};
  bool stopped_ = false;
  std::map<std::string, std::string> page_cache_;  // EDGEGW_LOSE_UNSYNCED only (fault.h)
  FaultPoints fault_;
  uint64_t unwritten_messages_ = 0;  // messages since the last write, for the fault points
  Config live_config_;  // config_ plus live reloads, less the inventory; guarded by mu_
  GatewayObserver* observer_ = nullptr;  // guarded by mu_
  PipelineOutcome outcome_;              // reused per message, for the observer; guarded by mu_
  Uplink uplink_;
  Ingest ingest_;
  std::mutex tick_mu_;
  std::condition_variable tick_wake_;
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace edgegw
