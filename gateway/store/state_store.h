// state_store.h: the detector's checkpoints in RocksDB (family "state"): restored at start;
// written by the gateway's one commit path (gateway.cpp), with the alerts they explain.
#pragma once

#include <string>

#include "gateway/detect/engine.h"
#include "gateway/store/db.h"

namespace edgegw {

// Loads every checkpoint record into the engine (before it sees any reading).
// Returns the number of records read.
size_t restore_engine_state(Db& db, Engine& engine);

// At start: whether the previous run may have lost its unsynced detector state, i.e. it did
// not stop cleanly and the box booted since (a power cut or a kernel crash; a kill -9 loses
// nothing the OS had). Records this boot's id and clears the clean-stop mark (synced).
bool begin_run(Db& db, const std::string& boot_id);

// At a clean stop, after the last state write: marks it (synced).
void mark_clean_stop(Db& db);

}  // namespace edgegw
