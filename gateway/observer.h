// observer.h: what the gateway tells an observer (the status service) about each message, each
// stored group of alerts and each reload: the one way observation flows, upward, so that nothing
// below status/ includes it.
//
// The gateway calls these under its lock, synchronously, in the order things happened:
//  - on_message() once per message, after the pipeline handled it: its outcome (the Reading the
//    drivers decoded, with the driver options and validation of the live pipeline, or the
//    rejection with its reason and detail), the pipeline's totals and the time it took;
//  - on_stored() after the outbox stored alerts (ids assigned), with the time the write took;
//  - on_reload() after a config reload was applied or refused.
// The views (strings, spans, the Reading) are valid only during the call: copy what you keep.
// Keep the calls short: the next message waits for them. An observer must outlive the gateway's
// use of it (Gateway::set_observer(nullptr) before it goes).
#pragma once

#include <chrono>
#include <span>
#include <string_view>

#include "gateway/alert/alert.h"
#include "gateway/config.h"
#include "gateway/config_diff.h"
#include "gateway/ingest/pipeline.h"

namespace edgegw {

// One message's way through the pipeline, as the observer sees it.
struct MessageEvent {
  std::string_view topic;
  std::string_view payload;
  const PipelineOutcome& outcome;    // reading (with its driver) or rejection (reason, detail)
  const PipelineCounters& counters;  // the pipeline's totals after this message
  std::chrono::nanoseconds elapsed;  // route, decode, validate, detect
};

class GatewayObserver {
 public:
  virtual ~GatewayObserver() = default;
  virtual void on_message(const MessageEvent& event) = 0;
  virtual void on_stored(std::span<const Alert> alerts, std::chrono::nanoseconds elapsed) = 0;
  virtual void on_reload(const Config& live, const ReloadResult& result) = 0;
};

}  // namespace edgegw
