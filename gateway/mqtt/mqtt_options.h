// mqtt_options.h: Paho connect options from a BrokerConfig (session, TLS, credentials), shared
// by the ingest and uplink clients.
#pragma once

#include <mqtt/async_client.h>

#include "gateway/config.h"

namespace edgegw {

// Persistent session (clean_session = false) so that the broker keeps QoS 1 messages for us.
// TLS when the URL is ssl:// or mqtts://: the server certificate is checked against
// tls_ca_file (and its host name, unless tls_verify_server = false), a client certificate is
// offered when tls_cert_file / tls_key_file are set. Throws ConfigError when the password file
// cannot be read or is readable by group or others (see read_password_file).
mqtt::connect_options make_connect_options(const BrokerConfig& broker, bool persistent_session);

// Reads the first line of a password file. Refuses (ConfigError naming the file and its mode)
// a file that is not a regular file or whose mode lets group or others read or write it: the
// file must be 0600 or 0400, owned by the service user.
std::string read_password_file(const std::string& path);

// Checks what can be checked before connecting (password file, TLS files exist); throws
// ConfigError with the broker URL and the key at fault. Called when the gateway starts.
void check_broker_config(const BrokerConfig& broker);

// Paho wants tcp:// or ssl://; accept mqtt:// and mqtts:// too.
std::string paho_uri(const std::string& url);

}  // namespace edgegw
