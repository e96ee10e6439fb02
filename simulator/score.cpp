// score.cpp: matching alerts to injected incidents (one table), and the score report.
#include "simulator/score.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "drivers/timestamp.h"
#include "gateway/status/json.h"
#include "gateway/uplink/alert_codec.h"
#include "simulator/alert_file.h"
#include "simulator/listen.h"
#include "simulator/sim_config.h"

namespace fleetsim {

namespace {

using edgegw::AlertKind;
using edgegw::AlertState;
using edgegw::Audience;
using edgegw::Rule;

// Where an alert must point to count for an incident.
enum class Scope : uint8_t {
  household,  // alert subject is the incident's household
  building,   // alert subject is the building (or the alert names the facade sensor)
  sensor,     // alert names the incident's sensor (sensor_id, or the subject)
};

struct Accept {
  Rule rule;
  std::optional<AlertKind> kind;  // nullopt: any kind of that rule
};

struct MatchRule {
  IncidentKind incident;
  Scope scope;
  bool care_only;  // only care-audience alerts count
  std::vector<Accept> accept;
};

constexpr int64_t kBeforeMs = kHourMs;       // alerts up to 1 h before the start still count
constexpr int64_t kWindowMs = 26 * kHourMs;  // and up to 26 h after it

// THE matching table: which alerts detect which incident kind.
const std::vector<MatchRule>& match_table() {
  static const std::vector<MatchRule> table = {
      {IncidentKind::fall,
       Scope::household,
       true,
       {{Rule::W1, {}}, {Rule::W2, {}}, {Rule::D1, {}}, {Rule::D2, {}}, {Rule::C1, {}}, {Rule::H1, {}}}},
      {IncidentKind::leak,
       Scope::household,
       false,
       {{Rule::W3, {}}, {Rule::W5, {}}, {Rule::W4, {}}}},
      {IncidentKind::night_wandering, Scope::household, false, {{Rule::D3, {}}}},
      {IncidentKind::door_left_open, Scope::household, false, {{Rule::D4, {}}}},
      {IncidentKind::hollow_patch, Scope::building, false, {{Rule::F1, {}}, {Rule::F2, {}}}},
      {IncidentKind::meter_silent, Scope::sensor, false, {{Rule::S1, {}}}},
      {IncidentKind::low_battery, Scope::sensor, false, {{Rule::S2, AlertKind::BatteryLow}}},
      {IncidentKind::stuck_register,
       Scope::sensor,
       false,
       {{Rule::S2, AlertKind::StuckRegister}, {Rule::W1, {}}}},
      {IncidentKind::backwards_register,
       Scope::sensor,
       false,
       {{Rule::S2, AlertKind::RegisterBackwards}}},
      {IncidentKind::garbage, Scope::sensor, false, {{Rule::S2, AlertKind::GarbagePayloads}}},
  };
  return table;
}

const MatchRule& rule_for(IncidentKind k) {
  for (const MatchRule& m : match_table())
    if (m.incident == k) return m;
  return match_table().front();
}

bool in_scope(const MatchRule& m, const TruthRecord& t, const edgegw::Alert& a) {
  switch (m.scope) {
    case Scope::household: return a.subject == t.subject;
    case Scope::building: return a.subject == t.subject || a.sensor_id == t.sensor;
    case Scope::sensor: return a.sensor_id == t.sensor || a.subject == t.sensor;
  }
  return false;
}

bool counts(const edgegw::Alert& a) {
  return a.state != AlertState::Cleared;
}

double nearest_rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(1, rank)) - 1];
}

std::string_view rule_name(Rule r) {
  return edgegw::fb::EnumNameRule(r);
}

// Is a care alert on this household explained by an incident there?
bool explained(const ScoreInput& in, const std::string& household, Rule rule,
               const edgegw::Alert* alert, int64_t t) {
  for (const TruthRecord& inc : in.truth) {
    if (inc.subject != household) continue;
    const int64_t until = (inc.end_ms ? inc.end_ms : std::max(in.end_ms, inc.start_ms)) + kWindowMs;
    if (t < inc.start_ms - kBeforeMs || t > until) continue;
    if (is_care(inc.kind)) return true;
    const MatchRule& m = rule_for(inc.kind);
    if (alert ? alert_matches(inc, *alert)
              : std::any_of(m.accept.begin(), m.accept.end(),
                            [&](const Accept& acc) { return acc.rule == rule && !acc.kind; }))
      return true;
  }
  return false;
}

using edgegw::json_escape;

std::string delays_json(const KindScore& k) {
  if (k.delays_min.empty()) return "null";
  return fmt::format(R"({{"p50":{:.1f},"p90":{:.1f},"p99":{:.1f}}})", k.delay.p50, k.delay.p90,
                     k.delay.p99);
}

std::string ratio_json(int num, int den) {
  return den ? fmt::format("{:.4f}", static_cast<double>(num) / den) : "null";
}

}  // namespace

bool alert_matches(const TruthRecord& t, const edgegw::Alert& a) {
  const MatchRule& m = rule_for(t.kind);
  if (!counts(a) || (m.care_only && a.audience != Audience::Care)) return false;
  if (!in_scope(m, t, a)) return false;
  const bool accepted = std::any_of(m.accept.begin(), m.accept.end(), [&](const Accept& acc) {
    return acc.rule == a.rule && (!acc.kind || *acc.kind == a.kind);
  });
  if (!accepted) return false;
  // stuck_register: W1 counts when it names the meter or the meter's household. A stuck
  // register only shows while someone is at home using the door, so it may be found days
  // after it stuck (when it stuck during a stay away of up to 3.5 days, nothing shows until
  // the household is back and using the door): it has 4 days.
  const int64_t window = t.kind == IncidentKind::stuck_register ? 96 * kHourMs : kWindowMs;
  return a.detect_time_ms >= t.start_ms - kBeforeMs && a.detect_time_ms <= t.start_ms + window;
}

Delays percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {nearest_rank(v, 0.5), nearest_rank(v, 0.9), nearest_rank(v, 0.99)};
}

double ScoreResult::false_care_rate() const {
  return household_days > 0 ? static_cast<double>(false_care.size()) * 1000.0 / household_days : 0;
}

double ScoreResult::baseline_false_rate() const {
  return household_days > 0 ? baseline_false * 1000.0 / household_days : 0;
}

ScoreResult score(const ScoreInput& in) {
  ScoreResult r;
  r.household_days = in.households * in.days;
  r.alerts = in.alerts.size();
  for (const TruthRecord& t : in.truth) {
    KindScore& k = r.kinds[static_cast<size_t>(t.kind)];
    ++k.injected;
    std::optional<int64_t> first;
    for (const ReceivedAlert& ra : in.alerts)
      if (alert_matches(t, ra.alert) && (!first || ra.alert.detect_time_ms < *first))
        first = ra.alert.detect_time_ms;
    if (first) {
      ++k.detected;
      k.delays_min.push_back(static_cast<double>(*first - t.start_ms) / kMinuteMs);
    } else {
      r.missed.push_back(t);
    }
    if (is_care(t.kind)) {
      ++r.care_injected;
      r.care_detected += first ? 1 : 0;
    } else if (t.kind != IncidentKind::hollow_patch) {
      ++r.faults_injected;
      r.faults_found += first ? 1 : 0;
    }
  }
  for (KindScore& k : r.kinds) k.delay = percentiles(k.delays_min);

  for (const ReceivedAlert& ra : in.alerts) {
    const edgegw::Alert& a = ra.alert;
    if (a.state != AlertState::Raised) continue;
    if (a.audience == Audience::Care) {
      if (!explained(in, a.subject, a.rule, &a, a.detect_time_ms)) r.false_care.push_back(ra);
    } else {
      const bool matched = std::any_of(in.truth.begin(), in.truth.end(),
                                       [&](const TruthRecord& t) { return alert_matches(t, a); });
      if (!matched) r.unmatched_maintenance.push_back(ra);
    }
  }

  // Baseline: the single-sensor rule's alerts, as W1 care alerts.
  r.baseline_alerts = static_cast<int>(in.baseline.size());
  for (const BaselineAlert& b : in.baseline)
    if (!explained(in, b.subject, Rule::W1, nullptr, b.detect_ms)) ++r.baseline_false;
  for (const TruthRecord& t : in.truth) {
    if (t.kind != IncidentKind::fall) continue;
    ++r.baseline_falls.injected;
    std::optional<int64_t> first;
    for (const BaselineAlert& b : in.baseline)
      if (b.subject == t.subject && b.detect_ms >= t.start_ms - kBeforeMs &&
          b.detect_ms <= t.start_ms + kWindowMs && (!first || b.detect_ms < *first))
        first = b.detect_ms;
    if (first) {
      ++r.baseline_falls.detected;
      r.baseline_falls.delays_min.push_back(static_cast<double>(*first - t.start_ms) / kMinuteMs);
    }
  }
  r.baseline_falls.delay = percentiles(r.baseline_falls.delays_min);
  return r;
}

std::string score_json(const ScoreInput& in, const ScoreResult& r) {
  std::string out = fmt::format(
      R"({{"households":{},"days":{},"household_days":{},"alerts":{},"duplicates":{},"kinds":{{)",
      in.households, in.days, r.household_days, r.alerts, r.duplicates);
  for (size_t i = 0; i < kIncidentKinds; ++i) {
    const auto kind = static_cast<IncidentKind>(i);
    const KindScore& k = r.kinds[i];
    out += fmt::format(
        R"({}"{}":{{"class":"{}","injected":{},"detected":{},"recall":{},"delay_min":{}}})",
        i ? "," : "", to_string(kind), class_name(kind), k.injected, k.detected,
        ratio_json(k.detected, k.injected), delays_json(k));
  }
  std::map<std::string, int> by_rule;
  for (const auto& ra : r.false_care) ++by_rule[std::string(rule_name(ra.alert.rule))];
  std::string rules;
  for (const auto& [name, n] : by_rule)
    rules += fmt::format(R"({}"{}":{})", rules.empty() ? "" : ",", name, n);
  std::map<std::string, int> unmatched;
  for (const auto& ra : r.unmatched_maintenance) ++unmatched[std::string(rule_name(ra.alert.rule))];
  std::string unmatched_rules;
  for (const auto& [name, n] : unmatched)
    unmatched_rules += fmt::format(R"({}"{}":{})", unmatched_rules.empty() ? "" : ",", name, n);
  out += fmt::format(
      R"(}},"care":{{"injected":{},"detected":{},"recall":{}}},"false_care_alerts":{},)"
      R"("false_care_per_1000_household_days":{:.3f},"false_care_by_rule":{{{}}},)"
      R"("maintenance":{{"faults_injected":{},"faults_found":{},"faults_recall":{},"unmatched_alerts":{},"unmatched_by_rule":{{{}}}}},)"
      R"("baseline":{{"rule":"water register rise < 0.01 m3 in 12 h","alerts":{},"false_alarms":{},)"
      R"("false_per_1000_household_days":{:.3f},"falls_injected":{},"falls_detected":{},"fall_recall":{},"fall_delay_min":{}}},)",
      r.care_injected, r.care_detected, ratio_json(r.care_detected, r.care_injected),
      r.false_care.size(), r.false_care_rate(), rules, r.faults_injected, r.faults_found,
      ratio_json(r.faults_found, r.faults_injected), r.unmatched_maintenance.size(),
      unmatched_rules, r.baseline_alerts, r.baseline_false, r.baseline_false_rate(),
      r.baseline_falls.injected, r.baseline_falls.detected,
      ratio_json(r.baseline_falls.detected, r.baseline_falls.injected),
      delays_json(r.baseline_falls));
  out += R"("missed":[)";
  for (size_t i = 0; i < r.missed.size(); ++i)
    out +=
        fmt::format(R"({}{{"subject":"{}","sensor":"{}","kind":"{}","start":"{}"}})", i ? "," : "",
                    json_escape(r.missed[i].subject), json_escape(r.missed[i].sensor),
                    to_string(r.missed[i].kind), edgegw::format_iso8601_utc(r.missed[i].start_ms));
  out += R"(],"false_care":[)";
  for (size_t i = 0; i < r.false_care.size() && i < 50; ++i)
    out += fmt::format("{}{}", i ? "," : "",
                       edgegw::alert_to_json(r.false_care[i].gateway_id, r.false_care[i].alert));
  out += "]}";
  return out;
}

std::string score_table(const ScoreInput& in, const ScoreResult& r) {
  std::string out = fmt::format(
      "{} households x {} days = {} household-days; {} alerts received ({} duplicates dropped)\n\n",
      in.households, in.days, r.household_days, r.alerts, r.duplicates);
  out += fmt::format("{:<20} {:<12} {:>8} {:>8} {:>8} {:>10} {:>10} {:>10}\n", "incident", "class",
                     "injected", "detected", "recall", "p50 delay", "p90 delay", "p99 delay");
  auto hours = [](const KindScore& k, double v) {
    return k.delays_min.empty() ? std::string("-") : fmt::format("{:.1f} h", v / 60.0);
  };
  for (size_t i = 0; i < kIncidentKinds; ++i) {
    const auto kind = static_cast<IncidentKind>(i);
    const KindScore& k = r.kinds[i];
    out += fmt::format("{:<20} {:<12} {:>8} {:>8} {:>8} {:>10} {:>10} {:>10}\n", to_string(kind),
                       class_name(kind), k.injected, k.detected,
                       k.injected ? fmt::format("{:.1f}%", 100.0 * k.detected / k.injected) : "-",
                       hours(k, k.delay.p50), hours(k, k.delay.p90), hours(k, k.delay.p99));
  }
  out += fmt::format("\ncare incidents detected: {}/{}\n", r.care_detected, r.care_injected);
  out += fmt::format("false care alerts: {} ({:.2f} per 1,000 household-days)\n",
                     r.false_care.size(), r.false_care_rate());
  out += fmt::format(
      "device faults found: {}/{}; maintenance alerts matching no injected incident: {}\n",
      r.faults_found, r.faults_injected, r.unmatched_maintenance.size());
  out += fmt::format(
      "baseline (single sensor: water < 0.01 m3 in 12 h): {} alerts, {} false ({:.2f} per 1,000 "
      "household-days), falls detected {}/{}\n",
      r.baseline_alerts, r.baseline_false, r.baseline_false_rate(), r.baseline_falls.detected,
      r.baseline_falls.injected);
  if (r.baseline_false > 0)
    out += fmt::format(
        "fused rules vs baseline: {:.1f}x fewer false care alerts\n",
        static_cast<double>(r.baseline_false) / std::max<size_t>(1, r.false_care.size()));
  for (const TruthRecord& t : r.missed)
    out += fmt::format("missed: {} {} {} at {}\n", to_string(t.kind), t.subject, t.sensor,
                       edgegw::format_iso8601_utc(t.start_ms));
  return out;
}

std::string parse_truth(const std::string& text, std::vector<TruthRecord>& out) {
  simdjson::dom::parser parser;
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc) != simdjson::SUCCESS)
      return fmt::format("line {}: not JSON", n);
    std::string_view subject, sensor, kind, start, end;
    if (doc["subject"].get(subject) || doc["kind"].get(kind) || doc["start"].get(start))
      return fmt::format("line {}: needs subject, kind and start strings", n);
    if (doc["sensor"].get(sensor) != simdjson::SUCCESS) sensor = {};
    TruthRecord t;
    t.subject = std::string(subject);
    t.sensor = std::string(sensor);
    auto k = incident_from_string(kind);
    if (!k) return fmt::format("line {}: unknown kind '{}'", n, kind);
    t.kind = *k;
    auto s = edgegw::parse_iso8601_utc(start);
    if (!s) return fmt::format("line {}: bad start '{}'", n, start);
    t.start_ms = *s;
    if (doc["end"].get(end) == simdjson::SUCCESS) {
      auto e = edgegw::parse_iso8601_utc(end);
      if (!e) return fmt::format("line {}: bad end '{}'", n, end);
      t.end_ms = *e;
    }
    out.push_back(std::move(t));
  }
  return {};
}

namespace {

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads FILE.meta.json: fleet size, span, and the baseline alerts.
std::string read_meta(const std::string& text, ScoreInput& in) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(text).get(doc) != simdjson::SUCCESS) return "not JSON";
  int64_t households = 0;
  double days = 0;
  std::string_view end;
  if (doc["households"].get(households) || doc["days"].get(days) || doc["end"].get(end))
    return "needs households, days and end";
  in.households = static_cast<int>(households);
  in.days = days;
  if (auto e = edgegw::parse_iso8601_utc(end)) in.end_ms = *e;
  simdjson::dom::array baseline;
  if (doc["baseline"].get(baseline) == simdjson::SUCCESS)
    for (simdjson::dom::element b : baseline) {
      std::string_view subject, sensor, event, detect;
      if (b["subject"].get(subject) || b["sensor"].get(sensor) || b["event"].get(event) ||
          b["detect"].get(detect))
        return "a baseline alert lacks subject, sensor, event or detect";
      in.baseline.push_back({std::string(subject), std::string(sensor),
                             edgegw::parse_iso8601_utc(event).value_or(0),
                             edgegw::parse_iso8601_utc(detect).value_or(0)});
    }
  return {};
}

void add_batch(ScoreInput& in, std::set<std::pair<std::string, uint64_t>>& seen, size_t& duplicates,
               std::string_view bytes) {
  auto batch = edgegw::decode_batch(bytes);
  if (!batch) return;
  for (auto& a : batch->alerts) {
    if (!seen.insert({batch->gateway_id, a.id}).second) {
      ++duplicates;
      continue;
    }
    in.alerts.push_back({batch->gateway_id, std::move(a)});
  }
}

}  // namespace

int score_command(const ScoreOptions& o) {
  ScoreInput in;
  auto truth = slurp(o.truth_path);
  if (!truth) {
    fmt::print(stderr, "fleetsim: cannot read {}\n", o.truth_path);
    return 0;
  }
  if (auto err = parse_truth(*truth, in.truth); !err.empty()) {
    fmt::print(stderr, "fleetsim: {}: {}\n", o.truth_path, err);
    return 0;
  }
  if (auto meta = slurp(o.truth_path + ".meta.json")) {
    if (auto err = read_meta(*meta, in); !err.empty())
      fmt::print(stderr, "fleetsim: {}.meta.json: {}\n", o.truth_path, err);
  } else if (!o.households || !o.days) {
    fmt::print(stderr, "fleetsim: no {}.meta.json: give --households and --days\n", o.truth_path);
  }
  if (o.households) in.households = *o.households;
  if (o.days) in.days = *o.days;
  if (in.end_ms == 0)
    for (const TruthRecord& t : in.truth) in.end_ms = std::max(in.end_ms, t.start_ms);

  std::set<std::pair<std::string, uint64_t>> seen;
  size_t duplicates = 0;
  if (!o.alerts_path.empty()) {
    auto batches = read_batches(o.alerts_path);
    if (!batches)
      fmt::print(stderr, "fleetsim: cannot read {}\n", o.alerts_path);
    else
      for (const auto& b : *batches) add_batch(in, seen, duplicates, b);
  }
  if (!o.upstream.empty()) {
    ListenOptions lo;
    lo.upstream = o.upstream;
    lo.topic = o.topic;
    lo.client_id = o.client_id;
    lo.idle_seconds = o.idle_seconds > 0 ? o.idle_seconds : 5;
    try {
      listen_upstream(lo, [&](std::string_view, std::string_view bytes) {
        add_batch(in, seen, duplicates, bytes);
      });
    } catch (const std::exception& e) {
      fmt::print(stderr, "fleetsim: {}: {}\n", o.upstream, e.what());
    }
  }
  ScoreResult r = score(in);
  r.duplicates = duplicates;
  if (o.json)
    fmt::print("{}\n", score_json(in, r));
  else
    fmt::print("{}", score_table(in, r));
  return 0;
}

}  // namespace fleetsim
