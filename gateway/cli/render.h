// render.h: turning the status interface's JSON into what a field engineer reads on an SSH
// terminal: aligned tables for lists, indented "key: value" lines for objects.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace edgegw {

// A JSON value as plain text: strings unquoted, null as "-", numbers as is, arrays joined.
std::string json_text(simdjson::dom::element e);

// Field of an object as text ("-" when missing).
std::string field_text(simdjson::dom::element obj, std::string_view key);

// Field of an object as bool / number (false / 0 when missing or of another type).
bool field_bool(simdjson::dom::element obj, std::string_view key);
double field_double(simdjson::dom::element obj, std::string_view key);

// Every field, nested objects indented; arrays of objects as numbered blocks.
void print_fields(std::ostream& out, simdjson::dom::element e, int indent = 0);

// Columns padded to the widest cell.
void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows);

// A table of the given fields of each object in `array`.
void print_object_table(std::ostream& out, simdjson::dom::element array,
                        const std::vector<std::pair<std::string, std::string>>& columns);

}  // namespace edgegw
