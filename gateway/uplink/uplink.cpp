// uplink.cpp: the sender thread between the outbox and the upstream broker.
#include "gateway/uplink/uplink.h"

#include <chrono>

#include <fmt/format.h>

#include "gateway/alert/alert_codec.h"
#include "gateway/mqtt/mqtt_options.h"
#include "util/log.h"
#include "util/time.h"

namespace edgegw {

namespace {

constexpr auto kPublishTimeout = std::chrono::seconds(10);

}  // namespace

Uplink::Uplink(const Config& config, Outbox& outbox)
    : gateway_id_(config.gateway_id),
      topic_(config.uplink_topic()),
      config_(config.uplink),
      outbox_(outbox),
      client_(paho_uri(config.uplink.broker.url), config.uplink_client_id(), nullptr),
      backoff_(config.uplink.backoff_min_ms, config.uplink.backoff_max_ms,
               std::hash<std::string>{}(config.gateway_id)) {
  check_broker_config(config.uplink.broker);  // refuse a bad password file or TLS setup at start
  stats_.last_puback_ms = outbox_.stats().last_puback_ms;
  client_.set_connection_lost_handler([this](const std::string&) {
    lost_ = true;
    notify();
  });
}

Uplink::~Uplink() {
  stop();
}

void Uplink::start() {
  thread_ = std::thread([this] { run(); });
}

void Uplink::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  disconnect_quietly(client_);
}

void Uplink::notify() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  wake_.notify_all();
}

UplinkStats Uplink::stats() const {
  std::lock_guard lock(mu_);
  UplinkStats s = stats_;
  s.connected = s.connected && !lost_;
  return s;
}

bool Uplink::ensure_connected() {
  if (client_.is_connected() && !lost_) return true;
  disconnect_quietly(client_);
  try {
    connect_client(client_, config_.broker, /*persistent_session=*/true);
    lost_ = false;
    backoff_.reset();
    std::lock_guard lock(mu_);
    if (stats_.batches_sent > 0 || stats_.reconnects > 0 || !stats_.last_error.empty())
      ++stats_.reconnects;
    stats_.connected = true;
    stats_.connected_since_ms = wall_clock_ms();
    stats_.backoff_ms = 0;
    log_info("uplink", fmt::format("connected to {}", config_.broker.url));
    return true;
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    stats_.connected = false;
    stats_.connected_since_ms = 0;
    stats_.backoff_ms = backoff_.step_ms();
    if (stats_.last_error != e.what())
      log_warn("uplink", fmt::format("cannot connect to {}: {}", config_.broker.url, e.what()));
    stats_.last_error = e.what();
    return false;
  }
}

bool Uplink::wait_token(const mqtt::token_ptr& tok) {
  const auto deadline = std::chrono::steady_clock::now() + kPublishTimeout;
  while (!tok->wait_for(std::chrono::milliseconds(100))) {
    if (lost_) return false;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return false;
    }
    if (std::chrono::steady_clock::now() > deadline) return false;
  }
  return true;
}

bool Uplink::send_one_batch() {
  std::vector<Alert> batch = outbox_.peek(static_cast<size_t>(config_.batch_max_alerts),
                                          static_cast<size_t>(config_.batch_max_bytes));
  if (batch.empty()) return false;
  std::string payload = encode_batch(gateway_id_, batch, outbox_.incarnation());
  // The stored size bounds the batch roughly; the encoded message must fit exactly.
  while (payload.size() > static_cast<size_t>(config_.batch_max_bytes) && batch.size() > 1) {
    batch.resize(std::max<size_t>(1, batch.size() * 3 / 4));
    payload = encode_batch(gateway_id_, batch, outbox_.incarnation());
  }
  try {
    auto tok = client_.publish(topic_, payload.data(), payload.size(), 1, false);
    if (!wait_token(tok))
      throw std::runtime_error("no PUBACK (connection lost, stopping or timed out)");
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    stats_.last_error = fmt::format("publish failed: {}", e.what());
    stats_.connected = false;
    stats_.connected_since_ms = 0;
    lost_ = true;  // reconnect; the batch stays in the outbox and is sent again, oldest first
    return false;
  }
  const int64_t now = wall_clock_ms();
  fault_.reach("trim.before_write");
  pending_trim_id_ = batch.back().id;  // retried before anything is sent again if it fails
  outbox_.trim_through(pending_trim_id_, now);
  pending_trim_id_ = 0;
  std::lock_guard lock(mu_);
  ++stats_.batches_sent;
  stats_.alerts_sent += batch.size();
  stats_.last_puback_ms = now;
  return true;
}

void Uplink::run() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    if (!ensure_connected()) {
      const int wait_ms = backoff_.next_wait_ms();
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_; });
      continue;
    }
    bool sent = false;
    try {
      if (pending_trim_id_ != 0) {  // acknowledged upstream, trim failed: no resend, trim again
        outbox_.trim_through(pending_trim_id_, wall_clock_ms());
        pending_trim_id_ = 0;
      }
      if (outbox_.stats().unreported_evictions > 0 &&
          outbox_.append_drop_report(gateway_id_, wall_clock_ms())) {
        std::lock_guard lock(mu_);
        ++stats_.drop_reports;
      }
      sent = send_one_batch();
    } catch (const std::exception& e) {
      // A storage error (disk full, I/O error) reading or trimming the outbox: the alerts stay
      // where they are and go again later (a trim lost here means a resend, deduplicated by id).
      std::unique_lock lock(mu_);
      const std::string error = fmt::format("storage: {}", e.what());
      if (stats_.storage_error != error) log_error("uplink", error);
      stats_.storage_error = error;
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
      continue;
    }
    if (!stats_.storage_error.empty()) {
      std::lock_guard lock(mu_);
      log_info("uplink", "storage works again");
      stats_.storage_error.clear();
    }
    if (sent) continue;
    if (lost_) continue;
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return pending_ || stopping_; });
    if (pending_ && !stopping_ && config_.linger_ms > 0) {
      // Let a burst of alerts gather into one batch.
      wake_.wait_for(lock, std::chrono::milliseconds(config_.linger_ms),
                     [this] { return stopping_; });
    }
    pending_ = false;
  }
}

}  // namespace edgegw
