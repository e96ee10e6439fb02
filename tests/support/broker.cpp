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
#include <iterator>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

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

size_t file_size_or_zero(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<size_t>(size);
}

bool wait_for_mosquitto(Process& process, const std::string& log_file, size_t log_from, int port,
                        int timeout_ms) {
  const bool logged_running = wait_until(
      [&] {
        if (!process.running()) return true;  // exited: stop waiting, and fail below
        std::ifstream in(log_file);
        in.seekg(static_cast<std::streamoff>(log_from));
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        return text.find(" running") != std::string::npos;
      },
      timeout_ms);
  return logged_running && process.running() && wait_for_port(port, timeout_ms);
}

namespace {
std::string read_log(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

Broker::Broker(const std::string& dir, const std::string& extra_config)
    : dir_(dir), extra_config_(extra_config) {
  std::filesystem::create_directories(dir_);
  // A port another test took between free_port() and our bind: another port (a few tries).
  for (int attempt = 1;; ++attempt) {
    port_ = free_port();
    write_config();
    if (try_start()) return;
    if (attempt == 5) break;
  }
  throw std::runtime_error("mosquitto did not start: " + read_log(dir_ + "/mosquitto.log"));
}

void Broker::write_config() {
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
       << extra_config_;
}

Broker::~Broker() {
  stop();
}

void Broker::start() {
  if (process_ && process_->running()) return;
  if (!try_start())
    throw std::runtime_error(fmt::format("mosquitto did not start again on port {}: {}", port_,
                                         read_log(dir_ + "/mosquitto.log")));
}

bool Broker::try_start() {
  const char* candidates[] = {"/usr/sbin/mosquitto", "/usr/bin/mosquitto",
                              "/usr/local/sbin/mosquitto"};
  std::string bin;
  for (const char* c : candidates)
    if (std::filesystem::exists(c)) bin = c;
  if (bin.empty()) throw std::runtime_error("mosquitto not installed");
  const std::string log = dir_ + "/mosquitto.log";
  const size_t log_from = file_size_or_zero(log);
  process_ =
      std::make_unique<Process>(std::vector<std::string>{bin, "-c", dir_ + "/mosquitto.conf"}, log);
  return wait_for_mosquitto(*process_, log, log_from, port_, 10000);
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
