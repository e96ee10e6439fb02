// render.cpp: plain-text rendering of JSON for people.
#include "gateway/cli/render.h"

#include <algorithm>
#include <ostream>

#include <fmt/format.h>

namespace edgegw {

std::string json_text(simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::STRING: return std::string(std::string_view(e.get_string()));
    case element_type::INT64: return fmt::format("{}", int64_t(e.get_int64()));
    case element_type::UINT64: return fmt::format("{}", uint64_t(e.get_uint64()));
    case element_type::DOUBLE: {
      const double d = e.get_double();
      return d == static_cast<int64_t>(d) && std::abs(d) < 1e15
                 ? fmt::format("{}", static_cast<int64_t>(d))
                 : fmt::format("{:.3f}", d);
    }
    case element_type::BOOL: return bool(e.get_bool()) ? "yes" : "no";
    case element_type::NULL_VALUE: return "-";
    case element_type::ARRAY: {
      std::string out;
      for (auto v : e.get_array()) out += (out.empty() ? "" : ",") + json_text(v);
      return out.empty() ? "-" : out;
    }
    case element_type::OBJECT: return simdjson::minify(e);
  }
  return "?";
}

std::string field_text(simdjson::dom::element obj, std::string_view key) {
  auto v = obj[key];
  if (v.error()) return "-";
  return json_text(v.value());
}

bool field_bool(simdjson::dom::element obj, std::string_view key) {
  bool b = false;
  return obj[key].get(b) == simdjson::SUCCESS && b;
}

double field_double(simdjson::dom::element obj, std::string_view key) {
  double d = 0;
  return obj[key].get(d) == simdjson::SUCCESS ? d : 0;
}

void print_fields(std::ostream& out, simdjson::dom::element e, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (e.type() != simdjson::dom::element_type::OBJECT) {
    out << pad << json_text(e) << "\n";
    return;
  }
  for (auto [key, value] : e.get_object()) {
    const auto type = value.type();
    if (type == simdjson::dom::element_type::OBJECT) {
      out << pad << key << ":\n";
      print_fields(out, value, indent + 2);
    } else if (type == simdjson::dom::element_type::ARRAY && value.get_array().size() > 0 &&
               value.get_array().at(0).type() == simdjson::dom::element_type::OBJECT) {
      out << pad << key << ":\n";
      size_t i = 0;
      for (auto item : value.get_array()) {
        out << pad << "  [" << ++i << "]\n";
        print_fields(out, item, indent + 4);
      }
    } else {
      out << pad << key << ": " << json_text(value) << "\n";
    }
  }
}

void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(headers.size());
  for (size_t i = 0; i < headers.size(); ++i) width[i] = headers[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t i = 0; i < cells.size() && i < width.size(); ++i)
      s += i + 1 == cells.size() ? cells[i] : fmt::format("{:<{}}  ", cells[i], width[i]);
    out << s << "\n";
  };
  line(headers);
  for (const auto& r : rows) line(r);
}

void print_object_table(std::ostream& out, simdjson::dom::element array,
                        const std::vector<std::pair<std::string, std::string>>& columns) {
  std::vector<std::string> headers;
  for (const auto& [header, key] : columns) headers.push_back(header);
  std::vector<std::vector<std::string>> rows;
  if (array.type() == simdjson::dom::element_type::ARRAY)
    for (auto item : array.get_array()) {
      std::vector<std::string> row;
      for (const auto& [header, key] : columns) row.push_back(field_text(item, key));
      rows.push_back(std::move(row));
    }
  print_table(out, headers, rows);
}

}  // namespace edgegw
