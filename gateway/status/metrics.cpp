// metrics.cpp: histogram buckets and the Prometheus text format.
#include "gateway/status/metrics.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace edgegw {

void LatencyHistogram::record(std::chrono::nanoseconds d) {
  const int64_t ns = std::max<int64_t>(0, d.count());
  const auto it = std::lower_bound(kBoundsNs.begin(), kBoundsNs.end(), ns);
  counts_[static_cast<size_t>(it - kBoundsNs.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::snapshot() const {
  Snapshot s;
  for (size_t i = 0; i < counts_.size(); ++i) {
    s.counts[i] = counts_[i].load(std::memory_order_relaxed);
    s.count += s.counts[i];
  }
  s.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

std::string label(std::string_view key, std::string_view value) {
  std::string v;
  for (char c : value) {
    if (c == '\\' || c == '"')
      v += '\\', v += c;
    else if (c == '\n')
      v += "\\n";
    else
      v += c;
  }
  return fmt::format("{}=\"{}\"", key, v);
}

void PromWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void PromWriter::sample(std::string_view name, std::string_view labels, double value) {
  const std::string v = std::isnan(value) ? "NaN" : fmt::format("{}", value);
  if (labels.empty())
    out_ += fmt::format("{} {}\n", name, v);
  else
    out_ += fmt::format("{}{{{}}} {}\n", name, labels, v);
}

void PromWriter::sample(std::string_view name, std::string_view labels, uint64_t value) {
  if (labels.empty())
    out_ += fmt::format("{} {}\n", name, value);
  else
    out_ += fmt::format("{}{{{}}} {}\n", name, labels, value);
}

void PromWriter::histogram(std::string_view name, std::string_view labels,
                           const LatencyHistogram::Snapshot& s) {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < LatencyHistogram::kBoundsNs.size(); ++i) {
    cumulative += s.counts[i];
    const double le = static_cast<double>(LatencyHistogram::kBoundsNs[i]) / 1e9;
    out_ += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, le, cumulative);
  }
  out_ += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, s.count);
  sample(fmt::format("{}_sum", name), labels, s.sum_seconds);
  sample(fmt::format("{}_count", name), labels, s.count);
}

}  // namespace edgegw
