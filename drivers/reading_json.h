// reading_json.h: a normalized reading as one JSON line, the same for `edgegw parse` and the
// gateway's `tail` stream.
#pragma once

#include <string>
#include <string_view>

#include "drivers/reading.h"

namespace edgegw {

// The normalized reading as one JSON object on one line.
std::string reading_to_json(const Reading& r);

std::string_view sensor_kind_name(SensorKind k);

}  // namespace edgegw
