// mqtt_options.cpp: building Paho connect options.
#include "gateway/mqtt/mqtt_options.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace edgegw {

std::string paho_uri(const std::string& url) {
  if (url.rfind("mqtt://", 0) == 0) return "tcp://" + url.substr(7);
  if (url.rfind("mqtts://", 0) == 0) return "ssl://" + url.substr(8);
  return url;
}

std::string read_password_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw ConfigError(fmt::format("password file {}: {}", path, std::strerror(errno)));
  if (!S_ISREG(st.st_mode))
    throw ConfigError(fmt::format("password file {}: not a regular file", path));
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw ConfigError(fmt::format(
        "password file {} has mode {:04o}: it must be readable only by the service user "
        "(chmod 600 or 400)",
        path, st.st_mode & 07777));
  std::ifstream in(path);
  std::string password;
  if (!in || !std::getline(in, password))
    throw ConfigError(fmt::format("cannot read the password file {}", path));
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n'))
    password.pop_back();
  return password;
}

void check_broker_config(const BrokerConfig& broker) {
  if (!broker.password_file.empty()) (void)read_password_file(broker.password_file);
  if (!broker.password_file.empty() && broker.username.empty())
    throw ConfigError(
        fmt::format("broker {}: password_file is set but username is not", broker.url));
  if (!broker.tls.enabled) return;
  const std::pair<const char*, const std::string*> files[] = {
      {"tls_ca_file", &broker.tls.ca_file},
      {"tls_cert_file", &broker.tls.cert_file},
      {"tls_key_file", &broker.tls.key_file}};
  for (const auto& [key, path] : files) {
    std::error_code ec;
    if (!path->empty() && !std::filesystem::is_regular_file(*path, ec))
      throw ConfigError(
          fmt::format("broker {}: {} {} is not a readable file", broker.url, key, *path));
  }
  if (broker.tls.cert_file.empty() != broker.tls.key_file.empty())
    throw ConfigError(
        fmt::format("broker {}: tls_cert_file and tls_key_file go together", broker.url));
}

mqtt::connect_options make_connect_options(const BrokerConfig& broker, bool persistent_session) {
  mqtt::connect_options opts;
  opts.set_clean_session(!persistent_session);
  opts.set_keep_alive_interval(std::chrono::seconds(20));
  opts.set_connect_timeout(std::chrono::seconds(5));
  opts.set_automatic_reconnect(false);  // we reconnect ourselves, with backoff and jitter
  if (!broker.username.empty()) opts.set_user_name(broker.username);
  if (!broker.password_file.empty()) opts.set_password(read_password_file(broker.password_file));
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
