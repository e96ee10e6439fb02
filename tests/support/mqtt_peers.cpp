// mqtt_peers.cpp: test publisher and upstream collector over Paho.
#include "tests/support/mqtt_peers.h"

#include <stdexcept>

#include "gateway/alert/alert_codec.h"

namespace edgegw::test {

Publisher::Publisher(const std::string& url, const std::string& client_id)
    : client_(url, client_id, nullptr) {
  mqtt::connect_options opts;
  opts.set_clean_session(true);
  client_.connect(opts)->wait();
}

Publisher::~Publisher() {
  try {
    client_.disconnect()->wait();
  } catch (...) {
  }
}

void Publisher::publish(const std::string& topic, const std::string& payload) {
  client_.publish(topic, payload.data(), payload.size(), 1, false)->wait();
}

AlertCollector::AlertCollector(const std::string& url, const std::string& topic_filter,
                               const std::string& client_id)
    : client_(url, client_id, nullptr) {
  client_.set_message_callback([this](mqtt::const_message_ptr msg) {
    const std::string bytes = msg->get_payload_str();
    auto batch = decode_batch(bytes);
    std::lock_guard lock(mu_);
    raw_.push_back(bytes);
    if (batch) {
      gateway_id_ = batch->gateway_id;
      for (auto& a : batch->alerts) alerts_.push_back(std::move(a));
    }
    cv_.notify_all();
  });
  mqtt::connect_options opts;
  opts.set_clean_session(true);
  client_.connect(opts)->wait();
  client_.subscribe(topic_filter, 1)->wait();
}

AlertCollector::~AlertCollector() {
  try {
    client_.disconnect()->wait();
  } catch (...) {
  }
}

bool AlertCollector::wait_for(size_t n, int timeout_ms) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return alerts_.size() >= n; });
}

std::vector<Alert> AlertCollector::alerts() const {
  std::lock_guard lock(mu_);
  return alerts_;
}

std::vector<std::string> AlertCollector::raw_messages() const {
  std::lock_guard lock(mu_);
  return raw_;
}

std::string AlertCollector::gateway_id() const {
  std::lock_guard lock(mu_);
  return gateway_id_;
}

}  // namespace edgegw::test
