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
#include "gateway/alert/alert_codec.h"
#include "simulator/alert_file.h"
#include "simulator/listen.h"
#include "simulator/sim_config.h"
#include "util/json.h"

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

constexpr int64_t kBeforeMs = kHourMs;           // maintenance: alerts up to 1 h early still count
constexpr int64_t kWindowMs = 26 * kHourMs;      // maintenance: and up to 26 h after the start
constexpr int64_t kCareWindowMs = 24 * kHourMs;  // care: found within 24 h of the onset

// The no-activity care rules: any of them finds a person who went quiet.
const std::vector<Accept> kNoActivity = {{Rule::W1, {}}, {Rule::W2, {}}, {Rule::D1, {}},
                                         {Rule::D2, {}}, {Rule::C1, {}}, {Rule::H1, {}}};

std::vector<Accept> with(std::vector<Accept> a, std::vector<Accept> more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

// THE matching table: which alerts detect which incident kind.
const std::vector<MatchRule>& match_table() {
  static const std::vector<MatchRule> table = {
      {IncidentKind::fall_day, Scope::household, true, kNoActivity},
      {IncidentKind::fall_night, Scope::household, true, kNoActivity},
      {IncidentKind::fall_after_return, Scope::household, true, kNoActivity},
      {IncidentKind::fall_after_rubbish, Scope::household, true, kNoActivity},
      {IncidentKind::cistern_leak,
       Scope::household,
       false,
       {{Rule::W3, {}}, {Rule::W5, {}}, {Rule::W4, {}}}},
      {IncidentKind::tap_left_open,
       Scope::household,
       false,
       {{Rule::W3, {}}, {Rule::W5, {}}, {Rule::W4, {}}}},
      // Gone into the night: the night door rule, or any no-activity rule after it.
      {IncidentKind::night_wandering, Scope::household, true, with(kNoActivity, {{Rule::D3, {}}})},
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

bool accepts(const MatchRule& m, Rule rule, std::optional<AlertKind> kind) {
  return std::any_of(m.accept.begin(), m.accept.end(), [&](const Accept& acc) {
    return acc.rule == rule && (!acc.kind || (kind && *acc.kind == *kind));
  });
}

// The alert is of a kind, audience and place that can detect this incident (time aside).
bool could_match(const TruthRecord& t, const edgegw::Alert& a) {
  const MatchRule& m = rule_for(t.kind);
  if (a.state == AlertState::Cleared || (m.care_only && a.audience != Audience::Care)) return false;
  return in_scope(m, t, a) && accepts(m, a.rule, a.kind);
}

double nearest_rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(1, rank)) - 1];
}

std::string_view rule_name(Rule r) {
  return edgegw::fb::EnumNameRule(r);
}

// Is a care alert (or a baseline alert, alert == nullptr, as W1) on this household explained
// by an incident there? Care incidents explain the alerts that could detect them from their
// onset (never before) until 26 h after their end; maintenance incidents the alerts that
// match them.
bool explained(const ScoreInput& in, const std::string& household, Rule rule,
               const edgegw::Alert* alert, int64_t t) {
  for (const TruthRecord& inc : in.truth) {
    if (inc.subject != household) continue;
    if (!is_care(inc.kind)) {
      if (alert ? alert_matches(inc, *alert)
                : accepts(rule_for(inc.kind), rule, std::nullopt) &&
                      t >= inc.start_ms - kBeforeMs && t <= inc.start_ms + kWindowMs)
        return true;
      continue;
    }
    const int64_t until = (inc.end_ms ? inc.end_ms : std::max(in.end_ms, inc.start_ms)) + kWindowMs;
    if (t < inc.start_ms || t > until) continue;
    if (alert ? could_match(inc, *alert) : accepts(rule_for(inc.kind), rule, std::nullopt))
      return true;
  }
  return false;
}

// Confounders in the order they explain a false alert of each family of rules.
using Priority = std::vector<Activity>;
const Priority& priority_for(Rule rule) {
  using A = Activity;
  static const Priority no_activity = {
      A::hospital,     A::night_away,   A::late_rising, A::late_return, A::radio_outage,
      A::rubbish_trip, A::early_market, A::visitor,     A::cleaning,    A::laundry};
  static const Priority flow = {A::cleaning,     A::laundry,    A::visitor,  A::hourly_meter,
                                A::radio_outage, A::night_away, A::hospital, A::late_return};
  static const Priority night_door = {A::early_market, A::late_return, A::visitor,
                                      A::night_away,   A::hospital,    A::rubbish_trip,
                                      A::late_rising};
  static const Priority door = {A::visitor,     A::rubbish_trip, A::early_market,
                                A::late_return, A::night_away,   A::hospital};
  switch (rule) {
    case Rule::W3:
    case Rule::W4:
    case Rule::W5: return flow;
    case Rule::D3: return night_door;
    case Rule::D4: return door;
    default: return no_activity;
  }
}

// The confounder active in the household around [from, to] that best explains an alert.
size_t attribute(const std::map<std::string, std::vector<const NamedActivity*>>& by_household,
                 const std::string& household, Rule rule, int64_t from, int64_t to) {
  auto it = by_household.find(household);
  if (it == by_household.end()) return kNoConfounder;
  for (Activity a : priority_for(rule))
    for (const NamedActivity* act : it->second)
      if (act->kind == a && act->from_ms <= to && act->to_ms >= from) return static_cast<size_t>(a);
  return kNoConfounder;
}

using edgegw::JsonWriter;

// The figures as the report prints them: delays to 0.1 min, ratios to 4 decimals, rates to 3
// (fmt's correctly rounded decimal, read back, so the JSON and the table never disagree).
double rounded(double v, int decimals) {
  return std::stod(fmt::format("{:.{}f}", v, decimals));
}

void delays_json(JsonWriter& w, const KindScore& k) {
  if (k.delays_min.empty()) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("p50").value(rounded(k.delay.p50, 1));
  w.key("p90").value(rounded(k.delay.p90, 1));
  w.key("p99").value(rounded(k.delay.p99, 1));
  w.end_object();
}

void ratio_json(JsonWriter& w, int num, int den) {
  if (den)
    w.value(rounded(static_cast<double>(num) / den, 4));
  else
    w.null();
}

// found_later, recall and delay_min of one incident kind (or of the baseline on it).
void findings_json(JsonWriter& w, const KindScore& k) {
  w.key("found_later").value(k.found_later);
  w.key("recall");
  ratio_json(w, k.detected, k.injected);
  w.key("delay_min");
  delays_json(w, k);
}

void counts_json(JsonWriter& w, const std::map<std::string, int>& counts) {
  w.begin_object();
  for (const auto& [name, n] : counts) w.key(name).value(n);
  w.end_object();
}

}  // namespace

std::string_view confounder_name(size_t c) {
  return c < kActivities ? kActivityNames[c] : "none";
}

bool baseline_applies(IncidentKind k) {
  return is_fall(k) || k == IncidentKind::night_wandering;
}

bool alert_matches(const TruthRecord& t, const edgegw::Alert& a) {
  if (!could_match(t, a)) return false;
  if (is_care(t.kind))  // care: raised at or after the onset, within 24 h
    return a.detect_time_ms >= t.start_ms && a.detect_time_ms <= t.start_ms + kCareWindowMs;
  // stuck_register: W1 counts when it names the meter or the meter's household. A stuck
  // register only shows while someone is at home using the door, so it may be found days
  // after it stuck (when it stuck during a stay away of up to 5 days, nothing shows until
  // the household is back and using the door): it has 6 days.
  const int64_t window = t.kind == IncidentKind::stuck_register ? 144 * kHourMs : kWindowMs;
  return a.detect_time_ms >= t.start_ms - kBeforeMs && a.detect_time_ms <= t.start_ms + window;
}

Delays percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {nearest_rank(v, 0.5), nearest_rank(v, 0.9), nearest_rank(v, 0.99)};
}

double ScoreResult::per_1000(double n) const {
  return household_days > 0 ? n * 1000.0 / household_days : 0;
}

size_t ScoreResult::false_escalations() const {
  return static_cast<size_t>(std::count_if(false_care.begin(), false_care.end(), [](const auto& f) {
    return f.alert.alert.state == AlertState::Escalated;
  }));
}

double ScoreResult::false_care_rate() const {
  return per_1000(static_cast<double>(false_care.size()));
}

double ScoreResult::baseline_false_rate() const {
  return per_1000(baseline_false);
}

ScoreResult score(const ScoreInput& in) {
  ScoreResult r;
  r.household_days = in.households * in.days;
  r.alerts = in.alerts.size();
  std::map<std::string, std::vector<const ReceivedAlert*>> alerts_by_subject;
  for (const ReceivedAlert& ra : in.alerts) {
    alerts_by_subject[ra.alert.subject].push_back(&ra);
    if (ra.alert.sensor_id != ra.alert.subject)
      alerts_by_subject[ra.alert.sensor_id].push_back(&ra);
  }
  std::map<std::string, std::vector<const BaselineAlert*>> baseline_by_subject;
  for (const BaselineAlert& b : in.baseline) baseline_by_subject[b.subject].push_back(&b);
  std::map<std::string, std::vector<const NamedActivity*>> activities;
  for (const NamedActivity& a : in.activities) activities[a.subject].push_back(&a);

  for (const TruthRecord& t : in.truth) {
    KindScore& k = r.kinds[static_cast<size_t>(t.kind)];
    ++k.injected;
    // The first alert that could detect it at or after the onset, however late (care), and
    // whether it came within the window.
    std::optional<int64_t> first;
    std::optional<Rule> first_rule;
    bool in_window = false;
    std::set<const ReceivedAlert*> candidates;
    for (const std::string* key : {&t.subject, &t.sensor})
      if (auto it = alerts_by_subject.find(*key); it != alerts_by_subject.end())
        candidates.insert(it->second.begin(), it->second.end());
    for (const ReceivedAlert* ra : candidates) {
      const edgegw::Alert& a = ra->alert;
      if (alert_matches(t, a)) in_window = true;
      const bool late_find = is_care(t.kind) && could_match(t, a) && a.detect_time_ms >= t.start_ms;
      if ((alert_matches(t, a) || late_find) && (!first || a.detect_time_ms < *first)) {
        first = a.detect_time_ms;
        first_rule = a.rule;
      }
    }
    r.findings.push_back({t, first_rule, first.value_or(0), in_window});
    if (first) k.delays_min.push_back(static_cast<double>(*first - t.start_ms) / kMinuteMs);
    if (in_window)
      ++k.detected;
    else
      r.missed.push_back(t);
    if (first && !in_window) ++k.found_later;
    if (is_care(t.kind)) {
      ++r.care_injected;
      r.care_detected += in_window ? 1 : 0;
    } else if (t.kind != IncidentKind::hollow_patch) {
      ++r.faults_injected;
      r.faults_found += in_window ? 1 : 0;
    }
    if (!baseline_applies(t.kind)) continue;
    KindScore& b = r.baseline_kinds[static_cast<size_t>(t.kind)];
    ++b.injected;
    std::optional<int64_t> bfirst;
    if (auto it = baseline_by_subject.find(t.subject); it != baseline_by_subject.end())
      for (const BaselineAlert* ba : it->second)
        if (ba->detect_ms >= t.start_ms && (!bfirst || ba->detect_ms < *bfirst))
          bfirst = ba->detect_ms;
    if (bfirst) {
      b.delays_min.push_back(static_cast<double>(*bfirst - t.start_ms) / kMinuteMs);
      if (*bfirst <= t.start_ms + kCareWindowMs)
        ++b.detected;
      else
        ++b.found_later;
    }
  }
  for (KindScore& k : r.kinds) k.delay = percentiles(k.delays_min);
  for (KindScore& k : r.baseline_kinds) k.delay = percentiles(k.delays_min);

  for (const ReceivedAlert& ra : in.alerts) {
    const edgegw::Alert& a = ra.alert;
    if (a.state == AlertState::Cleared) continue;
    if (a.audience == Audience::Care) {
      // An escalation of an open case (W2 after W1, C1) is a message to the community worker
      // too: counted as a false alert when nothing explains it, and shown apart.
      if (!explained(in, a.subject, a.rule, &a, a.detect_time_ms))
        r.false_care.push_back({ra, attribute(activities, a.subject, a.rule,
                                              std::min(a.event_time_ms, a.detect_time_ms) - kHourMs,
                                              a.detect_time_ms)});
    } else {
      const bool matched = std::any_of(in.truth.begin(), in.truth.end(),
                                       [&](const TruthRecord& t) { return alert_matches(t, a); });
      if (!matched) r.unmatched_maintenance.push_back(ra);
    }
  }

  // Baseline: the single-sensor rule's alerts, as W1 care alerts.
  r.baseline_alerts = static_cast<int>(in.baseline.size());
  for (const BaselineAlert& b : in.baseline)
    if (!explained(in, b.subject, Rule::W1, nullptr, b.detect_ms)) {
      ++r.baseline_false;
      ++r.baseline_false_by[attribute(activities, b.subject, Rule::W1, b.event_ms - kHourMs,
                                      b.detect_ms)];
    }
  return r;
}

std::string score_json(const ScoreInput& in, const ScoreResult& r) {
  JsonWriter w;
  w.begin_object();
  w.key("households").value(in.households);
  w.key("days").value(in.days);
  w.key("household_days").value(r.household_days);
  w.key("alerts").value(static_cast<uint64_t>(r.alerts));
  w.key("duplicates").value(static_cast<uint64_t>(r.duplicates));
  w.key("kinds").begin_object();
  for (size_t i = 0; i < kIncidentKinds; ++i) {
    const auto kind = static_cast<IncidentKind>(i);
    const KindScore& k = r.kinds[i];
    const KindScore& b = r.baseline_kinds[i];
    w.key(to_string(kind)).begin_object();
    w.key("class").value(class_name(kind));
    w.key("injected").value(k.injected);
    w.key("detected").value(k.detected);
    findings_json(w, k);
    w.key("baseline");
    if (baseline_applies(kind)) {
      w.begin_object();
      w.key("found_within_24h").value(b.detected);
      findings_json(w, b);
      w.end_object();
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_object();
  std::map<std::string, int> by_rule, unmatched;
  for (const auto& f : r.false_care) ++by_rule[std::string(rule_name(f.alert.alert.rule))];
  for (const auto& ra : r.unmatched_maintenance) ++unmatched[std::string(rule_name(ra.alert.rule))];
  int by_conf[kActivities + 1] = {};
  for (const auto& f : r.false_care) ++by_conf[f.confounder];
  w.key("care").begin_object();
  w.key("injected").value(r.care_injected);
  w.key("detected").value(r.care_detected);
  w.key("recall");
  ratio_json(w, r.care_detected, r.care_injected);
  w.end_object();
  w.key("false_care_alerts").value(static_cast<uint64_t>(r.false_care.size()));
  w.key("false_care_per_1000_household_days").value(rounded(r.false_care_rate(), 3));
  w.key("false_care_escalations").value(static_cast<uint64_t>(r.false_escalations()));
  w.key("false_care_by_rule");
  counts_json(w, by_rule);
  w.key("false_care_by_confounder").begin_object();
  for (size_t c = 0; c <= kActivities; ++c) w.key(confounder_name(c)).value(by_conf[c]);
  w.end_object();
  w.key("maintenance").begin_object();
  w.key("faults_injected").value(r.faults_injected);
  w.key("faults_found").value(r.faults_found);
  w.key("faults_recall");
  ratio_json(w, r.faults_found, r.faults_injected);
  w.key("unmatched_alerts").value(static_cast<uint64_t>(r.unmatched_maintenance.size()));
  w.key("unmatched_by_rule");
  counts_json(w, unmatched);
  w.end_object();
  w.key("baseline").begin_object();
  w.key("rule").value("water register rise < 0.01 m3 in 12 h");
  w.key("alerts").value(r.baseline_alerts);
  w.key("false_alarms").value(r.baseline_false);
  w.key("false_per_1000_household_days").value(rounded(r.baseline_false_rate(), 3));
  w.key("false_by_confounder").begin_object();
  for (size_t c = 0; c <= kActivities; ++c) w.key(confounder_name(c)).value(r.baseline_false_by[c]);
  w.end_object();
  w.end_object();
  w.key("missed").begin_array();
  for (const TruthRecord& t : r.missed) {
    w.begin_object();
    w.key("subject").value(t.subject);
    w.key("sensor").value(t.sensor);
    w.key("kind").value(to_string(t.kind));
    w.key("start").time(t.start_ms);
    w.end_object();
  }
  w.end_array();
  w.key("false_care").begin_array();
  for (size_t i = 0; i < r.false_care.size() && i < 50; ++i) {
    std::string a =
        edgegw::alert_to_json(r.false_care[i].alert.gateway_id, r.false_care[i].alert.alert);
    if (!a.empty() && a.back() == '}') {  // with the confounder it is attributed to
      JsonWriter c;
      c.value(confounder_name(r.false_care[i].confounder));
      a.insert(a.size() - 1, ",\"confounder\":" + c.str());
    }
    w.raw(a);
  }
  w.end_array();
  w.end_object();
  return w.take();
}

std::string score_table(const ScoreInput& in, const ScoreResult& r) {
  std::string out = fmt::format(
      "{} households x {} days = {} household-days; {} alerts received ({} duplicates dropped)\n\n",
      in.households, in.days, r.household_days, r.alerts, r.duplicates);
  auto hours = [](const KindScore& k, double v) {
    return k.delays_min.empty() ? std::string("-") : fmt::format("{:.1f} h", v / 60.0);
  };
  auto found = [](const KindScore& k) {
    return k.injected ? fmt::format("{} ({:.0f}%)", k.detected, 100.0 * k.detected / k.injected)
                      : std::string("-");
  };
  out += fmt::format("{:<19} {:<11} {:>8} {:>11} {:>5} {:>8} {:>8}   | {:>11} {:>8} {:>8}\n",
                     "incident", "class", "injected", "found <=24h", "later", "p50", "p90",
                     "W1 <=24h", "W1 p50", "W1 p90");
  for (size_t i = 0; i < kIncidentKinds; ++i) {
    const auto kind = static_cast<IncidentKind>(i);
    const KindScore& k = r.kinds[i];
    const KindScore& b = r.baseline_kinds[i];
    const bool base = baseline_applies(kind);
    out += fmt::format("{:<19} {:<11} {:>8} {:>11} {:>5} {:>8} {:>8}   | {:>11} {:>8} {:>8}\n",
                       to_string(kind), class_name(kind), k.injected, found(k), k.found_later,
                       hours(k, k.delay.p50), hours(k, k.delay.p90), base ? found(b) : "-",
                       base ? hours(b, b.delay.p50) : "-", base ? hours(b, b.delay.p90) : "-");
  }
  out += fmt::format(
      "(delays: onset to the first matching alert, however late; 'later': found "
      "after 24 h)\n");
  out +=
      fmt::format("\ncare incidents found within 24 h: {}/{}\n", r.care_detected, r.care_injected);
  out += fmt::format(
      "false care alerts: {} ({:.2f} per 1,000 household-days; {} of them escalations of an "
      "open case); W1-only baseline: {} ({:.2f})\n",
      r.false_care.size(), r.false_care_rate(), r.false_escalations(), r.baseline_false,
      r.baseline_false_rate());
  std::map<std::string, int> by_rule;
  for (const auto& f : r.false_care) ++by_rule[std::string(rule_name(f.alert.alert.rule))];
  out += "  by rule:";
  for (const auto& [name, n] : by_rule)
    out += fmt::format("  {} {} ({:.2f})", name, n, r.per_1000(n));
  out += "\n";
  int by_conf[kActivities + 1] = {};
  for (const auto& f : r.false_care) ++by_conf[f.confounder];
  out += fmt::format("  {:<14} {:>7} {:>10} {:>9} {:>10}\n", "by confounder", "alerts", "per 1,000",
                     "W1-only", "per 1,000");
  for (size_t c = 0; c <= kActivities; ++c)
    if (by_conf[c] || r.baseline_false_by[c])
      out += fmt::format("  {:<14} {:>7} {:>10.2f} {:>9} {:>10.2f}\n", confounder_name(c),
                         by_conf[c], r.per_1000(by_conf[c]), r.baseline_false_by[c],
                         r.per_1000(r.baseline_false_by[c]));
  out += fmt::format(
      "device faults found: {}/{}; maintenance alerts matching no injected incident: {}\n",
      r.faults_found, r.faults_injected, r.unmatched_maintenance.size());
  size_t shown = 0;
  for (const TruthRecord& t : r.missed)
    if (shown++ < 40)
      out += fmt::format("not found within 24 h: {} {} {} at {}\n", to_string(t.kind), t.subject,
                         t.sensor, edgegw::format_iso8601_utc(t.start_ms));
  if (shown > 40) out += fmt::format("... and {} more\n", shown - 40);
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
  if (auto acts = slurp(o.truth_path + ".activities.tsv")) {
    if (auto err = parse_activities(*acts, in.activities); !err.empty())
      fmt::print(stderr, "fleetsim: {}.activities.tsv: {}\n", o.truth_path, err);
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
  if (!o.false_out.empty()) {
    std::string tsv =
        "rule\tsubject\tsensor\tevent\tdetect\tobserved\tthreshold\twindow_s\tconfounder\n";
    for (const FalseAlert& f : r.false_care) {
      const edgegw::Alert& a = f.alert.alert;
      tsv += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", rule_name(a.rule), a.subject,
                         a.sensor_id, edgegw::format_iso8601_utc(a.event_time_ms),
                         edgegw::format_iso8601_utc(a.detect_time_ms), a.observed, a.threshold,
                         a.window_s, confounder_name(f.confounder));
    }
    std::ofstream file(o.false_out, std::ios::trunc);
    if (!(file << tsv)) fmt::print(stderr, "fleetsim: cannot write {}\n", o.false_out);
  }
  if (!o.found_out.empty()) {
    std::string tsv = "kind\tsubject\tsensor\tonset\trule\tdetect\tdelay_h\twithin_24h\n";
    for (const IncidentFinding& f : r.findings) {
      const bool found = f.rule.has_value();
      tsv += fmt::format(
          "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", to_string(f.truth.kind), f.truth.subject,
          f.truth.sensor, edgegw::format_iso8601_utc(f.truth.start_ms),
          found ? rule_name(*f.rule) : "-", found ? edgegw::format_iso8601_utc(f.detect_ms) : "-",
          found ? fmt::format("{:.2f}", (f.detect_ms - f.truth.start_ms) / 3.6e6) : "-",
          f.in_window ? "yes" : "no");
    }
    std::ofstream file(o.found_out, std::ios::trunc);
    if (!(file << tsv)) fmt::print(stderr, "fleetsim: cannot write {}\n", o.found_out);
  }
  if (o.json)
    fmt::print("{}\n", score_json(in, r));
  else
    fmt::print("{}", score_table(in, r));
  return 0;
}

}  // namespace fleetsim
