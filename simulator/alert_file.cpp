// alert_file.cpp: length-prefixed AlertBatch records.
#include "simulator/alert_file.h"

#include <cstdint>
#include <fstream>

namespace fleetsim {

void append_batch(std::ostream& out, std::string_view bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  const char len[4] = {static_cast<char>(n & 0xFF), static_cast<char>(n >> 8 & 0xFF),
                       static_cast<char>(n >> 16 & 0xFF), static_cast<char>(n >> 24 & 0xFF)};
  out.write(len, 4);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::optional<std::vector<std::string>> read_batches(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<std::string> out;
  while (true) {
    unsigned char len[4];
    if (!in.read(reinterpret_cast<char*>(len), 4)) break;
    const uint32_t n = len[0] | len[1] << 8 | len[2] << 16 | static_cast<uint32_t>(len[3]) << 24;
    if (n > (64u << 20)) break;  // not a record: stop rather than allocate absurdly
    std::string bytes(n, '\0');
    if (!in.read(bytes.data(), n)) break;
    out.push_back(std::move(bytes));
  }
  return out;
}

}  // namespace fleetsim
