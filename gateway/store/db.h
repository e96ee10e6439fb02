// db.h: the gateway's one RocksDB database in <data_dir>/db and its column families:
// outbox (alerts waiting for upstream), state (detector checkpoints), deadletters, meta.
#pragma once

#include <memory>
#include <string>

#include <rocksdb/db.h>

namespace edgegw {

struct Db {
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* outbox = nullptr;
  rocksdb::ColumnFamilyHandle* state = nullptr;
  rocksdb::ColumnFamilyHandle* deadletters = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;

  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();
};

// Opens (creating if needed) the database under data_dir. Small caches: the budget is 64 MB
// RSS for the whole gateway. Throws std::runtime_error naming the path on failure.
std::unique_ptr<Db> open_db(const std::string& data_dir);

// Opens read-only, for the CLI to inspect a stopped gateway's data directory.
std::unique_ptr<Db> open_db_read_only(const std::string& data_dir);

// Big-endian 8-byte keys, so that byte order is numeric order.
std::string encode_u64_key(uint64_t v);
uint64_t decode_u64_key(std::string_view key);

// Throws std::runtime_error with `what` and the status text when !s.ok().
void check(const rocksdb::Status& s, std::string_view what);

}  // namespace edgegw
