// score.h: `fleetsim score`: recall per incident kind, false care alerts per 1,000
// household-days, detection delays, device faults found, and the single-sensor baseline on
// the same fleet, from the ground truth and the alerts the gateways sent upstream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/detect/alert.h"
#include "simulator/baseline.h"
#include "simulator/incident_kind.h"

namespace fleetsim {

struct TruthRecord {
  std::string subject, sensor;
  IncidentKind kind = IncidentKind::fall;
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // 0 = until the end of the run
};

struct ReceivedAlert {
  std::string gateway_id;
  edgegw::Alert alert;
};

struct ScoreInput {
  std::vector<TruthRecord> truth;
  std::vector<ReceivedAlert> alerts;  // duplicates (same gateway and id) are dropped
  std::vector<BaselineAlert> baseline;
  int households = 0;
  double days = 0;
  int64_t end_ms = 0;  // end of the run (incidents without an end last until then)
};

struct Delays {
  double p50 = 0, p90 = 0, p99 = 0;  // minutes
};

struct KindScore {
  int injected = 0, detected = 0;
  std::vector<double> delays_min;
  Delays delay;
};

struct ScoreResult {
  double household_days = 0;
  size_t alerts = 0, duplicates = 0;
  KindScore kinds[kIncidentKinds];
  int care_injected = 0, care_detected = 0;
  int faults_injected = 0, faults_found = 0;
  std::vector<ReceivedAlert> false_care;  // care alerts that match nothing
  std::vector<ReceivedAlert> unmatched_maintenance;
  std::vector<TruthRecord> missed;
  int baseline_alerts = 0, baseline_false = 0, baseline_falls_detected = 0;
  KindScore baseline_falls;
  double false_care_rate() const;      // per 1,000 household-days
  double baseline_false_rate() const;  // per 1,000 household-days
};

// Does this alert count as detecting this incident (the one matching table)?
bool alert_matches(const TruthRecord& t, const edgegw::Alert& a);

ScoreResult score(const ScoreInput& in);

Delays percentiles(std::vector<double> values);

std::string score_json(const ScoreInput& in, const ScoreResult& r);
std::string score_table(const ScoreInput& in, const ScoreResult& r);

// Parses ground-truth JSON lines. Returns an error message (with the line number) or empty.
std::string parse_truth(const std::string& text, std::vector<TruthRecord>& out);

struct ScoreOptions {
  std::string truth_path;
  std::string alerts_path;
  std::string upstream;
  std::string topic = "edgegw/+/alerts";
  std::string client_id;
  double idle_seconds = 5;
  std::optional<int> households;
  std::optional<double> days;
  bool json = false;
};

int score_command(const ScoreOptions& o);

}  // namespace fleetsim
