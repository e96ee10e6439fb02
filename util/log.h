// log.h: one line per event on stderr, "<priority>level component: message", journald-friendly
// (journald reads the <N> syslog priority prefix and adds the time; `journalctl -p warning`
// filters by level). Thread-safe; no global mutable state beyond the stream itself.
// Repetitive lines (a flood of bad messages) go through a LogLimiter owned by the caller:
// a token bucket per (component, key), with a "suppressed N similar lines" summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace edgegw {

enum class LogLevel { error = 3, warn = 4, info = 6, debug = 7 };  // syslog priorities

void log_line(LogLevel level, std::string_view component, std::string_view message);
void log_info(std::string_view component, std::string_view message);
void log_warn(std::string_view component, std::string_view message);
void log_error(std::string_view component, std::string_view message);

// Token buckets keyed by (component, key). Each key may log `burst` lines at once and
// `per_minute` lines per minute after that; lines over the budget are counted, not written.
// At most kMaxKeys keys are tracked; further keys share one overflow bucket. Thread-safe.
class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kMaxKeys = 1024;

  LogLimiter(int burst, int per_minute);
  void set_rate(int burst, int per_minute);  // config reload; keeps the counts

  // Writes the line if the key's budget allows, appending how many lines of the key were
  // suppressed since its last written line. Returns whether it was written.
  bool log(LogLevel level, std::string_view component, std::string_view key,
           std::string_view message, Clock::time_point now = Clock::now());
  // Cheap pre-check, so callers can skip building an expensive message.
  bool would_allow(std::string_view component, std::string_view key,
                   Clock::time_point now = Clock::now());

  // Writes one "suppressed N lines" summary for every key that has suppressed lines and has
  // been quiet (no written line) for `idle`; call it periodically so a flood that stops is
  // still accounted for.
  void flush_summaries(Clock::time_point now = Clock::now(),
                       Clock::duration idle = std::chrono::seconds(10));

  uint64_t suppressed_total() const;  // since start, for metrics

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point refilled{};
    Clock::time_point last_written{};
    uint64_t suppressed = 0;  // since the last written line
    std::string component;
  };
  Bucket& bucket_locked(std::string_view component, std::string_view key, Clock::time_point now);
  void refill_locked(Bucket& b, Clock::time_point now) const;

  mutable std::mutex mu_;
  double burst_, per_second_;
  std::unordered_map<std::string, Bucket> buckets_;
  uint64_t suppressed_total_ = 0;
};

}  // namespace edgegw
