// alert_log.h: what `edgegw alerts` shows for a running gateway: a bounded ring of the most
// recent alerts, the alerts currently open (raised or escalated and not yet cleared), and
// counts by rule, audience and state for metrics. Fed by the gateway after the outbox stored
// the alerts (ids assigned). In memory only: after a restart it starts empty (the detector's
// own open-alert state survives in its checkpoint). Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "gateway/alert/alert.h"

namespace edgegw {

inline constexpr size_t kRules = static_cast<size_t>(Rule::MAX) + 1;
inline constexpr size_t kAudiences = static_cast<size_t>(Audience::MAX) + 1;
inline constexpr size_t kAlertStates = static_cast<size_t>(AlertState::MAX) + 1;

struct AlertCounts {
  // [rule][audience][state]
  std::array<std::array<std::array<uint64_t, kAlertStates>, kAudiences>, kRules> by{};
};

struct AlertQuery {
  bool open_only = false;
  int64_t since_ms = 0;  // detection time at or after this (0 = all)
  std::string subject;   // household / building / sensor subject, or empty
  std::string sensor;    // sensor id, or empty
  size_t limit = 200;    // newest first up to this many
};

class AlertLog {
 public:
  explicit AlertLog(size_t capacity = 1000);

  void add(std::span<const Alert> alerts);

  // Newest first.
  std::vector<Alert> query(const AlertQuery& q) const;
  AlertCounts counts() const;
  size_t open_count() const;

 private:
  // One open alert per (subject, sensor, kind), ordered on the alert's own fields: no key copy
  // beside it (100,000 open alerts: 7 MB less, bench/README.md "Memory").
  struct OpenOrder {
    bool operator()(const Alert& a, const Alert& b) const {
      return std::tie(a.subject, a.sensor_id, a.kind) < std::tie(b.subject, b.sensor_id, b.kind);
    }
  };
  size_t capacity_;
  mutable std::mutex mu_;
  std::deque<Alert> recent_;
  std::set<Alert, OpenOrder> open_;
  AlertCounts counts_;
};

}  // namespace edgegw
