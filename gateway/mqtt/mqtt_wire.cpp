// mqtt_wire.cpp: encoding and parsing MQTT 3.1.1 packets.
#include "gateway/mqtt/mqtt_wire.h"

#include <fmt/format.h>

namespace edgegw::mqtt_wire {
namespace {

void append_u16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

void append_string(std::string& out, std::string_view s) {
  if (s.size() > 0xffff) throw MqttProtocolError(fmt::format("string of {} bytes", s.size()));
  append_u16(out, static_cast<uint16_t>(s.size()));
  out.append(s);
}

// The fixed header for `body`, then `body`.
std::string packet(uint8_t first_byte, const std::string& body) {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  size_t n = body.size();
  do {
    uint8_t digit = n % 128;
    n /= 128;
    if (n > 0) digit |= 0x80;
    out.push_back(static_cast<char>(digit));
  } while (n > 0);
  return out + body;
}

uint16_t read_u16(std::string_view body, size_t at, const char* what) {
  if (body.size() < at + 2) throw MqttProtocolError(fmt::format("{}: packet too short", what));
  return static_cast<uint16_t>((static_cast<uint8_t>(body[at]) << 8) |
                               static_cast<uint8_t>(body[at + 1]));
}

}  // namespace

std::string encode_connect(const ConnectFields& f) {
  std::string body;
  append_string(body, "MQTT");
  body.push_back(4);  // protocol level: 3.1.1
  uint8_t flags = f.clean_session ? 0x02 : 0;
  if (!f.username.empty()) flags |= 0x80;
  if (!f.username.empty() && f.password) flags |= 0x40;
  body.push_back(static_cast<char>(flags));
  append_u16(body, f.keepalive_s);
  append_string(body, f.client_id);
  if (!f.username.empty()) append_string(body, f.username);
  if (!f.username.empty() && f.password) append_string(body, *f.password);
  return packet(0x10, body);
}

std::string encode_subscribe(uint16_t packet_id, const std::vector<std::string>& filters,
                             uint8_t qos) {
  std::string body;
  append_u16(body, packet_id);
  for (const std::string& filter : filters) {
    append_string(body, filter);
    body.push_back(static_cast<char>(qos));
  }
  return packet(0x82, body);  // SUBSCRIBE's reserved flags are 0010
}

void append_puback(std::string& out, uint16_t packet_id) {
  out.push_back(0x40);
  out.push_back(2);
  append_u16(out, packet_id);
}

std::string_view pingreq_packet() {
  return std::string_view("\xc0\x00", 2);
}

std::string_view disconnect_packet() {
  return std::string_view("\xe0\x00", 2);
}

std::optional<FixedHeader> parse_fixed_header(std::string_view data) {
  if (data.empty()) return std::nullopt;
  FixedHeader h;
  h.first_byte = static_cast<uint8_t>(data[0]);
  uint32_t multiplier = 1;
  for (size_t i = 1; i <= 4; ++i) {
    if (i >= data.size()) return std::nullopt;
    const auto digit = static_cast<uint8_t>(data[i]);
    h.remaining_length += (digit & 0x7fu) * multiplier;
    if ((digit & 0x80) == 0) {
      h.header_size = static_cast<uint32_t>(i + 1);
      return h;
    }
    multiplier *= 128;
  }
  throw MqttProtocolError("remaining length longer than 4 bytes");
}

Publish parse_publish(uint8_t first_byte, std::string_view body) {
  Publish p;
  p.dup = (first_byte & 0x08) != 0;
  p.qos = (first_byte >> 1) & 0x03;
  p.retain = (first_byte & 0x01) != 0;
  if (p.qos == 3) throw MqttProtocolError("PUBLISH with QoS 3");
  const uint16_t topic_len = read_u16(body, 0, "PUBLISH topic");
  size_t at = 2;
  if (body.size() < at + topic_len) throw MqttProtocolError("PUBLISH topic: packet too short");
  p.topic = body.substr(at, topic_len);
  at += topic_len;
  if (p.qos > 0) {
    p.packet_id = read_u16(body, at, "PUBLISH packet id");
    at += 2;
  }
  p.payload = body.substr(at);
  return p;
}

Connack parse_connack(std::string_view body) {
  if (body.size() != 2) throw MqttProtocolError(fmt::format("CONNACK of {} bytes", body.size()));
  return Connack{(static_cast<uint8_t>(body[0]) & 0x01) != 0, static_cast<uint8_t>(body[1])};
}

std::string_view connack_refusal(uint8_t return_code) {
  switch (return_code) {
    case 0: return "accepted";
    case 1: return "unacceptable protocol version";
    case 2: return "client identifier rejected";
    case 3: return "server unavailable";
    case 4: return "bad user name or password";
    case 5: return "not authorized";
    default: return "unknown return code";
  }
}

Suback parse_suback(std::string_view body) {
  Suback s;
  s.packet_id = read_u16(body, 0, "SUBACK");
  for (size_t i = 2; i < body.size(); ++i) s.granted.push_back(static_cast<uint8_t>(body[i]));
  if (s.granted.empty()) throw MqttProtocolError("SUBACK without return codes");
  return s;
}

}  // namespace edgegw::mqtt_wire
