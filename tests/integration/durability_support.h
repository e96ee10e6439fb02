// durability_support.h: shared pieces of the durability tests (test_durability_*.cpp): an
// upstream collector on a persistent session that survives broker restarts, wmbusmeters input
// that raises W1 alerts for many meters, gateway config text, and checks on upstream ids.
#pragma once

#include "tests/support/payloads.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <mqtt/async_client.h>

#include "gateway/alert/alert.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"

namespace edgegw::test {

// Subscribes with QoS 1 on a persistent session (clean_session = false) and reconnects by
// itself, so alerts published while it was cut off by a broker restart still reach it.
class DurableCollector {
 public:
  DurableCollector(const std::string& url, const std::string& topic_filter,
                   const std::string& client_id);
  ~DurableCollector();
  bool wait_for(size_t n_alerts, int timeout_ms);
  // Waits until no alert arrived for `quiet_ms` (or timeout).
  void wait_quiet(int quiet_ms, int timeout_ms);
  std::vector<Alert> alerts() const;  // in arrival order, duplicates included

 private:
  mqtt::async_client client_;
  std::string filter_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Alert> alerts_;
};

// One published reading.
struct Input {
  std::string topic, payload;
};

// Readings every 15 minutes from `start_ms` for `meters` meters ("9" + 7 digits from
// `first_meter`), interleaved in time order. Each meter stays quiet for `quiet_steps` readings,
// then uses 20 litres, then stays quiet again: W1 raised at step 48 (12 h), cleared at
// quiet_steps, raised again 48 steps later when steps allow.
std::vector<Input> w1_input(int meters, int first_meter, int steps, int quiet_steps,
                            int64_t start_ms);

// The gateway config for a test: event clock, fast reconnects. `extra` (tables) is appended;
// `top` (top-level keys) goes before the first table.
std::string gateway_toml(const std::string& gateway_id, const std::string& ingest_url,
                         const std::string& uplink_url, const std::string& extra = "",
                         const std::string& top = "");

// What identifies an alert across runs (ids differ between gateways).
using AlertKey = std::tuple<std::string, int, int, int64_t>;  // subject, rule, state, event time
AlertKey key_of(const Alert& a);

// Upstream ids as received: the first arrival of every id must come in increasing order and
// without gaps from 1 (when nothing was evicted); repeats are resends.
struct IdCheck {
  bool in_order = true;
  uint64_t max_id = 0, distinct = 0, repeats = 0;
  std::vector<uint64_t> missing;  // ids below max_id never received
};
IdCheck check_ids(const std::vector<Alert>& alerts);

// Writes `text` to `path` with file mode `mode` (a password file: 0600).
void write_secret(const std::string& path, const std::string& text, unsigned mode);

// Waits until `needle` occurs at least `count` times in the file at `path`; false on timeout.
bool wait_for_log(const std::string& path, const std::string& needle, size_t count, int timeout_ms);

// One test's site: an ingest and an upstream broker in a fresh temp dir, the gateway's config
// (gateway_toml) in <tmp>/gw.toml and its data dir <tmp>/data (log: <tmp>/data.log).
struct TestSite {
  TempDir tmp;
  Broker ingest{tmp.file("ingest")};
  Broker upstream{tmp.file("upstream")};
  std::string config = tmp.file("gw.toml"), data = tmp.file("data"), log = data + ".log";
  std::string gateway_id;

  explicit TestSite(const std::string& gateway_id, const std::string& extra = "",
                    const std::string& top = "");
  std::string alerts_topic() const { return "edgegw/" + gateway_id + "/alerts"; }
  // Starts `edgegw run` with `env` and waits until it subscribed (the `life`-th start on this
  // data dir's log).
  std::unique_ptr<GatewayProcess> start(std::vector<std::string> env = {}, size_t life = 1);
};

// The last `lines` lines of a log file, for failure messages.
std::string log_tail(const std::string& path, size_t lines = 30);

}  // namespace edgegw::test
