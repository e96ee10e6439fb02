// process.h: child processes for tests (mosquitto, edgegw, fleetsim): start, signal, wait.
// The destructor kills (SIGKILL) and reaps a child that is still running.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace edgegw::test {

class Process {
 public:
  // Starts argv[0] (a path) with the arguments; stdout and stderr go to `log_file`. `env`
  // ("NAME=value") is added to the child's environment.
  Process(std::vector<std::string> argv, const std::string& log_file,
          std::vector<std::string> env = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Waits for exit; returns the exit status (128 + signal when killed), or -1 on timeout.
  int wait(int timeout_ms);
  // SIGTERM, wait, then SIGKILL if needed.
  void stop();

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// Polls `done` every 20 ms until it is true (returns true) or the timeout passes (false).
bool wait_until(const std::function<bool()>& done, int timeout_ms);

// Runs a command to completion and returns its exit status; stdout goes to `out`.
int run_command(const std::vector<std::string>& argv, std::string* out = nullptr,
                const std::string& stdin_data = "");

}  // namespace edgegw::test
