// outbox.cpp: the RocksDB outbox: synced appends, range-delete trims from a persisted head,
// a byte bound enforced by per-class FIFO eviction, and the G1 report of what was dropped.
#include "gateway/store/outbox.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "gateway/alert/alert_codec.h"
#include "util/log.h"

namespace edgegw {

namespace {

// Trimmed and evicted keys leave tombstones; compact the family after this many deletes so
// that neither scans nor the disk carry them for long.
constexpr uint64_t kCompactAfterDeletes = 200000;

std::string encode_i64(int64_t v) {
  return encode_u64_key(static_cast<uint64_t>(v));
}

}  // namespace

Outbox::Outbox(Db& db, uint64_t max_bytes) : db_(db), max_bytes_(max_bytes) {
  if (db.read_only)
    throw std::logic_error(fmt::format(
        "{} is open read-only: the outbox writes (read it with OutboxReader)", db.path));
  load_locked();
}

void Outbox::load_locked() {
  fifo_ = {};
  depth_ = bytes_ = 0;
  OutboxMeta meta;  // next id, head and unreported start afresh; these two are kept if absent
  meta.evicted = evicted_;
  meta.last_puback_ms = last_puback_ms_;
  recover_outbox(db_, meta, [this](const Entry& e) { index_locked(e); });
  next_id_ = meta.next_id;
  trimmed_head_ = meta.head;
  evicted_ = meta.evicted;
  last_puback_ms_ = meta.last_puback_ms;
  unreported_ = meta.unreported;
}

void Outbox::index_locked(const Entry& e) {
  fifo_[e.keep_class].push_back(e);
  ++depth_;
  bytes_ += e.bytes;
}

const Outbox::Entry* Outbox::head_locked() const {
  const Entry* head = nullptr;
  for (const auto& q : fifo_)
    if (!q.empty() && (!head || q.front().id < head->id)) head = &q.front();
  return head;
}

void Outbox::append_locked(std::span<Alert> alerts, rocksdb::WriteBatch& batch, bool evict) {
  for (Alert& a : alerts) {
    a.id = next_id_++;
    const std::string value = encode_alert(a);
    check(batch.Put(db_.outbox, encode_u64_key(a.id), value), "batching an alert");
    index_locked(Entry{a.id, static_cast<uint32_t>(value.size()),
                       static_cast<uint8_t>(keep_class(a.audience, a.severity)), a.detect_time_ms,
                       a.event_time_ms});
  }
  check(batch.Put(db_.meta, kOutboxNextIdKey, encode_u64_key(next_id_)), "batching the next id");
  if (evict) evict_locked(batch);
}

void Outbox::append(std::span<Alert> alerts, rocksdb::WriteBatch* with) {
  if (alerts.empty()) return;
  std::lock_guard lock(mu_);
  rocksdb::WriteBatch local;
  rocksdb::WriteBatch& batch = with ? *with : local;
  append_locked(alerts, batch, /*evict=*/true);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  write_or_reload_locked(wo, batch, "writing alerts to the outbox");
}

void Outbox::write_or_reload_locked(const rocksdb::WriteOptions& wo, rocksdb::WriteBatch& batch,
                                    std::string_view what) {
  try {
    check_disk_room(db_);
  } catch (const std::exception&) {
    load_locked();
    throw;
  }
  const auto s = db_.db->Write(wo, &batch);
  if (s.ok()) return;
  // Nothing of the batch is on disk: the in-memory index (ids given out, evictions, trims)
  // goes back to what the database holds, so that a retry gives the same ids again.
  load_locked();
  check(s, what);
}

void Outbox::evict_locked(rocksdb::WriteBatch& batch) {
  const uint64_t before = evicted_;
  while (bytes_ > max_bytes_ && depth_ > 1) {
    size_t cls = 0;
    while (fifo_[cls].empty()) ++cls;  // depth_ > 1: some class is non-empty
    const Entry victim = fifo_[cls].front();
    fifo_[cls].pop_front();
    --depth_;
    bytes_ -= victim.bytes;
    check(batch.Delete(db_.outbox, encode_u64_key(victim.id)), "batching an eviction");
    ++evicted_;
    ++evicted_by_class_[cls];
    if (unreported_.count == 0 || victim.event_time_ms < unreported_.oldest_event_ms)
      unreported_.oldest_event_ms = victim.event_time_ms;
    if (unreported_.count == 0 || victim.event_time_ms > unreported_.newest_event_ms)
      unreported_.newest_event_ms = victim.event_time_ms;
    ++unreported_.count;
    if (cls >= 4) ++unreported_.care;
    ++deletes_since_compaction_;
  }
  if (evicted_ == before) return;
  check(batch.Put(db_.meta, kOutboxEvictedKey, encode_u64_key(evicted_)),
        "batching the eviction count");
  check(batch.Put(db_.meta, kOutboxUnreportedKey, encode_unreported(unreported_)),
        "batching the unreported evictions");
}

std::vector<Alert> Outbox::peek(size_t max_count, size_t max_bytes) const {
  uint64_t head, end;
  {
    std::lock_guard lock(mu_);
    const Entry* h = head_locked();
    if (!h) return {};
    head = h->id;
    end = next_id_;
  }
  return read_outbox_alerts(db_, head, end, max_count, max_bytes);
}

void Outbox::trim_through(uint64_t last_id, int64_t puback_wall_ms) {
  uint64_t compact_head = 0;
  {
    std::lock_guard lock(mu_);
    if (puback_wall_ms > 0) last_puback_ms_ = puback_wall_ms;
    rocksdb::WriteBatch batch;
    if (last_id >= trimmed_head_) {
      for (auto& q : fifo_) {
        while (!q.empty() && q.front().id <= last_id) {
          bytes_ -= q.front().bytes;
          --depth_;
          ++acknowledged_;
          q.pop_front();
        }
      }
      check(
          batch.DeleteRange(db_.outbox, encode_u64_key(trimmed_head_), encode_u64_key(last_id + 1)),
          "batching the trim");
      deletes_since_compaction_ += last_id + 1 - trimmed_head_;
      trimmed_head_ = last_id + 1;
      check(batch.Put(db_.meta, kOutboxHeadKey, encode_u64_key(trimmed_head_)),
            "batching the head");
    }
    if (puback_wall_ms > 0)
      check(batch.Put(db_.meta, kOutboxLastPubackKey, encode_i64(puback_wall_ms)),
            "batching the PUBACK time");
    if (batch.Count() == 0) return;
    write_or_reload_locked(rocksdb::WriteOptions(), batch, "trimming the outbox");
    if (deletes_since_compaction_ >= kCompactAfterDeletes) {
      deletes_since_compaction_ = 0;
      compact_head = trimmed_head_;
    }
  }
  if (compact_head) maybe_compact(compact_head);
}

void Outbox::maybe_compact(uint64_t head) {
  // Everything below the head is deleted; compacting the whole family also drops the point
  // tombstones of evictions. Runs on the caller's (uplink) thread, outside the lock.
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  const auto s = db_.db->CompactRange(o, db_.outbox, nullptr, nullptr);
  if (!s.ok())
    log_warn("outbox", fmt::format("compacting below id {} failed: {}", head, s.ToString()));
}

std::optional<Alert> Outbox::append_drop_report(std::string_view gateway_id, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (unreported_.count == 0) return std::nullopt;
  Alert g;
  g.rule = Rule::G1;
  g.kind = AlertKind::AlertsDropped;
  g.audience = Audience::Maintenance;
  g.severity = unreported_.care > 0 ? Severity::High : Severity::Warning;
  g.state = AlertState::Raised;
  g.subject_kind = SubjectKind::Gateway;
  g.subject = std::string(gateway_id);
  g.event_time_ms = unreported_.oldest_event_ms;
  g.detect_time_ms = now_ms;
  g.observed = static_cast<double>(unreported_.count);
  g.threshold = static_cast<double>(max_bytes_);
  g.window_s = static_cast<uint32_t>(
      std::max<int64_t>(0, unreported_.newest_event_ms - unreported_.oldest_event_ms) / 1000);
  const OutboxUnreported reported = unreported_;
  unreported_ = OutboxUnreported{};
  rocksdb::WriteBatch batch;
  check(batch.Delete(db_.meta, kOutboxUnreportedKey), "batching the eviction report");
  // The report is never evicted by its own append (it would report itself): it may exceed the
  // bound by its own size until it is sent, or until the next append evicts what it must.
  append_locked(std::span<Alert>(&g, 1), batch, /*evict=*/false);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  write_or_reload_locked(wo, batch, "writing the G1 eviction report");
  log_warn("outbox", fmt::format("{} alerts ({} care) were dropped because the outbox was full; "
                                 "reported upstream as G1 alert {}",
                                 reported.count, reported.care, g.id));
  return g;
}

OutboxStats Outbox::stats() const {
  std::lock_guard lock(mu_);
  OutboxStats s;
  s.depth = depth_;
  s.bytes = bytes_;
  s.max_bytes = max_bytes_;
  s.next_id = next_id_;
  s.evicted = evicted_;
  s.evicted_by_class = evicted_by_class_;
  s.unreported_evictions = unreported_.count;
  s.acknowledged = acknowledged_;
  s.last_puback_ms = last_puback_ms_;
  if (const Entry* h = head_locked()) {
    s.head_id = h->id;
    s.oldest_detect_ms = h->detect_time_ms;
  }
  return s;
}

}  // namespace edgegw
