// outbox.cpp: the RocksDB outbox: synced appends, range-delete trims, bounded by bytes.
#include "gateway/store/outbox.h"

#include <rocksdb/write_batch.h>

#include "gateway/uplink/alert_codec.h"

namespace edgegw {

namespace {

const std::string kNextIdKey = "outbox.next_id";

// Lower is evicted first: maintenance before care, then by severity. A critical care alert
// is never evicted while anything else can go.
int keep_priority(Audience audience, Severity severity) {
  return (audience == Audience::Care ? 10 : 0) + static_cast<int>(severity);
}

}  // namespace

Outbox::Outbox(Db& db, uint64_t max_bytes) : db_(db), max_bytes_(max_bytes) {
  std::string value;
  auto s = db_.db->Get(rocksdb::ReadOptions(), db_.meta, kNextIdKey, &value);
  if (s.ok()) next_id_ = decode_u64_key(value);
  std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(rocksdb::ReadOptions(), db_.outbox));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const uint64_t id = decode_u64_key(it->key().ToStringView());
    auto alert = decode_alert(it->value().ToStringView());
    Entry e{static_cast<uint32_t>(it->value().size()), Severity::Info, Audience::Maintenance, 0};
    if (alert) {
      e.severity = alert->severity;
      e.audience = alert->audience;
      e.detect_time_ms = alert->detect_time_ms;
    }
    entries_.emplace(id, e);
    bytes_ += e.bytes;
    if (id >= next_id_) next_id_ = id + 1;
  }
  check(it->status(), "scanning the outbox");
}

void Outbox::append(std::span<Alert> alerts) {
  if (alerts.empty()) return;
  std::lock_guard lock(mu_);
  rocksdb::WriteBatch batch;
  for (Alert& a : alerts) {
    a.id = next_id_++;
    const std::string value = encode_alert(a);
    batch.Put(db_.outbox, encode_u64_key(a.id), value);
    entries_.emplace(a.id, Entry{static_cast<uint32_t>(value.size()), a.severity, a.audience,
                                 a.detect_time_ms});
    bytes_ += value.size();
  }
  batch.Put(db_.meta, kNextIdKey, encode_u64_key(next_id_));
  evict_locked(batch);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  check(db_.db->Write(wo, &batch), "writing alerts to the outbox");
}

void Outbox::evict_locked(rocksdb::WriteBatch& batch) {
  while (bytes_ > max_bytes_ && entries_.size() > 1) {
    // The oldest alert of the lowest keep priority.
    auto victim = entries_.begin();
    int lowest = keep_priority(victim->second.audience, victim->second.severity);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      const int p = keep_priority(it->second.audience, it->second.severity);
      if (p < lowest) {
        lowest = p;
        victim = it;
      }
    }
    batch.Delete(db_.outbox, encode_u64_key(victim->first));
    bytes_ -= victim->second.bytes;
    entries_.erase(victim);
    ++evicted_;
    ++unreported_evictions_;
  }
}

std::vector<Alert> Outbox::peek(size_t max_count, size_t max_bytes) const {
  std::vector<Alert> out;
  uint64_t head;
  {
    std::lock_guard lock(mu_);
    if (entries_.empty()) return out;
    head = entries_.begin()->first;
  }
  const std::string lower = encode_u64_key(head);
  rocksdb::Slice lower_slice(lower);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;  // never walk over trimmed (deleted) keys
  std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(ro, db_.outbox));
  size_t bytes = 0;
  for (it->Seek(lower_slice); it->Valid() && out.size() < max_count; it->Next()) {
    if (!out.empty() && bytes + it->value().size() > max_bytes) break;
    auto alert = decode_alert(it->value().ToStringView());
    if (!alert) continue;  // unreadable value: skipped here, trimmed with its neighbours
    alert->id = decode_u64_key(it->key().ToStringView());
    bytes += it->value().size();
    out.push_back(std::move(*alert));
  }
  check(it->status(), "reading the outbox");
  return out;
}

void Outbox::trim_through(uint64_t last_id) {
  std::lock_guard lock(mu_);
  if (entries_.empty() || entries_.begin()->first > last_id) return;
  const uint64_t head = entries_.begin()->first;
  auto end = entries_.upper_bound(last_id);
  for (auto it = entries_.begin(); it != end; ++it) {
    bytes_ -= it->second.bytes;
    ++acknowledged_;
  }
  entries_.erase(entries_.begin(), end);
  rocksdb::WriteOptions wo;
  check(db_.db->DeleteRange(wo, db_.outbox, encode_u64_key(head), encode_u64_key(last_id + 1)),
        "trimming the outbox");
}

uint64_t Outbox::take_unreported_evictions() {
  std::lock_guard lock(mu_);
  return std::exchange(unreported_evictions_, 0);
}

OutboxStats Outbox::stats() const {
  std::lock_guard lock(mu_);
  OutboxStats s;
  s.depth = entries_.size();
  s.bytes = bytes_;
  s.max_bytes = max_bytes_;
  s.next_id = next_id_;
  s.evicted = evicted_;
  s.acknowledged = acknowledged_;
  if (!entries_.empty()) {
    s.head_id = entries_.begin()->first;
    s.oldest_detect_ms = entries_.begin()->second.detect_time_ms;
  }
  return s;
}

}  // namespace edgegw
