// outbox_report.cpp: formatting outbox and uplink statistics for `edgegw outbox`.
#include "gateway/store/outbox_report.h"

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "gateway/status/json.h"

namespace edgegw {

namespace {

std::string json_string(std::string_view s) {
  return "\"" + json_escape(s) + "\"";
}

std::string time_or_null(int64_t ms) {
  return ms > 0 ? json_string(format_iso8601_utc(ms)) : "null";
}

std::string age_or_null(int64_t now_ms, int64_t ms) {
  return ms > 0 && now_ms >= ms ? fmt::format("{:.3f}", (now_ms - ms) / 1000.0) : "null";
}

}  // namespace

std::string outbox_report_json(const OutboxStats& o, const UplinkStats* u, int64_t now_ms) {
  std::string state = "stopped";
  if (u) state = u->connected ? "connected" : "disconnected";
  std::string classes;
  static constexpr const char* kClassNames[kKeepClasses] = {
      "maintenance_info", "maintenance_warning", "maintenance_high", "maintenance_critical",
      "care_info",        "care_warning",        "care_high",        "care_critical"};
  for (size_t i = 0; i < kKeepClasses; ++i)
    classes += fmt::format("{}\"{}\":{}", i ? "," : "", kClassNames[i], o.evicted_by_class[i]);
  std::string out = fmt::format(
      R"({{"depth":{},"bytes":{},"max_bytes":{},"head_id":{},"next_id":{},)"
      R"("oldest_unsent_detect_time":{},"oldest_unsent_age_s":{},)"
      R"("evicted_total":{},"evicted_since_start":{{{}}},"unreported_evictions":{},)"
      R"("acknowledged_since_start":{},"last_puback":{},"last_puback_age_s":{},)"
      R"("uplink":{{"state":"{}")",
      o.depth, o.bytes, o.max_bytes, o.head_id, o.next_id, time_or_null(o.oldest_detect_ms),
      o.depth ? age_or_null(now_ms, o.oldest_detect_ms) : "null", o.evicted, classes,
      o.unreported_evictions, o.acknowledged, time_or_null(o.last_puback_ms),
      age_or_null(now_ms, o.last_puback_ms), state);
  if (u) {
    out +=
        fmt::format(R"(,"connected_since":{},"reconnects":{},"batches_sent":{},"alerts_sent":{},)"
                    R"("drop_reports":{},"backoff_ms":{},"last_error":{})",
                    time_or_null(u->connected_since_ms), u->reconnects, u->batches_sent,
                    u->alerts_sent, u->drop_reports, u->backoff_ms, json_string(u->last_error));
  }
  return out + "}}";
}

OutboxStats read_outbox_stats_from(const std::string& data_dir, uint64_t max_bytes) {
  auto db = open_db_read_only(data_dir);
  return read_outbox_stats(*db, max_bytes);
}

}  // namespace edgegw
