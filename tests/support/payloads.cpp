// payloads.cpp: device payload builders for tests.
#include "tests/support/payloads.h"

#include <fmt/format.h>

#include "drivers/timestamp.h"

namespace edgegw::test {

std::string wmbus_json(const std::string& id, double total_m3, int64_t t_ms) {
  return fmt::format(R"({{"_":"telegram","media":"water","meter":"iperl","name":"Home","id":"{}",)"
                     R"("max_flow_m3h":0,"total_m3":{:.3f},"timestamp":"{}"}})",
                     id, total_m3, format_iso8601_utc(t_ms));
}

}  // namespace edgegw::test
