// fault.cpp: parsing EDGEGW_KILL_AT and the kill itself.
#include "gateway/store/fault.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "util/log.h"

namespace edgegw {

FaultPoints::FaultPoints() {
#ifdef EDGEGW_FAULT_INJECTION
  if (const char* lose = std::getenv("EDGEGW_LOSE_UNSYNCED");
      lose && std::string_view(lose) == "1") {
    lose_unsynced_ = true;
    log_warn("fault", "power-cut simulation: unsynced detector state is kept out of the database");
  }
  const char* spec = std::getenv("EDGEGW_KILL_AT");
  if (!spec) return;
  const std::string_view s(spec);
  const size_t colon = s.rfind(':');
  point_ = std::string(s.substr(0, colon));
  at_ = colon == std::string_view::npos ? 1 : std::strtoull(spec + colon + 1, nullptr, 10);
  log_warn("fault", fmt::format("fault injection armed: SIGKILL at {} #{}", point_, at_));
#endif
}

void FaultPoints::kill_now() {
  log_warn("fault", fmt::format("fault injection: SIGKILL at {} #{}", point_, at_));
  ::kill(::getpid(), SIGKILL);
  std::abort();  // not reached
}

std::string current_boot_id() {
#ifdef EDGEGW_FAULT_INJECTION
  if (const char* id = std::getenv("EDGEGW_BOOT_ID")) return id;
#endif
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

}  // namespace edgegw
