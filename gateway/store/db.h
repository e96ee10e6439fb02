// db.h: the gateway's one RocksDB database in <data_dir>/db and its column families:
// outbox (alerts waiting for upstream), state (detector checkpoints), deadletters, meta.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>

#include <rocksdb/db.h>

namespace edgegw {

struct Db {
  std::unique_ptr<rocksdb::DB> db;
  // A random non-zero id created with the database (meta "db.incarnation"), sent in every
  // AlertBatch: alert ids restart at 1 in a new database, and upstream tells a new life from a
  // duplicate by (gateway_id, incarnation, id). 0 only in a read-only open of an old database.
  uint64_t incarnation = 0;
  std::string path;        // <data_dir>/db
  bool read_only = false;  // opened by open_db_read_only(): readers only (OutboxReader)
  // `path` opened as a directory, for check_disk_room's fstatvfs (statvfs on the path walked
  // it on every write: 2-3% of the gateway's CPU at 100,000 meters); -1 if it cannot be opened.
  int dir_fd = -1;
  rocksdb::ColumnFamilyHandle* outbox = nullptr;
  rocksdb::ColumnFamilyHandle* state = nullptr;
  rocksdb::ColumnFamilyHandle* deadletters = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;

  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();
};

// The database exists but RocksDB cannot read it (corruption, a missing file). what() is one
// line: which directory, what RocksDB said, and what to do (`edgegw repair`, or start afresh).
struct DbDamagedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// RocksDB's memory, stated once (db.cpp applies it; bench/README.md "Memory" has the figures).
// The gateway runs under systemd MemoryMax=256M and aims at 32 MB RSS for 100,000 meters, so
// RocksDB gets a fixed budget whatever the fleet size:
//  - kRocksDbCacheBytes: one LRU block cache shared by every column family, with the table
//    readers' index and filter blocks charged to it;
//  - kMemtableBytes: all column families' memtables together (a WriteBufferManager charged to
//    that same cache, so memtables and cached blocks share the one budget): mutable memtables
//    past 7/8 of it make the next write flush (RocksDB 7.8, WriteBufferManager::ShouldFlush);
//  - kFamilyWriteBufferBytes: one family's memtable before it is flushed on its own.
inline constexpr size_t kRocksDbCacheBytes = 8u << 20;
inline constexpr size_t kMemtableBytes = 4u << 20;
inline constexpr size_t kFamilyWriteBufferBytes = 2u << 20;

// Opens (creating if needed) the database under data_dir, within the budget above. Throws
// DbDamagedError for a damaged database, std::runtime_error naming the path on any other failure.
std::unique_ptr<Db> open_db(const std::string& data_dir);

// Below this much free space the gateway writes nothing: a write that meets a full disk inside
// RocksDB is not safe (Debian's build asserts on the WAL writer's error and aborts).
inline constexpr uint64_t kMinFreeBytes = 8ull << 20;

// Throws std::runtime_error naming the directory when its disk has less than kMinFreeBytes free.
void check_disk_room(const Db& db);

// Flushes every family's memtable to table files (at a clean stop): RocksDB's repair recovers a
// family's WAL-only records only if that family already has a table file.
void flush_all(Db& db);

// RocksDB's repair of <data_dir>/db (keeps every record that can still be read; the gateway
// must be stopped). Throws std::runtime_error with RocksDB's reason when it cannot.
void repair_db(const std::string& data_dir);

// Opens read-only, for the CLI to inspect a stopped gateway's data directory.
std::unique_ptr<Db> open_db_read_only(const std::string& data_dir);

// Big-endian 8-byte keys, so that byte order is numeric order.
std::string encode_u64_key(uint64_t v);
uint64_t decode_u64_key(std::string_view key);

// Throws std::runtime_error with `what` and the status text when !s.ok().
void check(const rocksdb::Status& s, std::string_view what);

}  // namespace edgegw
