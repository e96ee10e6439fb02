// fuzz_mqtt_wire.cpp: libFuzzer target for the MQTT packets the ingest's own subscriber reads
// from its broker (gateway/mqtt/mqtt_wire.h): the input is a byte stream cut into packets by
// their fixed headers, as the subscriber session does, and each packet is parsed by its type.
// A malformed packet may only throw MqttProtocolError; every view must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/mqtt/mqtt_wire.h"

namespace {

using namespace edgegw::mqtt_wire;

void inside(std::string_view view, std::string_view whole) {
  if (view.empty()) return;
  if (view.data() < whole.data() || view.data() + view.size() > whole.data() + whole.size())
    std::abort();
  volatile unsigned sum = 0;
  for (char c : view) sum = sum + static_cast<unsigned char>(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view stream(reinterpret_cast<const char*>(data), size);
  const std::string_view whole = stream;
  while (!stream.empty()) {
    try {
      const auto h = parse_fixed_header(stream);
      if (!h) return 0;  // the session waits for more bytes
      if (h->header_size < 2 || h->header_size > 5) std::abort();
      if (stream.size() - h->header_size < h->remaining_length) return 0;
      const std::string_view body = stream.substr(h->header_size, h->remaining_length);
      switch (h->type()) {
        case PacketType::publish: {
          const Publish p = parse_publish(h->first_byte, body);
          inside(p.topic, body);
          inside(p.payload, body);
          if (p.qos > 2) std::abort();
          break;
        }
        case PacketType::connack: {
          const Connack c = parse_connack(body);
          if (connack_refusal(c.return_code).empty()) std::abort();
          break;
        }
        case PacketType::suback: {
          const Suback s = parse_suback(body);
          if (s.granted.size() + 2 != body.size()) std::abort();
          break;
        }
        default: break;
      }
      stream.remove_prefix(h->header_size + h->remaining_length);
    } catch (const MqttProtocolError&) {
      return 0;  // the session ends the connection with this reason
    }
  }
  inside(stream, whole);
  return 0;
}
