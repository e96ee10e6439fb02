// cmd_query.cpp: `edgegw sensors | sensor ID | alerts | household ID [away]`: questions only
// the running gateway can answer (its detector state lives in memory), as tables or JSON.
#include <iostream>

#include <fmt/format.h>
#include <simdjson.h>

#include "drivers/timestamp.h"
#include "gateway/cli/commands.h"
#include "gateway/cli/render.h"
#include "gateway/config.h"
#include "gateway/status/http.h"
#include "util/time.h"

namespace edgegw {

namespace {

// Resolves the target and runs the request; prints JSON or calls `human` with the document.
template <typename Human>
int run_query(const CommonOptions& opts, const std::string& method, const std::string& path,
              Human human) {
  const std::optional<Target> resolved = resolve_target_or_report(opts);
  if (!resolved) {
    return kExitUsage;
  }
  const Target& target = *resolved;
  std::string body;
  if (int rc = query_gateway(target, method, path, body)) return rc;
  if (opts.json) {
    std::cout << body << "\n";
    return kExitOk;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) {
    std::cerr << "edgegw: the gateway answered something that is not JSON\n";
    return kExitProblem;
  }
  return human(doc);
}

std::string age_text(simdjson::dom::element row) {
  double age;
  if (row["age_s"].get(age)) return "never";
  if (age < 120) return fmt::format("{:.0f}s", age);
  if (age < 7200) return fmt::format("{:.0f}m", age / 60);
  if (age < 172800) return fmt::format("{:.1f}h", age / 3600);
  return fmt::format("{:.1f}d", age / 86400);
}

const std::vector<std::pair<std::string, std::string>> kAlertColumns = {{"ID", "id"},
                                                                        {"DETECTED", "detect_time"},
                                                                        {"RULE", "rule"},
                                                                        {"KIND", "kind"},
                                                                        {"STATE", "state"},
                                                                        {"SEVERITY", "severity"},
                                                                        {"AUDIENCE", "audience"},
                                                                        {"SUBJECT", "subject"},
                                                                        {"SENSOR", "sensor"},
                                                                        {"DETAIL", "detail"}};

void print_sensor_table(simdjson::dom::element sensors) {
  std::vector<std::vector<std::string>> rows;
  for (auto s : sensors.get_array()) {
    const bool silent = field_bool(s, "silent");
    rows.push_back({field_text(s, "sensor"), field_text(s, "kind"), field_text(s, "subject"),
                    field_text(s, "last_seen"), age_text(s), silent ? "SILENT" : "ok",
                    field_text(s, "open_alerts")});
  }
  print_table(std::cout, {"SENSOR", "KIND", "SUBJECT", "LAST SEEN", "AGE", "STATE", "OPEN ALERTS"},
              rows);
}

}  // namespace

int cmd_sensors(const CommonOptions& opts, const SensorsOptions& f) {
  std::string path = "/sensors?";
  if (f.silent) path += "silent=1&";
  if (f.unassigned) path += "unassigned=1&";
  if (!f.kind.empty()) path += "kind=" + percent_encode(f.kind);
  return run_query(opts, "GET", path, [&](simdjson::dom::element doc) {
    print_sensor_table(doc["sensors"].value());
    std::cout << fmt::format("\n{} sensors, {} silent, {} not in the inventory\n",
                             field_text(doc, "total"), field_text(doc, "silent"),
                             field_text(doc, "unassigned"));
    return kExitOk;
  });
}

int cmd_sensor(const CommonOptions& opts, const std::string& id) {
  return run_query(opts, "GET", "/sensor/" + percent_encode(id), [&](simdjson::dom::element doc) {
    print_fields(std::cout, doc["sensor"].value());
    simdjson::dom::element detector;
    if (!doc["detector"].get(detector) && detector.is_object()) {
      std::cout << "detector:\n";
      print_fields(std::cout, detector, 2);
    }
    std::cout << "\nrecent alerts:\n";
    print_object_table(std::cout, doc["recent_alerts"].value(), kAlertColumns);
    std::cout << "\nrecent rejected messages:\n";
    print_object_table(
        std::cout, doc["recent_rejections"].value(),
        {{"TIME", "time"}, {"REASON", "reason"}, {"TOPIC", "topic"}, {"DETAIL", "detail"}});
    return kExitOk;
  });
}

int cmd_alerts(const CommonOptions& opts, const AlertsOptions& f) {
  std::string path = fmt::format("/alerts?limit={}&", f.limit);
  if (f.open) path += "open=1&";
  if (!f.since.empty()) {
    std::string since = f.since;
    if (auto d = parse_duration_ms(f.since))
      since = format_iso8601_utc(wall_clock_ms() - *d);
    else if (!parse_iso8601_utc(f.since)) {
      std::cerr << "edgegw: --since: expected an ISO 8601 UTC time (2024-05-01T08:00:00Z) or a "
                   "duration (30m, 12h, 2d)\n";
      return kExitUsage;
    }
    path += "since=" + percent_encode(since);
  }
  return run_query(opts, "GET", path, [&](simdjson::dom::element doc) {
    print_object_table(std::cout, doc["alerts"].value(), kAlertColumns);
    std::cout << fmt::format("\n{} alerts open\n", field_text(doc, "open_count"));
    return kExitOk;
  });
}

int cmd_household(const CommonOptions& opts, const HouseholdOptions& h) {
  std::string method = "GET", path = "/household/" + percent_encode(h.id);
  if (h.away) {
    method = "POST";
    if (h.clear) {
      path += "/away/clear";
    } else {
      int64_t until = 0;
      if (!h.until.empty()) {
        auto t = parse_iso8601_utc(h.until);
        if (!t) {
          std::cerr
              << "edgegw: --until: expected an ISO 8601 UTC time, e.g. 2024-06-01T08:00:00Z\n";
          return kExitUsage;
        }
        until = *t;
      } else if (auto d = parse_duration_ms(h.for_duration)) {
        until = wall_clock_ms() + *d;
      } else {
        std::cerr << "edgegw: away needs --until TIME, --for DURATION (e.g. 3d) or --clear\n";
        return kExitUsage;
      }
      path += "/away?until=" + percent_encode(format_iso8601_utc(until));
    }
  }
  return run_query(opts, method, path, [&](simdjson::dom::element doc) {
    print_fields(std::cout, doc);
    return kExitOk;
  });
}

}  // namespace edgegw
