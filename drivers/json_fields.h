// json_fields.h: typed access to optional fields of a JSON object, with errors that name the
// field. Shared by the JSON drivers so that every driver reports wrong types the same way.
#pragma once

#include <optional>
#include <string_view>

#include <simdjson.h>

#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

// Each getter leaves `out` untouched and returns nullopt when the field is absent or JSON null.
// A present field of the wrong type, or a string longer than the limit, is an error.
DecodeStatus optional_number(simdjson::dom::object obj, std::string_view field, double& out);
DecodeStatus optional_string(simdjson::dom::object obj, std::string_view field, size_t max_len,
                             std::string_view& out);
DecodeStatus optional_bool(simdjson::dom::object obj, std::string_view field,
                           std::optional<bool>& out);

// The event time of a "timestamp"-like string field: absent or placeholder -> 0 (unknown);
// `placeholder` is set when the device sent the "no time" placeholder (1111-11-11...).
DecodeStatus optional_timestamp(simdjson::dom::object obj, std::string_view field, int64_t& out_ms,
                                bool& placeholder);

}  // namespace edgegw
