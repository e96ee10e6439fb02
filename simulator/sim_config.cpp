// sim_config.cpp: defaults, flag parsing and the TOML file of the simulation config.
#include "simulator/sim_config.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "drivers/timestamp.h"

namespace fleetsim {

namespace {

// Default incident rate per household (care and device faults) or per building (facades).
double default_rate(IncidentKind k) {
  switch (k) {
    case IncidentKind::fall_day:
    case IncidentKind::fall_night:
    case IncidentKind::fall_after_return:
    case IncidentKind::fall_after_rubbish: return 0.008;
    case IncidentKind::cistern_leak:
    case IncidentKind::tap_left_open:
    case IncidentKind::night_wandering: return 0.006;
    case IncidentKind::door_left_open: return 0.005;
    case IncidentKind::hollow_patch: return 0.3;
    default: return 0.003;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "a=1,b=2" and calls fn(key, value) for each; returns the first error.
template <class Fn>
std::string for_each_pair(std::string_view text, Fn fn) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = trim(text.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) return fmt::format("'{}' is not name=value", item);
    const std::string_view key = trim(item.substr(0, eq)), value = trim(item.substr(eq + 1));
    double v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc{} || p != value.data() + value.size() || !std::isfinite(v) || v < 0)
      return fmt::format("'{}' in '{}' is not a non-negative number", value, item);
    if (auto err = fn(key, v); !err.empty()) return err;
  }
  return {};
}

std::string node_where(const toml::node& n) {
  return fmt::format("line {}", n.source().begin.line);
}

template <class T>
std::string read_number(const toml::table& t, std::string_view key, T& out, std::string_view ctx) {
  const toml::node* n = t.get(key);
  if (!n) return {};
  if (auto v = n->value<double>()) {
    if (!std::isfinite(*v) || *v < 0)
      return fmt::format("{}{}: must be a non-negative number ({})", ctx, key, node_where(*n));
    out = static_cast<T>(*v);
    return {};
  }
  return fmt::format("{}{}: expected a number ({})", ctx, key, node_where(*n));
}

template <size_t N>
std::string read_shares(const toml::table& root, std::string_view family,
                        const std::array<std::string_view, N>& names, std::array<double, N>& out) {
  const toml::table* formats = root["formats"].as_table();
  if (!formats) return {};
  const toml::table* t = (*formats)[family].as_table();
  if (!t) return {};
  std::array<double, N> shares{};
  for (auto&& [k, v] : *t) {
    size_t i = 0;
    while (i < N && names[i] != k.str()) ++i;
    if (i == N)
      return fmt::format("formats.{}.{}: unknown format (line {})", family, k.str(),
                         k.source().begin.line);
    auto d = v.template value<double>();
    if (!d || *d < 0)
      return fmt::format("formats.{}.{}: expected a non-negative number (line {})", family, k.str(),
                         v.source().begin.line);
    shares[i] = *d;
  }
  out = shares;
  return {};
}

}  // namespace

int incident_count(const SimConfig& c, IncidentKind kind) {
  const auto& explicit_count = c.incidents[static_cast<size_t>(kind)];
  if (explicit_count) return *explicit_count;
  const int population = kind == IncidentKind::hollow_patch ? c.buildings() : c.households;
  if (population <= 0) return 0;
  return static_cast<int>(std::ceil(default_rate(kind) * population));
}

std::string parse_incident_mix(std::string_view text, SimConfig& c) {
  return for_each_pair(text, [&](std::string_view key, double v) -> std::string {
    auto kind = incident_from_string(key);
    if (!kind) return fmt::format("unknown incident kind '{}'", key);
    c.incidents[static_cast<size_t>(*kind)] = static_cast<int>(v);
    return {};
  });
}

template <size_t N>
std::string parse_shares(std::string_view text, const std::array<std::string_view, N>& names,
                         std::array<double, N>& out) {
  std::array<double, N> shares{};
  auto err = for_each_pair(text, [&](std::string_view key, double v) -> std::string {
    for (size_t i = 0; i < N; ++i)
      if (names[i] == key) {
        shares[i] = v;
        return {};
      }
    return fmt::format("unknown format '{}'", key);
  });
  if (!err.empty()) return err;
  double sum = 0;
  for (double s : shares) sum += s;
  if (sum <= 0) return "format shares sum to zero";
  out = shares;
  return {};
}

template std::string parse_shares<2>(std::string_view, const std::array<std::string_view, 2>&,
                                     std::array<double, 2>&);
template std::string parse_shares<3>(std::string_view, const std::array<std::string_view, 3>&,
                                     std::array<double, 3>&);

std::optional<double> parse_speed(std::string_view text) {
  if (text == "max") return 0.0;
  if (text == "realtime") return 1.0;
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || !(v > 0) || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::string load_sim_toml(const std::string& path, SimConfig& c) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return fmt::format("{}: line {}: {}", path, e.source().begin.line, e.description());
  }
  std::string err;
  auto check = [&](std::string e) {
    if (err.empty() && !e.empty()) err = fmt::format("{}: {}", path, e);
  };
  check(read_number(root, "households", c.households, ""));
  check(read_number(root, "facades", c.facades, ""));
  check(read_number(root, "sensors_per_building", c.sensors_per_building, ""));
  check(read_number(root, "days", c.days, ""));
  check(read_number(root, "seed", c.seed, ""));
  check(read_number(root, "report_minutes", c.report_minutes, ""));
  check(read_number(root, "door_heartbeat_minutes", c.door_heartbeat_minutes, ""));
  check(read_number(root, "facade_report_minutes", c.facade_report_minutes, ""));
  if (const toml::node* n = root.get("start")) {
    auto s = n->value<std::string>();
    auto ms = s ? edgegw::parse_iso8601_utc(*s) : std::nullopt;
    if (!ms)
      check(fmt::format("start: expected an ISO 8601 UTC time ({})", node_where(*n)));
    else {
      c.start_ms = *ms;
      c.start_given = true;
    }
  }
  if (const toml::node* n = root.get("speed")) {
    auto s = n->value<std::string>();
    auto d = n->value<double>();
    std::optional<double> speed = s ? parse_speed(*s) : d && *d > 0 ? d : std::nullopt;
    if (!speed)
      check(fmt::format("speed: expected max, realtime or a factor ({})", node_where(*n)));
    else
      c.speed = *speed;
  }
  if (const toml::table* m = root["meter"].as_table()) {
    check(read_number(*m, "jitter_s", c.report_jitter_s, "meter."));
    check(read_number(*m, "lost_report_prob", c.lost_report_prob, "meter."));
    check(read_number(*m, "hourly_share", c.hourly_share, "meter."));
    check(read_number(*m, "outage_prob", c.outage_prob, "meter."));
  }
  if (const toml::table* inc = root["incidents"].as_table()) {
    for (auto&& [k, v] : *inc) {
      auto kind = incident_from_string(k.str());
      auto n = v.value<int64_t>();
      if (!kind)
        check(fmt::format("incidents.{}: unknown incident kind (line {})", k.str(),
                          k.source().begin.line));
      else if (!n || *n < 0)
        check(fmt::format("incidents.{}: expected a count (line {})", k.str(),
                          v.source().begin.line));
      else
        c.incidents[static_cast<size_t>(*kind)] = static_cast<int>(*n);
    }
  }
  check(read_shares(root, "meter", kMeterFormatNames, c.meter_shares));
  check(read_shares(root, "door", kDoorFormatNames, c.door_shares));
  check(read_shares(root, "facade", kFacadeFormatNames, c.facade_shares));
  if (const toml::table* r = root["routine"].as_table()) {
    auto& p = c.routine;
    check(read_number(*r, "late_rise_prob", p.late_rise_prob, "routine."));
    check(read_number(*r, "night_toilet_prob", p.night_toilet_prob, "routine."));
    check(read_number(*r, "away_prob", p.away_prob, "routine."));
    check(read_number(*r, "hospital_prob", p.hospital_prob, "routine."));
    check(read_number(*r, "early_market_prob", p.early_market_prob, "routine."));
    check(read_number(*r, "rubbish_prob", p.rubbish_prob, "routine."));
    check(read_number(*r, "visitor_prob", p.visitor_prob, "routine."));
    check(read_number(*r, "guest_late_prob", p.guest_late_prob, "routine."));
    check(read_number(*r, "late_return_prob", p.late_return_prob, "routine."));
    check(read_number(*r, "shopping_prob", p.shopping_prob, "routine."));
    check(read_number(*r, "walk_prob", p.walk_prob, "routine."));
    check(read_number(*r, "chore_door_prob", p.chore_door_prob, "routine."));
    check(read_number(*r, "shower_prob", p.shower_prob, "routine."));
    check(read_number(*r, "laundry_prob", p.laundry_prob, "routine."));
    check(read_number(*r, "cleaning_prob", p.cleaning_prob, "routine."));
  }
  return err;
}

}  // namespace fleetsim
