// gateway.cpp: wiring the stages together, the one commit path and the ticker.
#include "gateway/gateway.h"

#include <chrono>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "gateway/store/state_store.h"
#include "util/log.h"

namespace edgegw {

namespace {

// Empties `c`'s inventory and returns it. The engine interns the inventory when the pipeline is
// built; neither of the gateway's copies of the config keeps it (bench/README.md "Memory").
Config& drop_inventory(Config& c) {
  c.inventory = Inventory{};
  return c;
}

}  // namespace

Gateway::Gateway(Config config)
    : config_(std::move(config)),
      db_(open_db(config_.data_dir)),
      outbox_(*db_, config_.outbox_max_bytes),
      dead_letters_(*db_, config_.deadletter_max_entries),
      pipeline_(config_, &dead_letters_),
      live_config_(drop_inventory(config_)),
      uplink_(config_, outbox_),
      ingest_(config_, [this](std::span<const InboundMessage> batch) { handle_batch(batch); }) {
  // A restart continues where the detector stopped: open alerts, quiet periods, deadlines.
  restore_engine_state(*db_, pipeline_.engine());
  if (begin_run(*db_, current_boot_id())) {
    // Rebooted without a clean stop: a power cut may have taken the state written since the
    // last sync, at most checkpoint_interval_s (+1 s tick) after the restored watermark.
    // In event-clock mode the lost state's event time is unknown: from the next reading on.
    Engine& engine = pipeline_.engine();
    const int64_t from = engine.watermark_ms() + (config_.checkpoint_interval_s + 1) * 1000LL;
    if (config_.clock == ClockMode::wall)
      engine.restart_windows(from);
    else
      engine.restart_windows_at_next_reading(from);
    log_warn("store", fmt::format("the last run ended without a clean stop before a reboot (power "
                                  "cut?): quiet windows restart at {}{}",
                                  format_iso8601_utc(from),
                                  config_.clock == ClockMode::wall ? "" : " or the next reading"));
    // Every sensor's restarted window on disk (synced, in bounded batches) before any reading.
    std::vector<Alert> none;
    commit(none, /*sync=*/true);
  }
}

Gateway::~Gateway() {
  stop();
}

void Gateway::set_observer(GatewayObserver* observer) {
  std::lock_guard lock(mu_);
  observer_ = observer;
}

void Gateway::start() {
  if (config_.clock == ClockMode::wall) {
    std::lock_guard lock(mu_);
    pipeline_.engine().set_listening_since(wall_clock_ms());
  }
  uplink_.start();
  ingest_.start();
  ticker_ = std::thread([this] { tick_loop(); });
}

void Gateway::stop() {
  ingest_.stop();
  {
    std::lock_guard lock(tick_mu_);
    stopping_ = true;
  }
  tick_wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  {
    std::lock_guard lock(mu_);
    next_retry_ = {};  // one last try for anything held
    commit(alerts_, /*sync=*/true);
    if (!storage_.error.empty())
      log_error("store", fmt::format("stopping with {} alerts that could not be stored: {}",
                                     held_alerts_.size(), storage_.error));
    else if (!stopped_) {
      try {
        mark_clean_stop(*db_);
        flush_all(*db_);  // table files for every family: what `edgegw repair` can read
      } catch (const std::exception& e) {
        log_error("store", e.what());
      }
    }
    stopped_ = true;
  }
  uplink_.stop();
}

// The one commit path, under mu_, after every batch of messages and every tick, before the
// ingest acknowledges the batch's readings:
//  - alerts: the alerts and every changed detector record in one synced write, so that state
//    saying "raised" never exists without its alert, nor an alert without its state;
//  - no alerts: the changed records in one WAL write, unsynced (the OS keeps it through a
//    kill -9); the WAL is synced every checkpoint_interval_s (every write when 0), which bounds
//    what a power cut can cost (gateway/store/DURABILITY.md).
// A storage error (disk full, I/O error) never stops the gateway: what could not be written is
// held in memory, readings keep flowing through detection, and the write is retried (oldest
// alerts first, under their ids) once a second until the disk takes it again.
void Gateway::commit(std::vector<Alert>& alerts, bool sync) {
  const auto t0 = std::chrono::steady_clock::now();
  if (config_.checkpoint_interval_s == 0 ||
      t0 - last_sync_ >= std::chrono::seconds(config_.checkpoint_interval_s))
    sync = true;
  // With alerts: every changed record, in the alerts' one batch. Without: at most
  // kRecordsPerWrite per batch, the rest in further batches below.
  Engine& engine = pipeline_.engine();
  StateRecords& records = records_;
  engine.take_dirty_records(records, alerts.empty() ? kRecordsPerWrite : SIZE_MAX);
  if (!storage_.error.empty()) {
    hold(alerts, records);
    if (t0 < next_retry_) return;
    next_retry_ = t0 + std::chrono::seconds(1);
    db_->db->Resume();  // clears RocksDB's background error once its cause is gone
    alerts.swap(held_alerts_);
    for (auto& [key, value] : held_state_) {
      StateRecord& r = records.add();
      r.key = key;
      r.value = std::move(value);
    }
    held_state_.clear();
    sync = true;
  }
  try {
    // A state-only commit of more than kRecordsPerWrite records (a deadline sweep or restarted
    // windows touching every sensor) is several bounded batches, written one after the other
    // before this returns (so before the reading is acknowledged: a kill -9 loses none of it).
    // Only the last carries the watermark (take_dirty_records) and the sync, which syncs the
    // WAL before it: after a power cut, a restored watermark has every record up to it.
    while (alerts.empty() && records.size >= kRecordsPerWrite) {
      write(alerts, records, /*sync=*/false, t0);
      engine.take_dirty_records(records, kRecordsPerWrite);
    }
    write(alerts, records, sync, t0);
  } catch (const std::exception& e) {
    storage_failed(e.what());
    hold(alerts, records);
    next_retry_ = t0 + std::chrono::seconds(1);
    return;
  }
  if (!storage_.error.empty()) {
    log_info("store", fmt::format("storage works again after {} failed writes; held alerts "
                                  "stored",
                                  storage_.failed_writes));
    storage_.error.clear();
    storage_.failing_since_ms = 0;
    storage_.held_alerts = 0;
  }
}

void Gateway::write(std::vector<Alert>& alerts, const StateRecords& records, bool sync,
                    std::chrono::steady_clock::time_point t0) {
  check_disk_room(*db_);
  rocksdb::WriteBatch batch;
  if (fault_.lose_unsynced() && (sync || !alerts.empty()) && !page_cache_.empty()) {
    for (const auto& [key, value] : page_cache_)
      check(batch.Put(db_->state, key, value), "batching the detector state");
    log_info("fault", fmt::format("power-cut simulation: {} records synced", page_cache_.size()));
    page_cache_.clear();
  }
  for (const StateRecord& r : records)
    check(batch.Put(db_->state, r.key, r.value), "batching the detector state");
  if (!alerts.empty()) {
    fault_.reach("alerts.before_write", alerts.size());
    outbox_.append(alerts, &batch);  // synced, and the WAL before it with it
    fault_.reach("alerts.after_write", alerts.size());
    unwritten_messages_ = 0;
    last_sync_ = t0;
    unsynced_ = false;
    if (observer_) observer_->on_stored(alerts, std::chrono::steady_clock::now() - t0);
    alerts.clear();
    uplink_.notify();
    return;
  }
  if (batch.Count() > 0 && !sync && fault_.lose_unsynced()) {
    // Power-cut simulation (test builds): held where a power cut loses it, until the next sync.
    fault_.reach("state.before_write", unwritten_messages_);
    for (const StateRecord& r : records) page_cache_[r.key] = r.value;
    fault_.reach("state.after_write", unwritten_messages_);
    unwritten_messages_ = 0;
    return;
  }
  if (batch.Count() > 0) {
    fault_.reach("state.before_write", unwritten_messages_);
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    check(db_->db->Write(wo, &batch), "writing the detector state");
    fault_.reach("state.after_write", unwritten_messages_);
    unwritten_messages_ = 0;
    unsynced_ = !sync;
  } else if (sync && unsynced_) {
    // A synced write syncs the WAL before it. (Not DB::SyncWAL(): after a failed write it asserts
    // on the WAL writer's error in Debian's RocksDB build instead of returning the error.)
    rocksdb::WriteBatch mark;
    const int64_t wm = pipeline_.engine().watermark_ms();
    check(mark.Put(db_->meta, "run.synced_watermark",
                   std::string_view(reinterpret_cast<const char*>(&wm), sizeof wm)),
          "batching the sync mark");
    rocksdb::WriteOptions wo;
    wo.sync = true;
    check(db_->db->Write(wo, &mark), "syncing the detector state");
    unsynced_ = false;
  }
  if (sync) last_sync_ = t0;
}

void Gateway::hold(std::vector<Alert>& alerts, StateRecords& records) {
  for (Alert& a : alerts) held_alerts_.push_back(std::move(a));
  alerts.clear();
  if (held_alerts_.size() > kMaxHeldAlerts) {
    const size_t drop = held_alerts_.size() - kMaxHeldAlerts;
    held_alerts_.erase(held_alerts_.begin(), held_alerts_.begin() + static_cast<ptrdiff_t>(drop));
    storage_.dropped_alerts += drop;
  }
  for (StateRecord& r : records) held_state_[std::move(r.key)] = std::move(r.value);
  records.clear();
  storage_.held_alerts = held_alerts_.size();
}

void Gateway::storage_failed(const std::string& error) {
  ++storage_.failed_writes;
  if (storage_.error.empty()) storage_.failing_since_ms = wall_clock_ms();
  if (storage_.error != error)
    log_error("store", fmt::format("cannot write to {}: {}; readings are still handled, alerts "
                                   "are held in memory and retried every second",
                                   config_.data_dir, error));
  storage_.error = error;
}

void Gateway::handle_message(std::string_view topic, std::string_view payload) {
  const InboundMessage one{topic, payload};
  handle_batch(std::span<const InboundMessage>(&one, 1));
}

// A batch's messages go through the pipeline one by one, then one commit stores the alerts of
// all of them (one synced write however many raised one) before the ingest acknowledges them.
void Gateway::handle_batch(std::span<const InboundMessage> batch) {
  const int64_t arrival = config_.clock == ClockMode::wall ? wall_clock_ms() : 0;
  std::lock_guard lock(mu_);
  unwritten_messages_ += batch.size();
  for (const InboundMessage& m : batch) {
    const auto t0 = std::chrono::steady_clock::now();
    try {
      pipeline_.handle(m.topic, m.payload, arrival, alerts_, observer_ ? &outcome_ : nullptr,
                       m.sent_size);
      if (observer_)
        observer_->on_message(MessageEvent{m.topic, m.payload, outcome_, pipeline_.counters(),
                                           std::chrono::steady_clock::now() - t0});
    } catch (const std::exception& e) {
      // Nothing may escape into the ingest's thread (the batch would come again, and fail again).
      ++storage_.unexpected_errors;
      log_error("gateway",
                fmt::format("message on '{}' ({} bytes): {}", m.topic, m.payload.size(), e.what()));
    }
  }
  try {
    commit(alerts_);
  } catch (const std::exception& e) {
    ++storage_.unexpected_errors;
    log_error("gateway", fmt::format("storing a batch of {} messages: {}", batch.size(), e.what()));
  }
}

void Gateway::tick_loop() {
  std::unique_lock lock(tick_mu_);
  while (!stopping_) {
    tick_wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    const bool listening = ingest_.stats().connected;  // before mu_: the ingest's lock first
    std::lock_guard pipeline_lock(mu_);
    try {
      // Event time moves with the wall clock only in wall-clock mode; in both modes the tick
      // retries what a storage error held back. No sensor is silent (S1) for the time the
      // gateway cannot hear it: while the broker connection is down, silence counts from now.
      if (config_.clock == ClockMode::wall) {
        const int64_t now = wall_clock_ms();
        if (!listening) pipeline_.engine().set_listening_since(now);
        pipeline_.tick(now, alerts_);
      }
      commit(alerts_);
    } catch (const std::exception& e) {
      ++storage_.unexpected_errors;
      log_error("gateway", fmt::format("tick: {}", e.what()));
    }
  }
}

ReloadResult Gateway::reload(const Config& next) {
  std::lock_guard lock(mu_);
  ReloadResult result;
  result.restart_needed = plan_reload(live_config_, next).restart_needed;
  try {
    pipeline_.engine().reconfigure(next.rules, next.inventory);
    live_config_ = apply_live(live_config_, next);
    result.applied = true;
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  if (observer_) observer_->on_reload(live_config_, result);
  return result;
}

void Gateway::reload_refused(const std::string& error) {
  std::lock_guard lock(mu_);
  ReloadResult result;
  result.error = error;
  if (observer_) observer_->on_reload(live_config_, result);
}

bool Gateway::set_away(std::string_view household, int64_t until_ms) {
  std::lock_guard lock(mu_);
  return pipeline_.engine().set_away(household, until_ms);
}

}  // namespace edgegw
