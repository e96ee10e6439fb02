// alert.h: an alert as the detection engine raises it and the outbox stores it. The enums are
// the wire enums of schemas/alert.fbs, so nothing is translated between detect and uplink.
#pragma once

#include <cstdint>
#include <string>

#include "schemas/alert_generated.h"

namespace edgegw {

using fb::AlertKind;
using fb::AlertState;
using fb::Audience;
using fb::Rule;
using fb::Severity;
using fb::SubjectKind;

struct Alert {
  uint64_t id = 0;  // assigned by the outbox when the alert is stored
  Rule rule = Rule::W1;
  AlertKind kind = AlertKind::NoWaterUse12h;
  Audience audience = Audience::Care;
  Severity severity = Severity::Warning;
  AlertState state = AlertState::Raised;
  SubjectKind subject_kind = SubjectKind::Sensor;
  std::string subject;  // household / building pseudonym, or the sensor id
  std::string sensor_id;
  int64_t event_time_ms = 0;   // when the condition began
  int64_t detect_time_ms = 0;  // watermark when it was detected
  double observed = 0, threshold = 0;
  uint32_t window_s = 0;
  std::string detail;  // the device's own words (e.g. a meter's vendor status flags), if any

  bool operator==(const Alert&) const = default;
};

}  // namespace edgegw
