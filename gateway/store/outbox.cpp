// outbox.cpp: the RocksDB outbox: synced appends, range-delete trims from a persisted head,
// a byte bound enforced by per-class FIFO eviction, and the G1 report of what was dropped.
#include "gateway/store/outbox.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "util/log.h"
#include "gateway/alert/alert_codec.h"

namespace edgegw {

namespace {

const std::string kNextIdKey = "outbox.next_id";
const std::string kHeadKey = "outbox.head";
const std::string kEvictedKey = "outbox.evicted";
const std::string kUnreportedKey = "outbox.unreported";
const std::string kLastPubackKey = "outbox.last_puback";

// Trimmed and evicted keys leave tombstones; compact the family after this many deletes so
// that neither scans nor the disk carry them for long.
constexpr uint64_t kCompactAfterDeletes = 200000;

std::string encode_i64(int64_t v) {
  return encode_u64_key(static_cast<uint64_t>(v));
}
int64_t decode_i64(std::string_view s) {
  return static_cast<int64_t>(decode_u64_key(s));
}

std::optional<std::string> get_meta(Db& db, const std::string& key) {
  std::string value;
  auto s = db.db->Get(rocksdb::ReadOptions(), db.meta, key, &value);
  if (s.IsNotFound()) return std::nullopt;
  check(s, fmt::format("reading {} from the meta family", key));
  return value;
}

// What recovery needs from a stored alert (verified; an unreadable value is the lowest class).
struct StoredFields {
  Audience audience = Audience::Maintenance;
  Severity severity = Severity::Info;
  int64_t detect_time_ms = 0, event_time_ms = 0;
};
StoredFields read_fields(std::string_view value) {
  StoredFields f;
  if (auto a = decode_alert(value)) {
    f.audience = a->audience;
    f.severity = a->severity;
    f.detect_time_ms = a->detect_time_ms;
    f.event_time_ms = a->event_time_ms;
  }
  return f;
}

}  // namespace

size_t keep_class(Audience audience, Severity severity) {
  const size_t sev = std::min<size_t>(static_cast<size_t>(severity), 3);
  return (audience == Audience::Care ? 4 : 0) + sev;
}

Outbox::Outbox(Db& db, uint64_t max_bytes) : db_(db), max_bytes_(max_bytes) {
  load_locked();
}

void Outbox::load_locked() {
  fifo_ = {};
  depth_ = bytes_ = 0;
  next_id_ = trimmed_head_ = 1;
  unreported_ = Unreported{};
  if (auto v = get_meta(db_, kNextIdKey)) next_id_ = decode_u64_key(*v);
  if (auto v = get_meta(db_, kHeadKey)) trimmed_head_ = decode_u64_key(*v);
  if (auto v = get_meta(db_, kEvictedKey)) evicted_ = decode_u64_key(*v);
  if (auto v = get_meta(db_, kLastPubackKey)) last_puback_ms_ = decode_i64(*v);
  if (auto v = get_meta(db_, kUnreportedKey); v && v->size() == 32) {
    unreported_.count = decode_u64_key(v->substr(0, 8));
    unreported_.care = decode_u64_key(v->substr(8, 8));
    unreported_.oldest_event_ms = decode_i64(v->substr(16, 8));
    unreported_.newest_event_ms = decode_i64(v->substr(24, 8));
  }
  const std::string lower = encode_u64_key(trimmed_head_);
  rocksdb::Slice lower_slice(lower);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(ro, db_.outbox));
  for (it->Seek(lower_slice); it->Valid(); it->Next()) {
    const uint64_t id = decode_u64_key(it->key().ToStringView());
    const StoredFields f = read_fields(it->value().ToStringView());
    index_locked(
        Entry{id, static_cast<uint32_t>(it->value().size()), f.detect_time_ms, f.event_time_ms},
        keep_class(f.audience, f.severity));
    if (id >= next_id_) next_id_ = id + 1;
  }
  check(it->status(), "scanning the outbox");
}

void Outbox::index_locked(const Entry& e, size_t cls) {
  fifo_[cls].push_back(e);
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
    index_locked(
        Entry{a.id, static_cast<uint32_t>(value.size()), a.detect_time_ms, a.event_time_ms},
        keep_class(a.audience, a.severity));
  }
  check(batch.Put(db_.meta, kNextIdKey, encode_u64_key(next_id_)), "batching the next id");
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
  std::string u = encode_u64_key(unreported_.count) + encode_u64_key(unreported_.care) +
                  encode_i64(unreported_.oldest_event_ms) + encode_i64(unreported_.newest_event_ms);
  check(batch.Put(db_.meta, kEvictedKey, encode_u64_key(evicted_)), "batching the eviction count");
  check(batch.Put(db_.meta, kUnreportedKey, u), "batching the unreported evictions");
}

std::vector<Alert> Outbox::peek(size_t max_count, size_t max_bytes) const {
  std::vector<Alert> out;
  uint64_t head, end;
  {
    std::lock_guard lock(mu_);
    const Entry* h = head_locked();
    if (!h) return out;
    head = h->id;
    end = next_id_;
  }
  const std::string lower = encode_u64_key(head), upper = encode_u64_key(end);
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;  // never walk over trimmed (deleted) keys
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(ro, db_.outbox));
  size_t bytes = 0;
  for (it->Seek(lower_slice); it->Valid() && out.size() < max_count; it->Next()) {
    if (!out.empty() && bytes + it->value().size() > max_bytes) break;
    auto alert = decode_alert(it->value().ToStringView());
    if (!alert) {  // unreadable value: skipped here, trimmed with its neighbours
      log_warn("outbox", fmt::format("skipping unreadable alert {}",
                                     decode_u64_key(it->key().ToStringView())));
      continue;
    }
    alert->id = decode_u64_key(it->key().ToStringView());
    bytes += it->value().size();
    out.push_back(std::move(*alert));
  }
  check(it->status(), "reading the outbox");
  return out;
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
      check(batch.Put(db_.meta, kHeadKey, encode_u64_key(trimmed_head_)), "batching the head");
    }
    if (puback_wall_ms > 0)
      check(batch.Put(db_.meta, kLastPubackKey, encode_i64(puback_wall_ms)),
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
  const Unreported reported = unreported_;
  unreported_ = Unreported{};
  rocksdb::WriteBatch batch;
  check(batch.Delete(db_.meta, kUnreportedKey), "batching the eviction report");
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

OutboxStats read_outbox_stats(Db& db, uint64_t max_bytes) {
  // The constructor only reads, so it works on a read-only database too.
  return Outbox(db, max_bytes).stats();
}

}  // namespace edgegw
