// progress.cpp: drawing the progress bar or lines.
#include "simulator/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "drivers/timestamp.h"

namespace fleetsim {

namespace {

void draw(Progress& p, uint64_t messages, int64_t event_ms, bool final) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - p.began).count();
  const double span = static_cast<double>(std::max<int64_t>(1, p.end_ms - p.start_ms));
  const double frac =
      final ? 1.0 : std::clamp(static_cast<double>(event_ms - p.start_ms) / span, 0.0, 1.0);
  const double rate = secs > 0 ? static_cast<double>(messages) / secs : 0;
  const std::string when = edgegw::format_iso8601_utc(event_ms / 1000 * 1000);
  if (p.tty) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '.');
    fmt::print(stderr, "\r[{}] {:5.1f}%  {}  {} msgs  {:.0f} msg/s  {:.0f} s\033[K{}", bar,
               frac * 100, when, messages, rate, secs, final ? "\n" : "");
  } else {
    fmt::print(stderr, "fleetsim: {:5.1f}% event time {} messages {} ({:.0f} msg/s, {:.0f} s)\n",
               frac * 100, when, messages, rate, secs);
  }
  std::fflush(stderr);
}

}  // namespace

Progress make_progress(bool quiet, int64_t start_ms, int64_t end_ms) {
  Progress p;
  p.quiet = quiet;
  p.tty = isatty(STDERR_FILENO) != 0;
  p.start_ms = start_ms;
  p.end_ms = end_ms;
  p.began = p.last = std::chrono::steady_clock::now();
  return p;
}

void progress_update(Progress& p, uint64_t messages, int64_t event_ms) {
  if (p.quiet) return;
  const auto now = std::chrono::steady_clock::now();
  const auto every = p.tty ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
  if (now - p.last < every) return;
  p.last = now;
  draw(p, messages, event_ms, false);
}

void progress_finish(Progress& p, uint64_t messages) {
  if (!p.quiet) draw(p, messages, p.end_ms, true);
}

}  // namespace fleetsim
