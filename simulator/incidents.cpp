// incidents.cpp: drawing the incident mix and writing the ground truth.
#include "simulator/incidents.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "simulator/rng.h"

namespace fleetsim {

namespace {

// Local time-of-day range (hours) in which an incident of this kind starts.
std::pair<double, double> local_hours(IncidentKind k) {
  switch (k) {
    case IncidentKind::fall: return {8.0, 20.0};
    case IncidentKind::leak: return {7.0, 21.0};
    case IncidentKind::night_wandering: return {0.5, 4.5};
    case IncidentKind::door_left_open: return {8.5, 19.0};
    case IncidentKind::hollow_patch: return {8.0, 10.5};  // heating phase
    default: return {0.0, 24.0};
  }
}

// A start time in [lo, hi] whose local time of day lies in the kind's range.
int64_t draw_start(std::mt19937_64& rng, const SimConfig& c, IncidentKind k, int64_t lo,
                   int64_t hi) {
  const int64_t off = static_cast<int64_t>(c.utc_offset_min) * kMinuteMs;
  const auto [h0, h1] = local_hours(k);
  for (int attempt = 0; attempt < 64; ++attempt) {
    const int64_t t = lo + static_cast<int64_t>(uniform(rng, 0, 1) * static_cast<double>(hi - lo));
    const int64_t local_midnight = (t + off) / kDayMs * kDayMs - off;
    int64_t s = local_midnight + static_cast<int64_t>(uniform(rng, h0, h1) * kHourMs);
    s = s / 1000 * 1000;
    if (s >= lo && s <= hi) return s;
  }
  return lo;
}

}  // namespace

IncidentPlan plan_incidents(const SimConfig& c, const Fleet& fleet) {
  IncidentPlan plan;
  plan.household_incident.assign(fleet.households.size(), -1);
  plan.facade_incident.assign(fleet.facades.size(), -1);
  auto rng = make_rng(c.seed, Stream::incidents, 0);

  // Households in a seeded random order; incidents take them one by one.
  std::vector<int> order(fleet.households.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  size_t next_household = 0;
  std::vector<int> building_order(static_cast<size_t>(fleet.buildings));
  std::iota(building_order.begin(), building_order.end(), 0);
  std::shuffle(building_order.begin(), building_order.end(), rng);
  size_t next_building = 0;

  // Incidents start after a day of normal life (the gateway learns) and early enough that the
  // slowest rule (26 h) can fire before the run ends.
  const int64_t span = c.end_ms() - c.start_ms;
  const int64_t lo = c.start_ms + std::min<int64_t>(kDayMs, span / 4);
  const int64_t hi = std::max(lo, c.end_ms() - std::min<int64_t>(27 * kHourMs, span / 2));

  for (size_t k = 0; k < kIncidentKinds; ++k) {
    const auto kind = static_cast<IncidentKind>(k);
    const int count = incident_count(c, kind);
    for (int n = 0; n < count; ++n) {
      Incident inc;
      inc.kind = kind;
      inc.start_ms = draw_start(rng, c, kind, lo, hi);
      if (kind == IncidentKind::hollow_patch) {
        if (next_building >= building_order.size())
          throw std::runtime_error(fmt::format(
              "{} hollow_patch incidents need {} buildings with facade sensors, there are {}",
              count, count, fleet.buildings));
        const int b = building_order[next_building++];
        // The patch shows on one of the building's sensors.
        std::vector<int> sensors;
        for (size_t f = 0; f < fleet.facades.size(); ++f)
          if (fleet.facades[f].building == b) sensors.push_back(static_cast<int>(f));
        inc.target =
            sensors[static_cast<size_t>(uniform_int(rng, 0, static_cast<int>(sensors.size()) - 1))];
        inc.device = FaultDevice::facade;
        inc.subject = fleet.facades[static_cast<size_t>(inc.target)].building_id;
        inc.sensor = fleet.facades[static_cast<size_t>(inc.target)].sensor_id;
        plan.facade_incident[static_cast<size_t>(inc.target)] =
            static_cast<int>(plan.incidents.size());
        plan.incidents.push_back(std::move(inc));
        continue;
      }
      if (next_household >= order.size())
        throw std::runtime_error(fmt::format(
            "the incident mix needs more households than the {} simulated (one incident each)",
            fleet.households.size()));
      inc.target = order[next_household++];
      const HouseholdInfo& hh = fleet.households[static_cast<size_t>(inc.target)];
      inc.subject = hh.id;
      inc.device = FaultDevice::meter;
      switch (kind) {
        case IncidentKind::leak:
          if (chance(rng, 0.5)) {  // tap left running
            inc.rate_m3h = uniform(rng, 0.25, 0.6);
            inc.end_ms =
                inc.start_ms + static_cast<int64_t>(uniform(rng, 3, 8) * kHourMs) / 1000 * 1000;
          } else {  // leaking cistern, until someone repairs it (after the run)
            inc.rate_m3h = uniform(rng, 0.05, 0.12);
          }
          break;
        case IncidentKind::night_wandering:
          inc.device = FaultDevice::door;
          inc.end_ms =
              inc.start_ms + static_cast<int64_t>(uniform(rng, 15, 60) * kMinuteMs) / 1000 * 1000;
          break;
        case IncidentKind::door_left_open:
          inc.device = FaultDevice::door;
          inc.end_ms =
              inc.start_ms + static_cast<int64_t>(uniform(rng, 20, 90) * kMinuteMs) / 1000 * 1000;
          break;
        case IncidentKind::low_battery:
          inc.device = chance(rng, 0.5) ? FaultDevice::door : FaultDevice::meter;
          inc.amount =
              inc.device == FaultDevice::door ? uniform_int(rng, 4, 9) : uniform(rng, 0.05, 0.3);
          break;
        case IncidentKind::backwards_register: inc.amount = uniform(rng, 0.5, 3.0); break;
        case IncidentKind::garbage: inc.end_ms = inc.start_ms + 6 * kHourMs; break;
        default: break;
      }
      inc.sensor = inc.device == FaultDevice::door ? hh.door_id : hh.meter_id;
      plan.household_incident[static_cast<size_t>(inc.target)] =
          static_cast<int>(plan.incidents.size());
      plan.incidents.push_back(std::move(inc));
    }
  }
  return plan;
}

const Incident* household_incident(const IncidentPlan& plan, int household) {
  const int i = plan.household_incident[static_cast<size_t>(household)];
  return i < 0 ? nullptr : &plan.incidents[static_cast<size_t>(i)];
}

const Incident* facade_incident(const IncidentPlan& plan, int facade) {
  const int i = plan.facade_incident[static_cast<size_t>(facade)];
  return i < 0 ? nullptr : &plan.incidents[static_cast<size_t>(i)];
}

void write_truth(std::ostream& out, const IncidentPlan& plan) {
  std::vector<const Incident*> sorted;
  for (const auto& i : plan.incidents) sorted.push_back(&i);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Incident* a, const Incident* b) { return a->start_ms < b->start_ms; });
  for (const Incident* i : sorted) {
    out << fmt::format(R"({{"subject":"{}","sensor":"{}","kind":"{}","class":"{}","start":"{}")",
                       i->subject, i->sensor, to_string(i->kind), class_name(i->kind),
                       edgegw::format_iso8601_utc(i->start_ms));
    if (i->end_ms) out << fmt::format(R"(,"end":"{}")", edgegw::format_iso8601_utc(i->end_ms));
    out << "}\n";
  }
}

}  // namespace fleetsim
