// activity.cpp: the confounder records' names and their TSV sidecar.
#include "simulator/activity.h"

#include <sstream>

#include <fmt/format.h>

#include "drivers/timestamp.h"

namespace fleetsim {

std::optional<Activity> activity_from_string(std::string_view name) {
  for (size_t i = 0; i < kActivities; ++i)
    if (kActivityNames[i] == name) return static_cast<Activity>(i);
  return std::nullopt;
}

void write_activities(std::ostream& out, const std::vector<std::string>& household_ids,
                      const std::vector<ActivityRecord>& records) {
  for (const ActivityRecord& r : records)
    out << fmt::format("{}\t{}\t{}\t{}\n", household_ids[static_cast<size_t>(r.household)],
                       to_string(r.kind), edgegw::format_iso8601_utc(r.from_ms),
                       edgegw::format_iso8601_utc(r.to_ms));
}

std::string parse_activities(const std::string& text, std::vector<NamedActivity>& out) {
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.empty()) continue;
    std::string_view rest = line;
    std::string_view field[4];
    for (int i = 0; i < 4; ++i) {
      const size_t tab = i < 3 ? rest.find('\t') : rest.size();
      if (tab == std::string_view::npos)
        return fmt::format("line {}: needs 4 tab-separated fields", n);
      field[i] = rest.substr(0, tab);
      rest.remove_prefix(std::min(rest.size(), tab + 1));
    }
    auto kind = activity_from_string(field[1]);
    if (!kind) return fmt::format("line {}: unknown activity '{}'", n, field[1]);
    auto from = edgegw::parse_iso8601_utc(field[2]), to = edgegw::parse_iso8601_utc(field[3]);
    if (!from || !to) return fmt::format("line {}: bad time", n);
    out.push_back({std::string(field[0]), *kind, *from, *to});
  }
  return {};
}

}  // namespace fleetsim
