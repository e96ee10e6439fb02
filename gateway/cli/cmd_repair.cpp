// cmd_repair.cpp: `edgegw repair`: RocksDB's repair of a damaged database (the gateway refuses
// to start on one and says so), keeping every record that can still be read; then a summary of
// what the outbox holds. The gateway must be stopped.
#include <iostream>

#include <fmt/format.h>

#include "gateway/cli/commands.h"
#include "gateway/store/db.h"
#include "gateway/store/outbox_reader.h"

namespace edgegw {

int cmd_repair(const CommonOptions& opts) {
  const std::optional<Target> resolved = resolve_target_or_report(opts);
  if (!resolved) {
    return kExitUsage;
  }
  const Target& target = *resolved;
  if (http_request(target.socket_path, "GET", "/status", 2000).reached) {
    std::cerr << "edgegw: the gateway is running on " << target.data_dir
              << ": stop it first (systemctl stop edgegw)\n";
    return kExitProblem;
  }
  try {
    repair_db(target.data_dir);
    auto db = open_db(target.data_dir);
    const OutboxStats s = read_outbox_stats(*db, target.outbox_max_bytes);
    std::cout << fmt::format(
        "repaired {}/db: {} alerts waiting for upstream, next alert id {}, incarnation {:016x}\n",
        target.data_dir, s.depth, s.next_id, db->incarnation);
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << fmt::format(
        "edgegw: repair failed: {}. To start afresh, move {}/db away "
        "(a new incarnation; alert ids start again at 1)\n",
        e.what(), target.data_dir);
    return kExitProblem;
  }
}

}  // namespace edgegw
