// test_durability_disk_full.cpp: the data dir on a small tmpfs filled to the brim while readings
// flow (needs root to mount, as the rest of the suite). The gateway must not crash: readings go
// on through detection, alerts are held in memory, `edgegw status` says it is unhealthy and why;
// when the space comes back, every alert raised in between reaches upstream, ids without a gap.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "drivers/timestamp.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/mqtt_peers.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

// A tmpfs mounted for the test and unmounted (lazily) by the destructor.
class SmallTmpfs {
 public:
  SmallTmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    ok_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    if (!ok_) error_ = std::strerror(errno);
  }
  ~SmallTmpfs() {
    if (ok_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_, error_;
  bool ok_ = false;
};

// Writes to `path` until the file system refuses another byte; returns the bytes written.
uint64_t fill_to_the_brim(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f);
  std::setvbuf(f, nullptr, _IONBF, 0);
  uint64_t written = 0;
  std::vector<char> chunk(1 << 20, 'x');
  for (size_t size = chunk.size(); size >= 1; size /= 2)
    while (std::fwrite(chunk.data(), 1, size, f) == size) written += size;
  std::fclose(f);
  return written;
}

}  // namespace

TEST_CASE(
    "durability: disk full while readings flow: no crash, unhealthy with the reason, every "
    "alert arrives once space returns") {
  TestSite site("gw-full");
  const std::string& data = site.data;  // the gateway's log is <data>.log, outside the tmpfs
  SmallTmpfs fs(data, "48m");
  INFO(fs.error());
  REQUIRE(fs.ok());  // the suite runs as root (deploy/setup.sh installs packages)
  DurableCollector collector(site.upstream.url(), site.alerts_topic(), "full-collector");
  auto gw = site.start();

  // 20 meters x 160 readings: W1 raised at step 48, cleared at 100, raised again at 148.
  const auto input = w1_input(20, 3000, 160, 100, *parse_iso8601_utc("2024-07-01T00:00:00Z"));
  Publisher meters(site.ingest.url(), "full-meters");
  size_t next = 0;
  auto publish_through_step = [&](int step) {
    for (; next < input.size() && next < static_cast<size_t>(step) * 20; ++next)
      meters.publish(input[next].topic, input[next].payload);
  };
  publish_through_step(40);
  REQUIRE(wait_until(
      [&] {
        return run_command({bin_path("edgegw"), "status", "--data-dir", data}) != 3;
      },
      5000));

  const uint64_t filled = fill_to_the_brim(data + "/filler");
  MESSAGE(fmt::format("filled the tmpfs with {} MB", filled >> 20));
  publish_through_step(130);  // the first raises and the clears happen on a full disk
  std::string out;
  INFO(log_tail(site.log, 30));
  CHECK(wait_until(
      [&] {
        out.clear();
        return run_command({bin_path("edgegw"), "status", "--data-dir", data}, &out) == 1 &&
               out.find("storage failing") != std::string::npos;
      },
      15000));
  INFO(out);
  MESSAGE(out);
  CHECK(out.find("alerts held in memory") != std::string::npos);
  CHECK(gw->process().running());
  // Detection went on: the raises were made (held), nothing reached upstream yet.
  CHECK(collector.alerts().empty());

  std::filesystem::remove(data + "/filler");
  publish_through_step(160);
  CHECK(collector.wait_for(60, 30000));
  collector.wait_quiet(800, 10000);
  CHECK(gw->process().running());
  CHECK(wait_until(
      [&] {
        return run_command({bin_path("edgegw"), "status", "--data-dir", data}) == 0;
      },
      15000));

  const auto alerts = collector.alerts();
  std::set<AlertKey> keys, w1;
  size_t raised = 0, cleared = 0;
  for (const Alert& a : alerts) {
    keys.insert(key_of(a));
    if (a.rule != Rule::W1 || !w1.insert(key_of(a)).second) continue;
    (a.state == AlertState::Raised ? raised : cleared) += 1;
  }
  CHECK(raised == 40);  // 20 meters x 2
  CHECK(cleared == 20);
  const IdCheck ids = check_ids(alerts);
  CHECK(ids.in_order);
  CHECK(ids.missing.empty());
  CHECK(ids.distinct == keys.size());  // each alert stored once (W1, and W2 at 24 h)
  INFO(log_tail(data + ".log", 40));
  CHECK(log_tail(data + ".log", 400).find("storage works again") != std::string::npos);
}
