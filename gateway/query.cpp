// query.cpp: the gateway's answers to the status views' queries (query.h), copied under its lock.
#include <algorithm>

#include "gateway/gateway.h"
#include "util/time.h"

namespace edgegw {

namespace {

int64_t gateway_now(ClockMode clock, const Engine& e) {
  return clock == ClockMode::wall ? wall_clock_ms() : e.watermark_ms();
}

}  // namespace

GatewayStatus Gateway::status() const {
  GatewayStatus s;
  {
    std::lock_guard lock(mu_);
    s.counters = pipeline_.counters();
    s.watermark_ms = pipeline_.engine().watermark_ms();
    s.sensors = pipeline_.engine().sensor_count();
    s.storage = storage_;
  }
  s.outbox = outbox_.stats();
  s.uplink = uplink_.stats();
  s.ingest = ingest_.stats();
  s.dead_letters = dead_letters_.count();
  s.deadletter_write_errors = dead_letters_.write_errors();
  return s;
}

RunningConfig Gateway::running_config() const {
  RunningConfig r;
  r.gateway_id = config_.gateway_id;
  r.clock = config_.clock;
  r.data_dir = config_.data_dir;
  r.ingest_url = config_.ingest.url;
  r.uplink_url = config_.uplink.broker.url;
  r.uplink_topic = config_.uplink_topic();
  std::lock_guard lock(mu_);
  r.unhealthy_outbox_age_s = live_config_.status.unhealthy_outbox_age_s;
  return r;
}

int64_t Gateway::now_ms() const {
  if (config_.clock == ClockMode::wall) return wall_clock_ms();
  std::lock_guard lock(mu_);
  return pipeline_.engine().watermark_ms();
}

SensorTable Gateway::sensors() const {
  std::lock_guard lock(mu_);
  const Engine& e = pipeline_.engine();
  const Config& c = live_config_;
  SensorTable t;
  t.now_ms = gateway_now(c.clock, e);
  std::vector<SensorRow>& rows = t.rows;
  rows.reserve(e.sensor_count());
  for (uint32_t i = 0; i < e.sensor_count(); ++i) {
    const std::string_view id = e.sensor_id(i);
    const SensorState* s = e.sensor(id);
    if (!s) continue;
    SensorRow r;
    r.id = std::string(id);
    r.kind = s->kind;
    const Subject subject = e.subject_of(id);
    r.subject_kind = subject.kind;
    if (subject.kind != SubjectKind::Sensor) r.subject = std::string(subject.id);
    r.seen = s->health.last_seen_ms != 0;
    r.last_seen_ms = s->health.last_seen_ms;
    r.silent_after_ms = silence_due(c.rules, *s, e.listening_since_ms());
    r.open = s->open;
    r.silent = (s->open & bit(AlertKind::SensorSilent)) ||
               (r.silent_after_ms != 0 && t.now_ms > r.silent_after_ms);
    if (s->kind == SensorKind::water) r.last_total_m3 = s->water().last_total_m3;
    if (s->kind == SensorKind::door) r.contact_closed = s->door().contact_closed;
    rows.push_back(std::move(r));
  }
  // Inventory sensors that never reported: silent from the start.
  auto add_unseen = [&](std::string_view id, SensorKind kind, SubjectKind sk,
                        std::string_view subject) {
    if (e.sensor(id)) return;
    SensorRow r;
    r.id = std::string(id);
    r.kind = kind;
    r.subject_kind = sk;
    r.subject = std::string(subject);
    r.silent = true;
    rows.push_back(std::move(r));
  };
  for (uint32_t n = 0; n < e.listed_sensor_count(); ++n) {
    const Engine::ListedSensor l = e.listed_sensor(n);
    add_unseen(l.id, l.kind, SubjectKind::Household, l.household);
  }
  for (const FacadeSite& f : e.facades())
    add_unseen(f.sensor, SensorKind::facade, SubjectKind::Building, f.building);
  std::sort(rows.begin(), rows.end(),
            [](const SensorRow& a, const SensorRow& b) { return a.id < b.id; });
  return t;
}

std::optional<SensorExplanation> Gateway::sensor(const std::string& id) const {
  std::lock_guard lock(mu_);
  return pipeline_.engine().explain_sensor(id);
}

std::optional<HouseholdView> Gateway::household(const std::string& id) const {
  std::lock_guard lock(mu_);
  const Engine& e = pipeline_.engine();
  const HouseholdState* h = e.household(id);
  if (!h) return std::nullopt;
  HouseholdView v;
  v.state = *h;
  const Engine::QuietDeadline quiet = e.quiet_deadline(*h);
  v.state.quiet_deadline_ms = quiet.due_ms;
  v.state.usual_quiet_ms = quiet.usual_ms;
  v.now_ms = gateway_now(live_config_.clock, e);
  v.out = e.probably_out(*h);
  v.outing_limit_ms = e.outing_limit_ms(*h);
  v.usual_bedtime_min = e.usual_bedtime_min(*h, v.now_ms);
  return v;
}

std::vector<Alert> Gateway::outbox_oldest(size_t max_count) const {
  return outbox_.peek(max_count, 1 << 20);
}

std::vector<DeadLetter> Gateway::dead_letters_newest(size_t limit) const {
  return dead_letters_.list(limit);
}

uint64_t Gateway::dead_letter_count() const {
  return dead_letters_.count();
}

}  // namespace edgegw
