// test_local_broker.cpp: the local Mosquitto configuration the package installs
// (deploy/mosquitto/edgegw.conf and edgegw.acl), run as shipped: only the listener port and the
// paths of the password and ACL files are replaced (a box has them in /etc/mosquitto), and a main
// config gives the persistence location, as Debian's mosquitto.conf does. Then
// the ACL: no bridge can forge another's readings or read any; oversize messages refused.
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
    for (const char* user : {"edgegw", "wmbusmeters", "zigbee2mqtt", "facade"})
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
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/mosquitto", "-c", dir_ + "/mosquitto.conf"},
        dir_ + "/mosquitto.log");
    REQUIRE_MESSAGE(wait_for_port(port_, 10000), read_text(dir_ + "/mosquitto.log"));
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
    client_.publish(topic, payload.data(), payload.size(), qos, false)->wait();
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

}  // namespace

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
