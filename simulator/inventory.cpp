// inventory.cpp: writing the gateway's site inventory and the run's meta sidecar.
#include "simulator/inventory.h"

#include <cstdlib>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "util/json.h"

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
  edgegw::JsonWriter w;
  w.begin_object();
  w.key("households").value(m.households);
  w.key("facades").value(m.facades);
  w.key("buildings").value(m.buildings);
  w.key("days").value(m.days);
  w.key("start").time(m.start_ms);
  w.key("end").time(m.end_ms);
  w.key("seed").value(m.seed);
  w.key("report_minutes").value(m.report_minutes);
  w.key("messages").value(m.messages);
  w.key("baseline").begin_array();
  for (const BaselineAlert& a : m.baseline) {
    w.begin_object();
    w.key("subject").value(a.subject);
    w.key("sensor").value(a.sensor);
    w.key("event").time(a.event_ms);
    w.key("detect").time(a.detect_ms);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out << w.str() << '\n';
}

}  // namespace fleetsim
