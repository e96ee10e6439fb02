// alert_log.cpp: the recent-alerts ring and the open set.
#include "gateway/status/alert_log.h"

#include <algorithm>

namespace edgegw {

AlertLog::AlertLog(size_t capacity) : capacity_(std::max<size_t>(1, capacity)) {}

void AlertLog::add(std::span<const Alert> alerts) {
  std::lock_guard lock(mu_);
  for (const Alert& a : alerts) {
    const auto r = static_cast<size_t>(a.rule), au = static_cast<size_t>(a.audience),
               st = static_cast<size_t>(a.state);
    if (r < kRules && au < kAudiences && st < kAlertStates) ++counts_.by[r][au][st];
    recent_.push_back(a);
    if (recent_.size() > capacity_) recent_.pop_front();
    if (a.state == AlertState::Cleared) {
      open_.erase(a);
    } else if (auto [it, inserted] = open_.insert(a); !inserted) {
      auto node = open_.extract(it);  // the same subject, sensor and kind: the newer state
      node.value() = a;
      open_.insert(std::move(node));
    }
  }
}

std::vector<Alert> AlertLog::query(const AlertQuery& q) const {
  auto matches = [&](const Alert& a) {
    return a.detect_time_ms >= q.since_ms && (q.subject.empty() || a.subject == q.subject) &&
           (q.sensor.empty() || a.sensor_id == q.sensor);
  };
  std::vector<Alert> out;
  std::lock_guard lock(mu_);
  if (q.open_only) {
    for (const Alert& a : open_)
      if (matches(a)) out.push_back(a);
    std::sort(out.begin(), out.end(), [](const Alert& x, const Alert& y) { return x.id > y.id; });
    if (out.size() > q.limit) out.resize(q.limit);
    return out;
  }
  for (auto it = recent_.rbegin(); it != recent_.rend() && out.size() < q.limit; ++it)
    if (matches(*it)) out.push_back(*it);
  return out;
}

AlertCounts AlertLog::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

size_t AlertLog::open_count() const {
  std::lock_guard lock(mu_);
  return open_.size();
}

}  // namespace edgegw
