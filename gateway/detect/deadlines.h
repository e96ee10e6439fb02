// deadlines.h: timers in event time ("nothing happened for N hours") as a min-heap with lazy
// invalidation: an entry is only a reminder to re-check the state it points at, so a moved or
// cancelled deadline needs no removal.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

namespace edgegw {

enum class DeadlineKind : uint8_t { door_no_opening, door_left_open, sensor_silent, night_exit };

struct Deadline {
  int64_t due_ms;
  uint32_t sensor;  // index into the engine's sensor table
  DeadlineKind kind;
  bool operator>(const Deadline& o) const { return due_ms > o.due_ms; }
};

class DeadlineQueue {
 public:
  void schedule(int64_t due_ms, uint32_t sensor, DeadlineKind kind) {
    heap_.push(Deadline{due_ms, sensor, kind});
  }
  // Pops the next deadline due at or before `now_ms`; false when none is due.
  bool pop_due(int64_t now_ms, Deadline& out) {
    if (heap_.empty() || heap_.top().due_ms > now_ms) return false;
    out = heap_.top();
    heap_.pop();
    return true;
  }
  size_t size() const { return heap_.size(); }

 private:
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> heap_;
};

}  // namespace edgegw
