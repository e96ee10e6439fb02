// json_fields.cpp: field getters for the JSON drivers.
#include "drivers/json_fields.h"

#include <cmath>

#include <fmt/format.h>

#include "drivers/timestamp.h"

namespace edgegw {

namespace {

bool absent(simdjson::simdjson_result<simdjson::dom::element> field) {
  return field.error() == simdjson::NO_SUCH_FIELD || field.is_null();
}

std::string_view type_name(simdjson::dom::element_type t) {
  using T = simdjson::dom::element_type;
  switch (t) {
    case T::ARRAY: return "array";
    case T::OBJECT: return "object";
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE: return "number";
    case T::STRING: return "string";
    case T::BOOL: return "bool";
    case T::NULL_VALUE: return "null";
  }
  return "value";
}

DecodeError wrong_type(std::string_view field, std::string_view want, simdjson::dom::element e) {
  return {DecodeErrorCode::wrong_type,
          fmt::format("field '{}' is a {}, expected a {}", field, type_name(e.type()), want)};
}

}  // namespace

DecodeStatus optional_number(simdjson::dom::object obj, std::string_view field, double& out) {
  auto f = obj.at_key(field);
  if (absent(f)) return std::nullopt;
  double v;
  if (f.get(v) != simdjson::SUCCESS) return wrong_type(field, "number", f.value_unsafe());
  if (!std::isfinite(v))
    return DecodeError{DecodeErrorCode::bad_value, fmt::format("field '{}' is not finite", field)};
  out = v;
  return std::nullopt;
}

DecodeStatus optional_string(simdjson::dom::object obj, std::string_view field, size_t max_len,
                             std::string_view& out) {
  auto f = obj.at_key(field);
  if (absent(f)) return std::nullopt;
  std::string_view v;
  if (f.get(v) != simdjson::SUCCESS) return wrong_type(field, "string", f.value_unsafe());
  if (v.size() > max_len)
    return DecodeError{
        DecodeErrorCode::bad_value,
        fmt::format("field '{}' is {} bytes long, the limit is {}", field, v.size(), max_len)};
  out = v;
  return std::nullopt;
}

DecodeStatus optional_bool(simdjson::dom::object obj, std::string_view field,
                           std::optional<bool>& out) {
  auto f = obj.at_key(field);
  if (absent(f)) return std::nullopt;
  bool v;
  if (f.get(v) != simdjson::SUCCESS) return wrong_type(field, "bool", f.value_unsafe());
  out = v;
  return std::nullopt;
}

DecodeStatus optional_timestamp(simdjson::dom::object obj, std::string_view field, int64_t& out_ms,
                                bool& placeholder) {
  std::string_view text;
  if (auto err = optional_string(obj, field, 64, text)) return err;
  if (text.empty()) return std::nullopt;
  if (is_placeholder_timestamp(text)) {
    placeholder = true;
    return std::nullopt;
  }
  auto ms = parse_iso8601_utc(text);
  if (!ms)
    return DecodeError{DecodeErrorCode::bad_timestamp,
                       fmt::format("field '{}' is not an ISO 8601 UTC time: '{}'", field, text)};
  out_ms = *ms;
  return std::nullopt;
}

}  // namespace edgegw
