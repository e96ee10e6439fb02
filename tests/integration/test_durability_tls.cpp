// test_durability_tls.cpp: TLS to both brokers against a real Mosquitto that requires a client
// certificate and a password, with certificates made by the test: the real gateway connects
// and an alert goes through; a wrong CA and a wrong password are refused; a password file
// that others can read is refused at start.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <thread>

#include "drivers/timestamp.h"
#include "gateway/store/outbox.h"
#include "gateway/alert/alert_codec.h"
#include "gateway/mqtt/mqtt_options.h"
#include "gateway/uplink/uplink.h"
#include "tests/integration/durability_support.h"
#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/tls_certs.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

std::string tls_broker_toml(const std::string& table, const std::string& url, const TlsFiles& f,
                            const std::string& ca, const std::string& password_file) {
  return fmt::format(R"(
[{}]
url = "{}"
tls_ca_file = "{}"
tls_cert_file = "{}"
tls_key_file = "{}"
username = "gateway"
password_file = "{}"
)",
                     table, url, ca, f.client_cert, f.client_key, password_file);
}

}  // namespace

TEST_CASE("durability: TLS with client certificates and passwords to both brokers") {
  TempDir tmp;
  const TlsFiles f = make_tls_certs(tmp.file("pki"));
  TlsBroker ingest(tmp.file("ingest-broker"), f, "gateway", "s3cret-in");
  TlsBroker upstream(tmp.file("upstream-broker"), f, "gateway", "s3cret-up");
  write_secret(tmp.file("ingest.pw"), "s3cret-in\n", 0600);
  write_secret(tmp.file("upstream.pw"), "s3cret-up\n", 0400);
  write_file(tmp.file("gw.toml"),
             "gateway_id = \"gw-tls\"\nclock = \"event\"\n" +
                 tls_broker_toml("ingest", ingest.url(), f, f.ca_cert, tmp.file("ingest.pw")) +
                 tls_broker_toml("uplink", upstream.url(), f, f.ca_cert, tmp.file("upstream.pw")) +
                 "linger_ms = 0\n");

  TlsClient collector(upstream.url(), "tls-collector",
                      tls_client_options(f, "gateway", "s3cret-up"));
  collector.subscribe("edgegw/+/alerts");
  GatewayProcess gateway(tmp.file("gw.toml"), tmp.file("data"));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // subscribed before we publish
  TlsClient meter(ingest.url(), "tls-meter", tls_client_options(f, "gateway", "s3cret-in"));
  const auto input = w1_input(1, 6000, 50, 1000, *parse_iso8601_utc("2024-05-01T00:00:00Z"));
  for (const auto& in : input) meter.publish(in.topic, in.payload);

  REQUIRE(collector.wait_for_messages(1, 15000));
  auto batch = decode_batch(collector.messages().at(0));
  REQUIRE(batch);
  CHECK(batch->gateway_id == "gw-tls");
  REQUIRE(batch->alerts.size() == 1);
  CHECK(batch->alerts[0].rule == Rule::W1);
  CHECK(batch->alerts[0].subject == "90006000");
}

TEST_CASE("durability: TLS refuses a server signed by another CA, and a wrong password") {
  TempDir tmp;
  const TlsFiles f = make_tls_certs(tmp.file("pki"));
  TlsBroker upstream(tmp.file("upstream-broker"), f, "gateway", "right");
  write_secret(tmp.file("right.pw"), "right\n", 0600);
  write_secret(tmp.file("wrong.pw"), "wrong\n", 0600);

  struct Case {
    std::string name, ca, password_file;
    bool connects;
  };
  const Case cases[] = {{"right CA and password", f.ca_cert, tmp.file("right.pw"), true},
                        {"wrong CA", f.wrong_ca_cert, tmp.file("right.pw"), false},
                        {"wrong password", f.ca_cert, tmp.file("wrong.pw"), false}};
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Config config =
        parse_config("gateway_id = \"gw-tls-check\"\n" +
                         tls_broker_toml("uplink", upstream.url(), f, c.ca, c.password_file) +
                         "backoff_min_ms = 100\nbackoff_max_ms = 200\n",
                     "test.toml");
    TempDir data;
    auto db = open_db(data.path());
    Outbox outbox(*db, 1 << 20);
    Uplink uplink(config, outbox);
    uplink.start();
    bool connected = false;
    for (int i = 0; i < 60 && !connected; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      connected = uplink.stats().connected;
    }
    if (!c.connects) std::this_thread::sleep_for(std::chrono::milliseconds(700));  // retries too
    CHECK(uplink.stats().connected == c.connects);
    if (!c.connects) CHECK_FALSE(uplink.stats().last_error.empty());
    uplink.stop();
  }
}

TEST_CASE("durability: a password file readable by group or others is refused at start") {
  TempDir tmp;
  BrokerConfig b;
  b.url = "ssl://127.0.0.1:8883";
  b.username = "gateway";
  b.password_file = tmp.file("pw");
  write_secret(b.password_file, "secret\n", 0644);
  try {
    check_broker_config(b);
    FAIL("a 0644 password file was accepted");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("0644") != std::string::npos);
    CHECK(std::string(e.what()).find(b.password_file) != std::string::npos);
  }
  write_secret(b.password_file, "secret\n", 0640);
  CHECK_THROWS_AS(check_broker_config(b), ConfigError);
  write_secret(b.password_file, "secret\r\n", 0600);
  CHECK_NOTHROW(check_broker_config(b));
  CHECK(read_password_file(b.password_file) == "secret");
  b.password_file = tmp.file("missing");
  CHECK_THROWS_AS(check_broker_config(b), ConfigError);

  // The real binary refuses to start with it, naming the file.
  write_secret(tmp.file("open.pw"), "secret\n", 0644);
  write_file(tmp.file("gw.toml"),
             fmt::format("gateway_id = \"gw\"\n[uplink]\nurl = \"tcp://127.0.0.1:1\"\n"
                         "username = \"u\"\npassword_file = \"{}\"\n",
                         tmp.file("open.pw")));
  std::string out;
  const int rc = run_command(
      {bin_path("edgegw"), "run", "--config", tmp.file("gw.toml"), "--data-dir", tmp.file("data")},
      &out);
  CHECK(rc != 0);
}
