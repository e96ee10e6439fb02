// cmd_status.cpp: `edgegw status`: one screen on whether the box is healthy. Exits 0 when
// healthy, 1 when not (including a stopped gateway), 2 on a bad config, for cron and monitoring.
// A stopped gateway's outbox and dead letters are read from its data directory (read-only).
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <simdjson.h>

#include "gateway/cli/commands.h"
#include "gateway/cli/render.h"
#include "gateway/status/views.h"
#include "gateway/store/db.h"
#include "gateway/store/deadletters.h"
#include "gateway/store/outbox_reader.h"
#include "gateway/uplink/outbox_report.h"
#include "util/json.h"

#ifndef EDGEGW_VERSION
#define EDGEGW_VERSION "unknown"
#endif

namespace edgegw {

namespace {

// What can be said about a gateway that does not answer on its socket.
std::string offline_status_json(const Target& t, const std::string& why) {
  JsonWriter w;
  w.begin_object().key("gateway_id").value(t.gateway_id).key("version").value(EDGEGW_VERSION);
  w.key("running").value(false).key("healthy").value(false);
  w.key("problems").begin_array().value(why).end_array();
  const DiskUsage disk = disk_usage(t.data_dir);
  disk_usage_json(w, t.data_dir, disk);
  if (std::filesystem::exists(std::filesystem::path(t.data_dir) / "db")) {
    try {
      auto db = open_db_read_only(t.data_dir);
      const OutboxStats o = read_outbox_stats(*db, t.outbox_max_bytes);
      w.key("outbox")
          .begin_object()
          .key("depth")
          .value(o.depth)
          .key("bytes")
          .value(o.bytes)
          .key("max_bytes")
          .value(o.max_bytes)
          .key("oldest_detect_time")
          .time(o.oldest_detect_ms)
          .key("evicted")
          .value(o.evicted)
          .key("last_puback")
          .time(o.last_puback_ms)
          .end_object();
      w.key("dead_letters").value(static_cast<uint64_t>(DeadLetters::read(*db, 1000000).size()));
    } catch (const std::exception& e) {
      w.key("database_error").value(e.what());
    }
  } else {
    w.key("database_error").value(fmt::format("no database under {}", t.data_dir));
  }
  w.end_object();
  return w.take();
}

void print_human(simdjson::dom::element s) {
  const bool running = field_bool(s, "running"), healthy = field_bool(s, "healthy");
  std::cout << fmt::format("edgegw {}  version {}  {}\n", field_text(s, "gateway_id"),
                           field_text(s, "version"),
                           !running  ? "NOT RUNNING"
                           : healthy ? "HEALTHY"
                                     : "UNHEALTHY");
  simdjson::dom::array problems;
  if (!s["problems"].get(problems))
    for (auto p : problems) std::cout << "  problem: " << json_text(p) << "\n";
  if (running) {
    const double up = field_double(s, "uptime_s");
    std::cout << fmt::format("uptime      {:.0f} s (since {}), clock {}, watermark {}\n", up,
                             field_text(s, "started_at"), field_text(s, "clock"),
                             field_text(s, "watermark"));
    auto in = s["ingest"], up_ = s["uplink"];
    std::cout << fmt::format(
        "ingest      {} {} (reconnects {})\n", field_text(in.value(), "url"),
        field_text(in.value(), "connected") == "yes" ? "connected" : "DISCONNECTED",
        field_text(in.value(), "reconnects"));
    std::cout << fmt::format(
        "uplink      {} {} (reconnects {}, last ack {})\n", field_text(up_.value(), "url"),
        field_text(up_.value(), "connected") == "yes" ? "connected" : "DISCONNECTED",
        field_text(up_.value(), "reconnects"), field_text(up_.value(), "last_puback"));
    auto r = s["rates"].value();
    std::cout << fmt::format(
        "rates       {} msg/s, {} readings/s, {} rejected/s, {} alerts/s (last {} s)\n",
        field_text(r, "messages_per_s"), field_text(r, "readings_per_s"),
        field_text(r, "rejected_per_s"), field_text(r, "alerts_per_s"), field_text(r, "window_s"));
    auto c = s["counters"].value();
    std::cout << fmt::format("totals      {} messages, {} readings, {} rejected, {} alerts\n",
                             field_text(c, "messages"), field_text(c, "readings"),
                             field_text(c, "rejected"), field_text(c, "alerts"));
    auto sn = s["sensors"].value();
    std::cout << fmt::format(
        "sensors     {} known, {} silent, {} not in the inventory; {} alerts open\n",
        field_text(sn, "total"), field_text(sn, "silent"), field_text(sn, "unassigned"),
        field_text(s, "alerts_open"));
  }
  simdjson::dom::element o;
  if (!s["outbox"].get(o))
    std::cout << fmt::format(
        "outbox      {} alerts waiting, {} / {} bytes, oldest {}, evicted {}\n",
        field_text(o, "depth"), field_text(o, "bytes"), field_text(o, "max_bytes"),
        running ? field_text(o, "oldest_age_s") + " s" : field_text(o, "oldest_detect_time"),
        field_text(o, "evicted"));
  std::cout << fmt::format("deadletters {}\n", field_text(s, "dead_letters"));
  auto d = s["disk"].value();
  std::cout << fmt::format("disk        {}: database {} MB, {} MB free\n",
                           field_text(d, "data_dir"),
                           uint64_t(d["db_bytes"].get_uint64().value_unsafe()) >> 20,
                           uint64_t(d["free_bytes"].get_uint64().value_unsafe()) >> 20);
  simdjson::dom::element err;
  if (!s["database_error"].get(err)) std::cout << "database    " << json_text(err) << "\n";
}

}  // namespace

int cmd_status(const CommonOptions& opts) {
  const std::optional<Target> resolved = resolve_target_or_report(opts);
  if (!resolved) {
    return kExitUsage;
  }
  const Target& target = *resolved;
  Reply r = http_request(target.socket_path, "GET", "/status");
  std::string body;
  if (r.reached && r.status == 200)
    body = std::move(r.body);
  else
    body = offline_status_json(
        target,
        r.reached ? fmt::format("status request failed: {}{}", r.status, r.error) : r.error);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) {
    std::cerr << "edgegw: the gateway answered something that is not JSON\n";
    return kExitProblem;
  }
  if (opts.json)
    std::cout << body << "\n";
  else
    print_human(doc);
  return field_bool(doc, "healthy") ? kExitOk : kExitProblem;
}

}  // namespace edgegw
