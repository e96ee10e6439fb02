// io.cpp: reading CLI inputs and printing readings as JSON.
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "gateway/cli/commands.h"

namespace edgegw {

std::string read_input(const std::string& input) {
  std::stringstream ss;
  if (input == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(input, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot open {}", input));
    ss << in.rdbuf();
  }
  return ss.str();
}

namespace {

std::string escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += fmt::format("\\{}", static_cast<char>(c));
    else if (c < 0x20) out += fmt::format("\\u{:04x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

// Appends ,"key":value when the value is known.
void number(std::string& out, std::string_view key, double v) {
  if (!std::isnan(v)) out += fmt::format(R"(,"{}":{})", key, v);
}
void number(std::string& out, std::string_view key, float v) {
  if (!std::isnan(v)) out += fmt::format(R"(,"{}":{})", key, v);
}

std::string alarm_list(uint32_t alarms) {
  static constexpr std::pair<MeterAlarm, std::string_view> kNames[] = {
      {kAlarmLeak, "leak"},       {kAlarmBurst, "burst"},     {kAlarmDry, "dry"},
      {kAlarmReverseFlow, "reverse_flow"}, {kAlarmBlocked, "blocked"}, {kAlarmTamper, "tamper"},
      {kAlarmLowBattery, "low_battery"}, {kAlarmValveClosed, "valve_closed"}, {kAlarmOther, "other"}};
  std::string out = "[";
  for (const auto& [bit, name] : kNames)
    if (alarms & bit) out += fmt::format(R"({}"{}")", out.size() > 1 ? "," : "", name);
  return out + "]";
}

std::string_view kind_name(SensorKind k) {
  switch (k) {
    case SensorKind::water: return "water";
    case SensorKind::door: return "door";
    case SensorKind::facade: return "facade";
  }
  return "unknown";
}

std::string_view phase_name(FacadePhase p) {
  switch (p) {
    case FacadePhase::heating: return "heating";
    case FacadePhase::cooling: return "cooling";
    case FacadePhase::night: return "night";
    case FacadePhase::unknown: break;
  }
  return "unknown";
}

}  // namespace

std::string reading_to_json(const Reading& r) {
  std::string out = fmt::format(R"({{"sensor":"{}","kind":"{}")", escape(r.sensor_id), kind_name(r.kind));
  if (r.time_ms != 0) out += fmt::format(R"(,"time":"{}")", format_iso8601_utc(r.time_ms));
  else out += R"(,"time":null)";
  number(out, "battery_pct", r.battery_pct);
  number(out, "battery_years", r.battery_years);
  if (r.link_quality >= 0) out += fmt::format(R"(,"link_quality":{})", r.link_quality);
  if (r.availability != Availability::unknown)
    out += fmt::format(R"(,"availability":"{}")", r.availability == Availability::online ? "online" : "offline");
  switch (r.kind) {
    case SensorKind::water:
      number(out, "total_m3", r.water.total_m3);
      number(out, "flow_m3h", r.water.flow_m3h);
      out += fmt::format(R"(,"alarms":{})", alarm_list(r.water.alarms));
      break;
    case SensorKind::door:
      if (r.door.contact_closed)
        out += fmt::format(R"(,"contact":"{}")", *r.door.contact_closed ? "closed" : "open");
      out += fmt::format(R"(,"tamper":{})", r.door.tamper);
      break;
    case SensorKind::facade: {
      out += fmt::format(R"(,"phase":"{}","rain":{})", phase_name(r.facade.phase), r.facade.rain);
      number(out, "ref_c", r.facade.ref_c);
      out += R"(,"regions":[)";
      for (size_t i = 0; i < r.facade.regions.size(); ++i) {
        const FacadeRegion& g = r.facade.regions[i];
        out += fmt::format(R"({}{{"x":{},"y":{},"w":{},"h":{},"dT_c":{},"frames":{}}})",
                           i ? "," : "", g.x, g.y, g.w, g.h, g.dt_c, g.frames);
      }
      out += "]";
      if (!r.facade.frame_c.empty()) {
        float lo = r.facade.frame_c[0], hi = lo;
        for (float v : r.facade.frame_c) lo = std::min(lo, v), hi = std::max(hi, v);
        out += fmt::format(R"(,"frame":{{"pixels":{},"min_c":{},"max_c":{}}})",
                           r.facade.frame_c.size(), lo, hi);
      }
      break;
    }
  }
  out += "}";
  return out;
}

}  // namespace edgegw
