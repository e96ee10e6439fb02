// driver_fixture.h: what the driver tests share: reading a fixture file, and one decode's result.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "drivers/decode_scratch.h"
#include "drivers/reading.h"

namespace edgegw {

// The bytes of tests/fixtures/<rel>; fails the test when the file is missing.
inline std::string fixture(const std::string& rel) {
  std::ifstream in(std::string(EDGEGW_FIXTURES) + "/" + rel, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << rel);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One decode: the scratch the Reading's views point into, the Reading and the status.
struct Decoded {
  DecodeScratch scratch;
  Reading r;
  DecodeStatus status;
};

}  // namespace edgegw
