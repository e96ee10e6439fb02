// gateway.cpp: wiring the stages together and the wall-clock ticker.
#include "gateway/gateway.h"

#include "gateway/store/state_store.h"

#include <chrono>

namespace edgegw {

int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Gateway::Gateway(const Config& config)
    : config_(config),
      db_(open_db(config.data_dir)),
      outbox_(*db_, config.outbox_max_bytes),
      dead_letters_(*db_, config.deadletter_max_entries),
      pipeline_(config_, &dead_letters_),
      live_config_(config_),
      status_service_(*this, config_, dead_letters_),
      uplink_(config_, outbox_),
      ingest_(config_, [this](const std::string& topic, const std::string& payload) {
        handle_message(topic, payload);
      }) {
  // A restart continues where the detector stopped: open alerts, quiet periods, deadlines.
  restore_engine_state(*db_, pipeline_.engine());
}

Gateway::~Gateway() {
  stop();
}

void Gateway::start() {
  status_service_.start();
  uplink_.start();
  ingest_.start();
  if (config_.clock == ClockMode::wall) ticker_ = std::thread([this] { tick_loop(); });
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
    checkpoint_engine_state(*db_, pipeline_.engine());
  }
  uplink_.stop();
  status_service_.stop();
}

void Gateway::store(std::vector<Alert>& alerts) {
  if (alerts.empty()) return;
  const auto t0 = std::chrono::steady_clock::now();
  rocksdb::WriteBatch state;  // the detector state that raised them, in the same synced write
  add_dirty_state(*db_, pipeline_.engine(), state);
  outbox_.append(alerts, &state);  // synced before we return to the broker's callback
  status_service_.after_store(alerts, std::chrono::steady_clock::now() - t0);
  alerts.clear();
  uplink_.notify();
}

void Gateway::handle_message(std::string_view topic, std::string_view payload) {
  const int64_t arrival = config_.clock == ClockMode::wall ? wall_clock_ms() : 0;
  std::lock_guard lock(mu_);
  const auto t0 = std::chrono::steady_clock::now();
  pipeline_.handle(topic, payload, arrival, alerts_);
  status_service_.after_message(topic, payload, pipeline_.counters(),
                                std::chrono::steady_clock::now() - t0);
  if (config_.checkpoint_interval_s == 0 ||
      t0 - last_checkpoint_ > std::chrono::seconds(config_.checkpoint_interval_s)) {
    checkpoint_engine_state(*db_, pipeline_.engine());
    last_checkpoint_ = t0;
  }
  store(alerts_);
}

void Gateway::tick_loop() {
  std::unique_lock lock(tick_mu_);
  while (!stopping_) {
    tick_wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    std::lock_guard pipeline_lock(mu_);
    pipeline_.tick(wall_clock_ms(), alerts_);
    store(alerts_);
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
  status_service_.after_reload(live_config_, result);
  return result;
}

void Gateway::reload_refused(const std::string& error) {
  std::lock_guard lock(mu_);
  ReloadResult result;
  result.error = error;
  status_service_.after_reload(live_config_, result);
}

bool Gateway::set_away(std::string_view household, int64_t until_ms) {
  std::lock_guard lock(mu_);
  return pipeline_.engine().set_away(household, until_ms);
}

GatewayStatus Gateway::status() const {
  GatewayStatus s;
  {
    std::lock_guard lock(mu_);
    s.counters = pipeline_.counters();
    s.watermark_ms = pipeline_.engine().watermark_ms();
    s.sensors = pipeline_.engine().sensor_count();
  }
  s.outbox = outbox_.stats();
  s.uplink = uplink_.stats();
  s.ingest = ingest_.stats();
  s.dead_letters = dead_letters_.count();
  return s;
}

}  // namespace edgegw
