// config.h: the gateway's configuration (one TOML file plus an optional site inventory file),
// its built-in defaults, and the checks that refuse a bad file with the line and key.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "drivers/limits.h"
#include "drivers/registry.h"
#include "gateway/detect/inventory.h"
#include "gateway/detect/rules_config.h"

namespace edgegw {

enum class ClockMode { wall, event };

struct TlsConfig {
  bool enabled = false;   // implied by an ssl:// or mqtts:// URL
  std::string ca_file;    // trust store for the server certificate
  std::string cert_file;  // client certificate (optional)
  std::string key_file;
  bool verify_server = true;
};

struct BrokerConfig {
  std::string url;
  std::string client_id;
  std::string username;
  std::string password_file;  // read at start; must be readable only by the service user
  TlsConfig tls;
};

struct UplinkConfig {
  BrokerConfig broker;
  std::string topic;  // "{gateway_id}" is replaced
  int batch_max_alerts = 100;
  int batch_max_bytes = 64 * 1024;
  int linger_ms = 20;
  int backoff_min_ms = 200;
  int backoff_max_ms = 30000;
};

inline BrokerConfig default_broker() {
  BrokerConfig b;
  b.url = "tcp://127.0.0.1:1883";
  return b;
}

inline UplinkConfig default_uplink() {
  UplinkConfig u;
  u.broker = default_broker();
  u.topic = "edgegw/{gateway_id}/alerts";
  return u;
}

// [status]: the local read-only status interface (see gateway/status/server.h).
struct StatusConfig {
  std::string socket;                // Unix socket path; empty = <data_dir>/edgegw.sock
  int http_port = 0;                 // Prometheus/JSON over HTTP on 127.0.0.1; 0 = off
  int unhealthy_outbox_age_s = 900;  // `edgegw status` is unhealthy past this outbox age
};

// [log]: per (component, key) rate limit of repetitive log lines.
struct LogConfig {
  int burst = 20;       // lines allowed at once per key
  int per_minute = 60;  // refill rate per key
};

struct Config {
  std::string gateway_id = "edgegw";
  ClockMode clock = ClockMode::wall;
  std::string data_dir = "/var/lib/edgegw";
  BrokerConfig ingest = default_broker();
  UplinkConfig uplink = default_uplink();
  std::vector<Route> routes = default_routes();
  DecodeLimits limits;
  // [limits] max_sensors: the sensor table's bound; a new id past it is dead-lettered
  // ("sensor_limit") and counted, so that no local publisher can grow it without end.
  size_t max_sensors = 200000;
  // [limits] max_clock_ahead_s: in wall-clock mode a reading further ahead of the gateway's
  // clock is dead-lettered (bad_timestamp): a device's clock never moves anyone's deadlines.
  int64_t max_clock_ahead_ms = 300 * 1000;
  DriverOptions drivers;  // [cjt188]
  RulesConfig rules;
  Inventory inventory;
  uint64_t outbox_max_bytes = 64ull << 20;
  uint32_t deadletter_max_entries = 10000;
  // Detector state is written before each reading is acknowledged; the WAL is synced this often
  // (0: every write), bounding what a power cut can lose. See gateway/store/DURABILITY.md.
  int checkpoint_interval_s = 10;
  StatusConfig status;
  LogConfig log;

  std::string ingest_client_id() const;
  std::string uplink_client_id() const;
  std::string uplink_topic() const;
  std::string status_socket() const;  // status.socket or <data_dir>/edgegw.sock
};

// Thrown for a config the gateway refuses; what() names the file, line and key.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads and checks a config file (and the inventory file it names). Unknown keys are errors.
Config load_config(const std::string& path);

// Parses config text; `origin` is the file name used in error messages.
Config parse_config(std::string_view text, const std::string& origin,
                    const std::string& base_dir = ".");

// Reads households and facades from an inventory file into `inv`.
void load_inventory(const std::string& path, Inventory& inv);

// Refuses an inventory that lists a household id, or a sensor id, twice (the second listing
// wins silently otherwise): ConfigError naming the file and line of both. load_config checks.
void check_inventory_ids(const Inventory& inv);

// "+08:00" -> 480; "HH:MM" -> minutes. Throw ConfigError-free std::invalid_argument on bad text.
int parse_utc_offset(std::string_view text);
int parse_clock_minutes(std::string_view text);

}  // namespace edgegw
