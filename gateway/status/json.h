// json.h: a small JSON writer for the status interface and the CLI (objects, arrays, escaped
// strings, numbers; no parsing), and readings as JSON lines. Not for the hot path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/reading.h"

namespace edgegw {

// JSON string contents: quotes, backslashes and control characters escaped; invalid UTF-8
// bytes are replaced by U+FFFD so the output is always valid JSON.
std::string json_escape(std::string_view s);

// Builds one JSON value. Commas are placed automatically; key() must precede each value in an
// object. Example: JsonWriter w; w.begin_object().key("a").value(1).end_object(); w.str().
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(int64_t v);
  JsonWriter& value(uint64_t v);
  JsonWriter& value(double v);  // NaN and infinities become null
  JsonWriter& null();
  JsonWriter& raw(std::string_view json);  // an already-encoded JSON value
  // A time in ms since the epoch as ISO 8601 UTC, or null for 0.
  JsonWriter& time(int64_t ms);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// The normalized reading as one JSON object on one line.
std::string reading_to_json(const Reading& r);

std::string_view sensor_kind_name(SensorKind k);

}  // namespace edgegw
