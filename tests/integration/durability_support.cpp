// durability_support.cpp: the persistent-session collector, W1 input and id checks.
#include "tests/integration/durability_support.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <fmt/format.h>

#include <deque>
#include <fstream>

#include "drivers/timestamp.h"
#include "gateway/alert/alert_codec.h"
#include "tests/support/process.h"

namespace edgegw::test {

DurableCollector::DurableCollector(const std::string& url, const std::string& topic_filter,
                                   const std::string& client_id)
    : client_(url, client_id, nullptr), filter_(topic_filter) {
  client_.set_message_callback([this](mqtt::const_message_ptr msg) {
    auto batch = decode_batch(msg->get_payload_str());
    std::lock_guard lock(mu_);
    if (batch)
      for (auto& a : batch->alerts) alerts_.push_back(std::move(a));
    cv_.notify_all();
  });
  client_.set_connected_handler([this](const std::string&) {
    try {
      client_.subscribe(filter_, 1);  // the session keeps it too; this is for a fresh broker
    } catch (...) {
    }
  });
  mqtt::connect_options opts;
  opts.set_clean_session(false);
  opts.set_automatic_reconnect(std::chrono::milliseconds(100), std::chrono::milliseconds(500));
  client_.connect(opts)->wait();
  client_.subscribe(filter_, 1)->wait();
}

DurableCollector::~DurableCollector() {
  try {
    client_.disconnect()->wait_for(std::chrono::seconds(2));
  } catch (...) {
  }
}

bool DurableCollector::wait_for(size_t n, int timeout_ms) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return alerts_.size() >= n; });
}

void DurableCollector::wait_quiet(int quiet_ms, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::unique_lock lock(mu_);
  while (std::chrono::steady_clock::now() < deadline) {
    const size_t n = alerts_.size();
    cv_.wait_for(lock, std::chrono::milliseconds(quiet_ms), [&] { return alerts_.size() != n; });
    if (alerts_.size() == n) return;
  }
}

std::vector<Alert> DurableCollector::alerts() const {
  std::lock_guard lock(mu_);
  return alerts_;
}

std::vector<Input> w1_input(int meters, int first_meter, int steps, int quiet_steps,
                            int64_t start_ms) {
  constexpr int64_t kStep = 15 * 60 * 1000;
  std::vector<Input> out;
  out.reserve(static_cast<size_t>(meters) * static_cast<size_t>(steps));
  for (int s = 0; s < steps; ++s) {
    for (int m = 0; m < meters; ++m) {
      const std::string id = fmt::format("9{:07d}", first_meter + m);
      const double total = 100.0 + m + (s >= quiet_steps ? 0.02 : 0.0);
      out.push_back({"wmbusmeters/" + id, wmbus_json(id, total, start_ms + s * kStep)});
    }
  }
  return out;
}

std::string gateway_toml(const std::string& gateway_id, const std::string& ingest_url,
                         const std::string& uplink_url, const std::string& extra,
                         const std::string& top) {
  return fmt::format(R"(
gateway_id = "{}"
clock = "event"
{}
[ingest]
url = "{}"
[uplink]
url = "{}"
linger_ms = 5
batch_max_alerts = 50
backoff_min_ms = 100
backoff_max_ms = 800
{}
)",
                     gateway_id, top, ingest_url, uplink_url, extra);
}

AlertKey key_of(const Alert& a) {
  return {a.subject, static_cast<int>(a.rule), static_cast<int>(a.state), a.event_time_ms};
}

IdCheck check_ids(const std::vector<Alert>& alerts) {
  IdCheck c;
  std::set<uint64_t> seen;
  for (const Alert& a : alerts) {
    if (!seen.insert(a.id).second) {
      ++c.repeats;
      continue;
    }
    if (a.id < c.max_id) c.in_order = false;  // a new id older than one already received
    c.max_id = std::max(c.max_id, a.id);
  }
  c.distinct = seen.size();
  for (uint64_t id = 1; id < c.max_id; ++id)
    if (!seen.contains(id)) c.missing.push_back(id);
  return c;
}

bool wait_for_log(const std::string& path, const std::string& needle, size_t count,
                  int timeout_ms) {
  return wait_until(
      [&] {
        std::ifstream in(path);
        size_t n = 0;
        for (std::string line; std::getline(in, line);) n += line.find(needle) != line.npos;
        return n >= count;
      },
      timeout_ms);
}

TestSite::TestSite(const std::string& id, const std::string& extra, const std::string& top)
    : gateway_id(id) {
  write_file(config, gateway_toml(id, ingest.url(), upstream.url(), extra, top));
}

std::unique_ptr<GatewayProcess> TestSite::start(std::vector<std::string> env, size_t life) {
  auto gw = std::make_unique<GatewayProcess>(config, data, std::move(env));
  REQUIRE(wait_for_log(log, "subscribed to", life, 10000));
  return gw;
}

std::string log_tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out = path + ":\n";
  for (const auto& l : tail) out += l + "\n";
  return out;
}

void write_secret(const std::string& path, const std::string& text, unsigned mode) {
  write_file(path, text);
  REQUIRE(::chmod(path.c_str(), static_cast<mode_t>(mode)) == 0);
}

}  // namespace edgegw::test
