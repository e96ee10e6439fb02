// test_alert_codec.cpp: alerts survive FlatBuffers encoding; bad bytes are refused.
#include <doctest/doctest.h>

#include "gateway/alert/alert_codec.h"

using namespace edgegw;

TEST_CASE("an AlertBatch round-trips every field") {
  Alert a;
  a.id = 42;
  a.rule = Rule::C1;
  a.kind = AlertKind::NoSignOfLife;
  a.audience = Audience::Care;
  a.severity = Severity::Critical;
  a.state = AlertState::Escalated;
  a.subject_kind = SubjectKind::Household;
  a.subject = "hh-1";
  a.sensor_id = "wm-1";
  a.event_time_ms = 1714521600123;
  a.detect_time_ms = 1714564800456;
  a.observed = 0.004;
  a.threshold = 0.01;
  a.window_s = 43200;
  Alert b = a;
  b.id = 43;
  b.rule = Rule::S1;
  const std::vector<Alert> in = {a, b};
  auto out = decode_batch(encode_batch("gw-1", in));
  REQUIRE(out);
  CHECK(out->gateway_id == "gw-1");
  REQUIRE(out->alerts.size() == 2);
  CHECK(out->alerts[0] == a);
  CHECK(out->alerts[1] == b);
  CHECK(decode_alert(encode_alert(a)) == a);
}

TEST_CASE("garbage is not an AlertBatch") {
  CHECK_FALSE(decode_batch(""));
  CHECK_FALSE(decode_batch("hello, world, this is not a flatbuffer"));
  std::string bytes = encode_batch("gw", std::vector<Alert>{Alert{}});
  bytes.resize(bytes.size() / 2);
  CHECK_FALSE(decode_batch(bytes));
}

TEST_CASE("alert JSON names the enums and times") {
  Alert a;
  a.id = 7;
  a.subject = "hh-\"1\"";
  a.event_time_ms = 1714521600000;
  const std::string json = alert_to_json("gw", a);
  CHECK(json.find(R"("rule":"W1")") != std::string::npos);
  CHECK(json.find(R"("state":"Raised")") != std::string::npos);
  CHECK(json.find(R"("event_time":"2024-05-01T00:00:00Z")") != std::string::npos);
  CHECK(json.find(R"("subject":"hh-\"1\"")") != std::string::npos);
}
