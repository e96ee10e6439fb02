// commands.h: the field engineer's CLI commands; main.cpp parses flags and calls these.
// Each returns the process exit code.
#pragma once

#include <optional>
#include <string>

#include "drivers/reading.h"

namespace edgegw {

struct RunOptions {
  std::string config_file;  // empty: built-in defaults
  std::optional<std::string> ingest_url, uplink_url, data_dir, clock, gateway_id;
};
int cmd_run(const RunOptions& opts);

struct ParseOptions {
  std::string topic;
  std::string input = "-";  // file or "-" for stdin
  std::string config_file;
};
int cmd_parse(const ParseOptions& opts);

int cmd_decode(const std::string& input);

// Reads a whole file, or stdin for "-". Throws std::runtime_error naming the file.
std::string read_input(const std::string& input);

// The normalized reading as one JSON object on one line.
std::string reading_to_json(const Reading& r);

}  // namespace edgegw
