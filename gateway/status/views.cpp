// views.cpp: sensors, one sensor, one household, alerts, outbox and dead letters as JSON.
#include "gateway/status/views.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "drivers/reading_json.h"
#include "drivers/timestamp.h"
#include "gateway/alert/alert_codec.h"
#include "gateway/status/service.h"
#include "gateway/uplink/outbox_report.h"
#include "util/json.h"

namespace edgegw {

namespace {

// A dead letter's time, topic, reason and detail, into the open object.
void rejection_fields(JsonWriter& w, const DeadLetter& d) {
  w.key("time").time(d.arrival_ms).key("topic").value(d.topic);
  w.key("reason").value(d.reason).key("detail").value(d.detail);
}

size_t limit_param(const HttpRequest& req, size_t fallback) {
  try {
    const auto v = std::stoll(req.param("limit", std::to_string(fallback)));
    return static_cast<size_t>(std::clamp<long long>(v, 1, 100000));
  } catch (const std::exception&) {
    return fallback;
  }
}

HttpResponse json_response(std::string body) {
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

void alerts_array(JsonWriter& w, std::string_view gateway_id, const std::vector<Alert>& alerts) {
  w.begin_array();
  for (const Alert& a : alerts) w.raw(alert_to_json(gateway_id, a));
  w.end_array();
}

}  // namespace

std::string open_alert_names_json(OpenAlerts open) {
  JsonWriter w;
  w.begin_array();
  for (int k = 0; k <= static_cast<int>(AlertKind::MAX); ++k)
    if (open & bit(static_cast<AlertKind>(k)))
      w.value(fb::EnumNameAlertKind(static_cast<AlertKind>(k)));
  w.end_array();
  return w.take();
}

std::string sensor_row_json(const SensorRow& r, int64_t now_ms) {
  JsonWriter w;
  w.begin_object().key("sensor").value(r.id).key("kind").value(sensor_kind_name(r.kind));
  w.key("subject");
  if (r.subject.empty())
    w.null();
  else
    w.value(r.subject);
  w.key("subject_kind").value(fb::EnumNameSubjectKind(r.subject_kind));
  w.key("assigned").value(r.subject_kind != SubjectKind::Sensor);
  w.key("seen").value(r.seen);
  w.key("last_seen").time(r.last_seen_ms);
  w.key("age_s");
  if (r.seen)
    w.value(static_cast<double>(now_ms - r.last_seen_ms) / 1000);
  else
    w.null();
  w.key("silent").value(r.silent);
  w.key("silent_after").time(r.silent_after_ms);
  w.key("open_alerts").raw(open_alert_names_json(r.open));
  if (r.kind == SensorKind::water) w.key("last_total_m3").value(r.last_total_m3);
  if (r.kind == SensorKind::door) {
    w.key("contact");
    if (r.contact_closed < 0)
      w.null();
    else
      w.value(r.contact_closed ? "closed" : "open");
  }
  w.end_object();
  return w.take();
}

HttpResponse sensors_view(const GatewayQuery& gw, const HttpRequest& req) {
  const SensorTable table = gw.sensors();
  const auto& rows = table.rows;
  const int64_t now = table.now_ms;
  const bool silent_only = !req.param("silent").empty() && req.param("silent") != "0";
  const bool unassigned_only = !req.param("unassigned").empty() && req.param("unassigned") != "0";
  const std::string kind = req.param("kind");
  if (!kind.empty() && kind != "water" && kind != "door" && kind != "facade")
    return error_response(400,
                          fmt::format("unknown kind '{}': expected water, door or facade", kind));
  JsonWriter w;
  size_t total = 0, silent = 0, unassigned = 0;
  w.begin_object().key("now").time(now).key("sensors").begin_array();
  for (const SensorRow& r : rows) {
    ++total;
    silent += r.silent;
    unassigned += r.subject_kind == SubjectKind::Sensor;
    if (silent_only && !r.silent) continue;
    if (unassigned_only && r.subject_kind != SubjectKind::Sensor) continue;
    if (!kind.empty() && sensor_kind_name(r.kind) != kind) continue;
    w.raw(sensor_row_json(r, now));
  }
  w.end_array();
  w.key("total")
      .value(static_cast<uint64_t>(total))
      .key("silent")
      .value(static_cast<uint64_t>(silent));
  w.key("unassigned").value(static_cast<uint64_t>(unassigned)).end_object();
  return json_response(w.take());
}

namespace {
// What the detector knows of a sensor (Engine::explain_sensor) as one JSON object.
std::string explanation_json(std::string_view id, const std::optional<SensorExplanation>& e) {
  JsonWriter w;
  w.begin_object().key("sensor").value(id).key("known").value(e.has_value());
  if (!e) return w.end_object().take();
  const SensorState& s = e->state;
  w.key("kind").value(sensor_kind_name(s.kind));
  w.key("subject_kind").value(fb::EnumNameSubjectKind(e->subject_kind));
  w.key("subject").value(e->subject).key("last_seen").time(s.health.last_seen_ms);
  auto kinds = [&](const char* key, OpenAlerts bits) {
    w.key(key).begin_array();
    for (int k = 0; k <= static_cast<int>(AlertKind::MAX); ++k)
      if (bits & bit(static_cast<AlertKind>(k)))
        w.value(fb::EnumNameAlertKind(static_cast<AlertKind>(k)));
    w.end_array();
  };
  kinds("open_alerts", s.open);
  kinds("held_not_sent", e->held_not_sent);
  w.key("why_held").value(e->why_held);
  switch (s.kind) {
    case SensorKind::water:
      w.key("register_m3")
          .value(std::isnan(s.water().last_total_m3) ? 0.0 : s.water().last_total_m3);
      w.key("last_use").time(s.water().last_change_ms);
      w.key("quiet_since").time(s.water().w1.anchor_time_ms);
      w.key("period_s").value(s.water().period_ms / 1000);
      break;
    case SensorKind::door:
      w.key("contact").value(s.door().contact_closed < 0 ? "unknown"
                             : s.door().contact_closed   ? "closed"
                                                         : "open");
      w.key("last_opening").time(s.door().last_opening_ms);
      w.key("open_since").time(s.door().open_since_ms);
      break;
    case SensorKind::facade:
      w.key("patch_dT_c").value(static_cast<double>(s.facade().last_dt_c));
      w.key("consecutive_readings").value(s.facade().consecutive);
      break;
  }
  return w.end_object().take();
}
}  // namespace

HttpResponse sensor_view(const GatewayQuery& gw, const StatusService& svc, const std::string& id) {
  const SensorTable table = gw.sensors();
  const auto& rows = table.rows;
  const int64_t now = table.now_ms;
  auto it = std::find_if(rows.begin(), rows.end(), [&](const SensorRow& r) { return r.id == id; });
  if (it == rows.end()) return error_response(404, fmt::format("unknown sensor '{}'", id));
  const std::string explain = explanation_json(id, gw.sensor(id));
  AlertQuery q;
  q.sensor = id;
  q.limit = 20;
  const auto alerts = svc.alerts().query(q);
  // Rejected messages that name the sensor in their topic (most bridges put the id there).
  std::vector<DeadLetter> rejected;
  for (auto& d : gw.dead_letters_newest(1000))
    if (d.topic.find(id) != std::string::npos) rejected.push_back(std::move(d));
  if (rejected.size() > 10) rejected.erase(rejected.begin(), rejected.end() - 10);

  JsonWriter w;
  w.begin_object().key("now").time(now).key("sensor").raw(sensor_row_json(*it, now));
  w.key("detector").raw(it->seen ? explain : std::string("null"));
  w.key("recent_alerts");
  alerts_array(w, gw.running_config().gateway_id, alerts);
  w.key("recent_rejections").begin_array();
  for (const DeadLetter& d : rejected) {
    w.begin_object();
    rejection_fields(w, d);
    w.end_object();
  }
  w.end_array().end_object();
  return json_response(w.take());
}

HttpResponse household_view(const GatewayQuery& gw, const StatusService& svc,
                            const std::string& id) {
  const std::optional<HouseholdView> c = gw.household(id);
  if (!c) return error_response(404, fmt::format("unknown household '{}'", id));
  const SensorTable table = gw.sensors();
  const auto& rows = table.rows;
  const int64_t now = table.now_ms;
  AlertQuery q;
  q.subject = id;
  q.open_only = true;
  const auto open = svc.alerts().query(q);
  q.open_only = false;
  q.limit = 20;
  const auto recent = svc.alerts().query(q);

  const HouseholdProfile& p = c->state.profile;
  const bool away = p.away_until_ms > c->now_ms;
  std::vector<std::string> why;
  if (away)
    why.push_back(
        fmt::format("away until {}: care rules are paused", format_iso8601_utc(p.away_until_ms)));
  size_t silent = 0;
  for (const SensorRow& r : rows)
    if (r.subject == id && r.silent) ++silent;
  if (silent)
    why.push_back(fmt::format("{} of its sensors are silent: rules on them cannot fire", silent));
  if (!open.empty()) why.push_back(fmt::format("{} alerts open", open.size()));
  if (why.empty()) why.push_back("no rule condition holds: activity is within the thresholds");

  JsonWriter w;
  w.begin_object().key("household").value(p.id).key("now").time(c->now_ms);
  w.key("living_alone").value(p.living_alone).key("utc_offset_min").value(p.utc_offset_min);
  w.key("quiet_hours")
      .value(fmt::format("{:02}:{:02}-{:02}:{:02}", p.quiet_start_min / 60, p.quiet_start_min % 60,
                         p.quiet_end_min / 60, p.quiet_end_min % 60));
  w.key("away").value(away).key("away_until").time(away ? p.away_until_ms : 0);
  w.key("last_water_use").time(c->state.last_water_use_ms);
  w.key("last_door_activity").time(c->state.last_door_activity_ms);
  w.key("no_sign_of_life_open").value(c->state.c1_open);
  // The learned rhythm and presence behind H1, W1 and the outing hold (engine_household.cpp).
  const HouseholdState& hs = c->state;
  w.key("presence").value(c->out ? "out" : "home");
  w.key("outing_since").time(c->out ? hs.outing_start_ms : 0);
  w.key("last_return").time(hs.last_return_ms);
  w.key("learned_days").value(static_cast<int64_t>(model_days(hs.model)));
  w.key("last_sign_of_life").time(hs.last_sign_ms);
  w.key("quiet_now_h")
      .value(hs.last_sign_ms ? static_cast<double>(c->now_ms - hs.last_sign_ms) / 3.6e6 : 0.0);
  w.key("usual_quiet_h").value(static_cast<double>(hs.usual_quiet_ms) / 3.6e6);
  // W1's early-night rule judges against this (local time; empty until learned).
  const int bedtime = c->usual_bedtime_min;
  w.key("usual_bedtime")
      .value(bedtime < 0 ? std::string()
                         : fmt::format("{:02}:{:02}", bedtime / 60 % 24, bedtime % 60));
  w.key("h1_due").time(hs.quiet_deadline_ms);
  w.key("outing_started").time(c->out ? hs.outing_start_ms : 0);
  w.key("outing_limit_h").value(static_cast<double>(c->outing_limit_ms) / 3.6e6);
  w.key("why").begin_array();
  for (const auto& s : why) w.value(s);
  w.end_array();
  w.key("sensors").begin_array();
  for (const SensorRow& r : rows)
    if (r.subject == id && r.subject_kind == SubjectKind::Household) w.raw(sensor_row_json(r, now));
  w.end_array();
  const std::string gateway_id = gw.running_config().gateway_id;
  w.key("open_alerts");
  alerts_array(w, gateway_id, open);
  w.key("recent_alerts");
  alerts_array(w, gateway_id, recent);
  w.end_object();
  return json_response(w.take());
}

HttpResponse alerts_view(const GatewayQuery& gw, const StatusService& svc, const HttpRequest& req) {
  AlertQuery q;
  q.open_only = !req.param("open").empty() && req.param("open") != "0";
  q.subject = req.param("subject");
  q.sensor = req.param("sensor");
  q.limit = limit_param(req, 200);
  const std::string since = req.param("since");
  if (!since.empty()) {
    auto t = parse_iso8601_utc(since);
    if (!t) return error_response(400, fmt::format("since: not an ISO 8601 UTC time: '{}'", since));
    q.since_ms = *t;
  }
  const auto alerts = svc.alerts().query(q);
  JsonWriter w;
  w.begin_object().key("open_only").value(q.open_only).key("since").time(q.since_ms);
  w.key("open_count").value(static_cast<uint64_t>(svc.alerts().open_count()));
  w.key("alerts");
  alerts_array(w, gw.running_config().gateway_id, alerts);
  w.end_object();
  return json_response(w.take());
}

HttpResponse outbox_view(const GatewayQuery& gw, const HttpRequest& req) {
  const GatewayStatus s = gw.status();
  const int64_t now = gw.now_ms();
  const auto waiting = gw.outbox_oldest(limit_param(req, 20));
  JsonWriter w;
  w.begin_object().key("report").raw(outbox_report_json(s.outbox, &s.uplink, now));
  w.key("oldest");
  alerts_array(w, gw.running_config().gateway_id, waiting);
  w.end_object();
  return json_response(w.take());
}

std::string deadletters_json(const std::vector<DeadLetter>& list, uint64_t count) {
  JsonWriter w;
  w.begin_object().key("count").value(count).key("dead_letters").begin_array();
  for (auto it = list.rbegin(); it != list.rend(); ++it) {  // newest first
    const DeadLetter& d = *it;
    w.begin_object().key("seq").value(d.seq);
    rejection_fields(w, d);
    w.key("payload_size")
        .value(static_cast<uint64_t>(d.payload_size))
        .key("payload_head")
        .value(d.payload_head)
        .end_object();
  }
  w.end_array().end_object();
  return w.take();
}

HttpResponse deadletters_view(const GatewayQuery& gw, const HttpRequest& req) {
  return json_response(
      deadletters_json(gw.dead_letters_newest(limit_param(req, 50)), gw.dead_letter_count()));
}

}  // namespace edgegw
