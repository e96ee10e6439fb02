// ingest.cpp: the local-broker subscriber and its reconnect loop.
#include "gateway/ingest/ingest.h"

#include <algorithm>

#include <fmt/format.h>

#include "gateway/mqtt/mqtt_options.h"
#include "util/log.h"

namespace edgegw {

Ingest::Ingest(const Config& config, Handler handler)
    : broker_(config.ingest),
      handler_(std::move(handler)),
      client_(paho_uri(config.ingest.url), config.ingest_client_id(), nullptr),
      // The reconnect backoff settings are the uplink's keys (uplink.backoff_*_ms) for both.
      backoff_(config.uplink.backoff_min_ms, config.uplink.backoff_max_ms,
               std::hash<std::string>{}(config.ingest.url)) {
  check_broker_config(config.ingest);  // refuse a bad password file or TLS setup at start
  for (const Route& r : config.routes)
    if (std::find(filters_.begin(), filters_.end(), r.filter) == filters_.end())
      filters_.push_back(r.filter);
  client_.set_message_callback(
      [this](mqtt::const_message_ptr msg) { handler_(msg->get_topic(), msg->get_payload_str()); });
  client_.set_connection_lost_handler([this](const std::string& cause) {
    lost_ = true;
    log_warn("ingest", fmt::format("connection to {} lost: {}", broker_.url, cause));
    wake_.notify_all();
  });
}

Ingest::~Ingest() {
  stop();
}

void Ingest::start() {
  thread_ = std::thread([this] { run(); });
}

void Ingest::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  disconnect_quietly(client_);
}

IngestStats Ingest::stats() const {
  std::lock_guard lock(mu_);
  IngestStats s = stats_;
  s.connected = !lost_;
  return s;
}

bool Ingest::connect_and_subscribe() {
  disconnect_quietly(client_);
  try {
    connect_client(client_, broker_, /*persistent_session=*/true);
    // Connected: the broker delivers what it kept for the session from the CONNACK on, before
    // the SUBACK below; the status says so from now.
    lost_ = false;
    {
      std::lock_guard lock(mu_);
      if (!stats_.last_error.empty() || stats_.connected) ++stats_.reconnects;
      stats_.connected = true;
    }
    const mqtt::iasync_client::qos_collection qos(filters_.size(), 1);
    if (!client_.subscribe(mqtt::string_collection::create(filters_), qos)
             ->wait_for(std::chrono::seconds(10)))
      throw std::runtime_error("subscribe timed out");
    log_info("ingest", fmt::format("connected to {}, subscribed to {} filters", broker_.url,
                                   filters_.size()));
    return true;
  } catch (const std::exception& e) {
    lost_ = true;
    std::lock_guard lock(mu_);
    if (stats_.last_error != e.what())
      log_warn("ingest", fmt::format("cannot connect to {}: {}", broker_.url, e.what()));
    stats_.last_error = e.what();
    return false;
  }
}

void Ingest::run() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (stopping_) return;
      if (!lost_) {
        wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || lost_.load(); });
        continue;
      }
    }
    if (connect_and_subscribe()) {
      backoff_.reset();
      continue;
    }
    const int wait_ms = backoff_.next_wait_ms();
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_; });
  }
}

}  // namespace edgegw
