// cmd_tail.cpp: `edgegw tail`: live decoded readings, rejections and alerts from the running
// gateway until Ctrl-C; JSON lines with --json, else one short line per event.
#include <iostream>

#include <fmt/format.h>
#include <simdjson.h>

#include "gateway/cli/commands.h"
#include "gateway/cli/render.h"
#include "gateway/status/http.h"

namespace edgegw {

namespace {

std::string human_line(simdjson::dom::parser& parser, const std::string& line) {
  simdjson::dom::element e;
  if (parser.parse(line).get(e)) return line;
  const std::string type = field_text(e, "type");
  if (type == "reading") {
    auto r = e["reading"].value();
    std::string extra;
    for (const char* k : {"total_m3", "contact", "phase", "battery_pct", "availability"})
      if (field_text(r, k) != "-") extra += fmt::format(" {}={}", k, field_text(r, k));
    return fmt::format("reading  {} {:<6} {} {}{}", field_text(r, "time"), field_text(r, "kind"),
                       field_text(r, "sensor"), field_text(e, "driver"), extra);
  }
  if (type == "rejected")
    return fmt::format("REJECTED {} on {}: {}", field_text(e, "reason"), field_text(e, "topic"),
                       field_text(e, "detail"));
  if (type == "alert") {
    auto a = e["alert"].value();
    return fmt::format("ALERT    {} {} {} {} {} subject={} sensor={} id={}",
                       field_text(a, "detect_time"), field_text(a, "rule"), field_text(a, "kind"),
                       field_text(a, "state"), field_text(a, "severity"), field_text(a, "subject"),
                       field_text(a, "sensor"), field_text(a, "id"));
  }
  return line;
}

}  // namespace

int cmd_tail(const CommonOptions& opts, const TailOptions& f) {
  const std::optional<Target> resolved = resolve_target_or_report(opts);
  if (!resolved) {
    return kExitUsage;
  }
  const Target& target = *resolved;
  std::string path = "/tail?";
  for (const auto& [k, v] : {std::pair<const char*, const std::string&>{"type", f.type},
                             {"sensor", f.sensor},
                             {"kind", f.kind},
                             {"subject", f.subject}})
    if (!v.empty()) path += fmt::format("{}={}&", k, percent_encode(v));
  simdjson::dom::parser parser;
  std::string error;
  int status = 0;
  std::string first_body;
  status = http_stream(
      target.socket_path, path,
      [&](const std::string& line) {
        if (opts.json)
          std::cout << line << std::endl;
        else
          std::cout << human_line(parser, line) << std::endl;
        return static_cast<bool>(std::cout);
      },
      error);
  if (status == 0) {
    std::cerr << "edgegw: " << error << "\n";
    return kExitNotRunning;
  }
  return status == 200 ? kExitOk : kExitProblem;
}

}  // namespace edgegw
