// status_views.cpp: the one-screen status with its health verdict, Prometheus metrics, and
// disk usage.
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "drivers/registry.h"
#include "gateway/status/service.h"
#include "gateway/status/views.h"
#include "util/json.h"

#include "drivers/timestamp.h"

#ifndef EDGEGW_VERSION
#define EDGEGW_VERSION "unknown"
#endif

namespace edgegw {

void disk_usage_json(JsonWriter& w, const std::string& data_dir, const DiskUsage& disk) {
  w.key("disk").begin_object().key("data_dir").value(data_dir);
  w.key("db_bytes").value(disk.db_bytes).key("free_bytes").value(disk.free_bytes);
  w.key("total_bytes").value(disk.total_bytes).end_object();
}

namespace {

double age_seconds(int64_t now_ms, int64_t then_ms) {
  return then_ms == 0 ? 0.0 : static_cast<double>(now_ms - then_ms) / 1000;
}

}  // namespace

DiskUsage disk_usage(const std::string& data_dir) {
  DiskUsage d;
  std::error_code ec;
  const auto db = std::filesystem::path(data_dir) / "db";
  for (auto it = std::filesystem::recursive_directory_iterator(db, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) d.db_bytes += it->file_size(ec);
  }
  struct statvfs vfs {};
  if (::statvfs(data_dir.c_str(), &vfs) == 0) {
    d.free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    d.total_bytes = static_cast<uint64_t>(vfs.f_blocks) * vfs.f_frsize;
  }
  return d;
}

std::vector<std::string> health_problems(const GatewayQuery& gw, const StatusService& svc,
                                         int64_t wall_ms) {
  std::vector<std::string> p;
  const GatewayStatus s = gw.status();
  const RunningConfig c = gw.running_config();
  const int max_age_s = c.unhealthy_outbox_age_s;
  if (!s.ingest.connected)
    p.push_back(fmt::format("ingest broker {} not connected{}", c.ingest_url,
                            s.ingest.last_error.empty() ? "" : ": " + s.ingest.last_error));
  if (!s.uplink.connected && s.outbox.depth > 0)
    p.push_back(fmt::format("uplink {} not connected and {} alerts waiting{}", c.uplink_url,
                            s.outbox.depth,
                            s.uplink.last_error.empty() ? "" : ": " + s.uplink.last_error));
  const double age = s.outbox.depth ? age_seconds(gw.now_ms(), s.outbox.oldest_detect_ms) : 0;
  if (age > max_age_s)
    p.push_back(fmt::format("oldest alert waiting {:.0f} s (limit {} s)", age, max_age_s));
  if (s.outbox.max_bytes && s.outbox.bytes * 10 > s.outbox.max_bytes * 9)
    p.push_back(fmt::format("outbox {}% full", s.outbox.bytes * 100 / s.outbox.max_bytes));
  if (s.outbox.evicted_by_class != decltype(s.outbox.evicted_by_class){})
    p.push_back("alerts were evicted from the full outbox since start");
  if (s.counters.sensor_limit)
    p.push_back(
        fmt::format("{} readings of new sensors refused: the sensor table is full "
                    "(limits.max_sensors)",
                    s.counters.sensor_limit));
  if (!s.storage.error.empty())
    p.push_back(
        fmt::format("storage failing since {} ({} writes failed): {}; {} alerts held in "
                    "memory and retried every second",
                    format_iso8601_utc(s.storage.failing_since_ms), s.storage.failed_writes,
                    s.storage.error, s.storage.held_alerts));
  if (s.storage.dropped_alerts)
    p.push_back(
        fmt::format("{} alerts dropped since start: held in memory past the bound while "
                    "the disk failed",
                    s.storage.dropped_alerts));
  if (!s.uplink.storage_error.empty())
    p.push_back(fmt::format("uplink cannot read or trim the outbox: {}", s.uplink.storage_error));
  const DiskUsage d = disk_usage(c.data_dir);
  if (d.total_bytes && d.free_bytes * 20 < d.total_bytes)
    p.push_back(fmt::format("disk almost full: {} MB free", d.free_bytes >> 20));
  (void)svc;
  (void)wall_ms;
  return p;
}

std::string status_json(const GatewayQuery& gw, const StatusService& svc) {
  const RunningConfig c = gw.running_config();
  const GatewayStatus s = gw.status();
  const int64_t wall = wall_clock_ms();
  const auto problems = health_problems(gw, svc, wall);
  const SensorTable table = gw.sensors();
  const auto& rows = table.rows;
  const int64_t now = table.now_ms;
  size_t silent = 0, unassigned = 0;
  for (const SensorRow& r : rows)
    silent += r.silent, unassigned += r.subject_kind == SubjectKind::Sensor;
  const RateWindow rates = svc.rates();
  const ReloadStats reload = svc.reload_stats();
  const DiskUsage disk = disk_usage(c.data_dir);

  JsonWriter w;
  w.begin_object();
  w.key("gateway_id").value(c.gateway_id).key("version").value(EDGEGW_VERSION);
  w.key("running").value(true).key("pid").value(static_cast<int64_t>(::getpid()));
  w.key("started_at").time(svc.started_wall_ms()).key("uptime_s").value(svc.uptime_seconds());
  w.key("clock").value(c.clock == ClockMode::wall ? "wall" : "event");
  w.key("now").time(now).key("watermark").time(s.watermark_ms);
  w.key("healthy").value(problems.empty()).key("problems").begin_array();
  for (const auto& p : problems) w.value(p);
  w.end_array();

  w.key("ingest")
      .begin_object()
      .key("url")
      .value(c.ingest_url)
      .key("connected")
      .value(s.ingest.connected)
      .key("reconnects")
      .value(s.ingest.reconnects)
      .key("last_error")
      .value(s.ingest.last_error)
      .end_object();
  w.key("uplink")
      .begin_object()
      .key("url")
      .value(c.uplink_url)
      .key("topic")
      .value(c.uplink_topic)
      .key("connected")
      .value(s.uplink.connected)
      .key("reconnects")
      .value(s.uplink.reconnects)
      .key("batches_sent")
      .value(s.uplink.batches_sent)
      .key("alerts_sent")
      .value(s.uplink.alerts_sent)
      .key("last_puback")
      .time(s.uplink.last_puback_ms)
      .key("last_error")
      .value(s.uplink.last_error)
      .end_object();

  w.key("rates")
      .begin_object()
      .key("window_s")
      .value(rates.seconds)
      .key("messages_per_s")
      .value(rates.messages)
      .key("readings_per_s")
      .value(rates.readings)
      .key("rejected_per_s")
      .value(rates.rejected)
      .key("alerts_per_s")
      .value(rates.alerts)
      .end_object();

  w.key("counters")
      .begin_object()
      .key("messages")
      .value(s.counters.messages)
      .key("readings")
      .value(total_count(s.counters.accepted_by_driver))
      .key("rejected")
      .value(total_count(s.counters.rejected_by_reason))
      .key("alerts")
      .value(s.counters.alerts)
      .key("sensor_limit")
      .value(s.counters.sensor_limit)
      .key("placeholder_times")
      .value(s.counters.placeholder_times)
      .key("readings_without_register")
      .value(s.counters.without_register);
  w.key("readings_by_driver").begin_object();
  for (size_t i = 0; i < kDrivers; ++i)
    w.key(to_string(static_cast<DriverId>(i))).value(s.counters.accepted_by_driver[i]);
  w.end_object().key("rejected_by_reason").begin_object();
  for (size_t i = 0; i < kDecodeErrorCodes; ++i)
    w.key(to_string(static_cast<DecodeErrorCode>(i))).value(s.counters.rejected_by_reason[i]);
  w.end_object().end_object();

  const int64_t onow = s.outbox.depth ? gw.now_ms() : 0;
  w.key("outbox")
      .begin_object()
      .key("depth")
      .value(s.outbox.depth)
      .key("bytes")
      .value(s.outbox.bytes)
      .key("max_bytes")
      .value(s.outbox.max_bytes)
      .key("oldest_age_s")
      .value(s.outbox.depth ? age_seconds(onow, s.outbox.oldest_detect_ms) : 0.0)
      .key("evicted")
      .value(s.outbox.evicted)
      .key("acknowledged")
      .value(s.outbox.acknowledged)
      .end_object();
  w.key("dead_letters").value(s.dead_letters);
  w.key("sensors")
      .begin_object()
      .key("total")
      .value(static_cast<uint64_t>(rows.size()))
      .key("silent")
      .value(static_cast<uint64_t>(silent))
      .key("unassigned")
      .value(static_cast<uint64_t>(unassigned))
      .end_object();
  w.key("alerts_open").value(static_cast<uint64_t>(svc.alerts().open_count()));
  disk_usage_json(w, c.data_dir, disk);
  w.key("config")
      .begin_object()
      .key("reloads_applied")
      .value(reload.applied)
      .key("reloads_refused")
      .value(reload.refused)
      .key("last_reload")
      .time(reload.last_ms)
      .key("last_error")
      .value(reload.last_error)
      .key("restart_needed")
      .begin_array();
  for (const auto& k : reload.restart_needed) w.value(k);
  w.end_array().end_object();
  w.key("log_lines_suppressed").value(svc.limiter().suppressed_total());
  w.end_object();
  return w.take();
}

std::string metrics_text(const GatewayQuery& gw, const StatusService& svc) {
  const GatewayStatus s = gw.status();
  const RunningConfig c = gw.running_config();
  PromWriter m;
  m.family("edgegw_build_info", "gauge", "Version and gateway id.");
  m.sample("edgegw_build_info",
           label("version", EDGEGW_VERSION) + "," + label("gateway_id", c.gateway_id), uint64_t{1});
  m.family("edgegw_uptime_seconds", "gauge", "Seconds since the gateway started.");
  m.sample("edgegw_uptime_seconds", "", svc.uptime_seconds());
  m.family("edgegw_messages_total", "counter", "MQTT messages handled.");
  m.sample("edgegw_messages_total", "", s.counters.messages);
  m.family("edgegw_readings_total", "counter", "Readings accepted, by driver.");
  for (size_t i = 0; i < kDrivers; ++i)
    m.sample("edgegw_readings_total", label("driver", to_string(static_cast<DriverId>(i))),
             s.counters.accepted_by_driver[i]);
  m.family("edgegw_placeholder_times_total", "counter",
           "Readings whose device sent the no-time placeholder 1111-11-11T11:11:11Z; "
           "the arrival time was used.");
  m.sample("edgegw_placeholder_times_total", "", s.counters.placeholder_times);
  m.family("edgegw_readings_without_register_total", "counter",
           "Meter reports accepted without a register (billing or history telegrams).");
  m.sample("edgegw_readings_without_register_total", "", s.counters.without_register);
  m.family("edgegw_rejected_total", "counter", "Messages rejected, by reason.");
  for (size_t i = 0; i < kDecodeErrorCodes; ++i)
    m.sample("edgegw_rejected_total", label("reason", to_string(static_cast<DecodeErrorCode>(i))),
             s.counters.rejected_by_reason[i]);
  m.family("edgegw_alerts_total", "counter",
           "Alerts stored in the outbox, by rule, audience and state.");
  const AlertCounts counts = svc.alerts().counts();
  for (size_t r = 0; r < kRules; ++r)
    for (size_t a = 0; a < kAudiences; ++a)
      for (size_t st = 0; st < kAlertStates; ++st)
        if (counts.by[r][a][st])
          m.sample("edgegw_alerts_total",
                   label("rule", fb::EnumNameRule(static_cast<Rule>(r))) + "," +
                       label("audience", fb::EnumNameAudience(static_cast<Audience>(a))) + "," +
                       label("state", fb::EnumNameAlertState(static_cast<AlertState>(st))),
                   counts.by[r][a][st]);
  m.family("edgegw_alerts_open", "gauge", "Alerts raised and not cleared (since start).");
  m.sample("edgegw_alerts_open", "", static_cast<uint64_t>(svc.alerts().open_count()));
  m.family("edgegw_outbox_depth", "gauge", "Alerts waiting to go upstream.");
  m.sample("edgegw_outbox_depth", "", s.outbox.depth);
  m.family("edgegw_outbox_bytes", "gauge", "Encoded bytes waiting to go upstream.");
  m.sample("edgegw_outbox_bytes", "", s.outbox.bytes);
  m.family("edgegw_outbox_max_bytes", "gauge", "Outbox bound.");
  m.sample("edgegw_outbox_max_bytes", "", s.outbox.max_bytes);
  m.family("edgegw_outbox_oldest_age_seconds", "gauge",
           "Age of the oldest waiting alert (0 when empty).");
  m.sample("edgegw_outbox_oldest_age_seconds", "",
           s.outbox.depth ? age_seconds(gw.now_ms(), s.outbox.oldest_detect_ms) : 0.0);
  m.family("edgegw_outbox_evicted_total", "counter", "Alerts evicted because the outbox was full.");
  m.sample("edgegw_outbox_evicted_total", "", s.outbox.evicted);
  m.family("edgegw_uplink_connected", "gauge", "1 when connected to the upstream broker.");
  m.sample("edgegw_uplink_connected", "", uint64_t{s.uplink.connected});
  m.family("edgegw_uplink_reconnects_total", "counter", "Upstream reconnections.");
  m.sample("edgegw_uplink_reconnects_total", "", s.uplink.reconnects);
  m.family("edgegw_uplink_alerts_sent_total", "counter",
           "Alerts acknowledged by the upstream broker.");
  m.sample("edgegw_uplink_alerts_sent_total", "", s.uplink.alerts_sent);
  m.family("edgegw_ingest_connected", "gauge", "1 when connected to the local broker.");
  m.sample("edgegw_ingest_connected", "", uint64_t{s.ingest.connected});
  m.family("edgegw_ingest_reconnects_total", "counter", "Local broker reconnections.");
  m.sample("edgegw_ingest_reconnects_total", "", s.ingest.reconnects);
  m.family("edgegw_dead_letters", "gauge", "Rejected messages kept for inspection.");
  m.sample("edgegw_dead_letters", "", s.dead_letters);
  m.family("edgegw_sensors", "gauge", "Sensors the detector tracks.");
  m.sample("edgegw_sensors", "", static_cast<uint64_t>(s.sensors));
  m.family("edgegw_watermark_seconds", "gauge", "Event-time watermark, Unix seconds.");
  m.sample("edgegw_watermark_seconds", "", static_cast<double>(s.watermark_ms) / 1000);
  const DiskUsage d = disk_usage(c.data_dir);
  m.family("edgegw_rocksdb_size_bytes", "gauge", "Size of the RocksDB files.");
  m.sample("edgegw_rocksdb_size_bytes", "", d.db_bytes);
  m.family("edgegw_disk_free_bytes", "gauge", "Free space of the data directory's file system.");
  m.sample("edgegw_disk_free_bytes", "", d.free_bytes);
  m.family("edgegw_stage_latency_seconds", "histogram",
           "Per-message latency: decode_detect (route, decode, validate, rules) and store (synced "
           "outbox write).");
  m.histogram("edgegw_stage_latency_seconds", label("stage", "decode_detect"),
              svc.detect_latency());
  m.histogram("edgegw_stage_latency_seconds", label("stage", "store"), svc.store_latency());
  m.family("edgegw_log_suppressed_total", "counter", "Log lines dropped by the rate limit.");
  m.sample("edgegw_log_suppressed_total", "", svc.limiter().suppressed_total());
  const ReloadStats reload = svc.reload_stats();
  m.family("edgegw_config_reloads_total", "counter", "SIGHUP reloads, by result.");
  m.sample("edgegw_config_reloads_total", label("result", "applied"), reload.applied);
  m.sample("edgegw_config_reloads_total", label("result", "refused"), reload.refused);
  return m.str();
}

}  // namespace edgegw
