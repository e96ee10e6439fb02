// json.h: the one way the project writes JSON: a small writer (objects, arrays, escaped
// strings, numbers; no parsing) and json_escape. Not for the hot path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>


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
  JsonWriter& value(unsigned v) { return value(static_cast<uint64_t>(v)); }
  JsonWriter& value(double v);  // NaN and infinities become null
  JsonWriter& value(float v);   // shortest form of the float itself, not of its double
  JsonWriter& null();
  JsonWriter& raw(std::string_view json);  // an already-encoded JSON value
  // A time in ms since the epoch as ISO 8601 UTC, or null for 0.
  JsonWriter& time(int64_t ms);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  template <typename T>
  JsonWriter& real(T v);  // shortest round-trip form of v; NaN and infinities become null
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace edgegw
