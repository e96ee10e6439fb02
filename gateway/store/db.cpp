// db.cpp: opening the RocksDB database with the gateway's column families and options.
#include "gateway/store/db.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <rocksdb/cache.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

namespace edgegw {

namespace {

constexpr const char* kFamilies[] = {"outbox", "state", "deadletters", "meta"};

rocksdb::ColumnFamilyOptions family_options(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = kFamilyWriteBufferBytes;
  o.max_write_buffer_number = 2;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  // Index and filter blocks in the cache, not held by each open table file outside the budget.
  t.cache_index_and_filter_blocks = true;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

const std::string kIncarnationKey = "db.incarnation";

std::string db_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "db").string();
}

rocksdb::DBOptions db_options(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::DBOptions opts;
  // Every family's memtables within kMemtableBytes, charged to the block cache (db.h).
  opts.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(kMemtableBytes, cache);
  opts.create_if_missing = true;
  opts.create_missing_column_families = true;
  opts.max_background_jobs = 2;
  opts.keep_log_file_num = 3;
  opts.max_total_wal_size = 16 << 20;
  // No preallocation: a full disk shows at the next write (and is handled: gateway.cpp), not
  // megabytes later, and a small card is not reserved ahead.
  opts.allow_fallocate = false;
  return opts;
}

std::vector<rocksdb::ColumnFamilyDescriptor> descriptors(
    const std::shared_ptr<rocksdb::Cache>& cache) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, family_options(cache));
  for (const char* name : kFamilies) {
    rocksdb::ColumnFamilyOptions o = family_options(cache);
    if (std::string_view(name) == "state") {
      // Every reading rewrites its sensor's and household's records: overwrites whose live
      // set (100,000 sensors) outgrows the memtable, so at district scale a third of the
      // gateway's CPU went to compacting it, L0 into the whole of L1 every 4 flushes (perf,
      // bench/README.md). Every 12 flushes instead: 35-38 -> 25-26 us per reading at 100,000
      // meters; the cost is disk for overwritten versions (at most ~12 memtables of 2 MB) and
      // a restart reading more files.
      o.level0_file_num_compaction_trigger = 12;
    }
    descs.emplace_back(name, o);
  }
  return descs;
}

// Damaged: RocksDB found the files but cannot read them. A held lock (a gateway already
// running), a permission or a full disk are other errors, reported as they are.
bool damaged(const rocksdb::Status& s, const std::string& path) {
  if (s.IsCorruption()) return true;
  if (!s.IsIOError() || s.ToString().find("lock") != std::string::npos) return false;
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ec) &&
         s.ToString().find("No such file") != std::string::npos;
}

void ensure_incarnation(Db& db, bool read_only) {
  std::string v;
  auto s = db.db->Get(rocksdb::ReadOptions(), db.meta, kIncarnationKey, &v);
  if (s.ok() && v.size() == 8) {
    db.incarnation = decode_u64_key(v);
    return;
  }
  if (!s.IsNotFound()) check(s, "reading the database incarnation");
  if (read_only) return;
  std::random_device rd;
  while (db.incarnation == 0)
    db.incarnation = (static_cast<uint64_t>(rd()) << 32) ^ static_cast<uint64_t>(rd());
  rocksdb::WriteOptions wo;
  wo.sync = true;
  check(db.db->Put(wo, db.meta, kIncarnationKey, encode_u64_key(db.incarnation)),
        "writing the database incarnation");
}

std::unique_ptr<Db> open(const std::string& data_dir, bool read_only) {
  const std::string path = db_path(data_dir);
  if (!read_only) std::filesystem::create_directories(path);
  auto cache = rocksdb::NewLRUCache(kRocksDbCacheBytes);
  const rocksdb::DBOptions opts = db_options(cache);
  const auto descs = descriptors(cache);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(opts, path, descs, &handles, &raw)
                                : rocksdb::DB::Open(opts, path, descs, &handles, &raw);
  if (!s.ok() && damaged(s, path))
    throw DbDamagedError(fmt::format(
        "the database {} is damaged ({}): stop the gateway and run `edgegw repair --data-dir "
        "{}` to keep what can be read, or move {} away to start afresh (a new incarnation; "
        "alert ids start again at 1)",
        path, s.ToString(), data_dir, path));
  if (!s.ok())
    throw std::runtime_error(fmt::format("cannot open RocksDB at {}: {}", path, s.ToString()));
  auto db = std::make_unique<Db>();
  db->db.reset(raw);
  db->path = path;
  db->read_only = read_only;
  // handles[0] is the default family, owned by the DB.
  db->outbox = handles[1];
  db->state = handles[2];
  db->deadletters = handles[3];
  db->meta = handles[4];
  raw->DestroyColumnFamilyHandle(handles[0]);
  db->dir_fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ensure_incarnation(*db, read_only);
  return db;
}

}  // namespace

Db::~Db() {
  if (dir_fd >= 0) ::close(dir_fd);
  if (!db) return;
  for (auto* h : {outbox, state, deadletters, meta})
    if (h) db->DestroyColumnFamilyHandle(h);
  db->Close();
}

std::unique_ptr<Db> open_db(const std::string& data_dir) {
  return open(data_dir, false);
}
std::unique_ptr<Db> open_db_read_only(const std::string& data_dir) {
  return open(data_dir, true);
}

void check_disk_room(const Db& db) {
  struct statvfs vfs {};
  const int rc = db.dir_fd >= 0 ? ::fstatvfs(db.dir_fd, &vfs) : ::statvfs(db.path.c_str(), &vfs);
  if (rc != 0) return;  // unknown: let RocksDB report
  const uint64_t free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  if (free_bytes < kMinFreeBytes)
    throw std::runtime_error(
        fmt::format("disk full: {} KB free on {} (nothing is written below "
                    "{} MB)",
                    free_bytes >> 10, db.path, kMinFreeBytes >> 20));
}

void flush_all(Db& db) {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  check(db.db->Flush(fo, {db.outbox, db.state, db.deadletters, db.meta}), "flushing the database");
}

void repair_db(const std::string& data_dir) {
  const std::string path = db_path(data_dir);
  if (!std::filesystem::exists(path))
    throw std::runtime_error(fmt::format("no database at {}", path));
  auto cache = rocksdb::NewLRUCache(kRocksDbCacheBytes);
  const auto descs = descriptors(cache);
  check(rocksdb::RepairDB(path, db_options(cache), descs, family_options(cache)),
        fmt::format("repairing {}", path));
}

std::string encode_u64_key(uint64_t v) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) k[i] = static_cast<char>(v & 0xff);
  return k;
}

uint64_t decode_u64_key(std::string_view key) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < key.size(); ++i)
    v = (v << 8) | static_cast<unsigned char>(key[i]);
  return v;
}

void check(const rocksdb::Status& s, std::string_view what) {
  if (!s.ok()) throw std::runtime_error(fmt::format("{}: {}", what, s.ToString()));
}

}  // namespace edgegw
