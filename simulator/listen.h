// listen.h: subscribing to the upstream broker and receiving the gateways' AlertBatch messages
// (fleetsim listen prints them as they arrive; fleetsim score collects them).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace fleetsim {

struct ListenOptions {
  std::string upstream;  // tcp://host:port
  std::string topic = "edgegw/+/alerts";
  std::string client_id;    // empty: a generated one, clean session
  uint64_t count = 0;       // stop after this many alerts (0 = no limit)
  double idle_seconds = 0;  // stop after this long without a message (0 = never)
};

// Calls on_batch(topic, bytes) for each message, in arrival order, until the count or idle
// limit is reached. Returns the number of alerts received in valid batches.
// Throws mqtt::exception when the broker cannot be reached.
uint64_t listen_upstream(const ListenOptions& o,
                         const std::function<void(std::string_view, std::string_view)>& on_batch);

}  // namespace fleetsim
