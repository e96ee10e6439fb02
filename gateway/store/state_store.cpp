// state_store.cpp: reading and writing detector checkpoint records.
#include "gateway/store/state_store.h"

#include <memory>

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "util/log.h"

namespace edgegw {

namespace {
constexpr size_t kRefusalsLogged = 5;
}  // namespace

size_t restore_engine_state(Db& db, Engine& engine) {
  // One pass over the whole family: its blocks are read ahead and not kept in the block cache
  // (which they would only churn); checksums are verified as on every read. The merging
  // iterator keeps one readahead buffer per table file of the family at once (heaptrack of a
  // start with 100,000 sensors' checkpoint in 11 files: 2 MB each, 27 MB at the start's peak),
  // so the buffer is 256 KB (bench/README.md "The restart's peak").
  rocksdb::ReadOptions scan;
  scan.fill_cache = false;
  scan.readahead_size = 256 << 10;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(scan, db.state));
  size_t n = 0, refused = 0;
  // Households ("h/") come before sensors ("s/") by key order, the watermark ("w") last; what
  // links them (a sensor to its household, a household's pending night exit to its doors'
  // deadline) is applied once all are loaded.
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++n) {
    const std::string_view key = it->key().ToStringView(), value = it->value().ToStringView();
    const std::string error = key.starts_with("h/") ? engine.load_household_record(key, value)
                                                    : engine.load_other_record(key, value);
    if (error.empty()) continue;
    if (++refused <= kRefusalsLogged) log_warn("state", error + "; starting it afresh");
  }
  check(it->status(), "reading the detector state");
  engine.finish_restore();
  if (refused > kRefusalsLogged)
    log_warn("state", fmt::format("{} checkpoint records could not be read ({} shown above); "
                                  "their sensors and households start afresh",
                                  refused, kRefusalsLogged));
  return n;
}

namespace {
const std::string kBootIdKey = "run.boot_id";
const std::string kCleanStopKey = "run.clean_stop";
}  // namespace

bool begin_run(Db& db, const std::string& boot_id) {
  std::string last_boot, clean;
  auto s = db.db->Get(rocksdb::ReadOptions(), db.meta, kBootIdKey, &last_boot);
  if (!s.IsNotFound()) check(s, "reading the last run's boot id");
  const bool had_run = s.ok();
  s = db.db->Get(rocksdb::ReadOptions(), db.meta, kCleanStopKey, &clean);
  if (!s.IsNotFound()) check(s, "reading the last run's clean-stop mark");
  const bool clean_stop = s.ok();
  rocksdb::WriteBatch batch;
  batch.Put(db.meta, kBootIdKey, boot_id);
  batch.Delete(db.meta, kCleanStopKey);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  check(db.db->Write(wo, &batch), "recording this run's boot id");
  return had_run && !clean_stop && last_boot != boot_id;
}

void mark_clean_stop(Db& db) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  check(db.db->Put(wo, db.meta, kCleanStopKey, "1"), "marking the clean stop");
}

}  // namespace edgegw
