// deadletters.cpp: dead-letter records as length-prefixed fields under sequence keys.
#include "gateway/store/deadletters.h"

#include <fmt/format.h>

#include "util/coding.h"
#include "util/log.h"

#include <algorithm>

#include <rocksdb/write_batch.h>

namespace edgegw {

namespace {

// A record: arrival_ms (fixed64), payload_size (fixed32), then topic, reason, detail and the
// payload's head, each a fixed32 length and its bytes (little-endian: util/coding.h).
void put_field(std::string& out, std::string_view field) {
  put_fixed32(out, static_cast<uint32_t>(field.size()));
  out.append(field);
}

bool get_field(std::string_view& in, std::string& out) {
  std::string_view rest = in;
  uint32_t n = 0;
  if (!get_fixed32(rest, n) || rest.size() < size_t{n}) return false;
  out.assign(rest.substr(0, n));
  in = rest.substr(n);
  return true;
}

std::string encode(const DeadLetter& d) {
  std::string out;
  put_fixed64(out, static_cast<uint64_t>(d.arrival_ms));
  put_fixed32(out, d.payload_size);
  put_field(out, d.topic);
  put_field(out, d.reason);
  put_field(out, d.detail);
  put_field(out, d.payload_head);
  return out;
}

bool decode(std::string_view in, DeadLetter& d) {
  uint64_t arrival = 0;
  if (!get_fixed64(in, arrival) || !get_fixed32(in, d.payload_size)) return false;
  d.arrival_ms = static_cast<int64_t>(arrival);
  return get_field(in, d.topic) && get_field(in, d.reason) && get_field(in, d.detail) &&
         get_field(in, d.payload_head);
}

}  // namespace

DeadLetters::DeadLetters(Db& db, uint32_t max_entries) : db_(db), max_entries_(max_entries) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db->NewIterator(rocksdb::ReadOptions(), db_.deadletters));
  it->SeekToFirst();
  if (it->Valid()) {
    first_seq_ = decode_u64_key(it->key().ToStringView());
    it->SeekToLast();
    next_seq_ = decode_u64_key(it->key().ToStringView()) + 1;
  }
}

void DeadLetters::add(int64_t arrival_ms, std::string_view topic, std::string_view reason,
                      std::string_view detail, std::string_view payload, size_t payload_size) {
  DeadLetter d;
  d.arrival_ms = arrival_ms;
  d.topic = topic.substr(0, kDeadLetterTextBytes);
  d.reason = reason;
  d.detail = detail.substr(0, kDeadLetterTextBytes);
  d.payload_head = payload.substr(0, kPayloadHeadBytes);
  d.payload_size = static_cast<uint32_t>(std::min<size_t>(payload_size, UINT32_MAX));
  std::lock_guard lock(mu_);
  rocksdb::WriteBatch batch;
  const uint64_t seq = next_seq_;
  uint64_t first = first_seq_;
  batch.Put(db_.deadletters, encode_u64_key(seq), encode(d));
  if (seq + 1 - first > max_entries_) {
    const uint64_t new_first = seq + 1 - max_entries_;
    batch.DeleteRange(db_.deadletters, encode_u64_key(first), encode_u64_key(new_first));
    first = new_first;
  }
  // A storage error loses this dead letter (counted, logged) but never the reading's handling.
  rocksdb::Status s;
  try {
    check_disk_room(db_);
    s = db_.db->Write(rocksdb::WriteOptions(), &batch);
  } catch (const std::exception& e) {
    s = rocksdb::Status::NoSpace(e.what());
  }
  if (!s.ok()) {
    if (write_errors_++ == 0 || s.ToString() != last_error_)
      log_warn("deadletters", fmt::format("cannot store the dead letter of topic '{}' ({}): {}",
                                          d.topic, reason, s.ToString()));
    last_error_ = s.ToString();
    return;
  }
  next_seq_ = seq + 1;
  first_seq_ = first;
}

uint64_t DeadLetters::write_errors() const {
  std::lock_guard lock(mu_);
  return write_errors_;
}

uint64_t DeadLetters::count() const {
  std::lock_guard lock(mu_);
  return next_seq_ - first_seq_;
}

std::vector<DeadLetter> DeadLetters::list(size_t limit) const {
  return read(db_, limit);
}

std::vector<DeadLetter> DeadLetters::read(const Db& db, size_t limit) {
  std::vector<DeadLetter> out;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.deadletters));
  for (it->SeekToLast(); it->Valid() && out.size() < limit; it->Prev()) {
    DeadLetter d;
    if (!decode(it->value().ToStringView(), d)) continue;
    d.seq = decode_u64_key(it->key().ToStringView());
    out.push_back(std::move(d));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace edgegw
