// broker.cpp: temp dirs, free ports and the Mosquitto child process.
#include "tests/support/broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace edgegw::test {

TempDir::TempDir() {
  std::string tmpl = "/tmp/edgegw-test-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("bind failed");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool wait_for_port(int port, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

Broker::Broker(const std::string& dir, const std::string& extra_config)
    : dir_(dir), port_(free_port()) {
  std::filesystem::create_directories(dir_);
  std::ofstream conf(dir_ + "/mosquitto.conf");
  // As root, mosquitto would switch to the "mosquitto" user, who cannot write our temp dir.
  if (geteuid() == 0) conf << "user root\n";
  conf << "listener " << port_ << " 127.0.0.1\n"
       << "allow_anonymous true\n"
       << "persistence true\n"
       << "persistence_location " << dir_ << "/\n"
       << "autosave_interval 1\n"
       << "max_queued_messages 1000000\n"
       << "max_inflight_messages 100\n"
       << extra_config;
  conf.close();
  start();
}

Broker::~Broker() {
  stop();
}

void Broker::start() {
  if (process_ && process_->running()) return;
  const char* candidates[] = {"/usr/sbin/mosquitto", "/usr/bin/mosquitto",
                              "/usr/local/sbin/mosquitto"};
  std::string bin;
  for (const char* c : candidates)
    if (std::filesystem::exists(c)) bin = c;
  if (bin.empty()) throw std::runtime_error("mosquitto not installed");
  process_ = std::make_unique<Process>(
      std::vector<std::string>{bin, "-c", dir_ + "/mosquitto.conf"}, dir_ + "/mosquitto.log");
  if (!wait_for_port(port_, 10000)) {
    std::ifstream log(dir_ + "/mosquitto.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    throw std::runtime_error("mosquitto did not start: " + text);
  }
}

void Broker::stop() {
  if (process_) process_->stop();
}

void Broker::kill() {
  if (process_) {
    process_->signal(SIGKILL);
    process_->wait(5000);
  }
}

}  // namespace edgegw::test
