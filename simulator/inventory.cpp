// inventory.cpp: writing the gateway's site inventory and the run's meta sidecar.
#include "simulator/inventory.h"

#include <cstdlib>

#include <fmt/format.h>

#include "drivers/timestamp.h"

namespace fleetsim {

std::string utc_offset_text(int minutes) {
  const int a = std::abs(minutes);
  return fmt::format("{}{:02}:{:02}", minutes < 0 ? '-' : '+', a / 60, a % 60);
}

void write_inventory(std::ostream& out, const SimConfig& c, const Fleet& fleet) {
  out << "# site inventory written by fleetsim (seed " << c.seed << ")\n";
  const std::string offset = utc_offset_text(c.utc_offset_min);
  for (const HouseholdInfo& h : fleet.households) {
    out << fmt::format(
        "[[household]]\nid = \"{}\"\nmeters = [\"{}\"]\ndoors = [\"{}\"]\nliving_alone = true\n"
        "utc_offset = \"{}\"\nquiet_hours = \"22:00-06:00\"\n",
        h.id, h.meter_id, h.door_id, offset);
  }
  for (const FacadeInfo& f : fleet.facades)
    out << fmt::format("[[facade]]\nsensor = \"{}\"\nbuilding = \"{}\"\n", f.sensor_id,
                       f.building_id);
}

void write_meta(std::ostream& out, const RunMeta& m) {
  out << fmt::format(
      "{{\"households\":{},\"facades\":{},\"buildings\":{},\"days\":{},\"start\":\"{}\",\"end\":\"{"
      "}\","
      "\"seed\":{},\"report_minutes\":{},\"messages\":{},\n\"baseline\":[",
      m.households, m.facades, m.buildings, m.days, edgegw::format_iso8601_utc(m.start_ms),
      edgegw::format_iso8601_utc(m.end_ms), m.seed, m.report_minutes, m.messages);
  for (size_t i = 0; i < m.baseline.size(); ++i) {
    const BaselineAlert& a = m.baseline[i];
    out << fmt::format(
        "{}\n{{\"subject\":\"{}\",\"sensor\":\"{}\",\"event\":\"{}\",\"detect\":\"{}\"}}",
        i ? "," : "", a.subject, a.sensor, edgegw::format_iso8601_utc(a.event_ms),
        edgegw::format_iso8601_utc(a.detect_ms));
  }
  out << "]}\n";
}

}  // namespace fleetsim
