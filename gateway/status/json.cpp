// json.cpp: the JSON writer and the reading encoder (moved here from the CLI so that the
// gateway's `tail` stream and `edgegw parse` print readings the same way).
#include "gateway/status/json.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "drivers/timestamp.h"

namespace edgegw {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t utf8_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  return n;
}

}  // namespace

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
      ++i;
    } else if (const size_t n = utf8_length(s, i)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
  return out;
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_ += '{';
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  separate();
  out_ += '[';
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
  separate();
  out_ += '"';
  out_ += json_escape(k);
  out_ += "\":";
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::value(std::string_view s) {
  separate();
  out_ += '"';
  out_ += json_escape(s);
  out_ += '"';
  return *this;
}
JsonWriter& JsonWriter::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}
JsonWriter& JsonWriter::value(int64_t v) {
  separate();
  out_ += fmt::format("{}", v);
  return *this;
}
JsonWriter& JsonWriter::value(uint64_t v) {
  separate();
  out_ += fmt::format("{}", v);
  return *this;
}
JsonWriter& JsonWriter::value(double v) {
  separate();
  if (std::isfinite(v))
    out_ += fmt::format("{}", v);
  else
    out_ += "null";
  return *this;
}
JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}
JsonWriter& JsonWriter::time(int64_t ms) {
  if (ms == 0) return null();
  return value(format_iso8601_utc(ms));
}

std::string_view sensor_kind_name(SensorKind k) {
  switch (k) {
    case SensorKind::water: return "water";
    case SensorKind::door: return "door";
    case SensorKind::facade: return "facade";
  }
  return "unknown";
}

namespace {

// Appends ,"key":value when the value is known.
void number(std::string& out, std::string_view key, double v) {
  if (!std::isnan(v)) out += fmt::format(R"(,"{}":{})", key, v);
}
void number(std::string& out, std::string_view key, float v) {
  if (!std::isnan(v)) out += fmt::format(R"(,"{}":{})", key, v);
}

std::string alarm_list(uint32_t alarms) {
  static constexpr std::pair<MeterAlarm, std::string_view> kNames[] = {
      {kAlarmLeak, "leak"},
      {kAlarmBurst, "burst"},
      {kAlarmDry, "dry"},
      {kAlarmReverseFlow, "reverse_flow"},
      {kAlarmBlocked, "blocked"},
      {kAlarmTamper, "tamper"},
      {kAlarmLowBattery, "low_battery"},
      {kAlarmValveClosed, "valve_closed"},
      {kAlarmOther, "other"}};
  std::string out = "[";
  for (const auto& [bit, name] : kNames)
    if (alarms & bit) out += fmt::format(R"({}"{}")", out.size() > 1 ? "," : "", name);
  return out + "]";
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
  std::string out = fmt::format(R"({{"sensor":"{}","kind":"{}")", json_escape(r.sensor_id),
                                sensor_kind_name(r.kind));
  if (r.time_ms != 0)
    out += fmt::format(R"(,"time":"{}")", format_iso8601_utc(r.time_ms));
  else
    out += R"(,"time":null)";
  if (r.time_placeholder) out += R"(,"time_placeholder":true)";
  number(out, "battery_pct", r.battery_pct);
  number(out, "battery_years", r.battery_years);
  if (r.link_quality >= 0) out += fmt::format(R"(,"link_quality":{})", r.link_quality);
  if (r.availability != Availability::unknown)
    out += fmt::format(R"(,"availability":"{}")",
                       r.availability == Availability::online ? "online" : "offline");
  switch (r.kind) {
    case SensorKind::water:
      if (std::isnan(r.water.total_m3))
        out += R"(,"total_m3":null)";  // a report without a register: the meter is alive
      else
        number(out, "total_m3", r.water.total_m3);
      number(out, "flow_m3h", r.water.flow_m3h);
      out += fmt::format(R"(,"alarms":{})", alarm_list(r.water.alarms));
      if (!r.water.status.empty())
        out += fmt::format(R"(,"vendor_status":"{}")", json_escape(r.water.status));
      if (!r.water.model.empty())
        out += fmt::format(R"(,"model":"{}")", json_escape(r.water.model));
      break;
    case SensorKind::door:
      if (r.door.contact_closed)
        out += fmt::format(R"(,"contact":"{}")", *r.door.contact_closed ? "closed" : "open");
      out += fmt::format(R"(,"tamper":{})", r.door.tamper);
      if (r.door.battery_low) out += fmt::format(R"(,"battery_low":{})", *r.door.battery_low);
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
