// log.cpp: writing log lines with syslog priority prefixes that journald understands, and the
// per-key token buckets that keep a flood of repetitive lines from filling the disk.
#include "util/log.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace edgegw {

namespace {

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warn: return "warn";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
  }
  return "info";
}

// Control characters (a newline in a topic from a hostile device) would split the line.
std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
  return out;
}

}  // namespace

void log_line(LogLevel level, std::string_view component, std::string_view message) {
  // <N> is the sd-daemon priority prefix; one fputs call so lines from threads do not interleave.
  const std::string line = fmt::format("<{}>{} {}: {}\n", static_cast<int>(level),
                                       level_name(level), component, one_line(message));
  std::fputs(line.c_str(), stderr);
}

void log_info(std::string_view c, std::string_view m) {
  log_line(LogLevel::info, c, m);
}
void log_warn(std::string_view c, std::string_view m) {
  log_line(LogLevel::warn, c, m);
}
void log_error(std::string_view c, std::string_view m) {
  log_line(LogLevel::error, c, m);
}

LogLimiter::LogLimiter(int burst, int per_minute) {
  set_rate(burst, per_minute);
}

void LogLimiter::set_rate(int burst, int per_minute) {
  std::lock_guard lock(mu_);
  burst_ = std::max(1, burst);
  per_second_ = std::max(1, per_minute) / 60.0;
}

void LogLimiter::refill_locked(Bucket& b, Clock::time_point now) const {
  const double dt = std::chrono::duration<double>(now - b.refilled).count();
  if (dt > 0) b.tokens = std::min(burst_, b.tokens + dt * per_second_);
  b.refilled = now;
}

LogLimiter::Bucket& LogLimiter::bucket_locked(std::string_view component, std::string_view key,
                                              Clock::time_point now) {
  std::string k = fmt::format("{}\x1f{}", component, key);
  auto it = buckets_.find(k);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxKeys) k = fmt::format("{}\x1f*", component);
    it = buckets_.try_emplace(std::move(k)).first;
    if (it->second.component.empty()) {
      it->second.component = std::string(component);
      it->second.tokens = burst_;
      it->second.refilled = now;
    }
  }
  refill_locked(it->second, now);
  return it->second;
}

bool LogLimiter::would_allow(std::string_view component, std::string_view key,
                             Clock::time_point now) {
  std::lock_guard lock(mu_);
  Bucket& b = bucket_locked(component, key, now);
  if (b.tokens >= 1) return true;
  ++b.suppressed;
  ++suppressed_total_;
  return false;
}

bool LogLimiter::log(LogLevel level, std::string_view component, std::string_view key,
                     std::string_view message, Clock::time_point now) {
  uint64_t suppressed = 0;
  {
    std::lock_guard lock(mu_);
    Bucket& b = bucket_locked(component, key, now);
    if (b.tokens < 1) {
      ++b.suppressed;
      ++suppressed_total_;
      return false;
    }
    b.tokens -= 1;
    b.last_written = now;
    suppressed = std::exchange(b.suppressed, 0);
  }
  if (suppressed == 0)
    log_line(level, component, message);
  else
    log_line(level, component,
             fmt::format("{} ({} similar lines suppressed)", message, suppressed));
  return true;
}

void LogLimiter::flush_summaries(Clock::time_point now, Clock::duration idle) {
  std::vector<std::pair<std::string, std::string>> lines;  // component, message
  {
    std::lock_guard lock(mu_);
    for (auto& [k, b] : buckets_) {
      if (b.suppressed == 0 || now - b.last_written < idle) continue;
      const std::string_view key = std::string_view(k).substr(k.find('\x1f') + 1);
      lines.emplace_back(b.component, fmt::format("suppressed {} lines about '{}' (rate limit)",
                                                  b.suppressed, key));
      b.suppressed = 0;
      b.last_written = now;
    }
  }
  for (const auto& [component, message] : lines) log_line(LogLevel::warn, component, message);
}

uint64_t LogLimiter::suppressed_total() const {
  std::lock_guard lock(mu_);
  return suppressed_total_;
}

}  // namespace edgegw
