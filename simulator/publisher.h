// publisher.h: one Paho async MQTT client that publishes with QoS 1 in call order, keeping at
// most `window` messages in flight (it waits for the oldest PUBACK when the window is full).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>

#include <mqtt/async_client.h>

namespace fleetsim {

struct PublisherOptions {
  std::string broker;  // tcp://host:port
  std::string client_id = "fleetsim";
  int qos = 1;
  size_t window = 512;
};

class Publisher {
 public:
  explicit Publisher(const PublisherOptions& options);  // connects; throws mqtt::exception
  ~Publisher();                                         // waits for in-flight, disconnects
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  void publish(const std::string& topic, const std::string& payload);
  void flush();  // waits until every message is acknowledged
  size_t published() const { return published_; }

 private:
  PublisherOptions options_;
  mqtt::async_client client_;
  std::deque<mqtt::delivery_token_ptr> inflight_;
  size_t published_ = 0;
};

}  // namespace fleetsim
