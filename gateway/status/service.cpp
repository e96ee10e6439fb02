// service.cpp: the hot-path hooks, rate sampling, rejected-message logging, and the routes of
// the status interface.
#include "gateway/status/service.h"

#include <fmt/format.h>

#include "drivers/reading_json.h"
#include "drivers/registry.h"
#include "drivers/timestamp.h"
#include "gateway/alert/alert_codec.h"
#include "gateway/status/views.h"
#include "gateway/store/deadletters.h"
#include "util/json.h"

namespace edgegw {

namespace {

// "/household/hh-1/away" -> {"household","hh-1","away"}
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const size_t j = path.find('/', i);
    parts.emplace_back(path.substr(i, j - i));
    if (j == std::string_view::npos) break;
    i = j;
  }
  return parts;
}

}  // namespace

StatusService::StatusService(const GatewayQuery& gateway, SetAway set_away, const Config& config)
    : gateway_(gateway),
      set_away_(std::move(set_away)),
      server_options_{config.status_socket(), config.status.http_port},
      gateway_id_(config.gateway_id),
      started_(std::chrono::steady_clock::now()),
      started_wall_ms_(wall_clock_ms()),
      limiter_(config.log.burst, config.log.per_minute) {}

StatusService::~StatusService() {
  stop();
}

void StatusService::start() {
  server_ = std::make_unique<StatusServer>(
      server_options_, [this](const HttpRequest& r) { return handle(r); }, tail_,
      [this] { tick(); });
  try {
    server_->start();
  } catch (const std::exception& e) {
    // Alerts matter more than the status interface: keep running without it, say so loudly.
    log_error("status", fmt::format("{}; the CLI cannot reach this gateway", e.what()));
    server_.reset();
  }
}

void StatusService::stop() {
  if (server_) server_->stop();
  server_.reset();
}

double StatusService::uptime_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void StatusService::on_message(const MessageEvent& e) {
  detect_latency_.record(e.elapsed);
  messages_.store(e.counters.messages, std::memory_order_relaxed);
  readings_.store(total_count(e.counters.accepted_by_driver), std::memory_order_relaxed);
  rejected_.store(total_count(e.counters.rejected_by_reason), std::memory_order_relaxed);
  if (e.outcome.kind == PipelineOutcome::Kind::rejected && limiter_.would_allow("ingest", e.topic))
    limiter_.log(LogLevel::warn, "ingest", e.topic,
                 fmt::format("rejected message on '{}' ({} bytes): {}: {}", e.topic,
                             e.payload.size(), e.outcome.reason,
                             std::string_view(e.outcome.detail).substr(0, kDeadLetterTextBytes)));
  if (tail_.active()) tail_message(e);
}

void StatusService::tail_message(const MessageEvent& e) {
  // The pipeline's own outcome: the reading as it decoded and validated it, or why it refused.
  const PipelineOutcome& o = e.outcome;
  const std::string_view topic = e.topic;
  JsonWriter w;
  w.begin_object();
  if (o.kind != PipelineOutcome::Kind::reading) {
    w.key("type")
        .value("rejected")
        .key("topic")
        .value(topic)
        .key("reason")
        .value(o.reason)
        .key("detail")
        .value(o.detail)
        .end_object();
    const std::string line = w.take();
    tail_.publish(TailEvent{"rejected", "", "", "", topic, line});
    return;
  }
  w.key("type")
      .value("reading")
      .key("topic")
      .value(topic)
      .key("driver")
      .value(o.driver ? to_string(*o.driver) : std::string_view())
      .key("reading")
      .raw(reading_to_json(o.reading))
      .end_object();
  const std::string line = w.take();
  tail_.publish(
      TailEvent{"reading", o.reading.sensor_id, sensor_kind_name(o.reading.kind), "", topic, line});
}

void StatusService::on_stored(std::span<const Alert> alerts, std::chrono::nanoseconds elapsed) {
  store_latency_.record(elapsed);
  alerts_.fetch_add(alerts.size(), std::memory_order_relaxed);
  alert_log_.add(alerts);
  if (!tail_.active()) return;
  for (const Alert& a : alerts) {
    JsonWriter w;
    w.begin_object().key("type").value("alert").key("alert").raw(alert_to_json(gateway_id_, a));
    const std::string line = w.end_object().take();
    tail_.publish(TailEvent{"alert", a.sensor_id, fb::EnumNameRule(a.rule), a.subject, "", line});
  }
}

void StatusService::on_reload(const Config& live, const ReloadResult& result) {
  limiter_.set_rate(live.log.burst, live.log.per_minute);
  std::lock_guard lock(reload_mu_);
  reload_.last_ms = wall_clock_ms();
  if (result.applied) {
    ++reload_.applied;
    reload_.last_error.clear();
    reload_.restart_needed = result.restart_needed;
  } else {
    ++reload_.refused;
    reload_.last_error = result.error;
  }
}

ReloadStats StatusService::reload_stats() const {
  std::lock_guard lock(reload_mu_);
  return reload_;
}

void StatusService::tick() {
  limiter_.flush_summaries();
  std::lock_guard lock(samples_mu_);
  samples_[sample_next_] = Sample{std::chrono::steady_clock::now(), messages_.load(),
                                  readings_.load(), rejected_.load(), alerts_.load()};
  sample_next_ = (sample_next_ + 1) % samples_.size();
  sample_count_ = std::min(sample_count_ + 1, samples_.size());
}

RateWindow StatusService::rates() const {
  std::lock_guard lock(samples_mu_);
  RateWindow r;
  if (sample_count_ < 2) return r;
  const Sample& newest = samples_[(sample_next_ + samples_.size() - 1) % samples_.size()];
  const Sample& oldest =
      samples_[(sample_next_ + samples_.size() - sample_count_) % samples_.size()];
  r.seconds = std::chrono::duration<double>(newest.t - oldest.t).count();
  if (r.seconds <= 0) return r;
  r.messages = static_cast<double>(newest.messages - oldest.messages) / r.seconds;
  r.readings = static_cast<double>(newest.readings - oldest.readings) / r.seconds;
  r.rejected = static_cast<double>(newest.rejected - oldest.rejected) / r.seconds;
  r.alerts = static_cast<double>(newest.alerts - oldest.alerts) / r.seconds;
  return r;
}

HttpResponse StatusService::handle(const HttpRequest& req) {
  const auto parts = split_path(req.path);
  if (req.method == "POST") {
    // Only over the Unix socket, whose file mode limits it to the service's group.
    if (!req.trusted) return error_response(403, "changes are accepted on the Unix socket only");
    if (parts.size() >= 3 && parts[0] == "household" && parts[2] == "away") {
      int64_t until = 0;
      if (parts.size() == 4 && parts[3] == "clear") {
        until = 0;
      } else if (parts.size() == 3) {
        auto t = parse_iso8601_utc(req.param("until"));
        if (!t)
          return error_response(
              400, "away: until must be an ISO 8601 UTC time, e.g. 2024-06-01T08:00:00Z");
        until = *t;
      } else {
        return error_response(
            404, "expected /household/<id>/away?until=... or /household/<id>/away/clear");
      }
      if (!set_away_(parts[1], until))
        return error_response(404, fmt::format("unknown household '{}'", parts[1]));
      log_info("status", until ? fmt::format("household {} away until {}", parts[1],
                                             format_iso8601_utc(until))
                               : fmt::format("household {} away mode cleared", parts[1]));
      return household_view(gateway_, *this, parts[1]);
    }
    return error_response(404, fmt::format("no such action: POST {}", req.path));
  }
  if (req.method != "GET") return error_response(405, "GET or POST only");
  if (parts.size() == 1 && parts[0] == "status") {
    HttpResponse r;
    r.body = status_json(gateway_, *this);
    return r;
  }
  if (parts.size() == 1 && parts[0] == "metrics") {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics_text(gateway_, *this);
    return r;
  }
  // The TCP port (status.http_port) serves what the README says, /metrics and /status: the
  // views below name households and sensors, for the box's own operators on the Unix socket.
  if (!req.trusted)
    return error_response(404, fmt::format("no such resource on the HTTP port: {} (only "
                                           "/metrics and /status)",
                                           req.path));
  if (parts.size() == 1 && parts[0] == "sensors") return sensors_view(gateway_, req);
  if (parts.size() == 2 && parts[0] == "sensor") return sensor_view(gateway_, *this, parts[1]);
  if (parts.size() == 2 && parts[0] == "household")
    return household_view(gateway_, *this, parts[1]);
  if (parts.size() == 1 && parts[0] == "alerts") return alerts_view(gateway_, *this, req);
  if (parts.size() == 1 && parts[0] == "outbox") return outbox_view(gateway_, req);
  if (parts.size() == 1 && parts[0] == "deadletters") return deadletters_view(gateway_, req);
  if (parts.size() == 1 && parts[0] == "tail") {
    if (!req.trusted) return error_response(403, "tail is available on the Unix socket only");
    HttpResponse r;
    r.stream = true;
    r.tail_filter =
        TailFilter{req.param("type"), req.param("sensor"), req.param("kind"), req.param("subject")};
    return r;
  }
  return error_response(404, fmt::format("no such resource: {}", req.path));
}

}  // namespace edgegw
