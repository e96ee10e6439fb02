// test_metrics.cpp: latency histogram buckets, the Prometheus text format, and the log
// rate limiter's token buckets.
#include <doctest/doctest.h>

#include "gateway/status/metrics.h"
#include "util/log.h"

using namespace edgegw;
using namespace std::chrono_literals;

TEST_CASE("latency histogram: bucket boundaries are inclusive upper bounds, cumulative on output") {
  LatencyHistogram h;
  h.record(500ns);   // <= 1 us
  h.record(1000ns);  // <= 1 us
  h.record(3us);     // <= 5 us
  h.record(2s);      // above every bound
  const auto s = h.snapshot();
  CHECK(s.count == 4);
  CHECK(s.counts[0] == 2);
  CHECK(s.counts[2] == 1);
  CHECK(s.counts.back() == 1);
  CHECK(s.sum_seconds == doctest::Approx(2.0000045));
  PromWriter w;
  w.family("x_seconds", "histogram", "Test.");
  w.histogram("x_seconds", label("stage", "store"), s);
  const std::string& out = w.str();
  CHECK(out.find("# TYPE x_seconds histogram\n") != std::string::npos);
  CHECK(out.find("x_seconds_bucket{stage=\"store\",le=\"1e-06\"} 2\n") != std::string::npos);
  CHECK(out.find("x_seconds_bucket{stage=\"store\",le=\"5e-06\"} 3\n") != std::string::npos);
  CHECK(out.find("x_seconds_bucket{stage=\"store\",le=\"1\"} 3\n") != std::string::npos);
  CHECK(out.find("x_seconds_bucket{stage=\"store\",le=\"+Inf\"} 4\n") != std::string::npos);
  CHECK(out.find("x_seconds_count{stage=\"store\"} 4\n") != std::string::npos);
}

TEST_CASE("prometheus labels escape quotes, backslashes and newlines") {
  CHECK(label("topic", "a\"b\\c\nd") == "topic=\"a\\\"b\\\\c\\nd\"");
  PromWriter w;
  w.sample("m", "", uint64_t{7});
  w.sample("m", label("k", "v"), 1.5);
  CHECK(w.str() == "m 7\nm{k=\"v\"} 1.5\n");
}

TEST_CASE("log limiter: burst per key, refill over time, suppressed count carried") {
  LogLimiter limiter(3, 60);  // 3 at once, then one per second
  const auto t0 = LogLimiter::Clock::time_point{} + 1h;
  int written = 0;
  for (int i = 0; i < 10; ++i) written += limiter.would_allow("ingest", "topic/a", t0);
  CHECK(written == 10);  // would_allow does not consume
  CHECK(limiter.suppressed_total() == 0);
  // Consume through log(): 3 written, 7 suppressed.
  written = 0;
  for (int i = 0; i < 10; ++i) written += limiter.log(LogLevel::debug, "test", "k", "line", t0);
  CHECK(written == 3);
  CHECK(limiter.suppressed_total() == 7);
  // Another key has its own budget.
  CHECK(limiter.log(LogLevel::debug, "test", "other", "line", t0));
  // One second later one more line is allowed.
  CHECK(limiter.log(LogLevel::debug, "test", "k", "line", t0 + 1s));
  CHECK_FALSE(limiter.log(LogLevel::debug, "test", "k", "line", t0 + 1s));
  CHECK(limiter.suppressed_total() == 8);
}

TEST_CASE("log limiter: bounded number of keys") {
  LogLimiter limiter(1, 60);
  const auto t0 = LogLimiter::Clock::time_point{} + 1h;
  for (size_t i = 0; i < LogLimiter::kMaxKeys + 100; ++i)
    limiter.would_allow("ingest", "topic/" + std::to_string(i), t0);
  // Keys beyond the bound share one overflow bucket: the second new key is already limited.
  CHECK(limiter.log(LogLevel::debug, "ingest", "fresh-1", "line", t0));
  CHECK_FALSE(limiter.log(LogLevel::debug, "ingest", "fresh-2", "line", t0));
}
