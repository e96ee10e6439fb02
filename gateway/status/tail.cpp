// tail.cpp: per-subscriber buffers and the eventfd that wakes the status server.
#include "gateway/status/tail.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

namespace edgegw {

bool TailFilter::matches(const TailEvent& e) const {
  return (type.empty() || type == e.type) && (sensor.empty() || sensor == e.sensor) &&
         (kind.empty() || kind == e.kind) && (subject.empty() || subject == e.subject);
}

TailHub::TailHub() {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "tail: eventfd");
}

TailHub::~TailHub() {
  ::close(wake_fd_);
}

int TailHub::subscribe(TailFilter filter) {
  std::lock_guard lock(mu_);
  const int id = next_id_++;
  subs_[id] = Subscriber{std::move(filter), {}, 0};
  subscribers_.store(static_cast<int>(subs_.size()), std::memory_order_relaxed);
  return id;
}

void TailHub::unsubscribe(int id) {
  std::lock_guard lock(mu_);
  subs_.erase(id);
  subscribers_.store(static_cast<int>(subs_.size()), std::memory_order_relaxed);
}

void TailHub::publish(const TailEvent& e) {
  bool any = false;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, s] : subs_) {
      if (!s.filter.matches(e)) continue;
      if (s.buffer.size() + e.line.size() + 1 > kMaxBufferedBytes) {
        ++s.dropped;
        continue;
      }
      s.buffer.append(e.line);
      s.buffer += '\n';
      any = true;
    }
  }
  if (any) {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }
}

std::string TailHub::take(int id) {
  std::lock_guard lock(mu_);
  auto it = subs_.find(id);
  if (it == subs_.end()) return {};
  std::string out;
  if (it->second.dropped) {
    out = fmt::format("{{\"type\":\"dropped\",\"count\":{}}}\n", it->second.dropped);
    it->second.dropped = 0;
  }
  out += std::move(it->second.buffer);
  it->second.buffer.clear();
  return out;
}

void TailHub::clear_wake() {
  uint64_t v;
  [[maybe_unused]] ssize_t n = ::read(wake_fd_, &v, sizeof v);
}

}  // namespace edgegw
