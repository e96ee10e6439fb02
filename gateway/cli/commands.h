// commands.h: the field engineer's CLI commands; main.cpp parses flags and calls these.
// Each returns the process exit code (see Exit). Query commands talk to the running gateway
// over its status socket; `status`, `outbox` and `deadletters` fall back to reading a stopped
// gateway's data directory (read-only).
#pragma once

#include <optional>
#include <string>

#include "drivers/reading.h"
#include "gateway/cli/client.h"
#include "drivers/reading_json.h"
#include "util/json.h"

namespace edgegw {

// Exit codes, for cron and monitoring.
enum Exit : int {
  kExitOk = 0,
  kExitProblem = 1,     // unhealthy, not found, refused
  kExitUsage = 2,       // bad flags, bad config
  kExitNotRunning = 3,  // the command needs the running gateway and it is not reachable
  kExitDamaged = 4,     // `run`: the database is damaged; `edgegw repair` (systemd: no restart)
};

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

struct ReplayOptions {
  std::string config_file, inventory_file;
  std::string input = "-";  // lines of "topic<TAB>payload" ("hex:..." for binary payloads)
  std::string alerts_out;   // length-prefixed AlertBatch messages (fleetsim score --alerts)
  bool print = false;       // also print the alerts as JSON lines
};
int cmd_replay(const ReplayOptions& opts);

int cmd_status(const CommonOptions& opts);
int cmd_repair(const CommonOptions& opts);

struct SensorsOptions {
  bool silent = false, unassigned = false;
  std::string kind;  // water, door, facade, or empty
};
int cmd_sensors(const CommonOptions& opts, const SensorsOptions& filter);
int cmd_sensor(const CommonOptions& opts, const std::string& id);

struct AlertsOptions {
  bool open = false;
  std::string since;  // ISO 8601 UTC, or a duration back from now: 30m, 12h, 2d
  int limit = 200;
};
int cmd_alerts(const CommonOptions& opts, const AlertsOptions& filter);
int cmd_outbox(const CommonOptions& opts, int limit);
int cmd_deadletters(const CommonOptions& opts, int limit);

struct HouseholdOptions {
  std::string id;
  bool away = false;         // the `away` subcommand was given
  std::string until;         // ISO 8601 UTC
  std::string for_duration;  // 3d, 12h
  bool clear = false;
};
int cmd_household(const CommonOptions& opts, const HouseholdOptions& h);

int cmd_config_check(const std::string& file, bool json);

struct TailOptions {
  std::string type, sensor, kind, subject;
};
int cmd_tail(const CommonOptions& opts, const TailOptions& filter);

// Reads a whole file, or stdin for "-". Throws std::runtime_error naming the file.
std::string read_input(const std::string& input);

// "30m", "12h", "2d", "90s" -> milliseconds; nullopt when not a duration.
std::optional<int64_t> parse_duration_ms(std::string_view text);

}  // namespace edgegw
