// state_store.cpp: reading and writing detector checkpoint records.
#include "gateway/store/state_store.h"

#include <memory>

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

void add_dirty_state(Db& db, Engine& engine, rocksdb::WriteBatch& batch) {
  for (const StateRecord& r : engine.take_dirty_records()) batch.Put(db.state, r.key, r.value);
}

void checkpoint_engine_state(Db& db, Engine& engine) {
  rocksdb::WriteBatch batch;
  add_dirty_state(db, engine, batch);
  if (batch.Count() == 0) return;
  check(db.db->Write(rocksdb::WriteOptions(), &batch), "checkpointing the detector state");
}

}  // namespace edgegw
