// tls_certs.cpp: certificates with the openssl CLI, the TLS Mosquitto, the TLS test client.
#include "tests/support/tls_certs.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/support/broker.h"

namespace edgegw::test {

namespace {

void run_or_throw(const std::vector<std::string>& argv, const std::string& what) {
  std::string out;
  if (run_command(argv, &out) != 0) throw std::runtime_error(what + " failed: " + out);
}

std::string find_program(std::initializer_list<const char*> candidates) {
  for (const char* c : candidates)
    if (std::filesystem::exists(c)) return c;
  throw std::runtime_error(std::string("not installed: ") + *candidates.begin());
}

// A P-256 key and a certificate signed by ca (or self-signed when ca_cert is empty).
void make_cert(const std::string& openssl, const std::string& dir, const std::string& name,
               const std::string& subject, const std::string& ca_cert, const std::string& ca_key,
               const std::string& extensions) {
  const std::string key = dir + "/" + name + ".key", crt = dir + "/" + name + ".crt";
  if (ca_cert.empty()) {
    run_or_throw({openssl,
                  "req",
                  "-x509",
                  "-newkey",
                  "ec",
                  "-pkeyopt",
                  "ec_paramgen_curve:prime256v1",
                  "-nodes",
                  "-keyout",
                  key,
                  "-out",
                  crt,
                  "-days",
                  "2",
                  "-subj",
                  subject,
                  "-addext",
                  "basicConstraints=critical,CA:TRUE",
                  "-addext",
                  "keyUsage=critical,keyCertSign,cRLSign"},
                 "openssl: CA " + name);
    return;
  }
  const std::string csr = dir + "/" + name + ".csr", ext = dir + "/" + name + ".ext";
  run_or_throw({openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key, "-out", csr, "-subj", subject},
               "openssl: request " + name);
  std::ofstream(ext) << extensions << "\n";
  run_or_throw({openssl, "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
                "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext},
               "openssl: sign " + name);
}

}  // namespace

TlsFiles make_tls_certs(const std::string& dir) {
  std::filesystem::create_directories(dir);
  const std::string openssl = find_program({"/usr/bin/openssl", "/usr/local/bin/openssl"});
  make_cert(openssl, dir, "ca", "/CN=edgegw test CA", "", "", "");
  make_cert(openssl, dir, "wrong-ca", "/CN=edgegw wrong CA", "", "", "");
  make_cert(openssl, dir, "server", "/CN=localhost", dir + "/ca.crt", dir + "/ca.key",
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth");
  make_cert(openssl, dir, "client", "/CN=edgegw-gateway", dir + "/ca.crt", dir + "/ca.key",
            "extendedKeyUsage=clientAuth");
  TlsFiles f;
  f.ca_cert = dir + "/ca.crt";
  f.wrong_ca_cert = dir + "/wrong-ca.crt";
  f.server_cert = dir + "/server.crt";
  f.server_key = dir + "/server.key";
  f.client_cert = dir + "/client.crt";
  f.client_key = dir + "/client.key";
  return f;
}

TlsBroker::TlsBroker(const std::string& dir, const TlsFiles& files, const std::string& username,
                     const std::string& password)
    : port_(free_port()) {
  std::filesystem::create_directories(dir);
  const std::string passwd = dir + "/passwd";
  run_or_throw({find_program({"/usr/bin/mosquitto_passwd", "/usr/local/bin/mosquitto_passwd"}),
                "-b", "-c", passwd, username, password},
               "mosquitto_passwd");
  std::filesystem::permissions(
      passwd, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  {
    std::ofstream conf(dir + "/mosquitto.conf");
    if (geteuid() == 0) conf << "user root\n";
    conf << "per_listener_settings false\n"
         << "allow_anonymous false\n"
         << "password_file " << passwd << "\n"
         << "listener " << port_ << " 127.0.0.1\n"
         << "cafile " << files.ca_cert << "\n"
         << "certfile " << files.server_cert << "\n"
         << "keyfile " << files.server_key << "\n"
         << "require_certificate true\n"
         << "use_identity_as_username false\n";
  }
  const std::string bin =
      find_program({"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"});
  const size_t log_from = file_size_or_zero(dir + "/mosquitto.log");
  process_ = std::make_unique<Process>(std::vector<std::string>{bin, "-c", dir + "/mosquitto.conf"},
                                       dir + "/mosquitto.log");
  if (!wait_for_mosquitto(*process_, dir + "/mosquitto.log", log_from, port_, 10000)) {
    std::ifstream log(dir + "/mosquitto.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    throw std::runtime_error("TLS mosquitto did not start: " + text);
  }
}

TlsBroker::~TlsBroker() {
  if (process_) process_->stop();
}

mqtt::connect_options tls_client_options(const TlsFiles& files, const std::string& username,
                                         const std::string& password) {
  mqtt::ssl_options ssl;
  ssl.set_trust_store(files.ca_cert);
  ssl.set_key_store(files.client_cert);
  ssl.set_private_key(files.client_key);
  ssl.set_enable_server_cert_auth(true);
  mqtt::connect_options opts;
  opts.set_clean_session(true);
  opts.set_user_name(username);
  opts.set_password(password);
  opts.set_ssl(ssl);
  opts.set_connect_timeout(std::chrono::seconds(5));
  return opts;
}

TlsClient::TlsClient(const std::string& url, const std::string& client_id,
                     const mqtt::connect_options& opts)
    : client_(url, client_id, nullptr) {
  client_.set_message_callback([this](mqtt::const_message_ptr msg) {
    std::lock_guard lock(mu_);
    messages_.push_back(msg->get_payload_str());
    cv_.notify_all();
  });
  client_.connect(opts)->wait();
}

TlsClient::~TlsClient() {
  try {
    client_.disconnect()->wait_for(std::chrono::seconds(2));
  } catch (...) {
  }
}

void TlsClient::publish(const std::string& topic, const std::string& payload) {
  client_.publish(topic, payload.data(), payload.size(), 1, false)->wait();
}

void TlsClient::subscribe(const std::string& filter) {
  client_.subscribe(filter, 1)->wait();
}

bool TlsClient::wait_for_messages(size_t n, int timeout_ms) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return messages_.size() >= n; });
}

std::vector<std::string> TlsClient::messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

}  // namespace edgegw::test
