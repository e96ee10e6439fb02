// gateway.cpp: wiring the stages together and the wall-clock ticker.
#include "gateway/gateway.h"

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
      uplink_(config_, outbox_),
      ingest_(config_, [this](const std::string& topic, const std::string& payload) {
        handle_message(topic, payload);
      }) {}

Gateway::~Gateway() { stop(); }

void Gateway::start() {
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
  uplink_.stop();
}

void Gateway::store(std::vector<Alert>& alerts) {
  if (alerts.empty()) return;
  outbox_.append(alerts);  // synced before we return to the broker's callback
  alerts.clear();
  uplink_.notify();
}

void Gateway::handle_message(std::string_view topic, std::string_view payload) {
  const int64_t arrival = config_.clock == ClockMode::wall ? wall_clock_ms() : 0;
  std::lock_guard lock(mu_);
  pipeline_.handle(topic, payload, arrival, alerts_);
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
