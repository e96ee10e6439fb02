// views.h: the status interface's answers, built from a running gateway: the one-screen
// status (with health verdict), Prometheus metrics, sensors, one sensor, one household,
// alerts, outbox and dead letters. Each takes the gateway lock only to copy what it needs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/config.h"
#include "gateway/alert/alert.h"
#include "gateway/detect/sensor_state.h"
#include "gateway/status/http.h"
#include "gateway/store/deadletters.h"
#include "util/json.h"

namespace edgegw {

class Gateway;
class StatusService;
class Engine;

// One sensor as `edgegw sensors` lists it: what the detector knows, plus inventory sensors
// that never reported.
struct SensorRow {
  std::string id;
  SensorKind kind = SensorKind::water;
  std::string subject;  // household / building, empty when unassigned
  SubjectKind subject_kind = SubjectKind::Sensor;
  bool seen = false;  // false: in the inventory, never reported
  int64_t last_seen_ms = 0;
  int64_t silent_after_ms = 0;  // when silence starts counting as S1 (0 = unknown)
  bool silent = false;
  OpenAlerts open = 0;
  double last_total_m3 = kNaN;  // water
  int contact_closed = -1;      // door: -1 unknown, 0 open, 1 closed
};

// Copies every sensor's row under the gateway lock. `now_ms` is set to the gateway's time
// (wall clock, or the watermark with clock = "event").
std::vector<SensorRow> collect_sensors(const Gateway& gw, int64_t& now_ms);
std::string sensor_row_json(const SensorRow& row, int64_t now_ms);

// The health verdict: empty when healthy, else one reason per problem.
std::vector<std::string> health_problems(const Gateway& gw, const StatusService& svc,
                                         int64_t wall_ms);

std::string status_json(const Gateway& gw, const StatusService& svc);
std::string metrics_text(const Gateway& gw, const StatusService& svc);

HttpResponse sensors_view(const Gateway& gw, const HttpRequest& req);
HttpResponse sensor_view(const Gateway& gw, const StatusService& svc, const std::string& id);
HttpResponse household_view(const Gateway& gw, const StatusService& svc, const std::string& id);
HttpResponse alerts_view(const Gateway& gw, const StatusService& svc, const HttpRequest& req);
HttpResponse outbox_view(const Gateway& gw, const HttpRequest& req);
HttpResponse deadletters_view(const Gateway& gw, const HttpRequest& req);
// Dead letters (oldest first, as stored) as {"count":N,"dead_letters":[newest first]}.
std::string deadletters_json(const std::vector<DeadLetter>& oldest_first, uint64_t count);

// Alert names for people and filters: "W1", "SensorSilent", "care", "warning", ...
std::string open_alert_names_json(OpenAlerts open);

// Size of the RocksDB files under <data_dir>/db, and the free space of that file system.
struct DiskUsage {
  uint64_t db_bytes = 0, free_bytes = 0, total_bytes = 0;
};
DiskUsage disk_usage(const std::string& data_dir);
// Writes "disk":{data_dir, db_bytes, free_bytes, total_bytes} into the open object.
void disk_usage_json(JsonWriter& w, const std::string& data_dir, const DiskUsage& disk);

}  // namespace edgegw
