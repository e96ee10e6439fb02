// metrics.h: the gateway's latency histograms (lock-free, cheap enough for every message) and
// a writer for the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace edgegw {

// Cumulative-style histogram of durations with fixed buckets from 1 us to 1 s.
class LatencyHistogram {
 public:
  static constexpr std::array<int64_t, 14> kBoundsNs = {
      1'000,   2'500,   5'000,     10'000,    25'000,     50'000,      100'000,
      250'000, 500'000, 1'000'000, 2'500'000, 10'000'000, 100'000'000, 1'000'000'000};

  void record(std::chrono::nanoseconds d);

  struct Snapshot {
    std::array<uint64_t, kBoundsNs.size() + 1> counts{};  // per bucket, last = above all bounds
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  Snapshot snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kBoundsNs.size() + 1> counts_{};
  std::atomic<uint64_t> sum_ns_{0};
};

// Appends metric families in the Prometheus text format. Label values are escaped.
class PromWriter {
 public:
  // "# HELP" and "# TYPE" lines; call once per family before its samples.
  void family(std::string_view name, std::string_view type, std::string_view help);
  // One sample; `labels` is already "k=\"v\",..." (use label()) or empty.
  void sample(std::string_view name, std::string_view labels, double value);
  void sample(std::string_view name, std::string_view labels, uint64_t value);
  // A whole histogram family sample set with the given extra labels (e.g. stage="store").
  void histogram(std::string_view name, std::string_view labels,
                 const LatencyHistogram::Snapshot& s);

  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

// k="v" with the value escaped for the exposition format.
std::string label(std::string_view key, std::string_view value);

}  // namespace edgegw
