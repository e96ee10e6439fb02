// outbox_report.cpp: formatting outbox and uplink statistics for `edgegw outbox`.
#include "gateway/uplink/outbox_report.h"

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "util/json.h"

namespace edgegw {

namespace {

void time_or_null(JsonWriter& w, int64_t ms) {
  if (ms > 0)
    w.value(format_iso8601_utc(ms));
  else
    w.null();
}

// Seconds with three decimals, as the report has always printed them.
void age_or_null(JsonWriter& w, int64_t now_ms, int64_t ms) {
  if (ms > 0 && now_ms >= ms)
    w.raw(fmt::format("{:.3f}", (now_ms - ms) / 1000.0));
  else
    w.null();
}

}  // namespace

std::string outbox_report_json(const OutboxStats& o, const UplinkStats* u, int64_t now_ms) {
  std::string state = "stopped";
  if (u) state = u->connected ? "connected" : "disconnected";
  static constexpr const char* kClassNames[kKeepClasses] = {
      "maintenance_info", "maintenance_warning", "maintenance_high", "maintenance_critical",
      "care_info",        "care_warning",        "care_high",        "care_critical"};
  JsonWriter w;
  w.begin_object();
  w.key("depth").value(o.depth).key("bytes").value(o.bytes).key("max_bytes").value(o.max_bytes);
  w.key("head_id").value(o.head_id).key("next_id").value(o.next_id);
  w.key("oldest_unsent_detect_time");
  time_or_null(w, o.oldest_detect_ms);
  w.key("oldest_unsent_age_s");
  age_or_null(w, now_ms, o.depth ? o.oldest_detect_ms : 0);
  w.key("evicted_total").value(o.evicted).key("evicted_since_start").begin_object();
  for (size_t i = 0; i < kKeepClasses; ++i) w.key(kClassNames[i]).value(o.evicted_by_class[i]);
  w.end_object();
  w.key("unreported_evictions").value(o.unreported_evictions);
  w.key("acknowledged_since_start").value(o.acknowledged);
  w.key("last_puback");
  time_or_null(w, o.last_puback_ms);
  w.key("last_puback_age_s");
  age_or_null(w, now_ms, o.last_puback_ms);
  w.key("uplink").begin_object().key("state").value(state);
  if (u) {
    w.key("connected_since");
    time_or_null(w, u->connected_since_ms);
    w.key("reconnects").value(u->reconnects).key("batches_sent").value(u->batches_sent);
    w.key("alerts_sent").value(u->alerts_sent).key("drop_reports").value(u->drop_reports);
    w.key("backoff_ms").value(u->backoff_ms).key("last_error").value(u->last_error);
  }
  w.end_object().end_object();
  return w.take();
}

OutboxStats read_outbox_stats_from(const std::string& data_dir, uint64_t max_bytes) {
  auto db = open_db_read_only(data_dir);
  return read_outbox_stats(*db, max_bytes);
}

}  // namespace edgegw
