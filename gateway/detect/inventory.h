// inventory.h: the site inventory: which sensors belong to which household or building, and
// each household's profile. Loaded from the config's [[household]] and [[facade]] tables.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgegw {

// A household's profile: the inventory entry without its sensor lists, what the detector keeps
// of it (engine.h: HouseholdState; the sensors are in the engine's index, once).
struct HouseholdProfile {
  std::string id;  // pseudonym; the only household name that leaves the box
  bool living_alone = true;
  int utc_offset_min = 480;       // local time = UTC + offset (China Standard Time by default)
  int quiet_start_min = 22 * 60;  // quiet hours, local minutes after midnight; may wrap midnight
  int quiet_end_min = 6 * 60;
  int64_t away_until_ms = 0;  // away mode (hospital, visiting family) pauses care rules
};

// Where an entry was listed, for errors: the line of its table header in Inventory::sources.
struct ListedAt {
  int line = 0;
  uint16_t source = 0;
};

struct Household : HouseholdProfile {
  std::vector<std::string> meters;
  std::vector<std::string> doors;
  ListedAt listed;
};

struct FacadeSite {
  std::string sensor;
  std::string building;  // pseudonym
  ListedAt listed;
};

struct Inventory {
  std::vector<Household> households;
  std::vector<FacadeSite> facades;
  std::vector<std::string> sources;  // the files the entries were read from
};

}  // namespace edgegw
