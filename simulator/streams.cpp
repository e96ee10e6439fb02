// streams.cpp: meters report their register every N minutes (jitter, lost reports, faults);
// doors report contact changes and hourly check-ins; facades report every few minutes.
#include "simulator/streams.h"

#include <algorithm>
#include <cmath>

#include "simulator/encoders.h"
#include "simulator/rng.h"

namespace fleetsim {

namespace {

bool active(const Incident* f, IncidentKind kind, int64_t t) {
  return f && f->kind == kind && t >= f->start_ms && (!f->end_ms || t < f->end_ms);
}

// Draws radio outages of 2-6 h (a Poisson process of outage_prob per meter-day) until the
// current or next one ends after t.
void advance_outages(FleetSim& sim, MeterDevice& m, int64_t t) {
  const SimConfig& c = *sim.cfg;
  while (m.outage_to_ms <= t && c.outage_prob > 0) {
    const double gap_days = -std::log(1.0 - uniform(m.outage_rng, 0, 1)) / c.outage_prob;
    m.outage_from_ms = std::max(m.outage_to_ms, c.start_ms) +
                       static_cast<int64_t>(gap_days * kDayMs) / 1000 * 1000;
    m.outage_to_ms = m.outage_from_ms +
                     static_cast<int64_t>(uniform(m.outage_rng, 2, 6) * kHourMs) / 1000 * 1000;
    if (m.outage_from_ms < c.end_ms())
      sim.outages.push_back({m.household, Activity::radio_outage, m.outage_from_ms,
                             std::min(m.outage_to_ms, c.end_ms())});
  }
}

void schedule_meter(FleetSim& sim, MeterDevice& m) {
  const SimConfig& c = *sim.cfg;
  const int64_t period = m.period_ms;
  while (true) {
    const int64_t jitter =
        static_cast<int64_t>(uniform(m.rng, -c.report_jitter_s, c.report_jitter_s) * 1000);
    const int64_t t = (m.nominal_ms + jitter) / 1000 * 1000;
    m.nominal_ms += period;
    if (t >= c.end_ms()) {
      m.final_due = true;
      m.next_ms = c.end_ms();
      return;
    }
    const bool lost = !m.lost_prev && chance(m.rng, c.lost_report_prob);
    m.lost_prev = lost;
    if (lost) continue;
    if (active(m.fault, IncidentKind::meter_silent, t)) continue;
    advance_outages(sim, m, t);
    if (t >= m.outage_from_ms && t < m.outage_to_ms) continue;
    m.next_ms = t;
    return;
  }
}

int64_t door_next_time(FleetSim& sim, DoorDevice& d) {
  const DoorEvent* e = peek_door(sim.households[static_cast<size_t>(d.household)]);
  return e && e->t_ms <= d.heartbeat_ms ? e->t_ms : d.heartbeat_ms;
}

void emit_meter(FleetSim& sim, MeterDevice& m, Message& out) {
  const SimConfig& c = *sim.cfg;
  const HouseholdInfo& info = sim.fleet->households[static_cast<size_t>(m.household)];
  HouseholdModel& hh = sim.households[static_cast<size_t>(m.household)];
  const int64_t t = m.next_ms;
  double total = register_at(hh, t);
  if (active(m.fault, IncidentKind::stuck_register, t) && m.last_sent_m3 >= 0)
    total = m.last_sent_m3;
  if (active(m.fault, IncidentKind::backwards_register, t)) total -= m.fault->amount;
  MeterSample s;
  s.meter_id = info.meter_id;
  s.time_ms = t;
  s.total_m3 = total;
  s.seq = m.seq++;
  s.battery_years = m.battery_years;
  if (active(m.fault, IncidentKind::low_battery, t)) {
    s.low_battery = true;
    s.battery_years = m.fault->amount;
  }
  out.time_ms = t;
  out.topic = meter_topic(info.meter_format, info.meter_id);
  if (!m.final_due && active(m.fault, IncidentKind::garbage, t)) {
    out.payload = garbage_meter_payload(m.rng, info.meter_format, s, c.utc_offset_min);
  } else {
    out.payload = encode_meter(info.meter_format, s, c.utc_offset_min);
    out.household = m.household;
    // What the gateway sees: the register as the format rounds it.
    out.total_m3 = info.meter_format == MeterFormat::cjt188
                       ? std::floor(total * 100 + 1e-6) / 100
                       : std::floor(total * 1000 + 1e-6) / 1000;
    if (!active(m.fault, IncidentKind::stuck_register, t)) m.last_sent_m3 = total;
  }
  if (m.final_due)
    m.done = true;
  else
    schedule_meter(sim, m);
}

void emit_door(FleetSim& sim, DoorDevice& d, Message& out) {
  const HouseholdInfo& info = sim.fleet->households[static_cast<size_t>(d.household)];
  HouseholdModel& hh = sim.households[static_cast<size_t>(d.household)];
  const DoorEvent* e = peek_door(hh);
  int64_t t;
  if (e && e->t_ms <= d.heartbeat_ms) {
    t = e->t_ms;
    d.closed = !e->open;
    hh.doors.pop_front();
  } else {
    t = d.heartbeat_ms;
    d.heartbeat_ms += static_cast<int64_t>(uniform(d.rng, -5, 5) * kMinuteMs) +
                      static_cast<int64_t>(sim.cfg->door_heartbeat_minutes) * kMinuteMs;
    d.heartbeat_ms = d.heartbeat_ms / 1000 * 1000;
  }
  DoorSample s;
  s.door_id = info.door_id;
  s.time_ms = t;
  s.closed = d.closed;
  s.battery_pct = active(d.fault, IncidentKind::low_battery, t) ? static_cast<int>(d.fault->amount)
                                                                : d.battery_pct;
  s.link_quality = uniform_int(d.rng, 90, 160);
  out.time_ms = t;
  out.topic = door_topic(info.door_format, info.door_id);
  out.payload = encode_door(info.door_format, s);
  d.done = door_next_time(sim, d) >= sim.cfg->end_ms();
}

}  // namespace

FleetSim make_fleet_sim(const SimConfig& c, const Fleet& fleet, const IncidentPlan& plan) {
  FleetSim sim;
  sim.cfg = &c;
  sim.fleet = &fleet;
  const size_t n = fleet.households.size();
  sim.households.reserve(n);
  sim.meters.reserve(n);
  sim.doors.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const int idx = static_cast<int>(i);
    const Incident* inc = household_incident(plan, idx);
    sim.households.push_back(make_household(c, idx, inc));
    MeterDevice m;
    m.household = idx;
    m.rng = make_rng(c.seed, Stream::meter, i);
    m.outage_rng = make_rng(c.seed, Stream::outage, i);
    m.period_ms = static_cast<int64_t>(fleet.households[i].report_minutes) * kMinuteMs;
    m.nominal_ms =
        c.start_ms + static_cast<int64_t>(uniform(m.rng, 0, 1) * static_cast<double>(m.period_ms));
    m.battery_years = uniform(m.rng, 6, 14);
    if (inc && !is_care(inc->kind) && inc->device == FaultDevice::meter) m.fault = inc;
    sim.meters.push_back(std::move(m));
    DoorDevice d;
    d.household = idx;
    d.rng = make_rng(c.seed, Stream::door, i);
    d.heartbeat_ms = (c.start_ms + static_cast<int64_t>(
                                       uniform(d.rng, 0, c.door_heartbeat_minutes * 60.0) * 1000)) /
                     1000 * 1000;
    d.battery_pct = uniform_int(d.rng, 55, 100);
    if (inc && !is_care(inc->kind) && inc->device == FaultDevice::door) d.fault = inc;
    sim.doors.push_back(std::move(d));
  }
  for (size_t i = 0; i < fleet.facades.size(); ++i) {
    FacadeDevice f;
    f.facade = static_cast<int>(i);
    f.model = make_facade_model(c, fleet.facades[i], static_cast<int>(i),
                                facade_incident(plan, static_cast<int>(i)));
    f.next_ms = first_facade_report(f.model);
    sim.facades.push_back(std::move(f));
  }
  for (size_t i = 0; i < sim.meters.size(); ++i) {
    schedule_meter(sim, sim.meters[i]);
    sim.queue.push({sim.meters[i].next_ms, static_cast<uint32_t>(i)});
  }
  const uint32_t door_base = static_cast<uint32_t>(sim.meters.size());
  for (size_t i = 0; i < sim.doors.size(); ++i) {
    const int64_t t = door_next_time(sim, sim.doors[i]);
    if (t < c.end_ms()) sim.queue.push({t, door_base + static_cast<uint32_t>(i)});
  }
  const uint32_t facade_base = door_base + static_cast<uint32_t>(sim.doors.size());
  for (size_t i = 0; i < sim.facades.size(); ++i)
    if (sim.facades[i].next_ms < c.end_ms())
      sim.queue.push({sim.facades[i].next_ms, facade_base + static_cast<uint32_t>(i)});
  return sim;
}

bool next_message(FleetSim& sim, Message& out) {
  if (sim.queue.empty()) return false;
  const auto [t, source] = sim.queue.top();
  sim.queue.pop();
  out.household = -1;
  out.total_m3 = std::numeric_limits<double>::quiet_NaN();
  const size_t doors_at = sim.meters.size(), facades_at = doors_at + sim.doors.size();
  if (source < doors_at) {
    MeterDevice& m = sim.meters[source];
    emit_meter(sim, m, out);
    if (!m.done) sim.queue.push({m.next_ms, source});
  } else if (source < facades_at) {
    DoorDevice& d = sim.doors[source - doors_at];
    emit_door(sim, d, out);
    if (!d.done) sim.queue.push({door_next_time(sim, d), source});
  } else {
    FacadeDevice& f = sim.facades[source - facades_at];
    out.time_ms = f.next_ms;
    const FacadeInfo& info = sim.fleet->facades[static_cast<size_t>(f.facade)];
    out.topic = facade_topic(info.format, info.sensor_id);
    out.payload = encode_facade(info.format, facade_sample(f.model, f.next_ms));
    f.next_ms = next_facade_report(f.model, f.next_ms);
    if (f.next_ms < sim.cfg->end_ms()) sim.queue.push({f.next_ms, source});
  }
  (void)t;
  return true;
}

std::vector<ActivityRecord> fleet_activities(const FleetSim& sim) {
  std::vector<ActivityRecord> out = sim.outages;
  for (const HouseholdModel& h : sim.households)
    out.insert(out.end(), h.activities.begin(), h.activities.end());
  for (size_t i = 0; i < sim.meters.size(); ++i)
    if (sim.meters[i].period_ms >= kHourMs)
      out.push_back(
          {static_cast<int>(i), Activity::hourly_meter, sim.cfg->start_ms, sim.cfg->end_ms()});
  std::stable_sort(out.begin(), out.end(), [](const ActivityRecord& a, const ActivityRecord& b) {
    return a.household != b.household ? a.household < b.household : a.from_ms < b.from_ms;
  });
  return out;
}

}  // namespace fleetsim
