// deadletters.h: the bounded store of rejected messages (RocksDB family "deadletters"): topic,
// arrival time, reason and the first bytes of the payload, oldest evicted first.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/store/db.h"

namespace edgegw {

struct DeadLetter {
  uint64_t seq = 0;
  int64_t arrival_ms = 0;
  std::string topic;
  std::string reason;         // error code name, e.g. "bad_checksum"
  std::string detail;         // what the driver said, naming the field
  std::string payload_head;   // first kPayloadHeadBytes bytes, verbatim
  uint32_t payload_size = 0;  // the whole payload's size
};

inline constexpr size_t kPayloadHeadBytes = 256;
inline constexpr size_t kDeadLetterTextBytes = 512;  // topic and detail are kept up to this

class DeadLetters {
 public:
  DeadLetters(Db& db, uint32_t max_entries);

  // Stores one rejected message (not synced: losing the last few on a crash is acceptable);
  // `payload_size` is its size as sent (the ingest cuts a payload too large to keep).
  // Never throws: a storage error drops this dead letter, counted by write_errors().
  void add(int64_t arrival_ms, std::string_view topic, std::string_view reason,
           std::string_view detail, std::string_view payload, size_t payload_size);

  // Newest last; at most `limit` of the most recent.
  std::vector<DeadLetter> list(size_t limit) const;
  uint64_t count() const;
  uint64_t write_errors() const;

  // Reads dead letters from any database handle (the CLI on a stopped gateway).
  static std::vector<DeadLetter> read(const Db& db, size_t limit);

 private:
  Db& db_;
  uint32_t max_entries_;
  mutable std::mutex mu_;
  uint64_t first_seq_ = 1, next_seq_ = 1;
  uint64_t write_errors_ = 0;
  std::string last_error_;
};

}  // namespace edgegw
