// cmd_replay.cpp: `edgegw replay`: runs captured or simulated traffic (lines of
// "topic<TAB>payload", payload as text or "hex:<bytes>") through the drivers and the detector
// in event time, in-process, and writes the alerts as length-prefixed AlertBatch messages.
// For what-if runs of rule changes on a field capture, and for scoring large fleets quickly.
#include <chrono>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "gateway/alert/alert_codec.h"
#include "gateway/cli/commands.h"
#include "gateway/config.h"
#include "gateway/ingest/pipeline.h"
#include "util/coding.h"
#include "util/hex.h"

namespace edgegw {

namespace {

void append_length_prefixed(std::ostream& out, const std::string& bytes) {
  std::string len;
  put_fixed32(len, static_cast<uint32_t>(bytes.size()));
  out.write(len.data(), 4);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int cmd_replay(const ReplayOptions& o) {
  Config config;
  try {
    if (!o.config_file.empty()) config = load_config(o.config_file);
    if (!o.inventory_file.empty()) {
      load_inventory(o.inventory_file, config.inventory);
      check_inventory_ids(config.inventory);
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  std::ifstream in_file;
  std::istream* in = &std::cin;
  if (o.input != "-") {
    in_file.open(o.input, std::ios::binary);
    if (!in_file) {
      std::cerr << "error: cannot open " << o.input << "\n";
      return 2;
    }
    in = &in_file;
  }
  std::ofstream alerts_out;
  if (!o.alerts_out.empty()) {
    alerts_out.open(o.alerts_out, std::ios::binary | std::ios::trunc);
    if (!alerts_out) {
      std::cerr << "error: cannot write " << o.alerts_out << "\n";
      return 2;
    }
  }
  Pipeline pipeline(config, nullptr);
  std::vector<Alert> alerts;
  std::string line, payload;
  uint64_t next_id = 1, lines = 0, bad_lines = 0, alert_count = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (std::getline(*in, line)) {
    ++lines;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      ++bad_lines;
      continue;
    }
    const std::string_view topic(line.data(), tab);
    std::string_view body(line.data() + tab + 1, line.size() - tab - 1);
    if (body.starts_with("hex:")) {
      if (!unhex(body.substr(4), payload)) {
        ++bad_lines;
        continue;
      }
      body = payload;
    }
    pipeline.handle(topic, body, 0, alerts);
    if (alerts.empty()) continue;
    for (Alert& a : alerts) a.id = next_id++;
    alert_count += alerts.size();
    if (alerts_out.is_open())
      append_length_prefixed(alerts_out, encode_batch(config.gateway_id, alerts));
    if (o.print)
      for (const Alert& a : alerts) std::cout << alert_to_json(config.gateway_id, a) << "\n";
    alerts.clear();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const PipelineCounters& c = pipeline.counters();
  uint64_t rejected = 0;
  for (uint64_t n : c.rejected_by_reason) rejected += n;
  std::cerr << fmt::format(
      "replayed {} messages ({} rejected, {} unreadable lines) in {:.1f} s ({:.0f} messages/s); "
      "{} alerts; {} sensors\n",
      c.messages, rejected, bad_lines, seconds, seconds > 0 ? c.messages / seconds : 0.0,
      alert_count, pipeline.engine().sensor_count());
  return 0;
}

}  // namespace edgegw
