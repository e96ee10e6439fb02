// wmbusmeters_alarm.h: the wmbusmeters bridge's alarm messages (its `alarmshell`, conventionally
// `mosquitto_pub -t wmbusmeters_alarm -m "$ALARM_TYPE $ALARM_MESSAGE"`): plain text, not JSON.
#pragma once

#include <string_view>

#include "drivers/decode_scratch.h"
#include "drivers/limits.h"
#include "drivers/reading.h"

namespace edgegw {

// wmbusmeters raises these when its receiving radio fails (DeviceFailure, RegularResetFailure,
// DeviceInactivity, SpecifiedDeviceNotFound): the message names the radio device, never a meter.
// So the alarm belongs to the receiver, a water-family sensor named after the topic
// ("wmbusmeters_alarm", or the last level of "wmbusmeters_alarm/<receiver>"), with kAlarmOther set
// and the whole text (bounded by max_status_bytes) kept as its status words: rule S2 raises a
// MeterAlarm for it.
DecodeStatus decode_wmbusmeters_alarm(std::string_view topic, std::string_view payload,
                                      const DecodeLimits& limits, DecodeScratch& scratch,
                                      Reading& out);

}  // namespace edgegw
