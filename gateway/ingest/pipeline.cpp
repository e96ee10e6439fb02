// pipeline.cpp: decode, validate, detect, count.
#include "gateway/ingest/pipeline.h"

#include <cmath>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "drivers/validate.h"

namespace edgegw {

Pipeline::Pipeline(const Config& config, DeadLetters* dead_letters)
    : routes_(config.routes),
      limits_(config.limits),
      drivers_(config.drivers),
      max_sensors_(config.max_sensors),
      max_clock_ahead_ms_(config.max_clock_ahead_ms),
      engine_(config.rules, config.inventory),
      dead_letters_(dead_letters) {}

DecodeStatus check_clock_ahead(const Reading& r, int64_t wall_ms, int64_t max_ahead_ms) {
  if (r.time_ms <= wall_ms + max_ahead_ms) return std::nullopt;
  return DecodeError{DecodeErrorCode::bad_timestamp,
                     fmt::format("time {} is {} s ahead of the gateway's clock {} "
                                 "(limits.max_clock_ahead_s = {})",
                                 format_iso8601_utc(r.time_ms), (r.time_ms - wall_ms) / 1000,
                                 format_iso8601_utc(wall_ms), max_ahead_ms / 1000)};
}

// The sensor a topic names by the bridges' conventions: "<bridge>/<id>[/...]", or the last
// level of "edgegw/reading/<id>".
std::string_view sensor_of_topic(std::string_view topic) {
  const size_t first = topic.find('/');
  if (first == std::string_view::npos) return {};
  if (topic.starts_with("edgegw/")) return topic.substr(topic.rfind('/') + 1);
  const size_t end = topic.find('/', first + 1);
  return topic.substr(first + 1, end == std::string_view::npos ? end : end - first - 1);
}

void Pipeline::reject(std::string_view topic, std::string_view payload, int64_t arrival_ms,
                      DecodeError error, std::vector<Alert>& alerts, PipelineOutcome* outcome,
                      size_t sent_size) {
  ++counters_.rejected_by_reason[static_cast<size_t>(error.code)];
  const size_t before = alerts.size();
  engine_.on_rejected(sensor_of_topic(topic), arrival_ms, alerts);
  counters_.alerts += alerts.size() - before;
  if (dead_letters_)
    dead_letters_->add(arrival_ms, topic, to_string(error.code), error.detail, payload,
                       std::max(sent_size, payload.size()));
  if (outcome) {
    outcome->kind = PipelineOutcome::Kind::rejected;
    outcome->reason = to_string(error.code);
    outcome->detail = std::move(error.detail);
  }
}

void Pipeline::handle(std::string_view topic, std::string_view payload, int64_t arrival_ms,
                      std::vector<Alert>& alerts, PipelineOutcome* outcome, size_t sent_size) {
  ++counters_.messages;
  if (outcome) {
    outcome->kind = PipelineOutcome::Kind::reading;
    outcome->driver.reset();
    outcome->reason = {};
    outcome->detail.clear();
  }
  const int64_t arrival = arrival_ms != 0 ? arrival_ms : engine_.watermark_ms();
  auto driver = route_topic(routes_, topic);
  if (!driver) {
    reject(topic, payload, arrival,
           DecodeError{DecodeErrorCode::no_route, fmt::format("no route for topic '{}'", topic)},
           alerts, outcome);
    return;
  }
  if (outcome) outcome->driver = driver;
  if (sent_size > payload.size()) {
    reject(topic, payload, arrival,
           DecodeError{DecodeErrorCode::too_large,
                       fmt::format("payload of {} bytes exceeds the limit of {}", sent_size,
                                   limits_.max_payload_bytes)},
           alerts, outcome, sent_size);
    return;
  }
  Reading reading;
  DecodeStatus status = decode_with(*driver, topic, payload, limits_, scratch_, reading, drivers_);
  if (!status) status = validate_reading(reading, arrival, limits_);
  if (!status && arrival_ms != 0)
    status = check_clock_ahead(reading, arrival_ms, max_clock_ahead_ms_);
  if (status) {
    reject(topic, payload, arrival, std::move(*status), alerts, outcome);
    return;
  }
  if (outcome) outcome->reading = reading;
  if (engine_.sensor_count() >= max_sensors_ && !engine_.sensor(reading.sensor_id)) {
    ++counters_.sensor_limit;
    std::string detail =
        fmt::format("new sensor '{}' refused: the table is full (limits.max_sensors = {})",
                    reading.sensor_id, max_sensors_);
    if (dead_letters_)
      dead_letters_->add(arrival, topic, "sensor_limit", detail, payload, payload.size());
    if (outcome) {
      outcome->kind = PipelineOutcome::Kind::sensor_limit;
      outcome->reason = "sensor_limit";
      outcome->detail = std::move(detail);
    }
    return;
  }
  ++counters_.accepted_by_driver[static_cast<size_t>(*driver)];
  counters_.placeholder_times += reading.time_placeholder;
  counters_.without_register +=
      reading.kind == SensorKind::water && std::isnan(reading.water.total_m3);
  const size_t before = alerts.size();
  engine_.on_reading(reading, alerts, arrival_ms);  // wall clock bounds the watermark (0: event)
  counters_.alerts += alerts.size() - before;
}

}  // namespace edgegw
