// alert_codec.h: alerts to and from FlatBuffers (schemas/alert.fbs), and to JSON lines for
// people. The outbox stores one Alert per value; the uplink sends AlertBatch messages.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/alert/alert.h"

namespace edgegw {

// One alert as a standalone FlatBuffer whose root is an `Alert` table (outbox values).
std::string encode_alert(const Alert& alert);
std::optional<Alert> decode_alert(std::string_view bytes);

// An AlertBatch message as the uplink publishes it; `incarnation` is the database's (db.h).
std::string encode_batch(std::string_view gateway_id, std::span<const Alert> alerts,
                         uint64_t incarnation = 0);

struct DecodedBatch {
  std::string gateway_id;
  uint64_t incarnation = 0;
  std::vector<Alert> alerts;
};
// Verifies the buffer first: returns nullopt for anything that is not a valid AlertBatch.
std::optional<DecodedBatch> decode_batch(std::string_view bytes);

// One JSON object per alert, on one line, with enum names and ISO 8601 times.
std::string alert_to_json(std::string_view gateway_id, const Alert& alert);

}  // namespace edgegw
