// score.h: `fleetsim score`: per incident kind, found within 24 h and p50/p90 delay; false care
// alerts per 1,000 household-days by rule and by the confounder active around each (a night
// away, a visitor, a cleaning day...); device faults found; and the single-sensor W1 baseline
// beside it, from the ground truth, its sidecars and the alerts the gateways sent upstream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/alert/alert.h"
#include "simulator/activity.h"
#include "simulator/baseline.h"
#include "simulator/incident_kind.h"

namespace fleetsim {

struct TruthRecord {
  std::string subject, sensor;
  IncidentKind kind = IncidentKind::fall_day;
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
  std::vector<NamedActivity> activities;  // the confounders (TRUTH.activities.tsv)
  int households = 0;
  double days = 0;
  int64_t end_ms = 0;  // end of the run (incidents without an end last until then)
};

struct Delays {
  double p50 = 0, p90 = 0, p99 = 0;  // minutes
};

struct KindScore {
  int injected = 0;
  int detected = 0;                // found within the window (care: 24 h after the onset)
  int found_later = 0;             // care: found, but more than 24 h after the onset
  std::vector<double> delays_min;  // of every incident found, however late
  Delays delay;
};

// "none" when no confounder was active around the alert.
inline constexpr size_t kNoConfounder = kActivities;
std::string_view confounder_name(size_t c);

struct FalseAlert {
  ReceivedAlert alert;
  size_t confounder = kNoConfounder;
};

// The first alert that found an injected incident (or none), for `score --found-out`.
struct IncidentFinding {
  TruthRecord truth;
  std::optional<edgegw::Rule> rule;  // of the first matching alert, however late
  int64_t detect_ms = 0;
  bool in_window = false;
};

struct ScoreResult {
  double household_days = 0;
  size_t alerts = 0, duplicates = 0;
  KindScore kinds[kIncidentKinds];
  KindScore baseline_kinds[kIncidentKinds];  // the W1-only rule, where it applies
  int care_injected = 0, care_detected = 0;
  int faults_injected = 0, faults_found = 0;
  std::vector<FalseAlert> false_care;  // care alerts that match nothing
  std::vector<ReceivedAlert> unmatched_maintenance;
  std::vector<TruthRecord> missed;        // not found within the window
  std::vector<IncidentFinding> findings;  // one per injected incident, in truth order
  int baseline_alerts = 0, baseline_false = 0;
  int baseline_false_by[kActivities + 1] = {};
  size_t false_escalations() const;    // of false_care, escalations of an open case
  double false_care_rate() const;      // per 1,000 household-days
  double baseline_false_rate() const;  // per 1,000 household-days
  double per_1000(double n) const;
};

// Does the single-sensor W1 baseline apply to this incident kind (a person gone quiet)?
bool baseline_applies(IncidentKind k);

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
  std::string false_out;  // every false care alert, one TSV line each (rule tuning)
  std::string found_out;  // every injected incident with its first alert, one TSV line each
};

int score_command(const ScoreOptions& o);

}  // namespace fleetsim
