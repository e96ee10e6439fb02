// tail.h: the live stream behind `edgegw tail`: decoded readings, rejections and alerts as JSON
// lines, fanned out to the connected tail clients, each with its own filter and a bounded
// buffer (a slow client loses lines, counted, never slows the gateway). When nobody tails,
// active() is false and the gateway skips all tail work. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace edgegw {

struct TailEvent {
  std::string_view type;     // "reading", "rejected" or "alert"
  std::string_view sensor;   // sensor id (empty when unknown, e.g. a rejected payload)
  std::string_view kind;     // "water", "door", "facade", or the alert's rule for alerts
  std::string_view subject;  // household / building for alerts; empty otherwise
  std::string_view topic;    // MQTT topic (readings and rejections)
  std::string_view line;     // the JSON object, without newline
};

// Empty fields match everything.
struct TailFilter {
  std::string type, sensor, kind, subject;
  bool matches(const TailEvent& e) const;
};

class TailHub {
 public:
  static constexpr size_t kMaxBufferedBytes = 4 << 20;

  TailHub();  // creates the wake-up eventfd; throws std::system_error on failure
  ~TailHub();
  TailHub(const TailHub&) = delete;
  TailHub& operator=(const TailHub&) = delete;

  int subscribe(TailFilter filter);
  void unsubscribe(int id);
  bool active() const { return subscribers_.load(std::memory_order_relaxed) > 0; }

  void publish(const TailEvent& e);
  // Takes what is buffered for the subscriber (JSON lines); a {"type":"dropped"} line first
  // when lines were lost to a full buffer.
  std::string take(int id);

  // Readable when something was published since the last clear_wake(); for poll().
  int wake_fd() const { return wake_fd_; }
  void clear_wake();

 private:
  struct Subscriber {
    TailFilter filter;
    std::string buffer;
    uint64_t dropped = 0;
  };
  int wake_fd_ = -1;
  std::atomic<int> subscribers_{0};
  mutable std::mutex mu_;
  std::map<int, Subscriber> subs_;
  int next_id_ = 1;
};

}  // namespace edgegw
