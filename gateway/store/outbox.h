// outbox.h: the durable, ordered queue of alerts waiting to go upstream (RocksDB family
// "outbox", key = big-endian alert id, value = one Alert FlatBuffer). An alert is in the outbox,
// synced to disk, before the gateway treats it as raised; it leaves only when the upstream
// broker has acknowledged it (trim) or when the byte bound forces an eviction (counted, and
// reported upstream as a G1 AlertsDropped alert). See gateway/store/DURABILITY.md.
//
// Its meta keys, their encoding and the recovery are in outbox_reader.h.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <rocksdb/write_batch.h>

#include "gateway/alert/alert.h"
#include "gateway/store/db.h"
#include "gateway/store/outbox_reader.h"

namespace edgegw {

class Outbox {
 public:
  // Recovers the queue from the database (recover_outbox()): ids continue where they stopped;
  // the scan starts at the persisted head so trimmed keys (tombstones) are never walked. The
  // database must be open read-write (throws std::logic_error otherwise: use OutboxReader).
  Outbox(Db& db, uint64_t max_bytes);

  // Gives each alert the next id and stores all of them in one synced write. While the byte
  // bound is exceeded, evicts the oldest alert of the lowest keep class (keep_class(); a care
  // Critical alert goes only when nothing else is left), in that same write. `with` (optional)
  // holds more writes to commit atomically with the alerts: the detector's state checkpoint,
  // so that a restart never raises an alert twice nor forgets one it raised.
  void append(std::span<Alert> alerts, rocksdb::WriteBatch* with = nullptr);

  // Oldest alerts first, at most `max_count` and about `max_bytes` stored bytes (at least one).
  std::vector<Alert> peek(size_t max_count, size_t max_bytes) const;

  // Removes every alert with id <= last_id (after upstream acknowledged them) with a range
  // delete, and records `puback_wall_ms` (when > 0) as the last PUBACK. Not synced: a trim
  // lost to a power cut means a resend, which upstream deduplicates by id.
  void trim_through(uint64_t last_id, int64_t puback_wall_ms = 0);

  // When alerts were evicted and not yet reported, appends one G1 AlertsDropped alert about
  // them (maintenance; High if a care alert was dropped, else Warning; evidence.observed = the
  // count) and resets the unreported count in the same synced write. Returns the alert stored.
  // The report's own append evicts nothing (it may exceed the bound by its size for a while).
  std::optional<Alert> append_drop_report(std::string_view gateway_id, int64_t now_ms);

  OutboxStats stats() const;
  uint64_t incarnation() const { return db_.incarnation; }

 private:
  using Entry = OutboxEntry;
  void load_locked();  // the index from the database (at start, and after a failed write)
  void write_or_reload_locked(const rocksdb::WriteOptions& wo, rocksdb::WriteBatch& batch,
                              std::string_view what);
  void index_locked(const Entry& e);
  void evict_locked(rocksdb::WriteBatch& batch);
  void append_locked(std::span<Alert> alerts, rocksdb::WriteBatch& batch, bool evict);
  const Entry* head_locked() const;
  void maybe_compact(uint64_t head);

  Db& db_;
  uint64_t max_bytes_;
  mutable std::mutex mu_;
  // One FIFO per keep class, each in id order: O(1) eviction of the oldest of the lowest class,
  // O(classes) to find the head, amortized O(1) trims.
  std::array<std::deque<Entry>, kKeepClasses> fifo_;
  uint64_t depth_ = 0;
  uint64_t bytes_ = 0;
  uint64_t next_id_ = 1;
  uint64_t trimmed_head_ = 1;  // every id below this was trimmed
  uint64_t evicted_ = 0, acknowledged_ = 0;
  std::array<uint64_t, kKeepClasses> evicted_by_class_{};
  OutboxUnreported unreported_;
  int64_t last_puback_ms_ = 0;
  uint64_t deletes_since_compaction_ = 0;
};

}  // namespace edgegw
