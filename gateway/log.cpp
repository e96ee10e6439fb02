// log.cpp: writing log lines with syslog priority prefixes that journald understands.
#include "gateway/log.h"

#include <cstdio>

#include <fmt/format.h>

namespace edgegw {

namespace {

void write(int priority, std::string_view level, std::string_view component, std::string_view msg) {
  // <N> is the sd-daemon priority prefix; one fputs call so lines from threads do not interleave.
  const std::string line = fmt::format("<{}>{} {}: {}\n", priority, level, component, msg);
  std::fputs(line.c_str(), stderr);
}

}  // namespace

void log_info(std::string_view c, std::string_view m) { write(6, "info", c, m); }
void log_warn(std::string_view c, std::string_view m) { write(4, "warn", c, m); }
void log_error(std::string_view c, std::string_view m) { write(3, "error", c, m); }

}  // namespace edgegw
