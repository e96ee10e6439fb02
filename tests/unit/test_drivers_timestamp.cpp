// test_drivers_timestamp.cpp: ISO 8601 UTC parsing and formatting (drivers/timestamp.cpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "drivers/timestamp.h"

using namespace edgegw;

TEST_CASE("timestamp: parses the forms bridges write") {
  CHECK(parse_iso8601_utc("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601_utc("2024-03-03T18:37:00Z") == 1709491020000);
  CHECK(parse_iso8601_utc("2024-03-03 18:37:00Z") == 1709491020000);
  CHECK(parse_iso8601_utc("2024-03-03T18:37:00+00:00") == 1709491020000);
  CHECK(parse_iso8601_utc("2024-03-03T18:37:00+0000") == 1709491020000);
  CHECK(parse_iso8601_utc("2024-04-08T21:21:36.794Z") == 1712611296794);
  CHECK(parse_iso8601_utc("2024-04-08T21:21:36.7Z") == 1712611296700);
  CHECK(parse_iso8601_utc("2024-04-08T21:21:36.794123456Z") == 1712611296794);
  CHECK(parse_iso8601_utc("2024-02-29T00:00:00Z") == 1709164800000);  // leap day
  CHECK(parse_iso8601_utc("2000-02-29T00:00:00Z").has_value());       // 400-year rule
}

TEST_CASE("timestamp: rejects what is not a UTC timestamp") {
  for (const char* bad : {"",
                          "2024",
                          "2024-03-03",
                          "2024-03-03T18:37Z",
                          "2024-13-01T00:00:00Z",
                          "2024-00-01T00:00:00Z",
                          "2023-02-29T00:00:00Z",
                          "1900-02-29T00:00:00Z",
                          "2024-04-31T00:00:00Z",
                          "2024-01-01T24:00:00Z",
                          "2024-01-01T00:60:00Z",
                          "2024-01-01T00:00:00",
                          "2024-01-01T00:00:00+02:00",
                          "2024-01-01T00:00:00.Z",
                          "2024-01-01T00:00:00.1234567890Z",
                          "2024-01-01T00:00:00Zjunk",
                          "2024/01/01T00:00:00Z",
                          "2024-01-01x00:00:00Z",
                          "yesterday",
                          "-024-01-01T00:00:00Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_iso8601_utc(bad).has_value());
  }
}

TEST_CASE("timestamp: placeholder") {
  CHECK(is_placeholder_timestamp("1111-11-11T11:11:11Z"));
  CHECK_FALSE(is_placeholder_timestamp("2024-03-03T18:37:00Z"));
}

TEST_CASE("timestamp: formats and round-trips") {
  CHECK(format_iso8601_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso8601_utc(1712611296794) == "2024-04-08T21:21:36.794Z");
  CHECK(format_iso8601_utc(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_iso8601_utc(-86400000) == "1969-12-31T00:00:00Z");
  for (int64_t ms : {int64_t{0}, int64_t{951782400000}, int64_t{1709491020000},
                     int64_t{4102444799999}, int64_t{253402300799000}}) {
    CAPTURE(ms);
    CHECK(parse_iso8601_utc(format_iso8601_utc(ms)) == ms);
  }
  // extremes must not overflow (validate_reading formats whatever time a driver produced)
  CHECK_FALSE(format_iso8601_utc(std::numeric_limits<int64_t>::min()).empty());
  CHECK_FALSE(format_iso8601_utc(std::numeric_limits<int64_t>::max()).empty());
}

TEST_CASE("timestamp: days_from_civil") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  CHECK(days_from_civil(1969, 12, 31) == -1);
}
