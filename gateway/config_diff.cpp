// config_diff.cpp: comparing the restart-only parts of two configs key by key.
#include "gateway/config_diff.h"

namespace edgegw {

namespace {

bool same_broker(const BrokerConfig& a, const BrokerConfig& b) {
  return a.url == b.url && a.client_id == b.client_id && a.username == b.username &&
         a.password_file == b.password_file && a.tls.ca_file == b.tls.ca_file &&
         a.tls.cert_file == b.tls.cert_file && a.tls.key_file == b.tls.key_file &&
         a.tls.verify_server == b.tls.verify_server;
}

bool same_routes(const std::vector<Route>& a, const std::vector<Route>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].filter != b[i].filter || a[i].driver != b[i].driver) return false;
  return true;
}

bool same_limits(const DecodeLimits& a, const DecodeLimits& b) {
  return a.max_payload_bytes == b.max_payload_bytes && a.max_string_bytes == b.max_string_bytes &&
         a.max_depth == b.max_depth && a.max_future_skew_ms == b.max_future_skew_ms &&
         a.min_time_ms == b.min_time_ms && a.max_total_m3 == b.max_total_m3 &&
         a.max_flow_m3h == b.max_flow_m3h && a.min_temperature_c == b.min_temperature_c &&
         a.max_temperature_c == b.max_temperature_c && a.max_status_bytes == b.max_status_bytes;
}

bool same_cjt188(const Cjt188Options& a, const Cjt188Options& b) {
  if (a.utc_offset_minutes != b.utc_offset_minutes || a.status.count != b.status.count)
    return false;
  for (size_t i = 0; i < a.status.count; ++i)
    if (a.status.bits[i].bit != b.status.bits[i].bit ||
        a.status.bits[i].alarm != b.status.bits[i].alarm)
      return false;
  return true;
}

}  // namespace

ReloadPlan plan_reload(const Config& a, const Config& b) {
  ReloadPlan p;
  auto check = [&](bool same, const char* key) {
    if (!same) p.restart_needed.emplace_back(key);
  };
  check(a.gateway_id == b.gateway_id, "gateway_id");
  check(a.clock == b.clock, "clock");
  check(a.data_dir == b.data_dir, "data_dir");
  check(a.checkpoint_interval_s == b.checkpoint_interval_s, "checkpoint_interval_s");
  check(same_broker(a.ingest, b.ingest), "ingest");
  check(same_broker(a.uplink.broker, b.uplink.broker) && a.uplink.topic == b.uplink.topic &&
            a.uplink.batch_max_alerts == b.uplink.batch_max_alerts &&
            a.uplink.batch_max_bytes == b.uplink.batch_max_bytes &&
            a.uplink.linger_ms == b.uplink.linger_ms &&
            a.uplink.backoff_min_ms == b.uplink.backoff_min_ms &&
            a.uplink.backoff_max_ms == b.uplink.backoff_max_ms,
        "uplink");
  check(same_routes(a.routes, b.routes), "routes");
  check(same_limits(a.limits, b.limits) && a.max_sensors == b.max_sensors &&
            a.max_clock_ahead_ms == b.max_clock_ahead_ms,
        "limits");
  check(same_cjt188(a.drivers.cjt188, b.drivers.cjt188), "cjt188");
  check(a.outbox_max_bytes == b.outbox_max_bytes, "outbox.max_bytes");
  check(a.deadletter_max_entries == b.deadletter_max_entries, "deadletters.max_entries");
  check(a.status.socket == b.status.socket && a.status.http_port == b.status.http_port, "status");
  return p;
}

Config apply_live(const Config& running, const Config& next) {
  Config c = running;
  c.rules = next.rules;
  c.log = next.log;
  c.status.unhealthy_outbox_age_s = next.status.unhealthy_outbox_age_s;
  return c;
}

}  // namespace edgegw
