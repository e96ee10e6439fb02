// test_local_broker.cpp: the local Mosquitto configuration the package installs
// (deploy/mosquitto/edgegw.conf and edgegw.acl), run as shipped: only the listener port and the
// paths of the password and ACL files are replaced (a box has them in /etc/mosquitto), and a main
// config gives the persistence location, as Debian's mosquitto.conf does. Then the damage:
// the gateway stopped for 60 s while 5,000 readings arrive at QoS 0 and QoS 1; the broker killed
// with SIGKILL mid-stream (gateway/store/DURABILITY.md, "The local broker"). And the ACL: no
// bridge can forge another's readings or read any; oversize messages refused.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <mqtt/async_client.h>

#include "tests/support/broker.h"
#include "tests/support/gateway_process.h"
#include "tests/support/payloads.h"

using namespace edgegw;
using namespace edgegw::test;

namespace {

constexpr int64_t kT0 = 1'714'492'800'000;  // 2024-04-30T16:00:00Z

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces the one occurrence of `from` in `text` (which must be there).
void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "deploy/mosquitto/edgegw.conf lacks: " << from);
  REQUIRE_MESSAGE(text.find(from, at + 1) == std::string::npos, "twice: " << from);
  text.replace(at, from.size(), to);
}

std::string password_of(const std::string& user) {
  return "pw-" + user + "-7Hq2";
}

// Mosquitto with the package's configuration, in a temp dir, on a free port.
class PackagedBroker {
 public:
  explicit PackagedBroker(const std::string& dir) : dir_(dir), port_(free_port()) {
    std::filesystem::create_directories(dir_ + "/conf.d");
    std::string conf = read_text(std::string(EDGEGW_SOURCE_DIR) + "/deploy/mosquitto/edgegw.conf");
    replace_once(conf, "listener 1883 127.0.0.1", fmt::format("listener {} 127.0.0.1", port_));
    replace_once(conf, "/etc/mosquitto/edgegw.passwd", dir_ + "/edgegw.passwd");
    replace_once(conf, "/etc/mosquitto/edgegw.acl", dir_ + "/edgegw.acl");
    write_file(dir_ + "/conf.d/edgegw.conf", conf);
    write_file(dir_ + "/edgegw.acl",
               read_text(std::string(EDGEGW_SOURCE_DIR) + "/deploy/mosquitto/edgegw.acl"));
    write_file(dir_ + "/edgegw.passwd", "");
    for (const char* user : {"edgegw", "wmbusmeters", "cjt188", "zigbee2mqtt", "facade", "native"})
      REQUIRE(run_command({"/usr/bin/mosquitto_passwd", "-b", dir_ + "/edgegw.passwd", user,
                           password_of(user)}) == 0);
    // What Debian's /etc/mosquitto/mosquitto.conf gives on a box.
    std::string main = fmt::format("persistence_location {}/\ninclude_dir {}/conf.d\n", dir_, dir_);
    if (geteuid() == 0) main = "user root\n" + main;  // the mosquitto user cannot write /tmp/...
    write_file(dir_ + "/mosquitto.conf", main);
    start();
  }
  ~PackagedBroker() { stop(); }

  void start() {
    const size_t log_from = file_size_or_zero(dir_ + "/mosquitto.log");
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/mosquitto", "-c", dir_ + "/mosquitto.conf"},
        dir_ + "/mosquitto.log");
    REQUIRE_MESSAGE(wait_for_mosquitto(*process_, dir_ + "/mosquitto.log", log_from, port_, 10000),
                    read_text(dir_ + "/mosquitto.log"));
  }
  void stop() {
    if (process_) process_->stop();
  }
  void kill9() {
    process_->signal(SIGKILL);
    process_->wait(5000);
  }
  std::string url() const { return fmt::format("tcp://127.0.0.1:{}", port_); }

 private:
  std::string dir_;
  int port_;
  std::unique_ptr<Process> process_;
};

// A device bridge or a local reader: a real MQTT client with a user of the broker.
class Client {
 public:
  Client(const std::string& url, const std::string& id, const std::string& user)
      : client_(url, id, nullptr) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) {
      std::lock_guard lock(mu_);
      received_.push_back(m->get_topic());
    });
    mqtt::connect_options opts;
    opts.set_clean_session(true);
    opts.set_user_name(user);
    opts.set_password(password_of(user));
    client_.connect(opts)->wait();
  }
  ~Client() {
    try {
      client_.disconnect()->wait();
    } catch (...) {
    }
  }
  void publish(const std::string& topic, const std::string& payload, int qos) {
    if (!client_.publish(topic, payload.data(), payload.size(), qos, false)
             ->wait_for(std::chrono::seconds(5)))
      throw std::runtime_error("publish to " + topic + " not acknowledged within 5 s");
  }
  void subscribe(const std::string& filter) { client_.subscribe(filter, 1)->wait(); }
  std::vector<std::string> received() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  mqtt::async_client client_;
  std::mutex mu_;
  std::vector<std::string> received_;
};

std::string meter_id(int n) {
  return fmt::format("7{:07d}", n);
}

// The gateway as the package runs it against this broker: user edgegw, its password file.
std::string gateway_config(TempDir& tmp, const std::string& ingest_url,
                           const std::string& uplink_url) {
  write_file(tmp.file("ingest.password"), password_of("edgegw") + "\n");
  chmod(tmp.file("ingest.password").c_str(), 0600);
  write_file(tmp.file("gw.toml"), fmt::format(R"(
gateway_id = "gw-local-broker"
clock = "event"
[ingest]
url = "{}"
username = "edgegw"
password_file = "{}"
[uplink]
url = "{}"
backoff_min_ms = 100
backoff_max_ms = 800
)",
                                              ingest_url, tmp.file("ingest.password"), uplink_url));
  return tmp.file("gw.toml");
}

// What the running gateway counted in this life (`edgegw status --json`); all zero while it is
// not running yet. Cheap: no per-sensor view is built (polling `edgegw sensors` every 20 ms
// would rebuild a 5,000-row view under the gateway's pipeline lock).
struct Counters {
  uint64_t messages = 0, readings = 0, rejected = 0;
  bool ingest_connected = false;
};

Counters counters(const std::string& data_dir) {
  Counters c;
  std::string out;
  run_command({bin_path("edgegw"), "status", "--data-dir", data_dir, "--json"}, &out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(out).get(doc) != simdjson::SUCCESS) return c;
  if (doc["counters"]["messages"].get(c.messages) || doc["counters"]["readings"].get(c.readings) ||
      doc["counters"]["rejected"].get(c.rejected) ||
      doc["ingest"]["connected"].get(c.ingest_connected))
    return Counters{};
  return c;
}

// The sensors the running gateway knows (`edgegw sensors --json`).
std::set<std::string> sensors(const std::string& data_dir) {
  std::set<std::string> ids;
  std::string out;
  run_command({bin_path("edgegw"), "sensors", "--data-dir", data_dir, "--json"}, &out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array rows;
  REQUIRE_MESSAGE(parser.parse(out).get(doc) == simdjson::SUCCESS, out);
  REQUIRE_MESSAGE(doc["sensors"].get(rows) == simdjson::SUCCESS, out);
  for (auto row : rows) {
    std::string_view id;
    if (row["sensor"].get(id) == simdjson::SUCCESS) ids.emplace(id);
  }
  return ids;
}

// Runs the gateway once so that the broker holds its persistent session, then stops it.
void make_session(const std::string& config, const std::string& data_dir) {
  GatewayProcess gateway(config, data_dir);
  REQUIRE(wait_until([&] { return counters(data_dir).ingest_connected; }, 15000));
  gateway.stop();
}

// Waits until the gateway has handled at least `n` messages, then until its count has not
// moved for 3 s (a late or repeated message would arrive by then); returns the counts.
Counters settle(const std::string& data_dir, uint64_t n, int timeout_ms) {
  using namespace std::chrono;
  const auto deadline = steady_clock::now() + milliseconds(timeout_ms);
  Counters c = counters(data_dir);
  while (c.messages < n && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(250));
    c = counters(data_dir);
  }
  for (auto still = steady_clock::now(); steady_clock::now() - still < seconds(3);) {
    std::this_thread::sleep_for(milliseconds(250));
    const Counters now = counters(data_dir);
    if (now.messages != c.messages) still = steady_clock::now();
    c = now;
  }
  return c;
}

// Identifies one version of the broker's persistence file: each save writes a new file
// (mosquitto.db.new) and renames it over the old one.
std::pair<ino_t, int64_t> db_version(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {0, 0};
  return {st.st_ino, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
}

}  // namespace

TEST_CASE(
    "local broker as shipped: gateway stopped 60 s while 5000 readings arrive at QoS 0 "
    "and 1: each processed once") {
  TempDir tmp;
  PackagedBroker broker(tmp.file("local-broker"));
  Broker upstream(tmp.file("upstream"));
  const std::string config = gateway_config(tmp, broker.url(), upstream.url());
  make_session(config, tmp.file("data"));

  // Two bridges, one publishing at QoS 0 and one at QoS 1, interleaved: the gateway's queue in
  // the broker holds both.
  const auto stopped = std::chrono::steady_clock::now();
  {
    Client qos0(broker.url(), "bridge-wmbus-0", "wmbusmeters");
    Client qos1(broker.url(), "bridge-wmbus-1", "wmbusmeters");
    for (int second = 0; second < 50; ++second) {  // 100 readings a second for 50 s
      for (int i = 0; i < 100; ++i) {
        const int n = second * 100 + i;
        const std::string id = meter_id(n);
        (n % 2 ? qos1 : qos0).publish("wmbusmeters/" + id, wmbus_json(id, 1.0 + n, kT0), n % 2);
      }
      std::this_thread::sleep_until(stopped + std::chrono::seconds(second + 1));
    }
  }
  std::this_thread::sleep_until(stopped + std::chrono::seconds(60));

  const auto started = std::chrono::steady_clock::now();
  GatewayProcess gateway(config, tmp.file("data"));
  const Counters c = settle(tmp.file("data"), 5000, 60000);
  MESSAGE(fmt::format("{} messages handled {} ms after the start", c.messages,
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                              .count() -
                          3000));
  CHECK(c.messages == 5000);  // each once: this life is the only one that saw them
  CHECK(c.readings == 5000);
  CHECK(c.rejected == 0);
  const std::set<std::string> seen = sensors(tmp.file("data"));
  REQUIRE(seen.size() == 5000);  // every reading: each came from its own meter
  CHECK(*seen.begin() == meter_id(0));
  CHECK(*seen.rbegin() == meter_id(4999));
}

TEST_CASE("local broker as shipped: killed with SIGKILL mid-stream: what it had saved arrives") {
  TempDir tmp;
  PackagedBroker broker(tmp.file("local-broker"));
  Broker upstream(tmp.file("upstream"));
  const std::string config = gateway_config(tmp, broker.url(), upstream.url());
  make_session(config, tmp.file("data"));
  const std::string db_file = tmp.file("local-broker/mosquitto.db");

  // 1,000 readings at QoS 0 and 1 while the gateway is stopped...
  {
    Client bridge(broker.url(), "bridge-wmbus", "wmbusmeters");
    for (int n = 0; n < 1000; ++n)
      bridge.publish("wmbusmeters/" + meter_id(n), wmbus_json(meter_id(n), 1.0, kT0), n % 2);
  }
  // ...then two saves (autosave_interval): the second one began after the first had replaced
  // the file, so after the last of them was accepted.
  auto version = db_version(db_file);
  for (int save = 0; save < 2; ++save) {
    REQUIRE(wait_until([&] { return db_version(db_file) != version; }, 15000));
    version = db_version(db_file);
  }
  // 1,000 more at QoS 1, and the broker dies while they stream in (after 500).
  std::thread killer;
  int published = 1000;
  {
    Client bridge(broker.url(), "bridge-wmbus", "wmbusmeters");
    for (; published < 2000; ++published) {
      if (published == 1500) killer = std::thread([&] { broker.kill9(); });
      try {
        bridge.publish("wmbusmeters/" + meter_id(published),
                       wmbus_json(meter_id(published), 1.0, kT0), 1);
      } catch (const std::exception&) {
        break;  // the broker is gone
      }
    }
  }
  killer.join();

  broker.start();
  GatewayProcess gateway(config, tmp.file("data"));
  const Counters c = settle(tmp.file("data"), 1000, 60000);
  const std::set<std::string> seen = sensors(tmp.file("data"));
  for (int n = 0; n < 1000; ++n)  // every saved reading arrived
    if (!seen.count(meter_id(n))) FAIL("saved reading of meter " << meter_id(n) << " lost");
  // At most what was sent: the one whose publish failed may have reached the broker.
  CHECK(seen.size() <= static_cast<size_t>(published) + 1);
  CHECK(c.messages == seen.size());  // none twice
  CHECK(c.readings == c.messages);
  MESSAGE(fmt::format("of {} readings acknowledged after the last save, {} survived the kill",
                      published - 1000, seen.size() - 1000));
}

TEST_CASE(
    "local broker as shipped: a bridge cannot forge another's readings and nobody reads them") {
  TempDir tmp;
  PackagedBroker broker(tmp.file("local-broker"));

  // Anonymous clients are refused.
  CHECK_THROWS([&] {
    mqtt::async_client anon(broker.url(), "anon", nullptr);
    mqtt::connect_options opts;
    opts.set_clean_session(true);
    anon.connect(opts)->wait();
  }());

  Client gateway(broker.url(), "gw", "edgegw");
  gateway.subscribe("wmbusmeters/#");
  gateway.subscribe("zigbee2mqtt/#");
  gateway.subscribe("facade/#");
  gateway.subscribe("cjt188/#");
  Client zigbee(broker.url(), "z2m", "zigbee2mqtt");
  zigbee.subscribe("wmbusmeters/#");  // a bridge reading another's readings: refused
  zigbee.subscribe("facade/#");

  {
    Client wmbus(broker.url(), "wmbus", "wmbusmeters");
    wmbus.publish("zigbee2mqtt/0x00158d0001a2b3c4", R"({"contact":false})", 1);  // forged
    wmbus.publish("facade/facade-17-n", "{}", 1);                                // forged
    Client facade(broker.url(), "facade", "facade");
    facade.publish("wmbusmeters/33225544", wmbus_json("33225544", 1.0, kT0), 1);  // forged
    facade.publish("facade/facade-17-n", "{}", 1);  // its own: delivered
    // Over message_size_limit: refused by the broker, before any queue.
    try {
      facade.publish("facade/facade-17-n/raw", std::string(65537, 'x'), 0);
    } catch (const std::exception&) {
    }
    wmbus.publish("wmbusmeters/33225544", wmbus_json("33225544", 1.0, kT0), 1);  // its own
  }
  REQUIRE(wait_until([&] { return gateway.received().size() >= 2; }, 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(gateway.received() ==
        std::vector<std::string>{"facade/facade-17-n", "wmbusmeters/33225544"});
  CHECK(zigbee.received().empty());
}
