// main.cpp: the fleetsim command line (run, listen, score).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "drivers/timestamp.h"
#include "gateway/alert/alert_codec.h"
#include "simulator/alert_file.h"
#include "simulator/listen.h"
#include "simulator/run.h"
#include "simulator/score.h"
#include "simulator/sim_config.h"

namespace {

struct RunFlags {
  std::string broker, truth, inventory, dump, config, incidents, speed, start,
      client_id = "fleetsim";
  std::string meter_formats, door_formats, facade_formats;
  std::optional<int> households, facades, report_minutes;
  std::optional<double> days, hourly_share;
  std::optional<uint64_t> seed;
  size_t window = 512;
  bool quiet = false;
};

int do_run(const RunFlags& f) {
  using namespace fleetsim;
  SimConfig c;
  if (!f.config.empty())
    if (auto err = load_sim_toml(f.config, c); !err.empty()) {
      fmt::print(stderr, "fleetsim: {}\n", err);
      return 2;
    }
  if (f.households) c.households = *f.households;
  if (f.facades) c.facades = *f.facades;
  if (f.days) c.days = *f.days;
  if (f.seed) c.seed = *f.seed;
  if (f.report_minutes) c.report_minutes = *f.report_minutes;
  if (f.hourly_share) c.hourly_share = *f.hourly_share;
  if (!f.speed.empty()) {
    auto speed = parse_speed(f.speed);
    if (!speed) {
      fmt::print(stderr, "fleetsim: --speed: expected max, realtime or a factor, got '{}'\n",
                 f.speed);
      return 2;
    }
    c.speed = *speed;
  }
  if (!f.start.empty()) {
    auto ms = edgegw::parse_iso8601_utc(f.start);
    if (!ms) {
      fmt::print(stderr, "fleetsim: --start: not an ISO 8601 UTC time: '{}'\n", f.start);
      return 2;
    }
    c.start_ms = *ms;
    c.start_given = true;
  }
  if (c.speed == 1.0 && !c.start_given) {  // real time: the simulation starts now
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    c.start_ms = std::chrono::duration_cast<std::chrono::seconds>(now).count() * 1000;
  }
  if (!f.incidents.empty())
    if (auto err = parse_incident_mix(f.incidents, c); !err.empty()) {
      fmt::print(stderr, "fleetsim: --incidents: {}\n", err);
      return 2;
    }
  std::string err;
  if (!f.meter_formats.empty())
    err = parse_shares(f.meter_formats, kMeterFormatNames, c.meter_shares);
  if (err.empty() && !f.door_formats.empty())
    err = parse_shares(f.door_formats, kDoorFormatNames, c.door_shares);
  if (err.empty() && !f.facade_formats.empty())
    err = parse_shares(f.facade_formats, kFacadeFormatNames, c.facade_shares);
  if (!err.empty()) {
    fmt::print(stderr, "fleetsim: formats: {}\n", err);
    return 2;
  }
  if (c.households < 0 || c.facades < 0 || !(c.days > 0) || c.report_minutes <= 0 ||
      !(c.hourly_share >= 0 && c.hourly_share <= 1) || c.sensors_per_building <= 0) {
    fmt::print(stderr,
               "fleetsim: households/facades must be >= 0, days and report minutes > 0, "
               "the hourly share in [0, 1]\n");
    return 2;
  }
  RunOptions o{f.broker, f.truth, f.inventory, f.dump, f.client_id, std::max<size_t>(1, f.window),
               f.quiet};
  return run_fleet(c, o);
}

int do_listen(const fleetsim::ListenOptions& o, const std::string& out_path) {
  std::ofstream out;
  if (!out_path.empty()) {
    out.open(out_path, std::ios::binary | std::ios::app);
    if (!out) {
      fmt::print(stderr, "fleetsim: cannot write {}\n", out_path);
      return 1;
    }
  }
  try {
    fleetsim::listen_upstream(o, [&](std::string_view topic, std::string_view bytes) {
      if (out.is_open()) {
        fleetsim::append_batch(out, bytes);
        out.flush();
      }
      auto batch = edgegw::decode_batch(bytes);
      if (!batch) {
        fmt::print(stderr, "fleetsim: {} bytes on {} are not an AlertBatch\n", bytes.size(), topic);
        return;
      }
      for (const auto& a : batch->alerts)
        fmt::print("{}\n", edgegw::alert_to_json(batch->gateway_id, a));
      std::fflush(stdout);
    });
  } catch (const std::exception& e) {
    fmt::print(stderr, "fleetsim: listen on {}: {}\n", o.upstream, e.what());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "fleetsim: simulates a fleet of households and facades for edgegw, and scores its alerts"};
  app.require_subcommand(1);

  RunFlags rf;
  auto* run = app.add_subcommand("run", "publish the simulated fleet's messages to a broker");
  run->add_option("--broker", rf.broker, "MQTT broker, tcp://host:port (omit to only generate)");
  run->add_option("--households", rf.households, "households (default 20)");
  run->add_option("--facades", rf.facades, "facade sensors, 2 per building (default 0)");
  run->add_option("--days", rf.days, "simulated days (default 3)");
  run->add_option("--start", rf.start,
                  "event time of the start, ISO 8601 UTC (default 2024-05-01T00:00:00Z)");
  run->add_option("--speed", rf.speed, "max | realtime | <event seconds per wall second>");
  run->add_option("--seed", rf.seed, "random seed (default 1)");
  run->add_option("--report-minutes", rf.report_minutes, "meter transmit period (default 15)");
  run->add_option("--hourly-share", rf.hourly_share,
                  "share of meters that report hourly instead (default 0.25)");
  run->add_option("--truth", rf.truth, "ground truth JSONL to write (and FILE.meta.json)");
  run->add_option("--inventory", rf.inventory, "site inventory TOML to write for the gateway");
  run->add_option("--config", rf.config, "sim config TOML (flags override it)");
  run->add_option("--incidents", rf.incidents,
                  "incident counts, e.g. fall_day=3,tap_left_open=2,garbage=1");
  run->add_option("--meter-formats", rf.meter_formats,
                  "shares, e.g. wmbus=0.7,cjt188=0.2,native=0.1");
  run->add_option("--door-formats", rf.door_formats, "shares, e.g. zigbee2mqtt=0.9,native=0.1");
  run->add_option("--facade-formats", rf.facade_formats, "shares, e.g. roi=0.9,frame=0,native=0.1");
  run->add_option("--dump", rf.dump, "also write every message as 'topic<TAB>payload' lines");
  run->add_option("--client-id", rf.client_id, "MQTT client id (default fleetsim)");
  run->add_option("--window", rf.window, "max QoS 1 messages in flight (default 512)");
  run->add_flag("--quiet", rf.quiet, "no progress output");

  fleetsim::ListenOptions lo;
  std::string listen_out;
  auto* listen = app.add_subcommand("listen", "print the alerts arriving upstream as JSON lines");
  listen->add_option("--upstream", lo.upstream, "upstream broker, tcp://host:port")->required();
  listen->add_option("--topic", lo.topic, "topic filter (default edgegw/+/alerts)");
  listen->add_option("--out", listen_out, "append the raw AlertBatch messages, length-prefixed");
  listen->add_option("--count", lo.count, "stop after this many alerts");
  listen->add_option("--idle-seconds", lo.idle_seconds, "stop after this long without a message");
  listen->add_option("--client-id", lo.client_id, "client id for a persistent session");

  fleetsim::ScoreOptions so;
  auto* score = app.add_subcommand("score", "score the gateway's alerts against the ground truth");
  score->add_option("--truth", so.truth_path, "ground truth JSONL written by run")->required();
  score->add_option("--alerts", so.alerts_path, "file of length-prefixed AlertBatch messages");
  score->add_option("--upstream", so.upstream, "or collect the alerts from this broker");
  score->add_option("--topic", so.topic, "topic filter (default edgegw/+/alerts)");
  score->add_option("--idle-seconds", so.idle_seconds,
                    "stop collecting after this long idle (default 5)");
  score->add_option("--client-id", so.client_id, "client id for a persistent session");
  score->add_option("--households", so.households, "households (default: from TRUTH.meta.json)");
  score->add_option("--days", so.days, "days (default: from TRUTH.meta.json)");
  score->add_flag("--json", so.json, "JSON output");
  score->add_option("--false-out", so.false_out, "write every false care alert to FILE (TSV)");
  score->add_option("--found-out", so.found_out,
                    "write every injected incident and its first alert to FILE (TSV)");

  CLI11_PARSE(app, argc, argv);
  if (run->parsed()) return do_run(rf);
  if (listen->parsed()) return do_listen(lo, listen_out);
  if (score->parsed()) return fleetsim::score_command(so);
  return 2;
}
