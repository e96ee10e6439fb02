// config.cpp: TOML config parsing with toml++, checked key by key against what we know.
#include "gateway/config.h"

#include "gateway/detect/household_model.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <span>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace edgegw {

namespace {

// Reads the keys of one TOML table and reports, with file and line, any key it did not read.
class TableReader {
 public:
  // `line_offset`: lines of the file before the text that `t` was parsed from (a chunk of a
  // large inventory file, see load_inventory).
  TableReader(const toml::table& t, std::string origin, std::string prefix, int line_offset = 0)
      : table_(t),
        origin_(std::move(origin)),
        prefix_(std::move(prefix)),
        line_offset_(line_offset) {}

  [[noreturn]] void fail(const toml::node* node, std::string_view key, std::string_view why) const {
    const auto line =
        line_offset_ + (node ? node->source().begin.line : table_.source().begin.line);
    throw ConfigError(fmt::format("{}:{}: key '{}{}': {}", origin_, line, prefix_, key, why));
  }

  const toml::node* get(std::string_view key) {
    seen_.insert(std::string(key));
    return table_.get(key);
  }

  void read(std::string_view key, std::string& out) {
    if (auto* n = get(key)) {
      auto v = n->value<std::string>();
      if (!v || n->type() != toml::node_type::string) fail(n, key, "expected a string");
      out = *v;
    }
  }
  void read(std::string_view key, bool& out) {
    if (auto* n = get(key)) {
      if (!n->is_boolean()) fail(n, key, "expected true or false");
      out = *n->value<bool>();
    }
  }
  template <typename Int>
  void read_int(std::string_view key, Int& out, int64_t min, int64_t max, int64_t scale = 1) {
    if (auto* n = get(key)) {
      if (!n->is_integer()) fail(n, key, "expected an integer");
      const int64_t v = *n->value<int64_t>();
      if (v < min || v > max) fail(n, key, fmt::format("must be between {} and {}", min, max));
      out = static_cast<Int>(v * scale);
    }
  }
  void read_number(std::string_view key, double& out, double min, double max) {
    if (auto* n = get(key)) {
      if (!n->is_number()) fail(n, key, "expected a number");
      const double v = *n->value<double>();
      if (!(v >= min && v <= max)) fail(n, key, fmt::format("must be between {} and {}", min, max));
      out = v;
    }
  }
  void read_strings(std::string_view key, std::vector<std::string>& out) {
    if (auto* n = get(key)) {
      const toml::array* arr = n->as_array();
      if (!arr) fail(n, key, "expected an array of strings");
      out.clear();
      for (const auto& e : *arr) {
        if (!e.is_string()) fail(&e, key, "expected an array of strings");
        out.push_back(*e.value<std::string>());
      }
    }
  }
  const toml::table* sub_table(std::string_view key) {
    if (auto* n = get(key)) {
      if (!n->is_table()) fail(n, key, "expected a table");
      return n->as_table();
    }
    return nullptr;
  }
  const toml::array* table_array(std::string_view key) {
    if (auto* n = get(key)) {
      if (!n->is_array_of_tables()) fail(n, key, "expected [[" + std::string(key) + "]] tables");
      return n->as_array();
    }
    return nullptr;
  }

  // Every key of the table must have been read.
  void finish() const {
    for (auto&& [k, v] : table_)
      if (!seen_.contains(std::string(k.str()))) fail(&v, k.str(), "unknown key");
  }

  const std::string& origin() const { return origin_; }
  int line_offset() const { return line_offset_; }

 private:
  const toml::table& table_;
  std::string origin_;
  std::string prefix_;
  int line_offset_ = 0;
  std::set<std::string> seen_;
};

void read_broker(TableReader& r, BrokerConfig& b) {
  r.read("url", b.url);
  r.read("client_id", b.client_id);
  r.read("username", b.username);
  r.read("password_file", b.password_file);
  r.read("tls_ca_file", b.tls.ca_file);
  r.read("tls_cert_file", b.tls.cert_file);
  r.read("tls_key_file", b.tls.key_file);
  r.read("tls_verify_server", b.tls.verify_server);
  if (b.url.rfind("ssl://", 0) == 0 || b.url.rfind("mqtts://", 0) == 0) b.tls.enabled = true;
}

void read_rules(TableReader& r, RulesConfig& c) {
  constexpr int64_t kDay = 24, kWeek = 7 * 24;
  r.read_int("w1_window_h", c.w1_window_s, 1, kWeek, 3600);
  r.read_number("w1_threshold_m3", c.w1_threshold_m3, 0.0001, 10);
  r.read_number("w1_sign_of_life_m3", c.w1_sign_of_life_m3, 0, 10);
  r.read_int("w1_min_awake_h", c.w1_min_awake_s, 0, kWeek, 3600);
  r.read_int("w1_bedtime_min", c.w1_bedtime_s, 0, kDay * 60, 60);
  r.read_int("w1_bedtime_learn_days", c.w1_bedtime_learn_days, 0, HouseholdModel::kDays - 1);
  r.read_int("w1_return_quiet_h", c.w1_return_quiet_s, 0, kDay, 3600);
  r.read_int("c1_after_w1_h", c.c1_after_w1_s, 0, kWeek, 3600);
  r.read_int("w2_window_h", c.w2_window_s, 1, kWeek, 3600);
  r.read_number("w2_threshold_m3", c.w2_threshold_m3, 0.0001, 10);
  r.read_int("w3_min_duration_min", c.w3_min_duration_s, 1, kDay * 60, 60);
  r.read_int("w3_min_duration_coarse_min", c.w3_min_duration_coarse_s, 1, kDay * 60, 60);
  r.read_number("w3_min_rate_m3h", c.w3_min_rate_m3h, 0, 100);
  r.read_number("w3_steady_share", c.w3_steady_share, 0, 1);
  r.read_number("w3_steady_spread", c.w3_steady_spread, 0, 10);
  double retired = 0;  // W3 asks for a floor now; a site config that set the old ratio loads
  r.read_number("w3_max_rate_ratio", retired, 1, 100);
  r.read_number("w3_trickle_min_rate_m3h", c.w3_trickle_min_rate_m3h, 0, 100);
  r.read_int("w3_trickle_night_min", c.w3_trickle_night_s, 1, kDay * 60, 60);
  r.read_int("w3_trickle_skip_min", c.w3_trickle_skip_s, 0, kDay * 60, 60);
  r.read_number("w3_tap_rate_m3h", c.w3_tap_rate_m3h, 0.001, 100);
  r.read_number("w3_tap_volume_m3", c.w3_tap_volume_m3, 0.001, 100);
  r.read_number("w3_tap_burst_m3h", c.w3_tap_burst_m3h, 0.001, 100);
  r.read_int("w3_sustained_h", c.w3_sustained_s, 1, kWeek, 3600);
  r.read_number("w3_sustained_min_rate_m3h", c.w3_sustained_min_rate_m3h, 0, 100);
  r.read_int("h1_min_days", c.h1_min_days, 1, HouseholdModel::kDays);
  r.read_int("h1_morning_min_days", c.h1_morning_min_days, 1, HouseholdModel::kDays);
  r.read_int("h1_morning_late_min", c.h1_morning_late_s, 0, kDay * 60, 60);
  r.read_int("h1_morning_up_min", c.h1_morning_up_s, 0, kDay * 60, 60);
  r.read_number("h1_factor", c.h1_factor, 1, 10);
  r.read_int("h1_margin_min", c.h1_margin_s, 0, kDay * 60, 60);
  r.read_int("h1_min_quiet_h", c.h1_min_quiet_s, 1, kWeek, 3600);
  r.read_number("outing_quantile", c.outing_quantile, 0.5, 1);
  r.read_number("outing_factor", c.outing_factor, 1, 10);
  r.read_int("outing_min_alert_h", c.outing_min_alert_s, 1, 30 * kDay, 3600);
  r.read_int("outing_min_outings", c.outing_min_outings, 1, 255);
  r.read_int("d3_confirm_min", c.d3_confirm_s, 0, kDay * 60, 60);
  r.read_int("d3_dawn_min", c.d3_dawn_s, 0, kDay * 60, 60);
  r.read_int("guest_stay_h", c.guest_stay_s, 0, kWeek, 3600);
  r.read_int("d3_guest_evening_min", c.d3_guest_evening_s, 0, kDay * 60, 60);
  r.read_int("d3_up_evening_min", c.d3_up_evening_s, 0, kDay * 60, 60);
  r.read_int("d3_guest_confirm_h", c.d3_guest_confirm_s, 0, kDay, 3600);
  r.read_int("d3_dawn_confirm_min", c.d3_dawn_confirm_s, 0, kDay * 60, 60);
  r.read_int("d3_usual_outings", c.d3_usual_outings, 1, 255);
  r.read_number("w4_daily_max_m3", c.w4_daily_max_m3, 0.01, 1000);
  r.read_int("max_absence_h", c.max_absence_s, 1, 30 * kDay, 3600);
  r.read_int("d1_min_openings", c.d1_min_openings, 1, 1000);
  r.read_int("d1_window_h", c.d1_window_s, 1, kWeek, 3600);
  r.read_int("d2_window_h", c.d2_window_s, 1, kWeek, 3600);
  r.read_int("d4_open_min", c.d4_open_s, 1, kDay * 60, 60);
  r.read_int("s1_door_silence_h", c.s1_door_silence_s, 1, kWeek, 3600);
  r.read_int("s1_meter_missed_reports", c.s1_meter_missed_reports, 1, 1000);
  r.read_int("s2_stuck_min_openings", c.s2_stuck_min_openings, 1, 1000);
  r.read_int("s2_stuck_register_h", c.s2_stuck_register_s, 24, 30 * kDay, 3600);
  r.read_int("s2_stuck_home_h", c.s2_stuck_home_s, 0, kWeek, 3600);
  r.read_number("s2_battery_low_pct", c.s2_battery_low_pct, 0, 100);
  r.read_number("s2_battery_low_years", c.s2_battery_low_years, 0, 50);
}

void read_limits(TableReader& r, DecodeLimits& l) {
  r.read_int("max_payload_bytes", l.max_payload_bytes, 16, 16 << 20);
  r.read_int("max_string_bytes", l.max_string_bytes, 8, 4096);
  r.read_int("max_status_bytes", l.max_status_bytes, 16, 64 * 1024);
  r.read_int("max_depth", l.max_depth, 2, 256);
  r.read_int("max_future_skew_s", l.max_future_skew_ms, 0, 365LL * 86400, 1000);
  r.read_number("max_total_m3", l.max_total_m3, 1, 1e12);
}

// [cjt188]: the meters' clock offset and which status bit means what (vendors differ), as
// alarm name = bit number, e.g. { valve_closed = 0, low_battery = 2 }.
void read_cjt188(TableReader& r, const toml::table& t, Cjt188Options& o) {
  std::string offset;
  r.read("utc_offset", offset);
  if (!offset.empty()) {
    try {
      o.utc_offset_minutes = parse_utc_offset(offset);
    } catch (const std::invalid_argument&) {
      r.fail(t.get("utc_offset"), "utc_offset", "expected an offset like \"+08:00\"");
    }
  }
  if (const toml::table* bits = r.sub_table("status_bits")) {
    static constexpr std::pair<std::string_view, uint32_t> kAlarms[] = {
        {"leak", kAlarmLeak},
        {"burst", kAlarmBurst},
        {"dry", kAlarmDry},
        {"reverse_flow", kAlarmReverseFlow},
        {"blocked", kAlarmBlocked},
        {"tamper", kAlarmTamper},
        {"low_battery", kAlarmLowBattery},
        {"valve_closed", kAlarmValveClosed},
        {"other", kAlarmOther}};
    o.status = Cjt188StatusMap{};
    for (auto&& [name, node] : *bits) {
      uint32_t alarm = 0;
      for (const auto& [n, a] : kAlarms)
        if (n == name.str()) alarm = a;
      const std::string key = "status_bits." + std::string(name.str());
      if (alarm == 0)
        r.fail(&node, key,
               "unknown alarm; one of leak, burst, dry, reverse_flow, blocked, tamper, "
               "low_battery, valve_closed, other");
      if (!node.is_integer() || *node.value<int64_t>() < 0 || *node.value<int64_t>() > 15)
        r.fail(&node, key, "expected a status bit number 0..15");
      if (o.status.count == Cjt188StatusMap::kMaxBits) r.fail(&node, key, "too many bits");
      o.status.bits[o.status.count++] = {static_cast<uint8_t>(*node.value<int64_t>()), alarm};
    }
  }
}

// The index of `origin` in inv.sources, added when new.
uint16_t source_index(Inventory& inv, const std::string& origin) {
  if (inv.sources.empty() || inv.sources.back() != origin) inv.sources.push_back(origin);
  return static_cast<uint16_t>(inv.sources.size() - 1);
}

void read_inventory_tables(TableReader& top, Inventory& inv) {
  const uint16_t source = source_index(inv, top.origin());
  auto listed_at = [&](const toml::node& node) {
    return ListedAt{top.line_offset() + static_cast<int>(node.source().begin.line), source};
  };
  if (const toml::array* hs = top.table_array("household")) {
    inv.households.reserve(inv.households.size() + hs->size());  // not two copies at the peak
    for (const auto& node : *hs) {
      TableReader r(*node.as_table(), top.origin(), "household.", top.line_offset());
      Household h;
      r.read("id", h.id);
      if (h.id.empty()) r.fail(&node, "id", "every household needs an id");
      r.read_strings("meters", h.meters);
      r.read_strings("doors", h.doors);
      r.read("living_alone", h.living_alone);
      std::string text;
      r.read("utc_offset", text);
      try {
        if (!text.empty()) h.utc_offset_min = parse_utc_offset(text);
        text.clear();
        r.read("quiet_hours", text);
        if (!text.empty()) {
          const auto dash = text.find('-');
          if (dash == std::string::npos) throw std::invalid_argument("quiet_hours");
          h.quiet_start_min = parse_clock_minutes(text.substr(0, dash));
          h.quiet_end_min = parse_clock_minutes(text.substr(dash + 1));
        }
      } catch (const std::invalid_argument&) {
        r.fail(&node, "utc_offset / quiet_hours",
               "expected utc_offset like \"+08:00\" and quiet_hours like \"22:00-06:00\"");
      }
      r.finish();
      h.listed = listed_at(node);
      inv.households.push_back(std::move(h));
    }
  }
  if (const toml::array* fs = top.table_array("facade")) {
    for (const auto& node : *fs) {
      TableReader r(*node.as_table(), top.origin(), "facade.", top.line_offset());
      FacadeSite f;
      r.read("sensor", f.sensor);
      r.read("building", f.building);
      if (f.sensor.empty() || f.building.empty())
        r.fail(&node, "sensor", "every facade needs a sensor and a building");
      r.finish();
      f.listed = listed_at(node);
      inv.facades.push_back(std::move(f));
    }
  }
}

toml::table parse_toml(std::string_view text, const std::string& origin, int line_offset = 0) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw ConfigError(
        fmt::format("{}:{}: {}", origin, line_offset + e.source().begin.line, e.description()));
  }
}

// Read at once into a string of the file's size (a 9 MB inventory: a stringstream's growing
// and final copy were a tenth of the start-up); a pipe, whose size is unknown, through a stream.
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot open the file", path));
  const std::streamoff size = in.seekg(0, std::ios::end).tellg();
  if (size < 0) {
    in.clear();
    in.seekg(0);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string text(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(text.data(), size)) throw ConfigError(fmt::format("{}: cannot read the file", path));
  return text;
}

}  // namespace

int parse_utc_offset(std::string_view t) {
  if (t == "Z" || t == "UTC") return 0;
  if (t.size() != 6 || (t[0] != '+' && t[0] != '-') || t[3] != ':')
    throw std::invalid_argument("utc offset");
  const int minutes = parse_clock_minutes(t.substr(1));
  if (minutes > 14 * 60) throw std::invalid_argument("utc offset");
  return t[0] == '-' ? -minutes : minutes;
}

int parse_clock_minutes(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') throw std::invalid_argument("clock");
  for (int i : {0, 1, 3, 4})
    if (t[i] < '0' || t[i] > '9') throw std::invalid_argument("clock");
  const int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 23 || m > 59) throw std::invalid_argument("clock");
  return h * 60 + m;
}

std::string Config::ingest_client_id() const {
  return ingest.client_id.empty() ? "edgegw-" + gateway_id + "-ingest" : ingest.client_id;
}
std::string Config::uplink_client_id() const {
  return uplink.broker.client_id.empty() ? "edgegw-" + gateway_id + "-uplink"
                                         : uplink.broker.client_id;
}
std::string Config::uplink_topic() const {
  std::string t = uplink.topic;
  const auto pos = t.find("{gateway_id}");
  if (pos != std::string::npos) t.replace(pos, 12, gateway_id);
  return t;
}

std::string Config::status_socket() const {
  if (!status.socket.empty()) return status.socket;
  return (std::filesystem::path(data_dir) / "edgegw.sock").string();
}

Config parse_config(std::string_view text, const std::string& origin, const std::string& base_dir) {
  const toml::table root = parse_toml(text, origin);
  Config c;
  TableReader r(root, origin, "");
  r.read("gateway_id", c.gateway_id);
  if (c.gateway_id.empty() || c.gateway_id.find_first_of("/+#") != std::string::npos)
    r.fail(root.get("gateway_id"), "gateway_id", "must be non-empty, without / + #");
  std::string clock = "wall";
  r.read("clock", clock);
  if (clock == "wall")
    c.clock = ClockMode::wall;
  else if (clock == "event")
    c.clock = ClockMode::event;
  else
    r.fail(root.get("clock"), "clock", "expected \"wall\" or \"event\"");
  r.read("data_dir", c.data_dir);
  r.read_int("checkpoint_interval_s", c.checkpoint_interval_s, 0, 3600);  // 0: sync every write
  std::string inventory_path;
  r.read("inventory", inventory_path);

  if (const toml::table* t = r.sub_table("ingest")) {
    TableReader s(*t, origin, "ingest.");
    read_broker(s, c.ingest);
    s.finish();
  }
  if (const toml::table* t = r.sub_table("uplink")) {
    TableReader s(*t, origin, "uplink.");
    read_broker(s, c.uplink.broker);
    s.read("topic", c.uplink.topic);
    s.read_int("batch_max_alerts", c.uplink.batch_max_alerts, 1, 10000);
    s.read_int("batch_max_bytes", c.uplink.batch_max_bytes, 1024, 16 << 20);
    s.read_int("linger_ms", c.uplink.linger_ms, 0, 60000);
    s.read_int("backoff_min_ms", c.uplink.backoff_min_ms, 10, 600000);
    s.read_int("backoff_max_ms", c.uplink.backoff_max_ms, 10, 3600000);
    s.finish();
  }
  if (const toml::table* t = r.sub_table("outbox")) {
    TableReader s(*t, origin, "outbox.");
    s.read_int("max_bytes", c.outbox_max_bytes, 4096, int64_t{1} << 40);
    s.finish();
  }
  if (const toml::table* t = r.sub_table("deadletters")) {
    TableReader s(*t, origin, "deadletters.");
    s.read_int("max_entries", c.deadletter_max_entries, 1, 10000000);
    s.finish();
  }
  if (const toml::table* t = r.sub_table("status")) {
    TableReader s(*t, origin, "status.");
    s.read("socket", c.status.socket);
    s.read_int("http_port", c.status.http_port, 0, 65535);
    s.read_int("unhealthy_outbox_age_s", c.status.unhealthy_outbox_age_s, 1, 30 * 86400);
    s.finish();
  }
  if (const toml::table* t = r.sub_table("log")) {
    TableReader s(*t, origin, "log.");
    s.read_int("burst", c.log.burst, 1, 100000);
    s.read_int("per_minute", c.log.per_minute, 1, 1000000);
    s.finish();
  }
  if (const toml::table* t = r.sub_table("limits")) {
    TableReader s(*t, origin, "limits.");
    read_limits(s, c.limits);
    s.read_int("max_sensors", c.max_sensors, 1, 100000000);
    s.read_int("max_clock_ahead_s", c.max_clock_ahead_ms, 0, 365LL * 86400, 1000);
    s.finish();
  }
  if (const toml::table* t = r.sub_table("cjt188")) {
    TableReader s(*t, origin, "cjt188.");
    read_cjt188(s, *t, c.drivers.cjt188);
    s.finish();
  }
  if (const toml::table* t = r.sub_table("rules")) {
    TableReader s(*t, origin, "rules.");
    read_rules(s, c.rules);
    s.finish();
  }
  if (const toml::array* routes = r.table_array("routes")) {
    c.routes.clear();
    for (const auto& node : *routes) {
      TableReader s(*node.as_table(), origin, "routes.");
      Route route;
      std::string driver;
      s.read("filter", route.filter);
      s.read("driver", driver);
      auto id = driver_from_string(driver);
      if (!id)
        s.fail(node.as_table()->get("driver"), "driver",
               fmt::format("unknown driver '{}'", driver));
      if (route.filter.empty()) s.fail(&node, "filter", "every route needs a topic filter");
      route.driver = *id;
      s.finish();
      c.routes.push_back(std::move(route));
    }
  }
  read_inventory_tables(r, c.inventory);
  r.finish();

  if (!inventory_path.empty()) {
    std::filesystem::path p(inventory_path);
    if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
    load_inventory(p.string(), c.inventory);
  }
  check_inventory_ids(c.inventory);
  return c;
}

void check_inventory_ids(const Inventory& inv) {
  // Every id with where it is listed, sorted by id (then by listing order): a repeat is next
  // to its first listing. One sort of views into the inventory, no copies.
  struct Listing {
    std::string_view id;
    uint32_t entry;  // index of the household, or of the facade
    uint8_t key;     // 0 household.id, 1 household.meters, 2 household.doors, 3 facade.sensor
  };
  constexpr const char* kKeys[] = {"household.id", "household.meters", "household.doors",
                                   "facade.sensor"};
  std::vector<Listing> households, sensors;
  households.reserve(inv.households.size());
  sensors.reserve(inv.households.size() * 2 + inv.facades.size());
  for (uint32_t i = 0; i < inv.households.size(); ++i) {
    const Household& h = inv.households[i];
    households.push_back({h.id, i, 0});
    for (const std::string& m : h.meters) sensors.push_back({m, i, 1});
    for (const std::string& d : h.doors) sensors.push_back({d, i, 2});
  }
  for (uint32_t i = 0; i < inv.facades.size(); ++i)
    sensors.push_back({inv.facades[i].sensor, i, 3});
  auto where = [&](const Listing& l) {
    const ListedAt at = l.key == 3 ? inv.facades[l.entry].listed : inv.households[l.entry].listed;
    const std::string& file = at.source < inv.sources.size() ? inv.sources[at.source] : "";
    return fmt::format("{}:{}", file, at.line);
  };
  auto owner = [&](const Listing& l) {
    return l.key == 3 ? fmt::format("facade of '{}'", inv.facades[l.entry].building)
                      : fmt::format("household '{}'", inv.households[l.entry].id);
  };
  auto refuse_repeats = [&](std::vector<Listing>& all, const char* what) {
    std::stable_sort(all.begin(), all.end(),
                     [](const Listing& a, const Listing& b) { return a.id < b.id; });
    for (size_t i = 1; i < all.size(); ++i)
      if (all[i].id == all[i - 1].id)
        throw ConfigError(fmt::format("{}: key '{}': {} '{}' is listed twice (also at {}, {})",
                                      where(all[i]), kKeys[all[i].key], what, all[i].id,
                                      where(all[i - 1]), owner(all[i - 1])));
  };
  refuse_repeats(households, "household");
  refuse_repeats(sensors, "sensor");
}

namespace {

// Where a large inventory file may be cut into pieces that TOML parses alike: before a
// `[[household]]` or `[[facade]]` header line, every `kTablesPerChunk` tables. Only when those
// are the file's only table headers and it holds no multi-line string (which could hide a
// header-like line); otherwise the whole file is one piece. Offsets of the cuts, in order.
constexpr size_t kTablesPerChunk = 1024;

std::vector<size_t> inventory_cuts(std::string_view text) {
  if (text.find("\"\"\"") != std::string_view::npos || text.find("'''") != std::string_view::npos)
    return {};
  std::vector<size_t> cuts;
  size_t tables = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] == '[') {
      line.remove_prefix(first);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
        line.remove_suffix(1);
      if (line != "[[household]]" && line != "[[facade]]") return {};
      if (tables > 0 && tables % kTablesPerChunk == 0) cuts.push_back(pos);
      ++tables;
    }
    pos = end + 1;
  }
  return cuts;
}

// One piece of an inventory file: its text and the file line it starts after.
struct InventoryPiece {
  std::string_view text;
  int line_offset = 0;
};

// Parses `pieces` in order into `inv`, each turned into Households and freed before the next.
void read_inventory_pieces(std::span<const InventoryPiece> pieces, const std::string& path,
                           Inventory& inv) {
  for (const InventoryPiece& piece : pieces) {
    const toml::table root = parse_toml(piece.text, path, piece.line_offset);
    TableReader r(root, path, "", piece.line_offset);
    read_inventory_tables(r, inv);
    r.finish();
  }
}

}  // namespace

// A district's inventory (100,000 households, 10 MB of TOML) parsed whole is a toml++ tree of
// about 140 MB and a second of allocation: it is parsed in pieces of kTablesPerChunk tables
// instead, each turned into Households and freed before the next (errors name the file's line).
// The second half of the pieces is parsed on a second thread (toml++ keeps a parse's state in
// its own parser object: impl/parser.inl has no static or thread-local data), and appended in
// file order; when both halves are refused, the error of the first half is the one reported.
void load_inventory(const std::string& path, Inventory& inv) {
  const std::string text = read_file(path);
  const std::string_view all = text;
  std::vector<size_t> cuts = inventory_cuts(all);
  cuts.push_back(all.size());
  std::vector<InventoryPiece> pieces;
  pieces.reserve(cuts.size());
  size_t begin = 0;
  int line_offset = 0;
  for (const size_t end : cuts) {
    const std::string_view piece = all.substr(begin, end - begin);
    pieces.push_back({piece, line_offset});
    line_offset += static_cast<int>(std::count(piece.begin(), piece.end(), '\n'));
    begin = end;
  }
  // The second half of the pieces begins at `second_from`. Households are reserved once, in
  // each half: the pieces' reserve() then never reallocates.
  const size_t half = pieces.size() / 2;
  const size_t second_from = half == 0 ? all.size() : pieces[half].text.data() - all.data();
  size_t households = 0, second_households = 0;
  for (size_t at = all.find("[[household]]"); at != std::string_view::npos;
       at = all.find("[[household]]", at + 1)) {
    if (at < second_from)
      ++households;
    else
      ++second_households;
  }
  inv.households.reserve(inv.households.size() + households + second_households);
  source_index(inv, path);  // both halves' entries then name the file by the same index

  const std::span<const InventoryPiece> all_pieces(pieces);
  if (half == 0) {
    read_inventory_pieces(all_pieces, path, inv);
    return;
  }
  Inventory second;
  second.sources = inv.sources;
  second.households.reserve(second_households);
  std::exception_ptr second_error;
  {
    std::jthread worker([&] {
      try {
        read_inventory_pieces(all_pieces.subspan(half), path, second);
      } catch (...) {
        second_error = std::current_exception();
      }
    });
    read_inventory_pieces(all_pieces.first(half), path, inv);  // a throw joins the worker first
  }
  if (second_error) std::rethrow_exception(second_error);
  std::move(second.households.begin(), second.households.end(), std::back_inserter(inv.households));
  std::move(second.facades.begin(), second.facades.end(), std::back_inserter(inv.facades));
}

Config load_config(const std::string& path) {
  const std::string text = read_file(path);
  return parse_config(text, path, std::filesystem::path(path).parent_path().string());
}

}  // namespace edgegw
