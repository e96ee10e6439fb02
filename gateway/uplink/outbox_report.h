// outbox_report.h: what `edgegw outbox` prints: the outbox's depth, bytes, the age of the oldest
// unsent alert, evictions, the last PUBACK and (for a running gateway) the uplink's state, as
// one JSON object. The CLI wires it; this file only formats and reads.
#pragma once

#include <cstdint>
#include <string>

#include "gateway/store/outbox_reader.h"
#include "gateway/uplink/uplink.h"

namespace edgegw {

// One JSON object on one line. `uplink` is null for a stopped gateway (state "stopped"). Ages
// are `now_ms` minus the stored times; the oldest alert's age uses its detection time (event
// time when clock = "event").
std::string outbox_report_json(const OutboxStats& outbox, const UplinkStats* uplink,
                               int64_t now_ms);

// Reads the outbox statistics of a stopped gateway from <data_dir>/db, opened read-only (a
// running gateway holds the database lock: RocksDB then throws, naming the path).
// `max_bytes` is the configured bound, reported as is.
OutboxStats read_outbox_stats_from(const std::string& data_dir, uint64_t max_bytes);

}  // namespace edgegw
