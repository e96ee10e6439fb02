// test_mqtt_wire.cpp: the MQTT 3.1.1 packets of the ingest's own subscriber, byte for byte
// against the standard's layouts (OASIS MQTT 3.1.1 section 3), and the URL split.
#include <doctest/doctest.h>

#include "gateway/mqtt/mqtt_wire.h"
#include "gateway/mqtt/subscriber_session.h"

using namespace edgegw;
using namespace edgegw::mqtt_wire;

namespace {
std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s.push_back(static_cast<char>(b));
  return s;
}
}  // namespace

TEST_CASE("mqtt wire: CONNECT with a persistent session, user and password") {
  const std::string p = encode_connect({"gw", false, 20, "u", std::string_view("pw")});
  CHECK(p == bytes({0x10, 21, 0,   4,   'M', 'Q', 'T', 'T', 4, 0xC0, 0,  20,
                    0,    2,  'g', 'w', 0,   1,   'u', 0,   2, 'p',  'w'}));
  // Without a user name the password is not sent either; clean session sets bit 1.
  CHECK(encode_connect({"gw", true, 60, "", std::string_view("pw")}) ==
        bytes({0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 2, 'g', 'w'}));
}

TEST_CASE("mqtt wire: SUBSCRIBE, PUBACK, PINGREQ, DISCONNECT") {
  CHECK(encode_subscribe(1, {"a/#", "b"}, 1) ==
        bytes({0x82, 12, 0, 1, 0, 3, 'a', '/', '#', 1, 0, 1, 'b', 1}));
  std::string acks;
  append_puback(acks, 0x1234);
  append_puback(acks, 7);
  CHECK(acks == bytes({0x40, 2, 0x12, 0x34, 0x40, 2, 0, 7}));
  CHECK(pingreq_packet() == bytes({0xC0, 0}));
  CHECK(disconnect_packet() == bytes({0xE0, 0}));
}

TEST_CASE("mqtt wire: remaining length of 1 to 4 bytes, a fifth is refused") {
  CHECK_FALSE(parse_fixed_header("").has_value());
  CHECK_FALSE(parse_fixed_header(bytes({0x30})).has_value());
  CHECK_FALSE(parse_fixed_header(bytes({0x30, 0x80})).has_value());  // continues
  auto h = parse_fixed_header(bytes({0x32, 0xC1, 0x02}));            // 65 + 2 * 128 = 321
  REQUIRE(h.has_value());
  CHECK(h->type() == PacketType::publish);
  CHECK(h->remaining_length == 321);
  CHECK(h->header_size == 3);
  h = parse_fixed_header(bytes({0x30, 0xFF, 0xFF, 0xFF, 0x7F}));
  REQUIRE(h.has_value());
  CHECK(h->remaining_length == 268435455);  // the largest MQTT allows
  CHECK_THROWS_AS(parse_fixed_header(bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01})),
                  MqttProtocolError);
  // Encoding the same length: a SUBSCRIBE whose body is 321 bytes has a 3-byte header.
  const std::string big = encode_subscribe(1, {std::string(316, 't')}, 1);
  CHECK(big.substr(0, 3) == bytes({0x82, 0xC1, 0x02}));
}

TEST_CASE("mqtt wire: PUBLISH at QoS 0 and 1, short or QoS 3 packets are refused") {
  const std::string q1 = bytes({0, 3, 'a', '/', 'b', 0x01, 0x02}) + "{}";
  Publish p = parse_publish(0x3A, q1);  // DUP, QoS 1
  CHECK(p.topic == "a/b");
  CHECK(p.qos == 1);
  CHECK(p.dup);
  CHECK_FALSE(p.retain);
  CHECK(p.packet_id == 0x0102);
  CHECK(p.payload == "{}");
  const std::string q0 = bytes({0, 1, 't'}) + "x";
  p = parse_publish(0x31, q0);  // QoS 0, retained: no packet id
  CHECK(p.qos == 0);
  CHECK(p.retain);
  CHECK(p.payload == "x");
  CHECK(parse_publish(0x30, std::string_view("\0\1t", 3)).payload.empty());
  CHECK_THROWS_AS(parse_publish(0x30, bytes({0, 5, 't'})), MqttProtocolError);
  CHECK_THROWS_AS(parse_publish(0x32, bytes({0, 1, 't', 0})), MqttProtocolError);
  CHECK_THROWS_AS(parse_publish(0x36, bytes({0, 1, 't', 0, 1})), MqttProtocolError);
  CHECK_THROWS_AS(parse_publish(0x30, bytes({0})), MqttProtocolError);
}

TEST_CASE("mqtt wire: CONNACK and SUBACK") {
  CHECK(parse_connack(bytes({1, 0})).session_present);
  CHECK(parse_connack(bytes({0, 5})).return_code == 5);
  CHECK(connack_refusal(5) == "not authorized");
  CHECK(connack_refusal(4) == "bad user name or password");
  CHECK_THROWS_AS(parse_connack(bytes({0})), MqttProtocolError);
  const Suback s = parse_suback(bytes({0, 1, 1, 0x80}));
  CHECK(s.packet_id == 1);
  CHECK(s.granted == std::vector<uint8_t>{1, 0x80});
  CHECK_THROWS_AS(parse_suback(bytes({0, 1})), MqttProtocolError);
}

TEST_CASE("mqtt wire: which broker URLs the native subscriber takes, and their host and port") {
  using Endpoint = std::optional<std::pair<std::string, uint16_t>>;
  CHECK(plain_tcp_endpoint("tcp://127.0.0.1:1884") == Endpoint{{"127.0.0.1", 1884}});
  CHECK(plain_tcp_endpoint("mqtt://localhost") == Endpoint{{"localhost", 1883}});
  CHECK(plain_tcp_endpoint("tcp://[::1]:1885") == Endpoint{{"::1", 1885}});
  CHECK(plain_tcp_endpoint("tcp://[::1]") == Endpoint{{"::1", 1883}});
  CHECK_FALSE(plain_tcp_endpoint("ssl://127.0.0.1:8883").has_value());
  CHECK_FALSE(plain_tcp_endpoint("mqtts://h:8883").has_value());
  CHECK_FALSE(plain_tcp_endpoint("tcp://h:0").has_value());
  CHECK_FALSE(plain_tcp_endpoint("tcp://h:70000").has_value());
  CHECK_FALSE(plain_tcp_endpoint("tcp://:1883").has_value());
}
