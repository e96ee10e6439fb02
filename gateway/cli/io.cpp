// io.cpp: reading CLI inputs (a file or stdin).
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "gateway/cli/commands.h"

namespace edgegw {

std::string read_input(const std::string& input) {
  std::stringstream ss;
  if (input == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(input, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot open {}", input));
    ss << in.rdbuf();
  }
  return ss.str();
}

}  // namespace edgegw

namespace edgegw {

std::optional<int64_t> parse_duration_ms(std::string_view t) {
  if (t.size() < 2) return std::nullopt;
  int64_t unit = 0;
  switch (t.back()) {
    case 's': unit = 1000; break;
    case 'm': unit = 60 * 1000; break;
    case 'h': unit = 3600 * 1000; break;
    case 'd': unit = 86400 * 1000; break;
    default: return std::nullopt;
  }
  int64_t n = 0;
  for (char c : t.substr(0, t.size() - 1)) {
    if (c < '0' || c > '9' || n > 1'000'000'000) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n * unit;
}

}  // namespace edgegw
