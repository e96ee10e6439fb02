// outbox_reader.cpp: the outbox's read path: recovery from the meta keys and a scan from the
// persisted head, reading stored alerts, and the read-only OutboxReader built on both.
#include "gateway/store/outbox_reader.h"

#include <algorithm>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "gateway/alert/alert_codec.h"
#include "util/log.h"

namespace edgegw {

namespace {

int64_t decode_i64(std::string_view s) {
  return static_cast<int64_t>(decode_u64_key(s));
}

std::optional<std::string> get_meta(const Db& db, const char* key) {
  std::string value;
  auto s = db.db->Get(rocksdb::ReadOptions(), db.meta, key, &value);
  if (s.IsNotFound()) return std::nullopt;
  check(s, fmt::format("reading {} from the meta family", key));
  return value;
}

// What recovery needs from a stored alert (verified; an unreadable value is the lowest class).
OutboxEntry read_entry(uint64_t id, std::string_view value) {
  Audience audience = Audience::Maintenance;
  Severity severity = Severity::Info;
  OutboxEntry e{id, static_cast<uint32_t>(value.size()), 0, 0, 0};
  if (auto a = decode_alert(value)) {
    audience = a->audience;
    severity = a->severity;
    e.detect_time_ms = a->detect_time_ms;
    e.event_time_ms = a->event_time_ms;
  }
  e.keep_class = static_cast<uint8_t>(keep_class(audience, severity));
  return e;
}

}  // namespace

size_t keep_class(Audience audience, Severity severity) {
  const size_t sev = std::min<size_t>(static_cast<size_t>(severity), 3);
  return (audience == Audience::Care ? 4 : 0) + sev;
}

std::string encode_unreported(const OutboxUnreported& u) {
  return encode_u64_key(u.count) + encode_u64_key(u.care) +
         encode_u64_key(static_cast<uint64_t>(u.oldest_event_ms)) +
         encode_u64_key(static_cast<uint64_t>(u.newest_event_ms));
}

void recover_outbox(const Db& db, OutboxMeta& meta,
                    const std::function<void(const OutboxEntry&)>& on_entry) {
  if (auto v = get_meta(db, kOutboxNextIdKey)) meta.next_id = decode_u64_key(*v);
  if (auto v = get_meta(db, kOutboxHeadKey)) meta.head = decode_u64_key(*v);
  if (auto v = get_meta(db, kOutboxEvictedKey)) meta.evicted = decode_u64_key(*v);
  if (auto v = get_meta(db, kOutboxLastPubackKey)) meta.last_puback_ms = decode_i64(*v);
  if (auto v = get_meta(db, kOutboxUnreportedKey); v && v->size() == 32) {
    meta.unreported.count = decode_u64_key(v->substr(0, 8));
    meta.unreported.care = decode_u64_key(v->substr(8, 8));
    meta.unreported.oldest_event_ms = decode_i64(v->substr(16, 8));
    meta.unreported.newest_event_ms = decode_i64(v->substr(24, 8));
  }
  const std::string lower = encode_u64_key(meta.head);
  rocksdb::Slice lower_slice(lower);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(ro, db.outbox));
  for (it->Seek(lower_slice); it->Valid(); it->Next()) {
    const uint64_t id = decode_u64_key(it->key().ToStringView());
    on_entry(read_entry(id, it->value().ToStringView()));
    if (id >= meta.next_id) meta.next_id = id + 1;
  }
  check(it->status(), "scanning the outbox");
}

std::vector<Alert> read_outbox_alerts(const Db& db, uint64_t from_id, uint64_t end_id,
                                      size_t max_count, size_t max_bytes) {
  std::vector<Alert> out;
  const std::string lower = encode_u64_key(from_id), upper = encode_u64_key(end_id);
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;  // never walk over trimmed (deleted) keys
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(ro, db.outbox));
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

OutboxReader::OutboxReader(const Db& db, uint64_t max_bytes) : db_(db) {
  OutboxMeta meta;
  recover_outbox(db, meta, [this](const OutboxEntry& e) {
    if (stats_.depth++ == 0) {  // id order: the first is the head
      stats_.head_id = e.id;
      stats_.oldest_detect_ms = e.detect_time_ms;
    }
    stats_.bytes += e.bytes;
  });
  stats_.max_bytes = max_bytes;
  stats_.next_id = meta.next_id;
  stats_.evicted = meta.evicted;
  stats_.unreported_evictions = meta.unreported.count;
  stats_.last_puback_ms = meta.last_puback_ms;
}

std::vector<Alert> OutboxReader::peek(size_t max_count, size_t max_bytes) const {
  if (stats_.depth == 0) return {};
  return read_outbox_alerts(db_, stats_.head_id, stats_.next_id, max_count, max_bytes);
}

OutboxStats read_outbox_stats(const Db& db, uint64_t max_bytes) {
  return OutboxReader(db, max_bytes).stats();
}

}  // namespace edgegw
