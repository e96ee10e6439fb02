// cmd_config.cpp: `edgegw config check FILE`: loads a config exactly as `edgegw run` and a
// SIGHUP reload would, and says what is in it or which line and key are wrong (exit 2).
#include <iostream>

#include <fmt/format.h>

#include "gateway/cli/commands.h"
#include "gateway/config.h"
#include "util/json.h"

namespace edgegw {

int cmd_config_check(const std::string& file, bool json) {
  Config c;
  try {
    c = load_config(file);
  } catch (const std::exception& e) {
    if (json) {
      JsonWriter w;
      w.begin_object()
          .key("ok")
          .value(false)
          .key("file")
          .value(file)
          .key("error")
          .value(e.what())
          .end_object();
      std::cout << w.str() << "\n";
    } else {
      std::cerr << "error: " << e.what() << "\n";
    }
    return kExitUsage;
  }
  size_t meters = 0, doors = 0;
  for (const Household& h : c.inventory.households)
    meters += h.meters.size(), doors += h.doors.size();
  if (json) {
    JsonWriter w;
    w.begin_object()
        .key("ok")
        .value(true)
        .key("file")
        .value(file)
        .key("gateway_id")
        .value(c.gateway_id);
    w.key("clock")
        .value(c.clock == ClockMode::wall ? "wall" : "event")
        .key("data_dir")
        .value(c.data_dir);
    w.key("status_socket").value(c.status_socket()).key("http_port").value(c.status.http_port);
    w.key("ingest")
        .value(c.ingest.url)
        .key("uplink")
        .value(c.uplink.broker.url)
        .key("uplink_topic")
        .value(c.uplink_topic());
    w.key("routes").value(static_cast<uint64_t>(c.routes.size()));
    w.key("households").value(static_cast<uint64_t>(c.inventory.households.size()));
    w.key("meters")
        .value(static_cast<uint64_t>(meters))
        .key("doors")
        .value(static_cast<uint64_t>(doors));
    w.key("facades").value(static_cast<uint64_t>(c.inventory.facades.size())).end_object();
    std::cout << w.str() << "\n";
  } else {
    std::cout << fmt::format(
        "{}: ok\n  gateway {} (clock {}), data {}, status socket {}\n  ingest {}\n  uplink {} "
        "topic {}\n"
        "  {} routes; {} households with {} meters and {} doors; {} facade sensors\n",
        file, c.gateway_id, c.clock == ClockMode::wall ? "wall" : "event", c.data_dir,
        c.status_socket(), c.ingest.url, c.uplink.broker.url, c.uplink_topic(), c.routes.size(),
        c.inventory.households.size(), meters, doors, c.inventory.facades.size());
  }
  return kExitOk;
}

}  // namespace edgegw
