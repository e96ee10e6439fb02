// test_durability_damaged_db.cpp: a damaged database is refused with one clear line and exit
// code 4 (no crash loop), `edgegw repair` keeps what can be read (alert ids continue, same
// incarnation), a wiped data dir starts a new incarnation whose ids restart at 1, and the
// example gateway_id is refused when the config comes from /etc. Real brokers, real RocksDB.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

#include "drivers/timestamp.h"
#include "gateway/alert/alert_codec.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

struct Life {
  std::set<uint64_t> incarnations;
  uint64_t min_id = 0, max_id = 0;
  size_t alerts = 0;
};

// One gateway life on `data`: 3 new meters go silent 12 h (3 W1 raises), then it stops.
// `start` counts the gateway's starts on this data dir's log (<data>.log).
Life live_once(TestSite& site, int first_meter, size_t start) {
  AlertCollector collector(site.upstream.url(), site.alerts_topic(),
                           fmt::format("life-{}", first_meter));
  {
    auto gw = site.start({}, start);
    Publisher meters(site.ingest.url(), fmt::format("life-meters-{}", first_meter));
    for (const Input& in :
         w1_input(3, first_meter, 60, 100, *parse_iso8601_utc("2024-08-01T00:00:00Z")))
      meters.publish(in.topic, in.payload);
    REQUIRE(collector.wait_for(3, 15000));
    gw->stop();
  }
  Life life;
  for (const std::string& raw : collector.raw_messages()) {
    auto batch = decode_batch(raw);
    REQUIRE(batch);
    life.incarnations.insert(batch->incarnation);
    for (const Alert& a : batch->alerts) {
      life.min_id = life.alerts ? std::min(life.min_id, a.id) : a.id;
      life.max_id = std::max(life.max_id, a.id);
      ++life.alerts;
    }
  }
  return life;
}

}  // namespace

TEST_CASE(
    "durability: damaged database refused in one line, repair keeps it, a wiped one is a "
    "new incarnation") {
  TestSite site("gw-life");
  const std::string& data = site.data;
  const TempDir& tmp = site.tmp;

  const Life first = live_once(site, 100, 1);
  REQUIRE(first.incarnations.size() == 1);
  const uint64_t incarnation = *first.incarnations.begin();
  CHECK(incarnation != 0);
  CHECK(first.min_id == 1);

  // Damage: RocksDB's CURRENT file overwritten (as a torn write or a bad card would).
  write_file(data + "/db/CURRENT", "garbage");
  Process refused({bin_path("edgegw"), "run", "--config", site.config, "--data-dir", data},
                  tmp.file("refused.log"));
  CHECK(refused.wait(15000) == 4);  // kExitDamaged: the unit does not restart it
  const std::string log = log_tail(tmp.file("refused.log"), 50);
  INFO(log);
  size_t error_lines = 0;
  for (size_t at = log.find("error: "); at != std::string::npos; at = log.find("error: ", at + 1))
    ++error_lines;
  CHECK(error_lines == 1);
  CHECK(log.find("is damaged") != std::string::npos);
  CHECK(log.find("edgegw repair --data-dir " + data) != std::string::npos);

  std::string out;
  CHECK(run_command({bin_path("edgegw"), "repair", "--data-dir", data}, &out) == 0);
  MESSAGE(out);
  CHECK(out.find("repaired") != std::string::npos);

  // Repaired: the same incarnation, and ids go on after the ones already used.
  const Life second = live_once(site, 200, 2);
  CHECK(second.incarnations == std::set<uint64_t>{incarnation});
  CHECK(second.min_id > first.max_id);

  // Wiped: ids restart at 1, under a new incarnation that upstream can tell apart.
  std::filesystem::remove_all(data);
  const Life third = live_once(site, 300, 3);
  REQUIRE(third.incarnations.size() == 1);
  CHECK(*third.incarnations.begin() != incarnation);
  CHECK(*third.incarnations.begin() != 0);
  CHECK(third.min_id == 1);
}

TEST_CASE("config: the example gateway_id is refused when the config comes from /etc") {
  char dir_template[] = "/etc/edgegw-test.XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);  // the suite runs as root
  const std::string dir = dir_template;
  write_file(dir + "/edgegw.toml", "# example\ngateway_id = \"edgegw\"\nclock = \"event\"\n");
  TempDir tmp;
  Process p(
      {bin_path("edgegw"), "run", "--config", dir + "/edgegw.toml", "--data-dir", tmp.file("data")},
      tmp.file("run.log"));
  const int rc = p.wait(10000);
  const std::string log = log_tail(tmp.file("run.log"), 10);
  std::filesystem::remove_all(dir);
  INFO(log);
  CHECK(rc == 2);
  CHECK(log.find(dir + "/edgegw.toml:2: gateway_id = \"edgegw\" is the example id") !=
        std::string::npos);
}
