// publisher.cpp: ordered QoS 1 publishing with a bounded in-flight window.
#include "simulator/publisher.h"

namespace fleetsim {

Publisher::Publisher(const PublisherOptions& options)
    : options_(options),
      client_(options.broker, options.client_id,
              mqtt::create_options(MQTTVERSION_3_1_1, static_cast<int>(options.window * 2 + 100))) {
  auto opts = mqtt::connect_options_builder()
                  .clean_session(true)
                  .keep_alive_interval(std::chrono::seconds(30))
                  .max_inflight(static_cast<int>(options_.window) + 16)
                  .finalize();
  client_.connect(opts)->wait();
}

Publisher::~Publisher() {
  try {
    flush();
    client_.disconnect()->wait();
  } catch (const std::exception&) {
    // Nothing sensible to do while unwinding: the caller already saw the error, if any.
  }
}

void Publisher::publish(const std::string& topic, const std::string& payload) {
  while (inflight_.size() >= options_.window) {
    inflight_.front()->wait();
    inflight_.pop_front();
  }
  // Drop acknowledged tokens from the front without blocking.
  while (!inflight_.empty() && inflight_.front()->is_complete()) {
    inflight_.front()->wait();  // rethrows a failure
    inflight_.pop_front();
  }
  auto msg = mqtt::make_message(topic, payload.data(), payload.size(), options_.qos, false);
  inflight_.push_back(client_.publish(msg));
  ++published_;
}

void Publisher::flush() {
  while (!inflight_.empty()) {
    inflight_.front()->wait();
    inflight_.pop_front();
  }
}

}  // namespace fleetsim
