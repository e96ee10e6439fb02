// mqtt_peers.h: the devices' side and the operations centre's side of a test, as real MQTT
// clients: a publisher of device payloads and a collector of upstream AlertBatch messages.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <mqtt/async_client.h>

#include "gateway/alert/alert.h"

namespace edgegw::test {

class Publisher {
 public:
  explicit Publisher(const std::string& url, const std::string& client_id = "test-publisher");
  ~Publisher();
  // QoS 1; waits for the PUBACK so that order and delivery are certain.
  void publish(const std::string& topic, const std::string& payload);

 private:
  mqtt::async_client client_;
};

class AlertCollector {
 public:
  AlertCollector(const std::string& url, const std::string& topic_filter,
                 const std::string& client_id = "test-collector");
  ~AlertCollector();
  // Waits until at least `n` alerts arrived (or timeout); returns whether they did.
  bool wait_for(size_t n, int timeout_ms);
  std::vector<Alert> alerts() const;
  std::vector<std::string> raw_messages() const;
  std::string gateway_id() const;

 private:
  mqtt::async_client client_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Alert> alerts_;
  std::vector<std::string> raw_;
  std::string gateway_id_;
};

}  // namespace edgegw::test
