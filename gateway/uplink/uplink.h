// uplink.h: sends the outbox upstream as AlertBatch messages (QoS 1, persistent session),
// oldest first, one batch in flight, trimming only after the broker's PUBACK. A batch is bounded
// by count, encoded bytes and linger time. Reconnects with capped exponential backoff and
// jitter; after a reconnect or a restart it resends what was not acknowledged, oldest first,
// paced by one batch per PUBACK, without waiting for a new alert. Once connected, it reports
// evictions (outbox full) upstream as a G1 alert. See gateway/store/DURABILITY.md.
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
#include "gateway/store/fault.h"
#include "gateway/store/outbox.h"

namespace edgegw {

struct UplinkStats {
  bool connected = false;
  uint64_t batches_sent = 0;
  uint64_t alerts_sent = 0;
  uint64_t reconnects = 0;
  uint64_t drop_reports = 0;       // G1 alerts queued about evicted alerts
  int64_t last_puback_ms = 0;      // wall clock of the last acknowledged batch (persisted)
  int64_t connected_since_ms = 0;  // wall clock of the current connection (0 when down)
  int backoff_ms = 0;              // the wait before the next connection attempt
  std::string last_error;
  std::string storage_error;  // the outbox could not be read or trimmed (empty when it can)
};

class Uplink {
 public:
  Uplink(const Config& config, Outbox& outbox);
  ~Uplink();  // stops the thread and disconnects
  Uplink(const Uplink&) = delete;
  Uplink& operator=(const Uplink&) = delete;

  void start();
  void stop();
  // Wakes the sender: new alerts are in the outbox.
  void notify();
  UplinkStats stats() const;

 private:
  void run();
  bool ensure_connected();
  bool send_one_batch();
  // Waits for a publish token in short slices, giving up when the connection is lost, the
  // uplink stops or the timeout passes. Throws on a failed delivery.
  bool wait_token(const mqtt::token_ptr& tok);

  const std::string gateway_id_;
  const std::string topic_;
  const UplinkConfig config_;
  Outbox& outbox_;
  mqtt::async_client client_;
  ReconnectBackoff backoff_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  UplinkStats stats_;
  std::atomic<bool> lost_{false};
  FaultPoints fault_;
  uint64_t pending_trim_id_ = 0;  // uplink thread only: a trim that failed (storage error)
  std::thread thread_;
};

}  // namespace edgegw
