// pipeline.cpp: decode, validate, detect, count.
#include "gateway/ingest/pipeline.h"

#include <fmt/format.h>

#include "drivers/validate.h"

namespace edgegw {

Pipeline::Pipeline(const Config& config, DeadLetters* dead_letters)
    : routes_(config.routes),
      limits_(config.limits),
      engine_(config.rules, config.inventory),
      dead_letters_(dead_letters) {}

void Pipeline::reject(std::string_view topic, std::string_view payload, int64_t arrival_ms,
                      const DecodeError& error) {
  ++counters_.rejected_by_reason[static_cast<size_t>(error.code)];
  if (dead_letters_)
    dead_letters_->add(arrival_ms, topic, to_string(error.code), error.detail, payload);
}

void Pipeline::handle(std::string_view topic, std::string_view payload, int64_t arrival_ms,
                      std::vector<Alert>& alerts) {
  ++counters_.messages;
  const int64_t arrival = arrival_ms != 0 ? arrival_ms : engine_.watermark_ms();
  auto driver = route_topic(routes_, topic);
  if (!driver) {
    reject(topic, payload, arrival,
           DecodeError{DecodeErrorCode::no_route, fmt::format("no route for topic '{}'", topic)});
    return;
  }
  Reading reading;
  DecodeStatus status = decode_with(*driver, topic, payload, limits_, scratch_, reading);
  if (!status) status = validate_reading(reading, arrival, limits_);
  if (status) {
    reject(topic, payload, arrival, *status);
    return;
  }
  ++counters_.accepted_by_driver[static_cast<size_t>(*driver)];
  const size_t before = alerts.size();
  engine_.on_reading(reading, alerts);
  counters_.alerts += alerts.size() - before;
}

}  // namespace edgegw
