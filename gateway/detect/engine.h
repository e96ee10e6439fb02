// engine.h: the detection engine: per-sensor and per-household state, the watermark of event
// time, and the rules that turn readings into alerts. Single-threaded: the caller serializes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "drivers/reading.h"
#include "gateway/detect/alert.h"
#include "gateway/detect/inventory.h"
#include "gateway/detect/rules_config.h"
#include "gateway/detect/water_state.h"

namespace edgegw {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

class Engine {
 public:
  Engine(const RulesConfig& rules, const Inventory& inventory);

  // Applies one validated reading (time_ms set) and appends the alerts it raises or clears.
  void on_reading(const Reading& r, std::vector<Alert>& out);

  // Moves event time forward (never back) and fires the deadlines it passes.
  void advance_watermark(int64_t t_ms, std::vector<Alert>& out);
  int64_t watermark_ms() const { return watermark_ms_; }

  // Where alerts about this sensor are addressed.
  Subject subject_of(std::string_view sensor_id) const;

  size_t sensor_count() const { return water_.size(); }
  const WaterState* water_state(std::string_view sensor_id) const;

 private:
  RulesConfig rules_;
  StringMap<Subject> subjects_;  // sensor id -> household / building (ids owned by inventory_)
  Inventory inventory_;
  StringMap<WaterState> water_;
  int64_t watermark_ms_ = 0;
};

}  // namespace edgegw
