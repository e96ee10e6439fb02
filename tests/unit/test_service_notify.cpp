// test_service_notify.cpp: the systemd watchdog's judgement of the pipeline (PipelineJudge):
// pings go on while each stage progresses or is idle for a known reason, and stop when one hangs.
#include <doctest/doctest.h>

#include "gateway/service_notify.h"

using namespace edgegw;

namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

PipelineSample healthy(int64_t t_ms) {
  PipelineSample s;
  s.steady_ms = t_ms;
  s.wall_ms = kT0 + t_ms;
  s.watermark_ms = kT0 + t_ms - 800;  // the ticker moved it under a second ago
  s.ingest_connected = true;
  s.uplink_connected = true;
  return s;
}

}  // namespace

TEST_CASE(
    "an idle gateway stays alive: no readings nor alerts and the ingest broker comes and goes") {
  PipelineJudge judge;
  for (int64_t t = 0; t <= 600'000; t += 20'000) {
    PipelineSample s = healthy(t);
    s.ingest_connected = (t / 100'000) % 2 == 0;  // the ingest broker comes and goes
    CHECK(judge.update(s).alive);
  }
}

TEST_CASE("the detector is stuck when the ticker stops moving event time (wall clock)") {
  PipelineJudge judge;
  CHECK(judge.update(healthy(0)).alive);
  PipelineSample s = healthy(20'000);
  s.watermark_ms = s.wall_ms - 25'000;
  CHECK(judge.update(s).alive);  // within the 30 s bound
  s = healthy(40'000);
  s.watermark_ms = s.wall_ms - 31'000;
  const Liveness l = judge.update(s);
  CHECK_FALSE(l.alive);
  CHECK(l.reason.find("detector") != std::string::npos);
}

TEST_CASE("event-clock mode has no ticker: an old watermark is no hang") {
  PipelineJudge judge;
  PipelineSample s = healthy(0);
  s.wall_clock = false;
  s.watermark_ms = 1'000;
  CHECK(judge.update(s).alive);
  s.steady_ms = 600'000;
  CHECK(judge.update(s).alive);
}

TEST_CASE("the uplink is stuck when alerts wait on a live link and nothing is acknowledged") {
  PipelineJudge judge;
  PipelineSample s = healthy(0);
  s.outbox_depth = 3;
  CHECK(judge.update(s).alive);
  s = healthy(40'000);
  s.outbox_depth = 3;
  CHECK(judge.update(s).alive);  // 40 s: within the bound
  s = healthy(46'000);
  s.outbox_depth = 3;
  const Liveness l = judge.update(s);
  CHECK_FALSE(l.alive);
  CHECK(l.reason.find("uplink: 3 alerts waiting") != std::string::npos);

  s = healthy(60'000);  // a PUBACK: alive again
  s.outbox_depth = 1;
  s.acknowledged = 2;
  CHECK(judge.update(s).alive);
}

TEST_CASE("an upstream outage is a known reason: alerts wait while the uplink backs off") {
  PipelineJudge judge;
  for (int64_t t = 0; t <= 3'600'000; t += 20'000) {
    PipelineSample s = healthy(t);
    s.outbox_depth = 50 + static_cast<uint64_t>(t / 20'000);
    s.uplink_connected = (t / 20'000) % 4 == 3;  // a reconnect that fails again
    s.uplink_reconnects = static_cast<uint64_t>(t / 80'000);
    CHECK(judge.update(s).alive);
  }
}

TEST_CASE("at start the ticker has not ticked yet: no hang until the lag bound passes") {
  PipelineJudge judge;
  PipelineSample s = healthy(0);
  s.watermark_ms = 0;  // a fresh database
  CHECK(judge.update(s).alive);
  s = healthy(20'000);
  s.watermark_ms = 0;
  CHECK(judge.update(s).alive);
  s = healthy(31'000);
  s.watermark_ms = 0;
  CHECK_FALSE(judge.update(s).alive);
}
