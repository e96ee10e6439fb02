// outbox.h: the durable, ordered queue of alerts waiting to go upstream (RocksDB family
// "outbox", key = big-endian alert id). An alert is in the outbox, synced to disk, before the
// gateway treats it as raised; it leaves only when the upstream broker has acknowledged it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <vector>

#include "gateway/detect/alert.h"
#include "gateway/store/db.h"

namespace edgegw {

struct OutboxStats {
  uint64_t depth = 0;            // alerts waiting
  uint64_t bytes = 0;            // their encoded size
  uint64_t max_bytes = 0;
  uint64_t head_id = 0;          // oldest waiting alert (0 when empty)
  uint64_t next_id = 1;          // id the next alert gets
  int64_t oldest_detect_ms = 0;  // detection time of the oldest waiting alert
  uint64_t evicted = 0;          // alerts dropped because the outbox was full (since start)
  uint64_t acknowledged = 0;     // alerts trimmed after upstream acknowledged them (since start)
};

class Outbox {
 public:
  // Recovers the queue from the database: ids continue where they stopped.
  Outbox(Db& db, uint64_t max_bytes);

  // Gives each alert the next id and stores all of them in one synced write. When the byte
  // bound is exceeded, the oldest alerts of the lowest severity are evicted (see evict_order).
  void append(std::span<Alert> alerts);

  // Oldest alerts first, at most `max_count` and about `max_bytes` encoded bytes (at least one).
  std::vector<Alert> peek(size_t max_count, size_t max_bytes) const;

  // Removes every alert with id <= last_id (after upstream acknowledged them).
  void trim_through(uint64_t last_id);

  // Alerts evicted since the last call, and resets that count (for the G1 report).
  uint64_t take_unreported_evictions();

  OutboxStats stats() const;

 private:
  struct Entry {
    uint32_t bytes;
    Severity severity;
    Audience audience;
    int64_t detect_time_ms;
  };
  void evict_locked(rocksdb::WriteBatch& batch);

  Db& db_;
  uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::map<uint64_t, Entry> entries_;  // id -> size and priority, for the bound and eviction
  uint64_t bytes_ = 0;
  uint64_t next_id_ = 1;
  uint64_t evicted_ = 0, unreported_evictions_ = 0, acknowledged_ = 0;
};

}  // namespace edgegw
