// cmd_store.cpp: `edgegw outbox` and `edgegw deadletters`: what waits to go upstream and what
// was rejected. From the running gateway, or read-only from a stopped gateway's database.
#include <iostream>

#include <fmt/format.h>
#include <simdjson.h>

#include "gateway/alert/alert_codec.h"
#include "gateway/cli/commands.h"
#include "gateway/cli/render.h"
#include "gateway/gateway.h"
#include "gateway/status/views.h"
#include "gateway/store/db.h"
#include "gateway/store/deadletters.h"
#include "gateway/store/outbox_reader.h"
#include "gateway/uplink/outbox_report.h"
#include "util/json.h"

namespace edgegw {

namespace {

// The body from the running gateway, or from `offline()` when it is not running. Returns
// nullopt (after printing why) on failure with the exit code in `rc`.
template <typename Offline>
std::optional<std::string> fetch_or_read(const CommonOptions& opts, const std::string& path,
                                         Offline offline, int& rc) {
  const std::optional<Target> resolved = resolve_target_or_report(opts);
  if (!resolved) {
    rc = kExitUsage;
    return std::nullopt;
  }
  const Target& target = *resolved;
  Reply r = http_request(target.socket_path, "GET", path);
  if (r.reached && r.status == 200) return std::move(r.body);
  if (r.reached) {
    std::cerr << "edgegw: the gateway refused: " << r.status << " " << r.body << r.error << "\n";
    rc = kExitProblem;
    return std::nullopt;
  }
  try {
    std::cerr << "edgegw: gateway not running; reading " << target.data_dir << " directly\n";
    auto db = open_db_read_only(target.data_dir);
    return offline(*db, target);
  } catch (const std::exception& e) {
    std::cerr << "edgegw: " << e.what() << "\n";
    rc = kExitNotRunning;
    return std::nullopt;
  }
}

std::optional<simdjson::dom::element> parse(simdjson::dom::parser& parser,
                                            const std::string& body) {
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) {
    std::cerr << "edgegw: not JSON: " << body.substr(0, 200) << "\n";
    return std::nullopt;
  }
  return doc;
}

// Prints the body as it is (--json), or parsed, through `render`; returns the exit code.
template <typename Render>
int print_body(const CommonOptions& opts, const std::optional<std::string>& body, int rc,
               Render render) {
  if (!body) return rc;
  if (opts.json) {
    std::cout << *body << "\n";
    return kExitOk;
  }
  simdjson::dom::parser parser;
  auto doc = parse(parser, *body);
  if (!doc) return kExitProblem;
  render(*doc);
  return kExitOk;
}

}  // namespace

int cmd_outbox(const CommonOptions& opts, int limit) {
  int rc = kExitOk;
  auto body = fetch_or_read(
      opts, fmt::format("/outbox?limit={}", limit),
      [&](const Db& db, const Target& t) {
        const OutboxReader outbox(db, t.outbox_max_bytes);  // the gateway's recovery, read-only
        JsonWriter w;
        w.begin_object().key("report").raw(
            outbox_report_json(outbox.stats(), nullptr, wall_clock_ms()));
        w.key("oldest").begin_array();
        for (const Alert& a : outbox.peek(static_cast<size_t>(limit), 1 << 20))
          w.raw(alert_to_json(t.gateway_id, a));
        w.end_array().end_object();
        return w.take();
      },
      rc);
  return print_body(opts, body, rc, [](simdjson::dom::element doc) {
    print_fields(std::cout, doc["report"].value());
    std::cout << "\noldest waiting alerts:\n";
    print_object_table(std::cout, doc["oldest"].value(),
                       {{"ID", "id"},
                        {"DETECTED", "detect_time"},
                        {"RULE", "rule"},
                        {"STATE", "state"},
                        {"SEVERITY", "severity"},
                        {"AUDIENCE", "audience"},
                        {"SUBJECT", "subject"},
                        {"SENSOR", "sensor"}});
  });
}

int cmd_deadletters(const CommonOptions& opts, int limit) {
  int rc = kExitOk;
  auto body = fetch_or_read(
      opts, fmt::format("/deadletters?limit={}", limit),
      [&](const Db& db, const Target&) {
        const auto all = DeadLetters::read(db, 1000000);
        std::vector<DeadLetter> last(
            all.end() - std::min<size_t>(all.size(), static_cast<size_t>(limit)), all.end());
        return deadletters_json(last, all.size());
      },
      rc);
  return print_body(opts, body, rc, [](simdjson::dom::element doc) {
    print_object_table(std::cout, doc["dead_letters"].value(),
                       {{"TIME", "time"},
                        {"REASON", "reason"},
                        {"TOPIC", "topic"},
                        {"BYTES", "payload_size"},
                        {"DETAIL", "detail"}});
    std::cout << fmt::format("\n{} dead letters kept\n", field_text(doc, "count"));
  });
}

}  // namespace edgegw
