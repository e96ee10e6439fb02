// ingest.h: the MQTT subscriber on the local broker: QoS 1 on a persistent session, one
// subscription per route filter, reconnecting with backoff. Messages are handed to the handler
// in arrival order, in batches, on the ingest's own thread; a batch's messages are acknowledged
// to the broker only after the handler returned for all of it.
//
// Two transports, one contract. A plain-TCP broker (tcp:// or mqtt://, the box's local broker)
// gets the project's own subscriber (gateway/mqtt/subscriber_session.h): batches of what the
// socket held, so the alerts of many messages share one synced write. A TLS broker (ssl://,
// mqtts://) goes through Paho, which delivers and acknowledges one message at a time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <mqtt/async_client.h>

#include "gateway/config.h"
#include "gateway/mqtt/connection.h"
#include "gateway/mqtt/subscriber_session.h"

namespace edgegw {

struct IngestStats {
  bool connected = false;
  uint64_t reconnects = 0;
  std::string last_error;
};

class Ingest {
 public:
  Ingest(const Config& config, BatchHandler handler);
  ~Ingest();
  Ingest(const Ingest&) = delete;
  Ingest& operator=(const Ingest&) = delete;

  void start();
  void stop();
  IngestStats stats() const;

 private:
  void run();
  bool connect_and_subscribe_paho();
  void run_native_session();
  void connected();
  void failed(const std::string& error);

  BrokerConfig broker_;
  std::vector<std::string> filters_;
  BatchHandler handler_;
  std::optional<SubscriberOptions> native_;   // set for a plain-TCP broker
  std::unique_ptr<mqtt::async_client> paho_;  // set for a TLS broker
  ReconnectBackoff backoff_;
  int wake_fd_ = -1;  // an eventfd: readable once stop() was called

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> lost_{true};
  IngestStats stats_;
  std::thread thread_;
};

}  // namespace edgegw
