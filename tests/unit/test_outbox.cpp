// test_outbox.cpp: the RocksDB outbox on real database files: order, ids across reopen, trim.
#include <doctest/doctest.h>

#include "gateway/store/outbox.h"
#include "gateway/uplink/alert_codec.h"
#include "tests/support/broker.h"

using namespace edgegw;

namespace {

Alert make_alert(const std::string& subject, Severity severity = Severity::Warning,
                 Audience audience = Audience::Care) {
  Alert a;
  a.subject = subject;
  a.sensor_id = "wm-" + subject;
  a.severity = severity;
  a.audience = audience;
  a.event_time_ms = 1714521600000;
  a.detect_time_ms = 1714564800000;
  a.observed = 0.002;
  a.threshold = 0.01;
  a.window_s = 43200;
  return a;
}

}  // namespace

TEST_CASE("outbox keeps alerts in id order and ids continue after a reopen") {
  test::TempDir dir;
  {
    auto db = open_db(dir.path());
    Outbox outbox(*db, 1 << 20);
    std::vector<Alert> alerts = {make_alert("a"), make_alert("b"), make_alert("c")};
    outbox.append(alerts);
    CHECK(alerts[0].id == 1);
    CHECK(alerts[2].id == 3);
    auto head = outbox.peek(2, 1 << 20);
    REQUIRE(head.size() == 2);
    CHECK(head[0].subject == "a");
    CHECK(head[1].subject == "b");
    CHECK(head[0] == alerts[0]);
    outbox.trim_through(2);
    CHECK(outbox.stats().depth == 1);
  }
  auto db = open_db(dir.path());
  Outbox outbox(*db, 1 << 20);
  auto rest = outbox.peek(10, 1 << 20);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].subject == "c");
  CHECK(rest[0].id == 3);
  std::vector<Alert> more = {make_alert("d")};
  outbox.append(more);
  CHECK(more[0].id == 4);  // never reused, even after trimming
  outbox.trim_through(4);
  CHECK(outbox.stats().depth == 0);
  std::vector<Alert> after = {make_alert("e")};
  outbox.append(after);
  CHECK(after[0].id == 5);
}

TEST_CASE("outbox peek respects the byte bound but always returns at least one alert") {
  test::TempDir dir;
  auto db = open_db(dir.path());
  Outbox outbox(*db, 1 << 20);
  std::vector<Alert> alerts = {make_alert("a"), make_alert("b"), make_alert("c")};
  outbox.append(alerts);
  CHECK(outbox.peek(10, 1).size() == 1);
  CHECK(outbox.peek(10, 1 << 20).size() == 3);
}

TEST_CASE("a full outbox evicts maintenance before care, never a critical care alert first") {
  test::TempDir dir;
  auto db = open_db(dir.path());
  const size_t one = encode_alert(make_alert("crit")).size();  // all subjects are 4 chars
  Outbox outbox(*db, one * 3 + one / 2);  // room for three
  std::vector<Alert> alerts = {make_alert("crit", Severity::Critical),
                               make_alert("main", Severity::High, Audience::Maintenance),
                               make_alert("car1", Severity::Warning)};
  outbox.append(alerts);
  std::vector<Alert> more = {make_alert("car2", Severity::Warning)};
  outbox.append(more);
  auto left = outbox.peek(10, 1 << 20);
  REQUIRE(left.size() == 3);
  CHECK(left[0].subject == "crit");
  CHECK(left[1].subject == "car1");
  CHECK(left[2].subject == "car2");
  CHECK(outbox.stats().evicted == 1);
  std::vector<Alert> third = {make_alert("car3", Severity::Warning)};
  outbox.append(third);
  left = outbox.peek(10, 1 << 20);
  REQUIRE(left.size() == 3);
  CHECK(left[0].subject == "crit");  // the oldest warning went, not the critical alert
  CHECK(left[1].subject == "car2");
  CHECK(outbox.take_unreported_evictions() == 2);
  CHECK(outbox.take_unreported_evictions() == 0);
}
