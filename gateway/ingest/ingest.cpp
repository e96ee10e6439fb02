// ingest.cpp: the local-broker subscriber, its two transports and its reconnect loop.
#include "gateway/ingest/ingest.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "gateway/mqtt/mqtt_options.h"
#include "util/log.h"

namespace edgegw {

Ingest::Ingest(const Config& config, BatchHandler handler)
    : broker_(config.ingest),
      handler_(std::move(handler)),
      // The reconnect backoff settings are the uplink's keys (uplink.backoff_*_ms) for both.
      backoff_(config.uplink.backoff_min_ms, config.uplink.backoff_max_ms,
               std::hash<std::string>{}(config.ingest.url)) {
  check_broker_config(config.ingest);  // refuse a bad password file or TLS setup at start
  for (const Route& r : config.routes)
    if (std::find(filters_.begin(), filters_.end(), r.filter) == filters_.end())
      filters_.push_back(r.filter);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0)
    throw std::runtime_error(fmt::format("ingest: eventfd: {}", std::strerror(errno)));
  if (const auto endpoint = plain_tcp_endpoint(broker_.url); endpoint && !broker_.tls.enabled) {
    SubscriberOptions o;
    o.host = endpoint->first;
    o.port = endpoint->second;
    o.client_id = config.ingest_client_id();
    o.username = broker_.username;
    if (!broker_.password_file.empty()) o.password = read_password_file(broker_.password_file);
    o.filters = filters_;
    o.max_payload_bytes = config.limits.max_payload_bytes;
    native_ = std::move(o);
    return;
  }
  paho_ = std::make_unique<mqtt::async_client>(paho_uri(config.ingest.url),
                                               config.ingest_client_id(), nullptr);
  paho_->set_message_callback([this](mqtt::const_message_ptr msg) {
    const InboundMessage one{msg->get_topic(), msg->get_payload_str()};
    handler_(std::span<const InboundMessage>(&one, 1));
  });
  paho_->set_connection_lost_handler([this](const std::string& cause) {
    lost_ = true;
    log_warn("ingest", fmt::format("connection to {} lost: {}", broker_.url, cause));
    wake_.notify_all();
  });
}

Ingest::~Ingest() {
  stop();
  ::close(wake_fd_);
}

void Ingest::start() {
  thread_ = std::thread([this] { run(); });
}

void Ingest::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  const uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof one) < 0) {
    // The counter cannot overflow from one write; the flag above stops the loop anyway.
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (paho_) disconnect_quietly(*paho_);
}

IngestStats Ingest::stats() const {
  std::lock_guard lock(mu_);
  IngestStats s = stats_;
  s.connected = !lost_;
  return s;
}

void Ingest::connected() {
  lost_ = false;
  std::lock_guard lock(mu_);
  if (!stats_.last_error.empty() || stats_.connected) ++stats_.reconnects;
  stats_.connected = true;
}

void Ingest::failed(const std::string& error) {
  lost_ = true;
  std::lock_guard lock(mu_);
  if (stats_.last_error != error)
    log_warn("ingest", fmt::format("cannot connect to {}: {}", broker_.url, error));
  stats_.last_error = error;
}

bool Ingest::connect_and_subscribe_paho() {
  disconnect_quietly(*paho_);
  try {
    connect_client(*paho_, broker_, /*persistent_session=*/true);
    // Connected: the broker delivers what it kept for the session from the CONNACK on, before
    // the SUBACK below; the status says so from now.
    connected();
    const mqtt::iasync_client::qos_collection qos(filters_.size(), 1);
    if (!paho_->subscribe(mqtt::string_collection::create(filters_), qos)
             ->wait_for(std::chrono::seconds(10)))
      throw std::runtime_error("subscribe timed out");
    log_info("ingest", fmt::format("connected to {}, subscribed to {} filters", broker_.url,
                                   filters_.size()));
    return true;
  } catch (const std::exception& e) {
    failed(e.what());
    return false;
  }
}

// One connection of the native subscriber, until it breaks (the error is logged and kept) or
// the ingest stops.
void Ingest::run_native_session() {
  bool subscribed = false;
  try {
    run_subscriber_session(
        *native_, wake_fd_, handler_, [this] { connected(); },
        [this, &subscribed] {
          subscribed = true;
          backoff_.reset();
          log_info("ingest", fmt::format("connected to {}, subscribed to {} filters", broker_.url,
                                         filters_.size()));
        });
  } catch (const std::exception& e) {
    if (!subscribed) {
      failed(e.what());
    } else {  // one line for a break, not also "cannot connect"
      log_warn("ingest", fmt::format("connection to {} lost: {}", broker_.url, e.what()));
      std::lock_guard lock(mu_);
      stats_.last_error = e.what();
    }
  }
  lost_ = true;
}

void Ingest::run() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (stopping_) return;
      if (paho_ && !lost_) {
        wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || lost_.load(); });
        continue;
      }
    }
    if (native_) {
      run_native_session();
    } else if (connect_and_subscribe_paho()) {
      backoff_.reset();
      continue;
    }
    const int wait_ms = backoff_.next_wait_ms();
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_; });
  }
}

}  // namespace edgegw
