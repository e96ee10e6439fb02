// alert_codec.cpp: FlatBuffers encoding and decoding of alerts, verified on the way in.
#include "gateway/alert/alert_codec.h"

#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "drivers/timestamp.h"
#include "util/json.h"

namespace edgegw {

namespace {

flatbuffers::Offset<fb::Alert> build_alert(flatbuffers::FlatBufferBuilder& b, const Alert& a) {
  auto subject = b.CreateString(a.subject);
  auto sensor = b.CreateString(a.sensor_id);
  fb::Evidence evidence(a.observed, a.threshold, a.window_s);
  const auto detail =
      a.detail.empty() ? flatbuffers::Offset<flatbuffers::String>() : b.CreateString(a.detail);
  fb::AlertBuilder ab(b);
  ab.add_id(a.id);
  ab.add_event_time_ms(a.event_time_ms);
  ab.add_detect_time_ms(a.detect_time_ms);
  ab.add_evidence(&evidence);
  ab.add_subject(subject);
  ab.add_sensor_id(sensor);
  if (!a.detail.empty()) ab.add_detail(detail);
  ab.add_rule(a.rule);
  ab.add_kind(a.kind);
  ab.add_audience(a.audience);
  ab.add_severity(a.severity);
  ab.add_state(a.state);
  ab.add_subject_kind(a.subject_kind);
  return ab.Finish();
}

Alert from_table(const fb::Alert& t) {
  Alert a;
  a.id = t.id();
  a.rule = t.rule();
  a.kind = t.kind();
  a.audience = t.audience();
  a.severity = t.severity();
  a.state = t.state();
  a.subject_kind = t.subject_kind();
  if (t.subject()) a.subject = t.subject()->str();
  if (t.sensor_id()) a.sensor_id = t.sensor_id()->str();
  a.event_time_ms = t.event_time_ms();
  a.detect_time_ms = t.detect_time_ms();
  if (const fb::Evidence* e = t.evidence()) {
    a.observed = e->observed();
    a.threshold = e->threshold();
    a.window_s = e->window_s();
  }
  if (t.detail()) a.detail = t.detail()->str();
  return a;
}

std::string finished(flatbuffers::FlatBufferBuilder& b) {
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

}  // namespace

std::string encode_alert(const Alert& alert) {
  flatbuffers::FlatBufferBuilder b(256);
  b.Finish(build_alert(b, alert));
  return finished(b);
}

namespace {

// FlatBuffers reads scalars in place, so it needs the buffer aligned (RocksDB values and MQTT
// payloads need not be): misaligned bytes are copied into 8-byte aligned storage first.
class AlignedBytes {
 public:
  explicit AlignedBytes(std::string_view bytes) : view_(bytes) {
    if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(uint64_t) == 0) return;
    copy_.resize((bytes.size() + 7) / 8);
    std::memcpy(copy_.data(), bytes.data(), bytes.size());
    view_ = std::string_view(reinterpret_cast<const char*>(copy_.data()), bytes.size());
  }
  std::string_view view() const { return view_; }

 private:
  std::vector<uint64_t> copy_;
  std::string_view view_;
};

}  // namespace

std::optional<Alert> decode_alert(std::string_view unaligned) {
  const AlignedBytes aligned(unaligned);
  const std::string_view bytes = aligned.view();
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!v.VerifyBuffer<fb::Alert>(nullptr)) return std::nullopt;
  return from_table(*flatbuffers::GetRoot<fb::Alert>(bytes.data()));
}

std::string encode_batch(std::string_view gateway_id, std::span<const Alert> alerts,
                         uint64_t incarnation) {
  flatbuffers::FlatBufferBuilder b(128 + alerts.size() * 128);
  // Write every field, defaults included, so that `flatc --json` shows rule W1, state Raised...
  b.ForceDefaults(true);
  std::vector<flatbuffers::Offset<fb::Alert>> offsets;
  offsets.reserve(alerts.size());
  for (const Alert& a : alerts) offsets.push_back(build_alert(b, a));
  auto gw = b.CreateString(gateway_id.data(), gateway_id.size());
  auto vec = b.CreateVector(offsets);
  fb::FinishAlertBatchBuffer(b, fb::CreateAlertBatch(b, gw, vec, incarnation));
  return finished(b);
}

std::optional<DecodedBatch> decode_batch(std::string_view unaligned) {
  const AlignedBytes aligned(unaligned);
  const std::string_view bytes = aligned.view();
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!fb::VerifyAlertBatchBuffer(v)) return std::nullopt;
  const fb::AlertBatch* batch = fb::GetAlertBatch(bytes.data());
  DecodedBatch out;
  if (batch->gateway_id()) out.gateway_id = batch->gateway_id()->str();
  out.incarnation = batch->incarnation();
  if (batch->alerts())
    for (const fb::Alert* a : *batch->alerts())
      if (a) out.alerts.push_back(from_table(*a));
  return out;
}

std::string alert_to_json(std::string_view gateway_id, const Alert& a) {
  JsonWriter w;
  w.begin_object()
      .key("gateway").value(gateway_id)
      .key("id").value(a.id)
      .key("rule").value(fb::EnumNameRule(a.rule))
      .key("kind").value(fb::EnumNameAlertKind(a.kind))
      .key("audience").value(fb::EnumNameAudience(a.audience))
      .key("severity").value(fb::EnumNameSeverity(a.severity))
      .key("state").value(fb::EnumNameAlertState(a.state))
      .key("subject_kind").value(fb::EnumNameSubjectKind(a.subject_kind))
      .key("subject").value(a.subject)
      .key("sensor").value(a.sensor_id)
      .key("event_time").value(format_iso8601_utc(a.event_time_ms))
      .key("detect_time").value(format_iso8601_utc(a.detect_time_ms))
      .key("observed").value(a.observed)
      .key("threshold").value(a.threshold)
      .key("window_s").value(a.window_s);
  if (!a.detail.empty()) w.key("detail").value(a.detail);
  w.end_object();
  return w.take();
}

}  // namespace edgegw
