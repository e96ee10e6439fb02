// progress.h: run progress on stderr: a bar redrawn in place on a terminal, plain lines
// every few seconds otherwise (CI logs), nothing with --quiet.
#pragma once

#include <chrono>
#include <cstdint>

namespace fleetsim {

struct Progress {
  bool quiet = false;
  bool tty = false;
  int64_t start_ms = 0, end_ms = 0;  // event-time span of the run
  std::chrono::steady_clock::time_point began{}, last{};
};

Progress make_progress(bool quiet, int64_t start_ms, int64_t end_ms);
void progress_update(Progress& p, uint64_t messages, int64_t event_ms);
void progress_finish(Progress& p, uint64_t messages);

}  // namespace fleetsim
