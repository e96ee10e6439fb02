// state_store.h: the detector's checkpoints in RocksDB (family "state"): restored at start,
// written periodically, and written together with the alerts they explain.
#pragma once

#include <rocksdb/write_batch.h>

#include "gateway/detect/engine.h"
#include "gateway/store/db.h"

namespace edgegw {

// Loads every checkpoint record into the engine (before it sees any reading).
// Returns the number of records read.
size_t restore_engine_state(Db& db, Engine& engine);

// Adds the engine's changed state to `batch` (for a write the caller commits).
void add_dirty_state(Db& db, Engine& engine, rocksdb::WriteBatch& batch);

// Writes the engine's changed state now (WAL, not synced: a process crash keeps it).
void checkpoint_engine_state(Db& db, Engine& engine);

}  // namespace edgegw
