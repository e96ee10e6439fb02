// mqtt_options.h: Paho connect options from a BrokerConfig (session, TLS, credentials), shared
// by the ingest and uplink clients.
#pragma once

#include <mqtt/async_client.h>

#include "gateway/config.h"

namespace edgegw {

// Persistent session (clean_session = false) so that the broker keeps QoS 1 messages for us.
// Throws ConfigError when the password file cannot be read.
mqtt::connect_options make_connect_options(const BrokerConfig& broker, bool persistent_session);

// Paho wants tcp:// or ssl://; accept mqtt:// and mqtts:// too.
std::string paho_uri(const std::string& url);

}  // namespace edgegw
