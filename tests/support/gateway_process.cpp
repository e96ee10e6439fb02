// gateway_process.cpp: paths of built programs and fixtures, and the gateway child process.
#include "tests/support/gateway_process.h"

#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace edgegw::test {

std::string bin_path(const std::string& name) {
  return std::string(EDGEGW_BIN_DIR) + "/" + name;
}

std::string fixture_path(const std::string& relative) {
  return std::string(EDGEGW_FIXTURES) + "/" + relative;
}

std::string read_fixture(const std::string& relative) {
  std::ifstream in(fixture_path(relative), std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> gateway_command() {
  const char* cmd = std::getenv("EDGEGW_TEST_GATEWAY_CMD");
  if (!cmd || !*cmd) return {bin_path("edgegw")};
  std::vector<std::string> argv;
  std::istringstream words(cmd);
  for (std::string w; words >> w;) argv.push_back(w);
  return argv;
}

bool ingest_connected(const std::string& data_dir) {
  std::string out;
  run_command({bin_path("edgegw"), "status", "--data-dir", data_dir, "--json"}, &out);
  const size_t ingest = out.find("\"ingest\":{");
  if (ingest == std::string::npos) return false;
  const size_t end = out.find('}', ingest);
  return out.substr(ingest, end - ingest).find("\"connected\":true") != std::string::npos;
}

GatewayProcess::GatewayProcess(const std::string& config_file, const std::string& data_dir,
                               std::vector<std::string> env)
    : config_file_(config_file), data_dir_(data_dir) {
  std::vector<std::string> argv = gateway_command();
  argv.insert(argv.end(), {"run", "--config", config_file_, "--data-dir", data_dir_});
  process_ = std::make_unique<Process>(argv, data_dir_ + ".log", std::move(env));
}

GatewayProcess::~GatewayProcess() {
  stop();
}

void GatewayProcess::kill9() {
  process_->signal(SIGKILL);
  process_->wait(5000);
}

void GatewayProcess::stop() {
  process_->stop();
}

}  // namespace edgegw::test
