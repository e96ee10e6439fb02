// test_outbox.cpp: the RocksDB outbox on real database files: order, ids across reopen, trim,
// the byte bound's eviction order and counts, the G1 report, and what survives a reopen.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "gateway/alert/alert_codec.h"
#include "gateway/store/outbox.h"
#include "gateway/store/outbox_reader.h"
#include "gateway/uplink/outbox_report.h"
#include "tests/support/broker.h"

using namespace edgegw;

namespace {

Alert make_alert(const std::string& subject, Severity severity = Severity::Warning,
                 Audience audience = Audience::Care, int64_t event_time_ms = 1714521600000) {
  Alert a;
  a.subject = subject;
  a.sensor_id = "wm-" + subject;
  a.severity = severity;
  a.audience = audience;
  a.event_time_ms = event_time_ms;
  a.detect_time_ms = 1714564800000;
  a.observed = 0.002;
  a.threshold = 0.01;
  a.window_s = 43200;
  return a;
}

std::vector<std::string> subjects(const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const Alert& a : alerts) out.push_back(a.subject);
  return out;
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
    outbox.trim_through(2, 1714564900000);
    CHECK(outbox.stats().depth == 1);
    CHECK(outbox.stats().acknowledged == 2);
  }
  auto db = open_db(dir.path());
  Outbox outbox(*db, 1 << 20);
  CHECK(outbox.stats().last_puback_ms == 1714564900000);  // persisted for `edgegw outbox`
  CHECK(outbox.stats().head_id == 3);
  auto rest = outbox.peek(10, 1 << 20);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].subject == "c");
  CHECK(rest[0].id == 3);
  std::vector<Alert> more = {make_alert("d")};
  outbox.append(more);
  CHECK(more[0].id == 4);  // never reused, even after trimming
  outbox.trim_through(4);
  CHECK(outbox.stats().depth == 0);
  CHECK(outbox.stats().bytes == 0);
  std::vector<Alert> after = {make_alert("e")};
  outbox.append(after);
  CHECK(after[0].id == 5);
  outbox.trim_through(3);  // an old, repeated acknowledgement changes nothing
  CHECK(outbox.stats().depth == 1);
}

TEST_CASE("outbox peek respects the byte bound but always returns at least one alert") {
  test::TempDir dir;
  auto db = open_db(dir.path());
  Outbox outbox(*db, 1 << 20);
  std::vector<Alert> alerts = {make_alert("a"), make_alert("b"), make_alert("c")};
  outbox.append(alerts);
  CHECK(outbox.peek(10, 1).size() == 1);
  CHECK(outbox.peek(10, 1 << 20).size() == 3);
  CHECK(outbox.peek(2, 1 << 20).size() == 2);
}

TEST_CASE("a full outbox evicts maintenance before care, never a critical care alert first") {
  test::TempDir dir;
  auto db = open_db(dir.path());
  const size_t one = encode_alert(make_alert("crit")).size();  // all subjects are 4 chars
  Outbox outbox(*db, one * 3 + one / 2);                       // room for three
  std::vector<Alert> alerts = {make_alert("crit", Severity::Critical),
                               make_alert("main", Severity::High, Audience::Maintenance),
                               make_alert("car1", Severity::Warning)};
  outbox.append(alerts);
  std::vector<Alert> more = {make_alert("car2", Severity::Warning)};
  outbox.append(more);
  auto left = outbox.peek(10, 1 << 20);
  CHECK(subjects(left) == std::vector<std::string>{"crit", "car1", "car2"});
  CHECK(outbox.stats().evicted == 1);
  std::vector<Alert> third = {make_alert("car3", Severity::Warning)};
  outbox.append(third);
  left = outbox.peek(10, 1 << 20);
  CHECK(subjects(left) == std::vector<std::string>{"crit", "car2", "car3"});  // oldest warning went
  CHECK(outbox.stats().unreported_evictions == 2);
}

TEST_CASE("eviction order: by class (maintenance Info .. care Critical), oldest first within one") {
  test::TempDir dir;
  auto db = open_db(dir.path());
  const size_t one = encode_alert(make_alert("m00")).size();  // all subjects are 3 chars
  // Every class twice, newest first so that id order and eviction order differ.
  std::vector<Alert> alerts;
  const Severity sevs[] = {Severity::Critical, Severity::High, Severity::Warning, Severity::Info};
  for (int round = 0; round < 2; ++round)
    for (Audience aud : {Audience::Care, Audience::Maintenance})
      for (Severity sev : sevs)
        alerts.push_back(make_alert(
            fmt::format("{}{}{}", aud == Audience::Care ? "c" : "m", static_cast<int>(sev), round),
            sev, aud, 1714521600000 + round * 1000));
  // Encoded sizes differ a little by class (default values are not stored; ids are).
  size_t total = 0;
  for (Alert a : alerts) {
    a.id = 1000;
    total += encode_alert(a).size();
  }
  Outbox outbox(*db, total + one / 2);  // room for all sixteen
  outbox.append(alerts);
  CHECK(outbox.stats().evicted == 0);
  // Eviction rank of an original alert: class, then age (round).
  auto rank = [](const std::string& s) {
    return std::tuple(s[0] == 'm' ? 0 : 1, s[1] - '0', s[2] - '0');
  };
  std::vector<std::string> evicted_order;
  // Append care-critical alerts one at a time until all sixteen originals are gone.
  for (int i = 0; i < 40 && evicted_order.size() < 16; ++i) {
    auto before = subjects(outbox.peek(100, 1 << 20));
    std::vector<Alert> one_more = {make_alert(fmt::format("n{:02d}", i), Severity::Critical,
                                              Audience::Care, 1714600000000 + i)};
    outbox.append(one_more);
    auto after = subjects(outbox.peek(100, 1 << 20));
    std::vector<std::string> gone;
    for (const auto& s : before)
      if (std::find(after.begin(), after.end(), s) == after.end()) gone.push_back(s);
    CHECK(std::find(after.begin(), after.end(), one_more[0].subject) != after.end());
    std::sort(gone.begin(), gone.end(),
              [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    for (const auto& g : gone) evicted_order.push_back(g);
  }
  // Lowest class first; within a class the older (round 0) first; the critical care alerts
  // of the first batch go last of all, oldest first, once nothing else is left.
  CHECK(evicted_order == std::vector<std::string>{"m00", "m01", "m10", "m11", "m20", "m21", "m30",
                                                  "m31", "c00", "c01", "c10", "c11", "c20", "c21",
                                                  "c30", "c31"});
  const OutboxStats s = outbox.stats();
  CHECK(s.evicted == 16);
  CHECK(s.unreported_evictions == 16);
  for (size_t cls = 0; cls < kKeepClasses; ++cls) CHECK(s.evicted_by_class[cls] == 2);
  CHECK(s.bytes <= s.max_bytes);
}

TEST_CASE("evictions are counted durably and reported once as a G1 alert at the tail") {
  test::TempDir dir;
  const size_t one = encode_alert(make_alert("a000")).size();
  {
    auto db = open_db(dir.path());
    Outbox outbox(*db, one * 2 + one / 2);  // room for two
    for (int i = 0; i < 10; ++i) {
      std::vector<Alert> a = {make_alert(fmt::format("a{:03d}", i), Severity::Warning,
                                         i < 3 ? Audience::Care : Audience::Maintenance,
                                         1714521600000 + i * 60000)};
      outbox.append(a);
    }
    CHECK(outbox.stats().evicted == 8);
  }
  // The counts survive a restart (a kill -9 too: they are in the same synced write).
  auto db = open_db(dir.path());
  Outbox outbox(*db, one * 8);
  CHECK(outbox.stats().evicted == 8);
  CHECK(outbox.stats().unreported_evictions == 8);
  auto report = outbox.append_drop_report("gw-7", 1714600000000);
  REQUIRE(report);
  CHECK(report->rule == Rule::G1);
  CHECK(report->kind == AlertKind::AlertsDropped);
  CHECK(report->audience == Audience::Maintenance);
  CHECK(report->subject_kind == SubjectKind::Gateway);
  CHECK(report->subject == "gw-7");
  CHECK(report->observed == 8);
  CHECK(report->threshold == one * 8);
  CHECK(report->id == 11);
  CHECK(report->detect_time_ms == 1714600000000);
  // a002 pushed out a000 (only care alerts then); every maintenance alert went as it came.
  auto left = outbox.peek(100, 1 << 20);
  CHECK(subjects(left) == std::vector<std::string>{"a001", "a002", "gw-7"});
  CHECK(report->severity == Severity::High);      // a care alert (a000) was dropped
  CHECK(report->event_time_ms == 1714521600000);  // a000, the oldest dropped
  CHECK(report->window_s == 9 * 60);              // a000 .. a009
  CHECK(outbox.stats().unreported_evictions == 0);
  CHECK_FALSE(outbox.append_drop_report("gw-7", 1714600000001));
  CHECK(outbox.stats().evicted == 8);  // the total stays
}

TEST_CASE("many trimmed alerts: reopen and peek start at the head, not over the tombstones") {
  test::TempDir dir;
  constexpr int kAlerts = 30000;
  {
    auto db = open_db(dir.path());
    Outbox outbox(*db, 64 << 20);
    std::vector<Alert> batch;
    for (int i = 0; i < kAlerts; i += 100) {
      batch.clear();
      for (int j = 0; j < 100; ++j) batch.push_back(make_alert("x"));
      outbox.append(batch);
      outbox.trim_through(batch.back().id, 1);
    }
    std::vector<Alert> last = {make_alert("last")};
    outbox.append(last);
    CHECK(last[0].id == kAlerts + 1);
  }
  auto db = open_db(dir.path());
  const auto t0 = std::chrono::steady_clock::now();
  Outbox outbox(*db, 64 << 20);
  auto head = outbox.peek(10, 1 << 20);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  REQUIRE(head.size() == 1);
  CHECK(head[0].subject == "last");
  CHECK(outbox.stats().head_id == kAlerts + 1);
  CHECK(ms < 500);
}

TEST_CASE("a stopped gateway's outbox can be read read-only and reported as JSON") {
  test::TempDir dir;
  {
    auto db = open_db(dir.path());
    Outbox outbox(*db, 1 << 20);
    std::vector<Alert> alerts = {make_alert("a"), make_alert("b")};
    outbox.append(alerts);
    outbox.trim_through(1, 1714564900000);
  }
  const OutboxStats s = read_outbox_stats_from(dir.path(), 1 << 20);
  CHECK(s.depth == 1);
  CHECK(s.head_id == 2);
  CHECK(s.last_puback_ms == 1714564900000);
  const std::string json = outbox_report_json(s, nullptr, 1714564960000);
  CHECK(json.find(R"("depth":1)") != std::string::npos);
  CHECK(json.find(R"("last_puback":"2024-05-01T12:01:40)") != std::string::npos);
  CHECK(json.find(R"("last_puback_age_s":60.000)") != std::string::npos);
  CHECK(json.find(R"("state":"stopped")") != std::string::npos);
  UplinkStats u;
  u.connected = true;
  u.last_error = "a \"quoted\" error";
  const std::string running = outbox_report_json(s, &u, 1714564960000);
  CHECK(running.find(R"("state":"connected")") != std::string::npos);
  CHECK(running.find(R"(a \"quoted\" error)") != std::string::npos);
}

TEST_CASE("the read-only reader recovers what the outbox recovers - no Outbox on a read-only db") {
  test::TempDir dir;
  OutboxStats written;
  std::vector<Alert> waiting;
  {
    auto db = open_db(dir.path());
    const size_t one = encode_alert(make_alert("x")).size();
    Outbox outbox(*db, one * 2 + one / 2);  // room for two: one eviction
    std::vector<Alert> alerts = {make_alert("a", Severity::Info), make_alert("b"),
                                 make_alert("c", Severity::High), make_alert("d")};
    outbox.append(alerts);
    outbox.trim_through(alerts[1].id, 1714564900000);
    written = outbox.stats();
    waiting = outbox.peek(10, 1 << 20);
  }
  auto db = open_db_read_only(dir.path());
  CHECK(db->read_only);
  CHECK_THROWS_AS(Outbox(*db, 1 << 20), std::logic_error);
  const OutboxReader reader(*db, written.max_bytes);
  const OutboxStats& s = reader.stats();
  CHECK(s.depth == written.depth);
  CHECK(s.bytes == written.bytes);
  CHECK(s.max_bytes == written.max_bytes);
  CHECK(s.head_id == written.head_id);
  CHECK(s.next_id == written.next_id);
  CHECK(s.oldest_detect_ms == written.oldest_detect_ms);
  CHECK(s.evicted == written.evicted);
  CHECK(s.unreported_evictions == written.unreported_evictions);
  CHECK(s.last_puback_ms == written.last_puback_ms);
  CHECK(subjects(reader.peek(10, 1 << 20)) == subjects(waiting));
  CHECK(subjects(reader.peek(1, 1 << 20)).size() == 1);
}
