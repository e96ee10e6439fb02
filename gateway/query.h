// query.h: the gateway's read-only query interface, all that the status views read of it: each
// query returns plain structs and values, copied, so that nothing below status/ includes it.
//
// A GatewayQuery answers questions about a running gateway (Gateway implements it; the status
// service and its views hold a const GatewayQuery&). It is safe to call from any thread while
// the gateway runs:
//  - the pipeline's and the detector's state (status(), sensors(), sensor(), household(),
//    running_config()'s live part) is copied under the gateway's lock, so one answer is
//    consistent in itself, never half of one message's effect; two calls may see two moments;
//  - the outbox and the dead letters are read from the store, which readers share with the
//    writer without the gateway's lock (store/outbox_reader.h, store/deadletters.h).
// Each call takes the lock for the copy only: keep a view's calls few (the next message
// waits while one copies). Nothing here changes the gateway.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/alert/alert.h"
#include "gateway/config.h"
#include "gateway/detect/engine.h"
#include "gateway/detect/sensor_state.h"
#include "gateway/ingest/ingest.h"
#include "gateway/ingest/pipeline.h"
#include "gateway/store/deadletters.h"
#include "gateway/store/outbox.h"
#include "gateway/uplink/uplink.h"

namespace edgegw {

// Whether the database takes writes (gateway.cpp, Gateway::commit).
struct StorageHealth {
  std::string error;               // the last write's error; empty while writes work
  int64_t failing_since_ms = 0;    // wall clock of the first failure of this episode
  uint64_t failed_writes = 0;      // since start
  uint64_t held_alerts = 0;        // raised, waiting in memory for the disk
  uint64_t dropped_alerts = 0;     // held alerts dropped past kMaxHeldAlerts (since start)
  uint64_t unexpected_errors = 0;  // exceptions caught around a message or a tick
};

// The totals of every stage.
struct GatewayStatus {
  PipelineCounters counters;
  OutboxStats outbox;
  UplinkStats uplink;
  IngestStats ingest;
  uint64_t dead_letters = 0;
  uint64_t deadletter_write_errors = 0;
  StorageHealth storage;
  int64_t watermark_ms = 0;
  size_t sensors = 0;
};

// The settings the views print and judge by: as started, except those marked live (reloaded).
struct RunningConfig {
  std::string gateway_id;
  ClockMode clock = ClockMode::wall;  // restart only
  std::string data_dir;
  std::string ingest_url, uplink_url, uplink_topic;
  int unhealthy_outbox_age_s = 0;  // live: status.unhealthy_outbox_age_s
};

// One sensor as `edgegw sensors` lists it: what the detector knows, plus inventory sensors
// that never reported.
struct SensorRow {
  std::string id;
  SensorKind kind = SensorKind::water;
  std::string subject;  // household / building, empty when unassigned
  SubjectKind subject_kind = SubjectKind::Sensor;
  bool seen = false;  // false: in the inventory, never reported
  int64_t last_seen_ms = 0;
  int64_t silent_after_ms = 0;  // when silence starts counting as S1 (0 = unknown)
  bool silent = false;
  OpenAlerts open = 0;
  double last_total_m3 = kNaN;  // water
  int contact_closed = -1;      // door: -1 unknown, 0 open, 1 closed
};

// Every sensor, sorted by id, and the gateway's time they were judged at (wall clock, or the
// watermark with clock = "event"), copied at one moment.
struct SensorTable {
  int64_t now_ms = 0;
  std::vector<SensorRow> rows;
};

// One household's state, with the detector's judgement of it at `now_ms`.
struct HouseholdView {
  HouseholdState state;  // its profile (away mode, quiet hours) and learned rhythm
  int64_t now_ms = 0;    // the gateway's time
  bool out = false;      // probably out (the outing hold)
  int64_t outing_limit_ms = 0;
  int usual_bedtime_min = -1;  // local minute of the day, -1 until learned
};

class GatewayQuery {
 public:
  virtual ~GatewayQuery() = default;

  // The totals of every stage: pipeline, outbox, uplink, ingest, dead letters, storage.
  virtual GatewayStatus status() const = 0;
  // The settings the views print (running_config().clock says which clock now_ms() reads).
  virtual RunningConfig running_config() const = 0;
  // The gateway's time: the wall clock, or the event-time watermark with clock = "event".
  virtual int64_t now_ms() const = 0;

  // Every sensor the detector tracks plus inventory sensors that never reported, by id.
  virtual SensorTable sensors() const = 0;
  // What the detector knows of one sensor (Engine::explain_sensor); nullopt when unknown.
  virtual std::optional<SensorExplanation> sensor(const std::string& id) const = 0;
  // One household; nullopt for a household the inventory does not name.
  virtual std::optional<HouseholdView> household(const std::string& id) const = 0;

  // Up to `max_count` alerts waiting to go upstream, oldest first (at most 1 MB of them).
  virtual std::vector<Alert> outbox_oldest(size_t max_count) const = 0;
  // The newest `limit` dead letters, oldest first, and how many are kept.
  virtual std::vector<DeadLetter> dead_letters_newest(size_t limit) const = 0;
  virtual uint64_t dead_letter_count() const = 0;
};

}  // namespace edgegw
