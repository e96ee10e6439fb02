// main.cpp: the `edgegw` command line: subcommands and their flags (CLI11).
#include <CLI/CLI.hpp>

#include "gateway/cli/commands.h"

int main(int argc, char** argv) {
  using namespace edgegw;
  CLI::App app{"edgegw: IoT sensor ingestion gateway (water meters, door contacts, facade sensors)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "edgegw 0.1.0");

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run the gateway");
  run_cmd->add_option("--config", run.config_file, "TOML config file (default: built-in defaults)")
      ->check(CLI::ExistingFile);
  run_cmd->add_option("--ingest", run.ingest_url, "Local broker URL, e.g. tcp://127.0.0.1:1883");
  run_cmd->add_option("--uplink", run.uplink_url, "Upstream broker URL");
  run_cmd->add_option("--data-dir", run.data_dir, "Directory for the RocksDB database");
  run_cmd->add_option("--gateway-id", run.gateway_id, "Gateway id (alert ids are per gateway)");
  run_cmd->add_option("--clock", run.clock, "event: time follows reading timestamps; wall: live")
      ->check(CLI::IsMember({"event", "wall"}));

  ParseOptions parse;
  auto* parse_cmd = app.add_subcommand("parse", "Decode one payload and print the normalized reading");
  parse_cmd->add_option("--topic", parse.topic, "MQTT topic the payload arrived on")->required();
  parse_cmd->add_option("input", parse.input, "Payload file, or - for stdin");
  parse_cmd->add_option("--config", parse.config_file, "Config whose routes and limits apply");

  std::string decode_input = "-";
  auto* decode_cmd = app.add_subcommand("decode", "Print an upstream AlertBatch message as JSON lines");
  decode_cmd->add_option("input", decode_input, "Message file, or - for stdin");

  CLI11_PARSE(app, argc, argv);
  if (*run_cmd) return cmd_run(run);
  if (*parse_cmd) return cmd_parse(parse);
  if (*decode_cmd) return cmd_decode(decode_input);
  return 2;
}
