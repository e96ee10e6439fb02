// test_household_days.cpp: households run through simulated days of real-format messages
// (wmbusmeters JSON, Zigbee2MQTT JSON, facade region JSON) over a real broker into the real
// gateway: stopped water + silent door -> W1 then C1; a night out -> no critical alert; a leak
// -> W3; a facade patch for days -> F1 then F2, a glint -> nothing; and a restart in the
// middle of a quiet period -> the alert at the same event time, once.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <thread>

#include "drivers/timestamp.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

constexpr int64_t kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;
const int64_t kStart = *parse_iso8601_utc("2024-04-30T16:00:00Z");  // 00:00 at +08:00

struct Site {
  TempDir tmp;
  Broker ingest{tmp.file("ingest-broker")};
  Broker upstream_broker{tmp.file("upstream-broker")};
  std::unique_ptr<AlertCollector> upstream;
  std::unique_ptr<GatewayProcess> gateway;
  std::unique_ptr<Publisher> pub;
  std::map<std::string, double> registers;

  Site() {
    std::string inventory;
    for (int i = 1; i <= 4; ++i)
      inventory += fmt::format(
          "[[household]]\nid = \"hh-{0}\"\nmeters = [\"wm-{0}\"]\ndoors = [\"door-{0}\"]\n"
          "utc_offset = \"+08:00\"\nquiet_hours = \"22:00-06:00\"\n",
          i);
    inventory += "[[facade]]\nsensor = \"fac-1\"\nbuilding = \"bld-1\"\n";
    inventory += "[[facade]]\nsensor = \"fac-2\"\nbuilding = \"bld-2\"\n";
    write_file(tmp.file("gw.toml"), fmt::format(R"(gateway_id = "gw-days"
clock = "event"
[ingest]
url = "{}"
[uplink]
url = "{}"
linger_ms = 0
{})",
                                                ingest.url(), upstream_broker.url(), inventory));
    upstream = std::make_unique<AlertCollector>(upstream_broker.url(), "edgegw/+/alerts");
    start_gateway();
    pub = std::make_unique<Publisher>(ingest.url());
  }
  void start_gateway() {
    gateway = std::make_unique<GatewayProcess>(tmp.file("gw.toml"), tmp.file("data"));
  }

  void water(int home, int64_t t, double use) {
    double& reg = registers[fmt::format("wm-{}", home)];
    if (reg == 0) reg = 100.0 + home;
    reg += use;
    pub->publish(
        fmt::format("wmbusmeters/wm-{}", home),
        fmt::format(
            R"({{"media":"water","meter":"iperl","id":"wm-{}","total_m3":{:.3f},"timestamp":"{}"}})",
            home, reg, format_iso8601_utc(t)));
  }
  void door(int home, int64_t t, bool closed) {
    pub->publish(
        fmt::format("zigbee2mqtt/door-{}", home),
        fmt::format(
            R"({{"battery":90,"contact":{},"linkquality":120,"voltage":3000,"last_seen":"{}"}})",
            closed ? "true" : "false", format_iso8601_utc(t)));
  }
  void facade(int sensor, int64_t t, const char* phase, double dt) {
    pub->publish(
        fmt::format("facade/fac-{}", sensor),
        fmt::format(
            R"({{"dev":"fac-{}","ts":"{}","phase":"{}","ref_c":31.1,"roi":[{{"x":12,"y":7,"w":3,"h":2,"mean_c":{:.1f},"dT_c":{:.1f},"frames":6}}]}})",
            sensor, format_iso8601_utc(t), phase, 31.1 + dt, dt));
  }
  // What reached the operations centre for `subject`: raised or escalated, not clears.
  std::vector<Alert> alerts_for(const std::string& subject) const {
    std::vector<Alert> out;
    for (const Alert& a : upstream->alerts())
      if (a.subject == subject && a.state != AlertState::Cleared) out.push_back(a);
    return out;
  }
};

bool has(const std::vector<Alert>& alerts, Rule rule) {
  return std::any_of(alerts.begin(), alerts.end(), [&](const Alert& a) { return a.rule == rule; });
}

// A normal day at home for household `h` on day `d`: out shopping 09:00-10:30 local, water at
// meal times; and the reports of every meter each 15 minutes.
void day_of_life(Site& s, int64_t day_start, int hours_from, int hours_to,
                 const std::vector<int>& homes, const std::vector<int>& active) {
  for (int64_t t = day_start + hours_from * kHour; t < day_start + hours_to * kHour;
       t += 15 * kMin) {
    const int hour = static_cast<int>((t - day_start) / kHour),
              minute = static_cast<int>((t - day_start) / kMin % 60);
    for (int h : homes) {
      const bool lives = std::find(active.begin(), active.end(), h) != active.end();
      if (lives && minute == 0 && hour == 9)
        s.door(h, t + 5 * kMin, false), s.door(h, t + 6 * kMin, true);
      if (lives && minute == 30 && hour == 10)
        s.door(h, t + 1 * kMin, false), s.door(h, t + 2 * kMin, true);
      const bool meal = hour == 7 || hour == 12 || hour == 18 || hour == 21;
      s.water(h, t, lives && meal && minute == 0 ? 0.02 : 0.0);
    }
  }
}

}  // namespace

TEST_CASE("several simulated days of households and facades through a real broker") {
  Site s;
  // Day 1 and 2: everyone normal. Day 3: hh-1 falls at 12:30 (no more water, no door);
  // hh-2 goes out at 19:00 for the night and comes back at 10:00 on day 4; hh-3 has a leak
  // from 13:00; hh-4 normal.
  day_of_life(s, kStart, 0, 24, {1, 2, 3, 4}, {1, 2, 3, 4});
  day_of_life(s, kStart + kDay, 0, 24, {1, 2, 3, 4}, {1, 2, 3, 4});
  const int64_t d3 = kStart + 2 * kDay;
  day_of_life(s, d3, 0, 13, {1, 2, 3, 4}, {1, 2, 3, 4});
  const int64_t last_use_hh1 = d3 + 12 * kHour;
  for (int64_t t = d3 + 13 * kHour; t < d3 + 36 * kHour; t += 15 * kMin) {
    const int64_t local = t - d3;
    s.water(1, t, 0.0);  // fallen: silent
    const bool hh2_away = local >= 19 * kHour && local < 34 * kHour;
    if (local == 19 * kHour) s.door(2, t, false), s.door(2, t + kMin, true);
    if (local == 34 * kHour) s.door(2, t, false), s.door(2, t + kMin, true);
    s.water(2, t, !hh2_away && (local % (6 * kHour)) == 0 ? 0.02 : 0.0);
    s.water(3, t, 0.004);  // leak: every report
    s.water(4, t, (local % (6 * kHour)) == 0 ? 0.02 : 0.0);
    if (local == 33 * kHour) s.door(4, t, false), s.door(4, t + kMin, true);
  }
  // Facades over three days: fac-1 has a hollow patch every heating phase; fac-2 has a glint.
  for (int d = 0; d < 3; ++d) {
    const int64_t day = kStart + d * kDay;
    for (int i = 0; i < 4; ++i) s.facade(1, day + 10 * kHour + i * 10 * kMin, "heating", 1.3);
    s.facade(1, day + 19 * kHour, "cooling", -0.7);
    s.facade(2, day + 10 * kHour, "heating", d == 1 ? 2.0 : 0.1);
    for (int i = 1; i < 4; ++i) s.facade(2, day + 10 * kHour + i * 10 * kMin, "heating", 0.1);
  }
  // The facade readings' timestamps are older than the watermark only by design: rules use
  // each sensor's own time.
  std::this_thread::sleep_for(std::chrono::seconds(3));

  auto hh1 = s.alerts_for("hh-1");
  REQUIRE(has(hh1, Rule::W1));
  REQUIRE(has(hh1, Rule::C1));
  for (const Alert& a : hh1)  // W1 after 12 h; C1, its escalation, 4 h later
    if (a.rule == Rule::W1 || a.rule == Rule::C1) {
      CHECK(a.state == (a.rule == Rule::W1 ? AlertState::Raised : AlertState::Escalated));
      CHECK(a.event_time_ms == last_use_hh1);
      CHECK(a.detect_time_ms == last_use_hh1 + (a.rule == Rule::W1 ? 12 : 16) * kHour);
    }
  auto c1 =
      *std::find_if(hh1.begin(), hh1.end(), [](const Alert& a) { return a.rule == Rule::C1; });
  CHECK(c1.severity == Severity::Critical);

  auto hh2 = s.alerts_for("hh-2");  // the night out
  CHECK_FALSE(has(hh2, Rule::C1));
  for (const Alert& a : hh2) CHECK(a.severity != Severity::Critical);

  auto hh3 = s.alerts_for("hh-3");
  CHECK(has(hh3, Rule::W3));
  CHECK_FALSE(has(hh3, Rule::C1));

  auto hh4 = s.alerts_for("hh-4");
  for (const Alert& a : hh4) CHECK(a.audience != Audience::Care);

  auto bld1 = s.alerts_for("bld-1");
  REQUIRE(has(bld1, Rule::F1));
  REQUIRE(has(bld1, Rule::F2));
  const auto f1 =
      std::find_if(bld1.begin(), bld1.end(), [](const Alert& a) { return a.rule == Rule::F1; });
  const auto f2 =
      std::find_if(bld1.begin(), bld1.end(), [](const Alert& a) { return a.rule == Rule::F2; });
  CHECK(f1->id < f2->id);
  CHECK(s.alerts_for("bld-2").empty());  // a single sunny glint
}

TEST_CASE(
    "a restart in the middle of a 12-hour quiet period: the alert comes at the same time, once") {
  Site s;
  day_of_life(s, kStart, 0, 13, {1}, {1});
  const int64_t last_use = kStart + 12 * kHour;
  for (int64_t t = kStart + 13 * kHour; t < kStart + 18 * kHour; t += 15 * kMin) s.water(1, t, 0.0);
  // Halfway: stop the gateway (SIGTERM), let readings queue on the broker, start it again.
  s.gateway->stop();
  for (int64_t t = kStart + 18 * kHour; t < kStart + 21 * kHour; t += 15 * kMin) s.water(1, t, 0.0);
  s.start_gateway();
  for (int64_t t = kStart + 21 * kHour; t <= kStart + 29 * kHour; t += 15 * kMin)
    s.water(1, t, 0.0);
  REQUIRE(s.upstream->wait_for(2, 15000));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto hh1 = s.alerts_for("hh-1");
  CHECK(std::count_if(hh1.begin(), hh1.end(), [](const Alert& a) { return a.rule == Rule::W1; }) ==
        1);
  CHECK(std::count_if(hh1.begin(), hh1.end(), [](const Alert& a) { return a.rule == Rule::C1; }) ==
        1);
  for (const Alert& a : hh1) {
    CHECK(a.event_time_ms == last_use);
    CHECK(a.detect_time_ms == last_use + (a.rule == Rule::W1 ? 12 : 16) * kHour);
  }
}
