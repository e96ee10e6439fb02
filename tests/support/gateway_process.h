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

// The command that runs the gateway: bin_path("edgegw"), or the words of the environment
// variable EDGEGW_TEST_GATEWAY_CMD (the first word a path: it is exec'd without a PATH search),
// e.g. "/usr/bin/qemu-aarch64-static build-arm64/bin/edgegw" to run the arm64 build under
// emulation (.ci/run does; QEMU_LD_PREFIX names the arm64 sysroot).
std::vector<std::string> gateway_command();

// Whether the gateway whose data dir this is has subscribed at its ingest broker (asked over
// its status socket with `edgegw status --json`); readings published before that are lost.
bool ingest_connected(const std::string& data_dir);

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
