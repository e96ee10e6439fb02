// test_status.cpp: the status interface's pieces: JSON writer, HTTP request parsing, the
// recent-alerts log, the tail filter, and what a config reload may apply live.
#include <doctest/doctest.h>

#include "gateway/config_diff.h"
#include "gateway/status/alert_log.h"
#include "gateway/status/http.h"
#include "gateway/status/tail.h"
#include "util/json.h"

using namespace edgegw;

TEST_CASE("json writer: commas, nesting, escaping, non-finite numbers") {
  JsonWriter w;
  w.begin_object()
      .key("a")
      .value(1)
      .key("b")
      .begin_array()
      .value("x\"y")
      .null()
      .value(2.5)
      .end_array();
  w.key("c").begin_object().end_object().key("d").value(std::numeric_limits<double>::infinity());
  w.key("t").time(0).end_object();
  CHECK(w.str() == R"({"a":1,"b":["x\"y",null,2.5],"c":{},"d":null,"t":null})");
  CHECK(json_escape("a\nb\x01") == "a\\u000ab\\u0001");
  CHECK(json_escape("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(json_escape("bad\xff") == "bad\xef\xbf\xbd");
}

TEST_CASE("http: request line, decoded path and query") {
  auto r = parse_request_head(
      "GET /sensor/a%2Fb?limit=5&open&since=2024-05-01T00%3A00%3A00Z HTTP/1.0\r\nHost: x\r\n");
  REQUIRE(r);
  CHECK(r->method == "GET");
  CHECK(r->path == "/sensor/a/b");
  CHECK(r->param("limit") == "5");
  CHECK(r->query.contains("open"));
  CHECK(r->param("since") == "2024-05-01T00:00:00Z");
  CHECK(r->param("missing", "d") == "d");
  CHECK_FALSE(parse_request_head("GET /x"));
  CHECK_FALSE(parse_request_head("GET x HTTP/1.0"));
  CHECK_FALSE(parse_request_head("garbage"));
  CHECK(percent_decode(percent_encode("hh 1/ä?&")) == "hh 1/ä?&");
  CHECK(response_head(404, "application/json", 2) ==
        "HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\nConnection: "
        "close\r\nContent-Length: 2\r\n\r\n");
}

TEST_CASE("alert log: newest first, bounded, open set follows raise and clear") {
  AlertLog log(3);
  auto alert = [](uint64_t id, AlertState st, std::string subject, int64_t t) {
    Alert a;
    a.id = id;
    a.state = st;
    a.subject = std::move(subject);
    a.sensor_id = "m1";
    a.detect_time_ms = t;
    return a;
  };
  std::vector<Alert> batch = {alert(1, AlertState::Raised, "hh-1", 10),
                              alert(2, AlertState::Raised, "hh-2", 20)};
  log.add(batch);
  CHECK(log.open_count() == 2);
  batch = {alert(3, AlertState::Cleared, "hh-1", 30), alert(4, AlertState::Raised, "hh-3", 40)};
  log.add(batch);
  CHECK(log.open_count() == 2);
  auto recent = log.query({});
  REQUIRE(recent.size() == 3);  // capacity
  CHECK(recent[0].id == 4);
  CHECK(recent[2].id == 2);
  AlertQuery q;
  q.open_only = true;
  auto open = log.query(q);
  REQUIRE(open.size() == 2);
  CHECK(open[0].id == 4);
  CHECK(open[1].id == 2);
  q = {};
  q.since_ms = 25;
  CHECK(log.query(q).size() == 2);
  q = {};
  q.subject = "hh-2";
  CHECK(log.query(q).size() == 1);
  CHECK(log.counts().by[0][0][static_cast<size_t>(AlertState::Raised)] == 3);
  // An escalation of an open alert replaces it (one open alert per subject, sensor and kind);
  // another kind of the same sensor is another open alert.
  batch = {alert(5, AlertState::Escalated, "hh-2", 50)};
  batch.push_back(alert(6, AlertState::Raised, "hh-2", 60));
  batch.back().kind = AlertKind::NoWaterUse24h;
  log.add(batch);
  CHECK(log.open_count() == 3);
  q = {};
  q.open_only = true;
  q.subject = "hh-2";
  open = log.query(q);
  REQUIRE(open.size() == 2);
  CHECK(open[0].id == 6);
  CHECK(open[1].id == 5);
  CHECK(open[1].state == AlertState::Escalated);
}

TEST_CASE("tail filter: empty fields match everything") {
  TailEvent e{"reading", "m1", "water", "", "wmbusmeters/m1", "{}"};
  CHECK(TailFilter{}.matches(e));
  CHECK(TailFilter{"reading", "m1", "", ""}.matches(e));
  CHECK_FALSE(TailFilter{"alert", "", "", ""}.matches(e));
  CHECK_FALSE(TailFilter{"", "m2", "", ""}.matches(e));
  TailHub hub;
  CHECK_FALSE(hub.active());
  const int id = hub.subscribe(TailFilter{"", "m1", "", ""});
  CHECK(hub.active());
  hub.publish(e);
  hub.publish(TailEvent{"reading", "m2", "water", "", "t", "{\"x\":1}"});
  CHECK(hub.take(id) == "{}\n");
  hub.unsubscribe(id);
  CHECK_FALSE(hub.active());
}

TEST_CASE(
    "config reload: rules and inventory apply live - brokers, routes and ids need a restart") {
  Config a;
  Config b = a;
  b.rules.w1_threshold_m3 = 0.02;
  Household h;
  h.id = "hh-9";
  b.inventory.households.push_back(h);
  b.log.burst = 7;
  CHECK(plan_reload(a, b).restart_needed.empty());
  const Config live = apply_live(a, b);
  CHECK(live.rules.w1_threshold_m3 == 0.02);
  CHECK(live.inventory.households.size() == a.inventory.households.size());  // engine's
  CHECK(live.log.burst == 7);
  b.ingest.url = "tcp://10.0.0.1:1883";
  b.routes.pop_back();
  b.gateway_id = "other";
  CHECK(plan_reload(a, b).restart_needed ==
        std::vector<std::string>{"gateway_id", "ingest", "routes"});
  CHECK(apply_live(a, b).ingest.url == a.ingest.url);
}
