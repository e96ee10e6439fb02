// log.h: one line per event on stderr, "level component: message", journald-friendly
// (systemd adds the time). Thread-safe; no global mutable state beyond the stream itself.
#pragma once

#include <string_view>

namespace edgegw {

void log_info(std::string_view component, std::string_view message);
void log_warn(std::string_view component, std::string_view message);
void log_error(std::string_view component, std::string_view message);

}  // namespace edgegw
