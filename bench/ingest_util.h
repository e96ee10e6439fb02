// ingest_util.h: what bench_publish and bench_bare_subscriber share: `--key value` flags, the
// broker password file, and the process's own CPU time and peak RSS (the figures ingest.sh
// compares with edgegw's /proc/PID/stat and VmHWM).
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace edgegw::bench {

// `--key value` pairs and bare `--flag`s (value "1"); anything else is refused.
class Flags {
 public:
  Flags(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string key = argv[i];
      if (key.rfind("--", 0) != 0) throw std::runtime_error("unexpected argument " + key);
      key = key.substr(2);
      if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0)
        values_[key] = argv[++i];
      else
        values_[key] = "1";
    }
  }
  std::string str(const std::string& key, const std::string& fallback = "") {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    std::string v = it->second;
    values_.erase(it);
    return v;
  }
  int64_t num(const std::string& key, int64_t fallback) {
    const std::string v = str(key);
    return v.empty() ? fallback : std::stoll(v);
  }
  bool flag(const std::string& key) { return !str(key).empty(); }
  // Call after reading every flag: a typo must not silently fall back to a default.
  void check_all_used() const {
    if (!values_.empty()) throw std::runtime_error("unknown flag --" + values_.begin()->first);
  }

 private:
  std::map<std::string, std::string> values_;
};

// First line of a broker password file (as the gateway reads its own).
inline std::string read_password(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) throw std::runtime_error("cannot read " + path);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// User + system CPU seconds of the whole process (all threads): /proc/PID/stat's utime+stime.
inline double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Peak resident set, kB (VmHWM in /proc/self/status).
inline long vm_hwm_kb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

// Wall clock, ms since the epoch (comparable with `date +%s%3N` in the script).
inline int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace edgegw::bench
