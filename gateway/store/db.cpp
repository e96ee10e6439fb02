// db.cpp: opening the RocksDB database with the gateway's column families and options.
#include "gateway/store/db.h"

#include <filesystem>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <rocksdb/cache.h>
#include <rocksdb/table.h>

namespace edgegw {

namespace {

constexpr const char* kFamilies[] = {"outbox", "state", "deadletters", "meta"};

rocksdb::ColumnFamilyOptions family_options(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = 4 << 20;
  o.max_write_buffer_number = 2;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

std::unique_ptr<Db> open(const std::string& data_dir, bool read_only) {
  const std::string path = (std::filesystem::path(data_dir) / "db").string();
  if (!read_only) std::filesystem::create_directories(path);
  auto cache = rocksdb::NewLRUCache(8 << 20);
  rocksdb::DBOptions opts;
  opts.create_if_missing = true;
  opts.create_missing_column_families = true;
  opts.max_background_jobs = 2;
  opts.keep_log_file_num = 3;
  opts.max_total_wal_size = 16 << 20;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, family_options(cache));
  for (const char* name : kFamilies) descs.emplace_back(name, family_options(cache));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(opts, path, descs, &handles, &raw)
                                : rocksdb::DB::Open(opts, path, descs, &handles, &raw);
  if (!s.ok())
    throw std::runtime_error(fmt::format("cannot open RocksDB at {}: {}", path, s.ToString()));
  auto db = std::make_unique<Db>();
  db->db.reset(raw);
  // handles[0] is the default family, owned by the DB.
  db->outbox = handles[1];
  db->state = handles[2];
  db->deadletters = handles[3];
  db->meta = handles[4];
  raw->DestroyColumnFamilyHandle(handles[0]);
  return db;
}

}  // namespace

Db::~Db() {
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
