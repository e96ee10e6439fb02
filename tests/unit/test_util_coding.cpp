// test_util_coding.cpp: the ground floor's binary coding, hex and time helpers.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "util/coding.h"
#include "util/hex.h"
#include "util/time.h"

using namespace edgegw;

TEST_CASE("coding: fixed-width integers are little-endian whatever the host") {
  std::string s;
  put_fixed32(s, 0x04030201u);
  put_fixed64(s, 0x0807060504030201ull);
  CHECK(s == std::string("\x01\x02\x03\x04\x01\x02\x03\x04\x05\x06\x07\x08", 12));
  std::string_view in = s;
  uint32_t a = 0;
  uint64_t b = 0;
  REQUIRE(get_fixed32(in, a));
  REQUIRE(get_fixed64(in, b));
  CHECK(a == 0x04030201u);
  CHECK(b == 0x0807060504030201ull);
  CHECK(in.empty());
  CHECK_FALSE(get_fixed32(in, a));
}

TEST_CASE("coding: varints round-trip and refuse truncated or overlong input") {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300},
                     uint64_t{1} << 35, std::numeric_limits<uint64_t>::max()}) {
    std::string s;
    put_varint64(s, v);
    CHECK(s.size() == varint_length(v));
    std::string_view in = s;
    uint64_t back = 0;
    REQUIRE(get_varint64(in, back));
    CHECK(back == v);
    CHECK(in.empty());
    std::string_view cut(s.data(), s.size() - 1);
    CHECK_FALSE(get_varint64(cut, back));
    CHECK(cut.size() == s.size() - 1);  // unchanged on failure
  }
  std::string big;
  put_varint64(big, uint64_t{1} << 32);
  std::string_view in = big;
  uint32_t v32 = 0;
  CHECK_FALSE(get_varint32(in, v32));
  std::string framed;
  put_length_prefixed(framed, "abc");
  put_length_prefixed(framed, "");
  std::string_view f = framed, part;
  REQUIRE(get_length_prefixed(f, part));
  CHECK(part == "abc");
  REQUIRE(get_length_prefixed(f, part));
  CHECK(part.empty());
  CHECK(f.empty());
}

TEST_CASE("hex: digits, text to bytes and bytes to text") {
  CHECK(hex_digit('a') == 10);
  CHECK(hex_digit('F') == 15);
  CHECK(hex_digit('g') == -1);
  std::string out;
  REQUIRE(unhex("68aA10", out));
  CHECK(out == std::string("\x68\xaa\x10", 3));
  CHECK_FALSE(unhex("6", out));
  CHECK_FALSE(unhex("zz", out));
  const uint8_t bytes[] = {0x68, 0x10, 0xAA};
  CHECK(hex_bytes(bytes, 3) == "68 10 AA");
}

TEST_CASE("time: ISO 8601 formatting and civil dates") {
  CHECK(format_iso8601_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso8601_utc(1700000000123) == "2023-11-14T22:13:20.123Z");
  CHECK(format_iso8601_utc(-1000) == "1969-12-31T23:59:59Z");
  const CivilDate d = civil_from_days(days_from_civil(2024, 2, 29));
  CHECK(d.y == 2024);
  CHECK(d.m == 2u);
  CHECK(d.d == 29u);
}
