// views.h: the status interface's answers, read from a running gateway through its queries
// (gateway/query.h): the one-screen status (with health verdict), Prometheus metrics, sensors,
// one sensor, one household, alerts, outbox and dead letters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/alert/alert.h"
#include "gateway/config.h"
#include "gateway/detect/sensor_state.h"
#include "gateway/query.h"
#include "gateway/status/http.h"
#include "gateway/store/deadletters.h"
#include "util/json.h"

namespace edgegw {

class StatusService;

std::string sensor_row_json(const SensorRow& row, int64_t now_ms);

// The health verdict: empty when healthy, else one reason per problem.
std::vector<std::string> health_problems(const GatewayQuery& gw, const StatusService& svc,
                                         int64_t wall_ms);

std::string status_json(const GatewayQuery& gw, const StatusService& svc);
std::string metrics_text(const GatewayQuery& gw, const StatusService& svc);

HttpResponse sensors_view(const GatewayQuery& gw, const HttpRequest& req);
HttpResponse sensor_view(const GatewayQuery& gw, const StatusService& svc, const std::string& id);
HttpResponse household_view(const GatewayQuery& gw, const StatusService& svc,
                            const std::string& id);
HttpResponse alerts_view(const GatewayQuery& gw, const StatusService& svc, const HttpRequest& req);
HttpResponse outbox_view(const GatewayQuery& gw, const HttpRequest& req);
HttpResponse deadletters_view(const GatewayQuery& gw, const HttpRequest& req);
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
