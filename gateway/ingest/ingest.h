// ingest.h: the MQTT subscriber on the local broker: QoS 1 on a persistent session, one
// subscription per route filter, reconnecting with backoff. Each message is handed to the
// handler on Paho's callback thread, in arrival order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <mqtt/async_client.h>

#include "gateway/config.h"
#include "gateway/mqtt/connection.h"

namespace edgegw {

struct IngestStats {
  bool connected = false;
  uint64_t reconnects = 0;
  std::string last_error;
};

class Ingest {
 public:
  using Handler = std::function<void(const std::string& topic, const std::string& payload)>;

  Ingest(const Config& config, Handler handler);
  ~Ingest();
  Ingest(const Ingest&) = delete;
  Ingest& operator=(const Ingest&) = delete;

  void start();
  void stop();
  IngestStats stats() const;

 private:
  void run();
  bool connect_and_subscribe();

  BrokerConfig broker_;
  std::vector<std::string> filters_;
  Handler handler_;
  mqtt::async_client client_;
  ReconnectBackoff backoff_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> lost_{true};
  IngestStats stats_;
  std::thread thread_;
};

}  // namespace edgegw
