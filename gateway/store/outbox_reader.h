// outbox_reader.h: reading the outbox without writing: the recovery the gateway's Outbox starts
// from, and OutboxReader, the read-only view of a stopped gateway's outbox for the CLI.
//
// Meta family keys (all fixed-size binary values):
//   outbox.next_id      id the next alert gets (ids are never reused)
//   outbox.head         lowest id not yet trimmed: scans start here, never over trimmed keys
//   outbox.evicted      evictions since the database was created
//   outbox.unreported   evictions not yet reported upstream: count, care count, oldest and
//                       newest event time of what was dropped
//   outbox.last_puback  wall clock (ms) of the last PUBACK, for `edgegw outbox` on a stopped box
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/alert/alert.h"
#include "gateway/store/db.h"

namespace edgegw {

inline constexpr const char* kOutboxNextIdKey = "outbox.next_id";
inline constexpr const char* kOutboxHeadKey = "outbox.head";
inline constexpr const char* kOutboxEvictedKey = "outbox.evicted";
inline constexpr const char* kOutboxUnreportedKey = "outbox.unreported";
inline constexpr const char* kOutboxLastPubackKey = "outbox.last_puback";

// Eviction classes, lowest kept first: maintenance Info..Critical, then care Info..Critical.
inline constexpr size_t kKeepClasses = 8;
size_t keep_class(Audience audience, Severity severity);

struct OutboxStats {
  uint64_t depth = 0;  // alerts waiting
  uint64_t bytes = 0;  // their encoded size
  uint64_t max_bytes = 0;
  uint64_t head_id = 0;          // oldest waiting alert (0 when empty)
  uint64_t next_id = 1;          // id the next alert gets
  int64_t oldest_detect_ms = 0;  // detection time of the oldest waiting alert (0 when empty)
  uint64_t evicted = 0;          // alerts dropped because the outbox was full (ever; persisted)
  std::array<uint64_t, kKeepClasses> evicted_by_class{};  // since start, by keep_class()
  uint64_t unreported_evictions = 0;  // dropped and not yet reported upstream by a G1 alert
  uint64_t acknowledged = 0;   // alerts trimmed after upstream acknowledged them (since start)
  int64_t last_puback_ms = 0;  // wall clock of the last PUBACK (persisted; 0 = never)
};

// Evictions not yet reported upstream (meta outbox.unreported, 32 bytes).
struct OutboxUnreported {
  uint64_t count = 0, care = 0;
  int64_t oldest_event_ms = 0, newest_event_ms = 0;
};
std::string encode_unreported(const OutboxUnreported& u);

// One waiting alert as recovery indexes it (an unreadable value is the lowest keep class).
struct OutboxEntry {
  uint64_t id;
  uint32_t bytes;
  uint8_t keep_class;
  int64_t detect_time_ms;
  int64_t event_time_ms;
};

// What the meta family says of the outbox, with next_id raised past every stored id.
struct OutboxMeta {
  uint64_t next_id = 1;
  uint64_t head = 1;  // every id below this was trimmed
  uint64_t evicted = 0;
  int64_t last_puback_ms = 0;
  OutboxUnreported unreported;
};

// Recovery: reads the meta keys into `meta` (a key the database lacks leaves its field as it
// is) and scans the family from the persisted head, never over trimmed keys, calling `on_entry`
// for each stored alert in id order. Writes nothing: works on a read-only database.
void recover_outbox(const Db& db, OutboxMeta& meta,
                    const std::function<void(const OutboxEntry&)>& on_entry);

// The stored alerts with ids in [from_id, end_id), oldest first, at most `max_count` and about
// `max_bytes` stored bytes (at least one). An unreadable value is skipped (and logged).
std::vector<Alert> read_outbox_alerts(const Db& db, uint64_t from_id, uint64_t end_id,
                                      size_t max_count, size_t max_bytes);

// The outbox of a database opened read-only (a stopped gateway's, for the CLI), recovered once
// by the same recovery as Outbox. `max_bytes` is the configured bound, reported as is.
class OutboxReader {
 public:
  OutboxReader(const Db& db, uint64_t max_bytes);

  // As Outbox::stats(); the since-start counters (evicted_by_class, acknowledged) are 0.
  const OutboxStats& stats() const { return stats_; }
  // As Outbox::peek().
  std::vector<Alert> peek(size_t max_count, size_t max_bytes) const;
  uint64_t incarnation() const { return db_.incarnation; }

 private:
  const Db& db_;
  OutboxStats stats_;
};

// OutboxReader(db, max_bytes).stats().
OutboxStats read_outbox_stats(const Db& db, uint64_t max_bytes);

}  // namespace edgegw
