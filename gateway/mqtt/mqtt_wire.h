// mqtt_wire.h: the MQTT 3.1.1 packets a subscriber exchanges with its broker, as bytes (OASIS
// MQTT 3.1.1, section 3): CONNECT, SUBSCRIBE, PUBACK, PINGREQ and DISCONNECT out; CONNACK,
// SUBACK, PUBLISH and PINGRESP in. No I/O (subscriber_session.h does that). Parsers throw
// MqttProtocolError on bytes no conforming broker sends; nothing here trusts a length.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace edgegw::mqtt_wire {

struct MqttProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class PacketType : uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
};

struct ConnectFields {
  std::string_view client_id;
  bool clean_session = false;
  uint16_t keepalive_s = 20;
  std::string_view username;                 // empty: none
  std::optional<std::string_view> password;  // only with a username
};

std::string encode_connect(const ConnectFields& fields);
// One SUBSCRIBE for all `filters` at `qos`.
std::string encode_subscribe(uint16_t packet_id, const std::vector<std::string>& filters,
                             uint8_t qos);
void append_puback(std::string& out, uint16_t packet_id);
std::string_view pingreq_packet();
std::string_view disconnect_packet();

// The fixed header at the start of `data`: the first byte (type and flags), the remaining
// length and the header's own size. nullopt while `data` is too short to hold it; throws on a
// remaining length longer than 4 bytes.
struct FixedHeader {
  uint8_t first_byte = 0;
  uint32_t remaining_length = 0;
  uint32_t header_size = 0;
  PacketType type() const { return static_cast<PacketType>(first_byte >> 4); }
};
std::optional<FixedHeader> parse_fixed_header(std::string_view data);

// An inbound PUBLISH. `body` is the packet after its fixed header (or, for a packet too large
// to keep, a prefix of it: the payload is then the prefix's part). Views into `body`.
struct Publish {
  std::string_view topic;
  std::string_view payload;
  uint8_t qos = 0;
  bool dup = false;
  bool retain = false;
  uint16_t packet_id = 0;  // QoS 1 and 2 only
};
Publish parse_publish(uint8_t first_byte, std::string_view body);

struct Connack {
  bool session_present = false;
  uint8_t return_code = 0;  // 0 accepted
};
Connack parse_connack(std::string_view body);
// "not authorized", "bad user name or password", ... for a CONNACK return code.
std::string_view connack_refusal(uint8_t return_code);

struct Suback {
  uint16_t packet_id = 0;
  std::vector<uint8_t> granted;  // per filter: 0-2 the QoS granted, 0x80 refused
};
Suback parse_suback(std::string_view body);

}  // namespace edgegw::mqtt_wire
