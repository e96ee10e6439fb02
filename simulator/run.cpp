// run.cpp: the run command.
#include "simulator/run.h"

#include <chrono>
#include <fstream>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "simulator/activity.h"
#include "simulator/baseline.h"
#include "simulator/fleet.h"
#include "simulator/incidents.h"
#include "simulator/inventory.h"
#include "simulator/progress.h"
#include "simulator/publisher.h"
#include "simulator/streams.h"

namespace fleetsim {

namespace {

bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x7F) return false;
  return true;
}

void dump_line(std::ostream& out, const Message& m) {
  out << m.topic << '\t';
  if (printable(m.payload)) {
    out << m.payload;
  } else {
    out << "hex:";
    for (unsigned char c : m.payload) out << fmt::format("{:02x}", c);
  }
  out << '\n';
}

template <class Write>
bool write_file(const std::string& path, Write write) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return false;
  write(out);
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace

int run_fleet(const SimConfig& c, const RunOptions& o) {
  const Fleet fleet = build_fleet(c);
  IncidentPlan plan;
  try {
    plan = plan_incidents(c, fleet);
  } catch (const std::exception& e) {
    fmt::print(stderr, "fleetsim: {}\n", e.what());
    return 2;
  }
  if (!o.inventory_path.empty() &&
      !write_file(o.inventory_path, [&](std::ostream& out) { write_inventory(out, c, fleet); })) {
    fmt::print(stderr, "fleetsim: cannot write the inventory {}\n", o.inventory_path);
    return 1;
  }
  if (!o.truth_path.empty() &&
      !write_file(o.truth_path, [&](std::ostream& out) { write_truth(out, plan); })) {
    fmt::print(stderr, "fleetsim: cannot write the ground truth {}\n", o.truth_path);
    return 1;
  }

  std::optional<Publisher> publisher;
  if (!o.broker.empty()) {
    try {
      publisher.emplace(PublisherOptions{o.broker, o.client_id, 1, o.window});
    } catch (const std::exception& e) {
      fmt::print(stderr, "fleetsim: cannot connect to {}: {}\n", o.broker, e.what());
      return 1;
    }
  }
  std::ofstream dump;
  if (!o.dump_path.empty()) {
    dump.open(o.dump_path, std::ios::trunc);
    if (!dump) {
      fmt::print(stderr, "fleetsim: cannot write {}\n", o.dump_path);
      return 1;
    }
  }

  FleetSim sim = make_fleet_sim(c, fleet, plan);
  std::vector<BaselineMeter> baseline_meters(fleet.households.size());
  const BaselineParams baseline_params;
  RunMeta meta{c.households, c.facades, fleet.buildings,  c.days, c.start_ms,
               c.end_ms(),   c.seed,    c.report_minutes, 0,      {}};
  Progress progress = make_progress(o.quiet, c.start_ms, c.end_ms());
  const auto wall0 = std::chrono::steady_clock::now();
  Message msg;
  uint64_t count = 0;
  try {
    while (next_message(sim, msg)) {
      if (c.speed > 0) {  // event time -> wall time
        const auto due =
            wall0 + std::chrono::microseconds(static_cast<int64_t>(
                        static_cast<double>(msg.time_ms - c.start_ms) * 1000.0 / c.speed));
        if (due > std::chrono::steady_clock::now()) {
          if (publisher) publisher->flush();
          std::this_thread::sleep_until(due);
        }
      }
      if (publisher) publisher->publish(msg.topic, msg.payload);
      if (dump.is_open()) dump_line(dump, msg);
      if (msg.household >= 0) {
        int64_t event_ms = 0, detect_ms = 0;
        if (baseline_observe(baseline_meters[static_cast<size_t>(msg.household)], baseline_params,
                             msg.time_ms, msg.total_m3, event_ms, detect_ms)) {
          const HouseholdInfo& h = fleet.households[static_cast<size_t>(msg.household)];
          meta.baseline.push_back({h.id, h.meter_id, event_ms, detect_ms});
        }
      }
      ++count;
      progress_update(progress, count, msg.time_ms);
    }
    if (publisher) publisher->flush();
  } catch (const std::exception& e) {
    fmt::print(stderr, "\nfleetsim: publishing failed after {} messages: {}\n", count, e.what());
    return 1;
  }
  progress_finish(progress, count);
  meta.messages = count;
  if (!o.truth_path.empty()) {
    const std::string meta_path = o.truth_path + ".meta.json";
    if (!write_file(meta_path, [&](std::ostream& out) { write_meta(out, meta); })) {
      fmt::print(stderr, "fleetsim: cannot write {}\n", meta_path);
      return 1;
    }
    const std::string activities_path = o.truth_path + ".activities.tsv";
    std::vector<std::string> ids;
    for (const HouseholdInfo& h : fleet.households) ids.push_back(h.id);
    if (!write_file(activities_path, [&](std::ostream& out) {
          write_activities(out, ids, fleet_activities(sim));
        })) {
      fmt::print(stderr, "fleetsim: cannot write {}\n", activities_path);
      return 1;
    }
  }
  if (!o.quiet)
    fmt::print(stderr, "fleetsim: {} messages, {} households, {} facade sensors, {} incidents\n",
               count, fleet.households.size(), fleet.facades.size(), plan.incidents.size());
  return 0;
}

}  // namespace fleetsim
