// alert_file.h: a file of AlertBatch messages, each as a 4-byte little-endian length and the
// bytes, as `fleetsim listen --out` writes it and `fleetsim score --alerts` reads it.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

void append_batch(std::ostream& out, std::string_view bytes);

// nullopt when the file cannot be opened; a truncated last record is ignored.
std::optional<std::vector<std::string>> read_batches(const std::string& path);

}  // namespace fleetsim
