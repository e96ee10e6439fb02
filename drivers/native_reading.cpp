// native_reading.cpp: verified decoding and encoding of schemas/reading.fbs buffers.
#include "drivers/native_reading.h"

#include <cmath>
#include <cstring>
#include <vector>

#include <flatbuffers/flatbuffers.h>
#include <fmt/format.h>

#include "schemas/reading_generated.h"

namespace edgegw {

namespace {

constexpr size_t kAlign = 8;  // the widest scalar in the schema (double, long)

DecodeError bad(std::string detail) {
  return {DecodeErrorCode::bad_value, std::move(detail)};
}

bool finite_or_nan(double v) {
  return std::isnan(v) || std::isfinite(v);
}

DecodeStatus read_water(const fb::WaterReading* w, Reading& out) {
  if (!w) return std::nullopt;
  if (!finite_or_nan(w->total_m3())) return bad("field 'water.total_m3' is infinite");
  if (!finite_or_nan(w->flow_m3h())) return bad("field 'water.flow_m3h' is infinite");
  out.water.total_m3 = w->total_m3();
  out.water.flow_m3h = w->flow_m3h();
  out.water.alarms = w->alarm_flags();
  return std::nullopt;
}

DecodeStatus read_facade(const fb::FacadeReading* f, const DecodeLimits& limits,
                         DecodeScratch& scratch, Reading& out) {
  if (!f) return std::nullopt;
  const auto phase = static_cast<uint8_t>(f->phase());
  if (phase > static_cast<uint8_t>(FacadePhase::night))
    return bad(fmt::format("field 'facade.phase' is {}, not a known phase", phase));
  out.facade.phase = static_cast<FacadePhase>(phase);
  const float ref = f->ref_c();
  if (!std::isnan(ref) && !(ref >= limits.min_temperature_c && ref <= limits.max_temperature_c))
    return bad(fmt::format("field 'facade.ref_c' is {} C, outside {}..{}", ref,
                           limits.min_temperature_c, limits.max_temperature_c));
  out.facade.ref_c = ref;
  out.facade.rain = f->rain();

  if (const auto* regions = f->regions()) {
    if (regions->size() > kMaxRegions)
      return DecodeError{DecodeErrorCode::too_large,
                         fmt::format("field 'facade.regions' has {} regions, the limit is {}",
                                     regions->size(), kMaxRegions)};
    const float span = limits.max_temperature_c - limits.min_temperature_c;
    for (flatbuffers::uoffset_t i = 0; i < regions->size(); ++i) {
      const fb::FacadeRegion* r = regions->Get(i);
      if (!r) return bad(fmt::format("field 'facade.regions[{}]' is null", i));
      if (r->x() >= kFrameWidth || r->y() >= kFrameHeight || r->w() == 0 || r->h() == 0 ||
          r->x() + r->w() > kFrameWidth || r->y() + r->h() > kFrameHeight)
        return bad(
            fmt::format("field 'facade.regions[{}]' x={} y={} w={} h={} is not inside "
                        "the {}x{} frame",
                        i, r->x(), r->y(), r->w(), r->h(), kFrameWidth, kFrameHeight));
      if (!(std::abs(r->dt_c()) <= span))
        return bad(fmt::format("field 'facade.regions[{}].dt_c' is {}", i, r->dt_c()));
      scratch.regions[i] = FacadeRegion{r->x(), r->y(), r->w(), r->h(), r->dt_c(), r->frames()};
    }
    out.facade.regions = std::span<const FacadeRegion>(scratch.regions.data(), regions->size());
  }
  if (const auto* frame = f->frame_c(); frame && frame->size() != 0) {
    if (frame->size() != kFramePixels)
      return bad(fmt::format("field 'facade.frame_c' has {} values, expected {}", frame->size(),
                             kFramePixels));
    for (flatbuffers::uoffset_t i = 0; i < kFramePixels; ++i) {
      const float c = frame->Get(i);
      if (!(c >= limits.min_temperature_c && c <= limits.max_temperature_c))
        return bad(fmt::format("field 'facade.frame_c[{}]' (x={}, y={}) is {} C, outside {}..{}", i,
                               i % kFrameWidth, i / kFrameWidth, c, limits.min_temperature_c,
                               limits.max_temperature_c));
      scratch.frame[i] = c;
    }
    out.facade.frame_c = std::span<const float>(scratch.frame.data(), kFramePixels);
  }
  return std::nullopt;
}

}  // namespace

DecodeStatus decode_native_reading(std::string_view /*topic*/, std::string_view payload,
                                   const DecodeLimits& limits, DecodeScratch& scratch,
                                   Reading& out) {
  if (payload.empty()) return DecodeError{DecodeErrorCode::empty, "empty payload"};
  if (payload.size() > limits.max_payload_bytes)
    return DecodeError{DecodeErrorCode::too_large,
                       fmt::format("payload of {} bytes exceeds the limit of {}", payload.size(),
                                   limits.max_payload_bytes)};
  const char* data = payload.data();
  if (reinterpret_cast<uintptr_t>(data) % kAlign != 0) {
    scratch.padded.resize(payload.size());
    std::memcpy(scratch.padded.data(), payload.data(), payload.size());
    data = scratch.padded.data();
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(data);
  if (payload.size() < 8 || !fb::ReadingBufferHasIdentifier(bytes))
    return DecodeError{DecodeErrorCode::malformed,
                       "not a native reading: no EGRD FlatBuffer identifier"};
  flatbuffers::Verifier::Options opts;
  opts.max_depth = 8;
  opts.max_tables = 64;
  flatbuffers::Verifier verifier(bytes, payload.size(), opts);
  if (!fb::VerifyReadingBuffer(verifier))
    return DecodeError{DecodeErrorCode::malformed,
                       "native reading fails FlatBuffer verification (bad offsets, sizes, "
                       "alignment or missing sensor_id)"};
  const fb::Reading* r = fb::GetReading(bytes);

  out = Reading{};
  const flatbuffers::String* id = r->sensor_id();
  if (id->size() == 0)
    return DecodeError{DecodeErrorCode::missing_field, "field 'sensor_id' is empty"};
  if (id->size() > limits.max_string_bytes)
    return bad(fmt::format("field 'sensor_id' is {} bytes long, the limit is {}", id->size(),
                           limits.max_string_bytes));
  if (!simdjson::validate_utf8(id->c_str(), id->size()))
    return DecodeError{DecodeErrorCode::malformed, "field 'sensor_id' is not valid UTF-8"};
  out.sensor_id = id->string_view();

  const auto kind = static_cast<uint8_t>(r->kind());
  if (kind > static_cast<uint8_t>(SensorKind::facade))
    return bad(fmt::format("field 'kind' is {}, not a known sensor kind", kind));
  out.kind = static_cast<SensorKind>(kind);
  if (r->time_ms() < 0)
    return DecodeError{DecodeErrorCode::bad_timestamp,
                       fmt::format("field 'time_ms' is {}, before 1970", r->time_ms())};
  out.time_ms = r->time_ms();
  const float battery = r->battery_pct();
  if (!std::isnan(battery) && !(battery >= 0 && battery <= 100))
    return bad(fmt::format("field 'battery_pct' is {}, outside 0..100", battery));
  out.battery_pct = battery;
  if (r->link_quality() < -1 || r->link_quality() > 255)
    return bad(fmt::format("field 'link_quality' is {}, outside -1..255", r->link_quality()));
  out.link_quality = r->link_quality();

  // Only the sub-table of the reading's kind is read (encode_native_reading writes only that).
  switch (out.kind) {
    case SensorKind::water: return read_water(r->water(), out);
    case SensorKind::door:
      if (const fb::DoorReading* d = r->door()) {
        if (d->has_contact()) out.door.contact_closed = d->contact_closed();
        out.door.tamper = d->tamper();
      }
      return std::nullopt;
    case SensorKind::facade: return read_facade(r->facade(), limits, scratch, out);
  }
  return std::nullopt;
}

std::string encode_native_reading(const Reading& r) {
  flatbuffers::FlatBufferBuilder fbb(256 + r.facade.frame_c.size() * sizeof(float));
  const auto id = fbb.CreateString(r.sensor_id.data(), r.sensor_id.size());
  flatbuffers::Offset<fb::WaterReading> water;
  flatbuffers::Offset<fb::DoorReading> door;
  flatbuffers::Offset<fb::FacadeReading> facade;
  switch (r.kind) {
    case SensorKind::water:
      water = fb::CreateWaterReading(fbb, r.water.total_m3, r.water.flow_m3h, r.water.alarms);
      break;
    case SensorKind::door:
      door = fb::CreateDoorReading(fbb, r.door.contact_closed.has_value(),
                                   r.door.contact_closed.value_or(false), r.door.tamper);
      break;
    case SensorKind::facade: {
      flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::FacadeRegion>>> regions;
      if (!r.facade.regions.empty()) {
        std::vector<flatbuffers::Offset<fb::FacadeRegion>> items;
        items.reserve(r.facade.regions.size());
        for (const FacadeRegion& g : r.facade.regions)
          items.push_back(fb::CreateFacadeRegion(fbb, g.x, g.y, g.w, g.h, g.dt_c, g.frames));
        regions = fbb.CreateVector(items);
      }
      flatbuffers::Offset<flatbuffers::Vector<float>> frame;
      if (!r.facade.frame_c.empty())
        frame = fbb.CreateVector(r.facade.frame_c.data(), r.facade.frame_c.size());
      facade = fb::CreateFacadeReading(fbb, static_cast<fb::FacadePhase>(r.facade.phase),
                                       r.facade.ref_c, r.facade.rain, regions, frame);
      break;
    }
  }
  const auto root = fb::CreateReading(fbb, id, static_cast<fb::SensorKind>(r.kind), r.time_ms,
                                      r.battery_pct, r.link_quality, water, door, facade);
  fb::FinishReadingBuffer(fbb, root);
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

}  // namespace edgegw
