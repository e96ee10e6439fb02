// connection.cpp: connecting and disconnecting an MQTT client, for ingest and uplink alike.
#include "gateway/mqtt/connection.h"

#include <stdexcept>

#include "gateway/mqtt/mqtt_options.h"

namespace edgegw {

void connect_client(mqtt::async_client& client, const BrokerConfig& broker,
                    bool persistent_session, std::chrono::milliseconds timeout) {
  auto opts = make_connect_options(broker, persistent_session);
  if (!client.connect(opts)->wait_for(timeout)) throw std::runtime_error("connect timed out");
}

void disconnect_quietly(mqtt::async_client& client) {
  try {
    if (client.is_connected()) client.disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
}

}  // namespace edgegw
