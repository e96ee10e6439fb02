// main.cpp: the `edgegw` command line: subcommands and their flags (CLI11). Exit codes are in
// commands.h (0 ok, 1 problem, 2 usage or config error, 3 gateway not running).
#include <CLI/CLI.hpp>

#include "gateway/cli/commands.h"

#ifndef EDGEGW_VERSION
#define EDGEGW_VERSION "unknown"
#endif

namespace {

// --config / --data-dir / --socket / --json on every query command.
void add_common(CLI::App* cmd, edgegw::CommonOptions& o) {
  cmd->add_option("--config", o.config_file,
                  "Gateway config (default: /etc/edgegw/edgegw.toml when it exists)");
  cmd->add_option("--data-dir", o.data_dir,
                  "Gateway data directory (default: the config's, /var/lib/edgegw)");
  cmd->add_option("--socket", o.socket, "Status socket (default: <data-dir>/edgegw.sock)");
  cmd->add_flag("--json", o.json, "Print JSON for scripts instead of tables");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace edgegw;
  CLI::App app{
      "edgegw: IoT sensor ingestion gateway (water meters, door contacts, facade sensors)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "edgegw " EDGEGW_VERSION);
  app.footer(
      "Exit codes: 0 ok, 1 unhealthy / not found / refused, 2 usage or config error, "
      "3 gateway not running, 4 damaged database (edgegw repair).");

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run the gateway (SIGHUP reloads the config)");
  run_cmd->add_option("--config", run.config_file, "TOML config file (default: built-in defaults)")
      ->check(CLI::ExistingFile);
  run_cmd->add_option("--ingest", run.ingest_url, "Local broker URL, e.g. tcp://127.0.0.1:1883");
  run_cmd->add_option("--uplink", run.uplink_url, "Upstream broker URL");
  run_cmd->add_option("--data-dir", run.data_dir,
                      "Directory for the RocksDB database and status socket");
  run_cmd->add_option("--gateway-id", run.gateway_id, "Gateway id (alert ids are per gateway)");
  run_cmd->add_option("--clock", run.clock, "event: time follows reading timestamps; wall: live")
      ->check(CLI::IsMember({"event", "wall"}));

  ParseOptions parse;
  auto* parse_cmd =
      app.add_subcommand("parse", "Decode one payload and print the normalized reading");
  parse_cmd->add_option("--topic", parse.topic, "MQTT topic the payload arrived on")->required();
  parse_cmd->add_option("input", parse.input, "Payload file, or - for stdin");
  parse_cmd->add_option("--config", parse.config_file, "Config whose routes and limits apply");

  std::string decode_input = "-";
  auto* decode_cmd =
      app.add_subcommand("decode", "Print an upstream AlertBatch message as JSON lines");
  decode_cmd->add_option("input", decode_input, "Message file, or - for stdin");

  ReplayOptions replay;
  auto* replay_cmd = app.add_subcommand(
      "replay",
      "Run captured traffic (topic<TAB>payload lines) through drivers and rules in event time");
  replay_cmd->add_option("input", replay.input, "Capture file, or - for stdin");
  replay_cmd->add_option("--config", replay.config_file,
                         "Config whose routes, limits and rules apply");
  replay_cmd->add_option("--inventory", replay.inventory_file, "Site inventory TOML");
  replay_cmd->add_option("--alerts-out", replay.alerts_out,
                         "Write alerts as length-prefixed AlertBatch messages");
  replay_cmd->add_flag("--print", replay.print, "Print the alerts as JSON lines");

  CommonOptions common;
  auto* status_cmd = app.add_subcommand(
      "status", "Is the box healthy? Connections, rates, outbox, disk (exit 1 when not)");
  add_common(status_cmd, common);

  SensorsOptions sensors;
  auto* sensors_cmd = app.add_subcommand("sensors", "List sensors: last seen, silent, open alerts");
  add_common(sensors_cmd, common);
  sensors_cmd->add_flag("--silent", sensors.silent,
                        "Only sensors that stopped reporting (or never did)");
  sensors_cmd->add_flag("--unassigned", sensors.unassigned,
                        "Only sensors not in the site inventory");
  sensors_cmd->add_option("--kind", sensors.kind, "water, door or facade")
      ->check(CLI::IsMember({"water", "door", "facade"}));

  std::string sensor_id;
  auto* sensor_cmd =
      app.add_subcommand("sensor", "One sensor: state, why it is or is not alerting, rejections");
  add_common(sensor_cmd, common);
  sensor_cmd->add_option("id", sensor_id, "Sensor id")->required();

  AlertsOptions alerts;
  auto* alerts_cmd =
      app.add_subcommand("alerts", "Recent alerts of the running gateway, newest first");
  add_common(alerts_cmd, common);
  alerts_cmd->add_flag("--open", alerts.open, "Only alerts raised and not cleared");
  alerts_cmd->add_option("--since", alerts.since,
                         "ISO 8601 UTC time, or a duration back: 30m, 12h, 2d");
  alerts_cmd->add_option("--limit", alerts.limit, "At most this many")
      ->check(CLI::Range(1, 100000));

  int outbox_limit = 20;
  auto* outbox_cmd =
      app.add_subcommand("outbox", "Alerts waiting to go upstream (works when stopped)");
  add_common(outbox_cmd, common);
  outbox_cmd->add_option("--limit", outbox_limit, "Oldest alerts to list")
      ->check(CLI::Range(1, 100000));

  int dead_limit = 50;
  auto* dead_cmd =
      app.add_subcommand("deadletters", "Rejected messages, newest first (works when stopped)");
  add_common(dead_cmd, common);
  dead_cmd->add_option("--limit", dead_limit, "At most this many")->check(CLI::Range(1, 100000));

  HouseholdOptions household;
  auto* household_cmd = app.add_subcommand(
      "household", "One household: sensors, away mode, why it is (not) alerting");
  add_common(household_cmd, common);
  household_cmd->add_option("id", household.id, "Household pseudonym")->required();
  auto* away_cmd =
      household_cmd->add_subcommand("away", "Set or clear away mode (pauses care rules)");
  away_cmd->fallthrough();  // --data-dir / --json given after `away` belong to `household`
  auto* until_opt = away_cmd->add_option("--until", household.until,
                                         "ISO 8601 UTC end, e.g. 2024-06-01T08:00:00Z");
  auto* for_opt =
      away_cmd->add_option("--for", household.for_duration, "Duration from now: 12h, 3d");
  auto* clear_opt = away_cmd->add_flag("--clear", household.clear, "End away mode now");
  until_opt->excludes(for_opt)->excludes(clear_opt);
  for_opt->excludes(clear_opt);

  std::string config_file;
  bool config_json = false;
  auto* config_cmd = app.add_subcommand("config", "Config file tools");
  config_cmd->require_subcommand(1);
  auto* check_cmd = config_cmd->add_subcommand(
      "check", "Check a config file as `run` and SIGHUP would (exit 2 when bad)");
  check_cmd->add_option("file", config_file, "Config file")->required();
  check_cmd->add_flag("--json", config_json, "Print JSON");

  auto* repair_cmd = app.add_subcommand(
      "repair",
      "Repair a damaged database (the gateway refuses to start on one), keeping what can be read");
  add_common(repair_cmd, common);

  TailOptions tail;
  auto* tail_cmd =
      app.add_subcommand("tail", "Live decoded readings, rejections and alerts until Ctrl-C");
  add_common(tail_cmd, common);
  tail_cmd->add_option("--type", tail.type, "reading, rejected or alert")
      ->check(CLI::IsMember({"reading", "rejected", "alert"}));
  tail_cmd->add_option("--sensor", tail.sensor, "Only this sensor");
  tail_cmd->add_option(
      "--kind", tail.kind,
      "Readings of this kind (water, door, facade) or alerts of this rule (W1, S1, ...)");
  tail_cmd->add_option("--subject", tail.subject, "Alerts about this household or building");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  if (*run_cmd) return cmd_run(run);
  if (*parse_cmd) return cmd_parse(parse);
  if (*decode_cmd) return cmd_decode(decode_input);
  if (*replay_cmd) return cmd_replay(replay);
  if (*status_cmd) return cmd_status(common);
  if (*repair_cmd) return cmd_repair(common);
  if (*sensors_cmd) return cmd_sensors(common, sensors);
  if (*sensor_cmd) return cmd_sensor(common, sensor_id);
  if (*alerts_cmd) return cmd_alerts(common, alerts);
  if (*outbox_cmd) return cmd_outbox(common, outbox_limit);
  if (*dead_cmd) return cmd_deadletters(common, dead_limit);
  if (*household_cmd) {
    household.away = static_cast<bool>(*away_cmd);
    return cmd_household(common, household);
  }
  if (*check_cmd) return cmd_config_check(config_file, config_json);
  if (*tail_cmd) return cmd_tail(common, tail);
  return kExitUsage;
}
