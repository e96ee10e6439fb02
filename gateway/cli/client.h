// client.h: how the CLI reaches a running gateway: HTTP/1.0 over the status Unix socket, and
// where that socket is (from --socket, --config, or --data-dir).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace edgegw {

struct Target {
  std::string socket_path;  // <data_dir>/edgegw.sock unless the config says otherwise
  std::string data_dir;     // for reading a stopped gateway's database
  std::string config_file;  // empty when none was found
  std::string gateway_id;   // from the config, for offline reports
  uint64_t outbox_max_bytes = 0;
};

// Flags every query command takes.
struct CommonOptions {
  std::string config_file;              // default: /etc/edgegw/edgegw.toml when it exists
  std::optional<std::string> data_dir;  // default: the config's data_dir, else /var/lib/edgegw
  std::optional<std::string> socket;
  bool json = false;
};

inline constexpr const char* kDefaultConfig = "/etc/edgegw/edgegw.toml";

// Throws ConfigError when an explicitly named config does not load.
Target resolve_target(const CommonOptions& opts);
// The same for a command: the error is printed ("edgegw: <why>") and nullopt returned.
std::optional<Target> resolve_target_or_report(const CommonOptions& opts);

struct Reply {
  bool reached = false;  // false: nothing listens (gateway not running)
  int status = 0;        // HTTP status
  std::string body;
  std::string error;  // why it was not reached
};

Reply http_request(const std::string& socket_path, const std::string& method,
                   const std::string& path, int timeout_ms = 10000);

// Streams the body of a GET line by line to `on_line` until the gateway closes or on_line
// returns false. Returns the HTTP status (0 when not reached; `error` says why).
int http_stream(const std::string& socket_path, const std::string& path,
                const std::function<bool(const std::string&)>& on_line, std::string& error);

}  // namespace edgegw

namespace edgegw {

// Asks the running gateway; on success returns 0 with the body. Otherwise prints why on stderr
// (the gateway's own error message when it answered) and returns the exit code: 3 when it is
// not running, 1 for not found / refused, 2 for a bad request.
int query_gateway(const Target& target, const std::string& method, const std::string& path,
                  std::string& body);

}  // namespace edgegw
