// incidents.cpp: drawing the incident mix and writing the ground truth.
#include "simulator/incidents.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "simulator/rng.h"
#include "simulator/traits.h"
#include "util/json.h"

namespace fleetsim {

namespace {

// Local time-of-day range (hours) in which an incident of this kind starts, for this person.
std::pair<double, double> local_hours(IncidentKind k, const Traits& t) {
  switch (k) {
    case IncidentKind::fall_day: return {t.wake_h + 1.0, t.sleep_h - 0.75};
    case IncidentKind::fall_night: return {0.4, std::max(0.6, t.wake_h - 0.8)};
    case IncidentKind::fall_after_return: return {t.wake_h + 0.8, t.sleep_h - 2.0};
    case IncidentKind::fall_after_rubbish:
      return {std::max(t.wake_h + 0.3, t.rubbish_h - 0.5),
              std::min(t.sleep_h - 0.4, t.rubbish_h + 0.5)};
    case IncidentKind::cistern_leak: return {t.wake_h, t.sleep_h};
    case IncidentKind::tap_left_open: return {t.wake_h + 0.5, t.sleep_h - 1.0};
    case IncidentKind::night_wandering: return {0.5, std::max(0.7, t.wake_h - 1.0)};
    case IncidentKind::door_left_open: return {t.wake_h + 1.0, t.sleep_h - 1.0};
    case IncidentKind::hollow_patch: return {8.0, 10.5};  // heating phase
    default: return {0.0, 24.0};
  }
}

// A start time in [lo, hi] whose local time of day lies in [h0, h1].
int64_t draw_start(std::mt19937_64& rng, const SimConfig& c, std::pair<double, double> hours,
                   int64_t lo, int64_t hi) {
  const int64_t off = static_cast<int64_t>(c.utc_offset_min) * kMinuteMs;
  const auto [h0, h1] = hours;
  for (int attempt = 0; attempt < 64; ++attempt) {
    const int64_t t = lo + static_cast<int64_t>(uniform(rng, 0, 1) * static_cast<double>(hi - lo));
    const int64_t local_midnight = (t + off) / kDayMs * kDayMs - off;
    int64_t s = local_midnight + static_cast<int64_t>(uniform(rng, h0, std::max(h0, h1)) * kHourMs);
    s = s / 1000 * 1000;
    if (s >= lo && s <= hi) return s;
  }
  return lo;
}

int64_t draw_minutes(std::mt19937_64& rng, double lo, double hi) {
  return static_cast<int64_t>(uniform(rng, lo, hi) * kMinuteMs) / 1000 * 1000;
}

// Stages a care incident in the person's rhythm: its cue and its start.
void stage_care(std::mt19937_64& rng, const SimConfig& c, const Traits& t, Incident& inc,
                int64_t lo, int64_t hi) {
  const auto hours = local_hours(inc.kind, t);
  switch (inc.kind) {
    case IncidentKind::fall_night:  // a toilet visit, then down minutes later
      inc.cue_ms = draw_start(rng, c, hours, lo, hi);
      inc.start_ms = inc.cue_ms + draw_minutes(rng, 3, 8);
      break;
    case IncidentKind::fall_after_return: {  // an outing of this person's usual length
      const double dur_h = std::clamp(t.outing_median_h * std::exp(normal(rng, 0, 0.4)), 0.3, 4.0);
      inc.cue_from_ms =
          draw_start(rng, c, {hours.first, std::max(hours.first, hours.second - dur_h)}, lo, hi);
      inc.cue_ms = inc.cue_from_ms + static_cast<int64_t>(dur_h * kHourMs) / 1000 * 1000;
      inc.start_ms = inc.cue_ms + draw_minutes(rng, 1, 10);
      break;
    }
    case IncidentKind::fall_after_rubbish:
      inc.cue_from_ms = draw_start(rng, c, hours, lo, hi);
      inc.cue_ms = inc.cue_from_ms + draw_minutes(rng, 1, 4);
      inc.start_ms = inc.cue_ms + draw_minutes(rng, 1, 10);
      break;
    case IncidentKind::cistern_leak:  // log-uniform 8..60 L/h, until repaired (after the run)
      inc.start_ms = draw_start(rng, c, hours, lo, hi);
      inc.rate_m3h = 0.008 * std::exp(uniform(rng, 0, std::log(60.0 / 8.0)));
      break;
    case IncidentKind::tap_left_open:
      inc.start_ms = draw_start(rng, c, hours, lo, hi);
      inc.rate_m3h = uniform(rng, 0.25, 0.35);
      inc.end_ms = inc.start_ms + draw_minutes(rng, 60, 180);
      break;
    case IncidentKind::door_left_open:
      inc.start_ms = draw_start(rng, c, hours, lo, hi);
      inc.end_ms = inc.start_ms + draw_minutes(rng, 20, 90);
      break;
    default: inc.start_ms = draw_start(rng, c, hours, lo, hi); break;
  }
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
        inc.start_ms = draw_start(rng, c, local_hours(kind, Traits{}), lo, hi);
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
      if (is_care(kind)) {
        stage_care(rng, c, draw_traits(c, inc.target), inc, lo, hi);
        inc.device = kind == IncidentKind::night_wandering || kind == IncidentKind::door_left_open
                         ? FaultDevice::door
                         : FaultDevice::meter;
      } else {
        inc.start_ms = draw_start(rng, c, local_hours(kind, Traits{}), lo, hi);
      }
      switch (kind) {
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
    edgegw::JsonWriter w;
    w.begin_object();
    w.key("subject").value(i->subject);
    w.key("sensor").value(i->sensor);
    w.key("kind").value(to_string(i->kind));
    w.key("class").value(class_name(i->kind));
    w.key("start").time(i->start_ms);
    if (i->end_ms) w.key("end").time(i->end_ms);
    if (i->cue_from_ms) w.key("out").time(i->cue_from_ms);
    if (i->cue_ms) w.key(i->kind == IncidentKind::fall_night ? "toilet" : "back").time(i->cue_ms);
    w.end_object();
    out << w.str() << '\n';
  }
}

}  // namespace fleetsim
