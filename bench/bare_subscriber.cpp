// bare_subscriber.cpp: bench_bare_subscriber, the floor that bench/ingest.sh measures edgegw
// against, as the issue set it: a Paho C++ async client with the gateway's filters (drivers'
// default routes), QoS 1 subscriptions and persistent session, whose message callback counts
// and discards. (The gateway itself subscribes to the local broker with its own MQTT client,
// gateway/mqtt/subscriber_session.h; Paho only for a TLS broker.) It exits after
// --expect messages, after --idle-exit-ms without one, or on SIGTERM/SIGINT, and prints one
// line: count, wall time of the first and last message, CPU seconds of the process between
// them, peak RSS. --clean only discards the persistent session of --client-id.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include <mqtt/async_client.h>

#include "bench/ingest_util.h"
#include "drivers/registry.h"

using namespace edgegw;
using namespace edgegw::bench;

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop = true;
}

void usage() {
  std::fputs(
      "usage: bench_bare_subscriber --url tcp://127.0.0.1:PORT --client-id ID [--user U]\n"
      "         [--password-file F] [--expect N] [--idle-exit-ms MS] [--clean-session]\n"
      "         [--ready-file PATH] [--clean]\n",
      stderr);
}

}  // namespace

int main(int argc, char** argv) try {
  Flags flags(argc, argv);
  const std::string url = flags.str("url");
  const std::string client_id = flags.str("client-id");
  const std::string user = flags.str("user");
  const std::string password = read_password(flags.str("password-file"));
  const auto expect = static_cast<uint64_t>(flags.num("expect", 0));
  const int64_t idle_exit_ms = flags.num("idle-exit-ms", 0);
  const bool clean_session = flags.flag("clean-session");
  const std::string ready_file = flags.str("ready-file");
  const bool clean_only = flags.flag("clean");
  flags.check_all_used();
  if (url.empty() || client_id.empty()) {
    usage();
    return 2;
  }
  const int64_t start_ms = wall_ms();
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  mqtt::async_client client(url, client_id, nullptr);
  mqtt::connect_options opts;
  opts.set_clean_session(clean_only || clean_session);
  opts.set_keep_alive_interval(std::chrono::seconds(20));
  opts.set_connect_timeout(std::chrono::seconds(5));
  if (!user.empty()) opts.set_user_name(user);
  if (!password.empty()) opts.set_password(password);
  if (clean_only) {
    client.connect(opts)->wait();
    client.disconnect()->wait();
    std::printf("cleaned session %s\n", client_id.c_str());
    return 0;
  }

  std::atomic<uint64_t> count{0};
  std::atomic<int64_t> first_ms{0}, last_ms{0};
  std::atomic<double> cpu_first{0}, cpu_last{-1};
  std::atomic<bool> done{false};
  client.set_message_callback([&](mqtt::const_message_ptr) {
    const uint64_t n = count.fetch_add(1, std::memory_order_relaxed) + 1;
    const int64_t now = wall_ms();
    if (n == 1) {
      cpu_first = cpu_seconds();
      first_ms = now;
    }
    last_ms.store(now, std::memory_order_relaxed);
    if (n == expect) {
      cpu_last = cpu_seconds();
      done = true;
    }
  });
  // The broker starts a persistent session's backlog right after CONNACK: the callback is set.
  client.connect(opts)->wait();
  std::vector<std::string> filters;
  for (const Route& r : default_routes()) filters.push_back(r.filter);
  const mqtt::iasync_client::qos_collection qos(filters.size(), 1);
  client.subscribe(mqtt::string_collection::create(filters), qos)->wait();
  if (!ready_file.empty()) std::ofstream(ready_file) << "subscribed\n";

  while (!g_stop && !done) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (idle_exit_ms > 0) {
      const int64_t last = std::max(last_ms.load(), start_ms);
      if (wall_ms() - last > idle_exit_ms) break;
    }
  }
  if (cpu_last < 0) cpu_last = cpu_seconds();
  // The last callback has returned by now (or is about to): give Paho time to send its PUBACK,
  // so that the persistent session does not redeliver it to the next run.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  try {
    client.disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
  std::printf(
      "count=%llu start_ms=%lld first_ms=%lld last_ms=%lld cpu_s=%.3f cpu_total_s=%.3f "
      "vmhwm_kb=%ld\n",
      static_cast<unsigned long long>(count.load()), static_cast<long long>(start_ms),
      static_cast<long long>(first_ms.load()), static_cast<long long>(last_ms.load()),
      count.load() > 0 ? cpu_last - cpu_first : 0.0, cpu_seconds(), vm_hwm_kb());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_bare_subscriber: %s\n", e.what());
  return 1;
}
