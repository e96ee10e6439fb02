// payloads.h: device payloads in their real formats, built by tests (fixtures cover the rest).
#pragma once

#include <cstdint>
#include <string>

namespace edgegw::test {

// A wmbusmeters telegram (iperl layout) with the given register and UTC time.
std::string wmbus_json(const std::string& id, double total_m3, int64_t t_ms);

}  // namespace edgegw::test
