// test_id_table.cpp: interned ids keep their numbers and characters through growth.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "gateway/detect/id_table.h"

using namespace edgegw;

TEST_CASE("id table: numbers in the order ids were added, found again, never renumbered") {
  IdTable t;
  CHECK(t.find("x") == IdTable::kNone);  // an empty table
  CHECK(t.intern("meter-1") == 0);
  CHECK(t.intern("door-1") == 1);
  CHECK(t.intern("") == 2);  // empty ids are ids like any other
  CHECK(t.intern("meter-1") == 0);
  CHECK(t.size() == 3);
  CHECK(t.find("door-1") == 1);
  CHECK(t.find("") == 2);
  CHECK(t.find("door-") == IdTable::kNone);
  CHECK(t.at(0) == "meter-1");
  CHECK(t.at(1) == "door-1");
  CHECK(t.at(2).empty());
}

TEST_CASE("id table: 200,000 ids through many rehashes, with and without reserve") {
  for (bool reserved : {false, true}) {
    IdTable t;
    if (reserved) t.reserve(200000, 200000 * 9);
    for (int i = 0; i < 200000; ++i) REQUIRE(t.intern(fmt::format("{:08d}", i * 7)) == uint32_t(i));
    CHECK(t.size() == 200000);
    for (int i = 0; i < 200000; i += 997) {
      CHECK(t.find(fmt::format("{:08d}", i * 7)) == uint32_t(i));
      CHECK(t.at(i) == fmt::format("{:08d}", i * 7));
    }
    CHECK(t.find("00000001") == IdTable::kNone);
    // 8 characters, a 4-byte end and at most 4 slots of 4 bytes per id: about 28 bytes.
    CHECK(t.bytes() < 200000 * 30);
  }
}
