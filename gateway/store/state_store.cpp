// state_store.cpp: reading and writing detector checkpoint records.
#include "gateway/store/state_store.h"

#include <memory>

#include <rocksdb/write_batch.h>

namespace edgegw {

size_t restore_engine_state(Db& db, Engine& engine) {
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.state));
  size_t n = 0;
  // Households ("h/") are restored before sensors ("s/") by key order; the watermark ("w") last.
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++n)
    engine.load_record(it->key().ToStringView(), it->value().ToStringView());
  check(it->status(), "reading the detector state");
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
