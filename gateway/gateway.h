// gateway.h: the running gateway: wires ingest -> pipeline (decode, detect) -> outbox -> uplink
// around one RocksDB database, and in wall-clock mode ticks event time every second.
#pragma once

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/config.h"
#include "gateway/ingest/ingest.h"
#include "gateway/ingest/pipeline.h"
#include "gateway/store/db.h"
#include "gateway/store/deadletters.h"
#include "gateway/store/outbox.h"
#include "gateway/uplink/uplink.h"

namespace edgegw {

struct GatewayStatus {
  PipelineCounters counters;
  OutboxStats outbox;
  UplinkStats uplink;
  IngestStats ingest;
  uint64_t dead_letters = 0;
  int64_t watermark_ms = 0;
  size_t sensors = 0;
};

class Gateway {
 public:
  explicit Gateway(const Config& config);  // opens the database; throws on failure
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  void start();  // connects to both brokers (retrying in the background)
  void stop();   // stops ingest first, then ticks and the uplink; state stays on disk

  // One message, as the ingest delivers it; public so that tests and replays can drive it.
  void handle_message(std::string_view topic, std::string_view payload);

  GatewayStatus status() const;

 private:
  void store(std::vector<Alert>& alerts);
  void tick_loop();

  const Config config_;
  std::unique_ptr<Db> db_;
  Outbox outbox_;
  DeadLetters dead_letters_;
  mutable std::mutex mu_;  // guards pipeline_ and alerts_
  Pipeline pipeline_;
  std::vector<Alert> alerts_;  // reused per message
  Uplink uplink_;
  Ingest ingest_;
  std::mutex tick_mu_;
  std::condition_variable tick_wake_;
  bool stopping_ = false;
  std::thread ticker_;
};

int64_t wall_clock_ms();

}  // namespace edgegw
