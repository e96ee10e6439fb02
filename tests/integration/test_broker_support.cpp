// test_broker_support.cpp: the tests' own Mosquitto launcher tells its broker from another
// test's. Tests run in parallel and free_port() is only a guess: when two tests get the same
// port, the second broker exits ("Address already in use") while the port answers, and a test
// that waited only for the port talked to the other test's broker (two gateways with the same
// id on one upstream: every alert twice).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/broker.h"

using namespace edgegw::test;

namespace {
std::string write_conf(const std::string& dir, int port) {
  std::filesystem::create_directories(dir);
  std::ofstream conf(dir + "/mosquitto.conf");
  if (geteuid() == 0) conf << "user root\n";
  conf << "listener " << port << " 127.0.0.1\nallow_anonymous true\n";
  return dir + "/mosquitto.conf";
}
}  // namespace

TEST_CASE(
    "a broker whose port another broker took is seen as not started, though the port answers") {
  TempDir dir;
  Broker first(dir.file("first"));
  const std::string log = dir.file("second/mosquitto.log");
  Process second({"/usr/sbin/mosquitto", "-c", write_conf(dir.file("second"), first.port())}, log);
  CHECK(wait_for_port(first.port(), 5000));  // what the launchers used to wait for
  CHECK_FALSE(wait_for_mosquitto(second, log, 0, first.port(), 5000));
  CHECK_FALSE(second.running());

  // The same check sees a broker of its own start.
  const int port = free_port();
  const std::string own_log = dir.file("own/mosquitto.log");
  Process own({"/usr/sbin/mosquitto", "-c", write_conf(dir.file("own"), port)}, own_log);
  CHECK(wait_for_mosquitto(own, own_log, 0, port, 5000));
}
