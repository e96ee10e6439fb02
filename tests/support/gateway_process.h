// gateway_process.h: the real `edgegw run` binary as a child process, with a config file
// written by the test. Used by integration tests that go through real brokers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace edgegw::test {

// Path of a built program (bin dir from the build).
std::string bin_path(const std::string& name);

// Path of a fixture under tests/fixtures.
std::string fixture_path(const std::string& relative);
std::string read_fixture(const std::string& relative);

class GatewayProcess {
 public:
  // Starts `edgegw run --config <config_file> --data-dir <data_dir>` logging to <data_dir>.log,
  // with `env` ("NAME=value", e.g. EDGEGW_KILL_AT: gateway/store/fault.h) added.
  GatewayProcess(const std::string& config_file, const std::string& data_dir,
                 std::vector<std::string> env = {});
  ~GatewayProcess();
  void kill9();
  void stop();
  Process& process() { return *process_; }

 private:
  std::string config_file_, data_dir_;
  std::unique_ptr<Process> process_;
};

// Writes text to a file (creating or truncating it).
void write_file(const std::string& path, const std::string& text);

}  // namespace edgegw::test
