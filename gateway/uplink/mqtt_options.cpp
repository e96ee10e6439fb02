// mqtt_options.cpp: building Paho connect options.
#include "gateway/uplink/mqtt_options.h"

#include <fstream>

#include <fmt/format.h>

namespace edgegw {

std::string paho_uri(const std::string& url) {
  if (url.rfind("mqtt://", 0) == 0) return "tcp://" + url.substr(7);
  if (url.rfind("mqtts://", 0) == 0) return "ssl://" + url.substr(8);
  return url;
}

mqtt::connect_options make_connect_options(const BrokerConfig& broker, bool persistent_session) {
  mqtt::connect_options opts;
  opts.set_clean_session(!persistent_session);
  opts.set_keep_alive_interval(std::chrono::seconds(20));
  opts.set_connect_timeout(std::chrono::seconds(5));
  opts.set_automatic_reconnect(false);  // we reconnect ourselves, with backoff and jitter
  if (!broker.username.empty()) opts.set_user_name(broker.username);
  if (!broker.password_file.empty()) {
    std::ifstream in(broker.password_file);
    std::string password;
    if (!in || !std::getline(in, password))
      throw ConfigError(fmt::format("cannot read the password file {}", broker.password_file));
    opts.set_password(password);
  }
  if (broker.tls.enabled) {
    mqtt::ssl_options ssl;
    if (!broker.tls.ca_file.empty()) ssl.set_trust_store(broker.tls.ca_file);
    if (!broker.tls.cert_file.empty()) ssl.set_key_store(broker.tls.cert_file);
    if (!broker.tls.key_file.empty()) ssl.set_private_key(broker.tls.key_file);
    ssl.set_enable_server_cert_auth(broker.tls.verify_server);
    ssl.set_verify(broker.tls.verify_server);
    opts.set_ssl(ssl);
  }
  return opts;
}

}  // namespace edgegw
