// bare_subscriber_c.cpp: bench_bare_subscriber_c, the same floor as bench_bare_subscriber (same
// flags, same session, same one-line output) written against Paho's C async API (MQTTAsync)
// with no C++ wrapper: what ingest would cost if the gateway dropped Paho C++ (issue 15: "is
// Paho C's async API directly worth it"). bench/ingest.sh runs it in place of the C++ one with
// BARE=bench_bare_subscriber_c.
#include <MQTTAsync.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/ingest_util.h"
#include "drivers/registry.h"

using namespace edgegw;
using namespace edgegw::bench;

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop = true;
}

struct Counter {
  uint64_t expect = 0;
  std::atomic<uint64_t> count{0};
  std::atomic<int64_t> first_ms{0}, last_ms{0};
  std::atomic<double> cpu_first{0}, cpu_last{-1};
  std::atomic<bool> done{false};
};

// Paho C's message callback: count, free, return 1 ("handled": Paho then acknowledges).
int on_message(void* context, char* topic, int, MQTTAsync_message* message) {
  auto& c = *static_cast<Counter*>(context);
  const uint64_t n = c.count.fetch_add(1, std::memory_order_relaxed) + 1;
  const int64_t now = wall_ms();
  if (n == 1) {
    c.cpu_first = cpu_seconds();
    c.first_ms = now;
  }
  c.last_ms.store(now, std::memory_order_relaxed);
  if (n == c.expect) {
    c.cpu_last = cpu_seconds();
    c.done = true;
  }
  MQTTAsync_freeMessage(&message);
  MQTTAsync_free(topic);
  return 1;
}

// Waits for one MQTTAsync request's onSuccess/onFailure.
struct Request {
  std::atomic<int> state{0};  // 0 pending, 1 ok, 2 failed
  static void ok(void* r, MQTTAsync_successData*) { static_cast<Request*>(r)->state = 1; }
  static void failed(void* r, MQTTAsync_failureData*) { static_cast<Request*>(r)->state = 2; }
  void wait(const char* what) {
    for (int i = 0; i < 500 && state == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (state != 1) throw std::runtime_error(std::string(what) + " failed or timed out");
  }
};

void check(int rc, const char* what) {
  if (rc != MQTTASYNC_SUCCESS)
    throw std::runtime_error(std::string(what) + ": " + MQTTAsync_strerror(rc));
}

}  // namespace

int main(int argc, char** argv) try {
  Flags flags(argc, argv);
  const std::string url = flags.str("url");
  const std::string client_id = flags.str("client-id");
  const std::string user = flags.str("user");
  const std::string password = read_password(flags.str("password-file"));
  Counter counter;
  counter.expect = static_cast<uint64_t>(flags.num("expect", 0));
  const int64_t idle_exit_ms = flags.num("idle-exit-ms", 0);
  const bool clean_session = flags.flag("clean-session");
  const std::string ready_file = flags.str("ready-file");
  const bool clean_only = flags.flag("clean");
  flags.check_all_used();
  if (url.empty() || client_id.empty()) {
    std::fputs("usage: bench_bare_subscriber_c (the flags of bench_bare_subscriber)\n", stderr);
    return 2;
  }
  const int64_t start_ms = wall_ms();
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  MQTTAsync client = nullptr;
  check(MQTTAsync_create(&client, url.c_str(), client_id.c_str(), MQTTCLIENT_PERSISTENCE_NONE,
                         nullptr),
        "MQTTAsync_create");
  check(MQTTAsync_setCallbacks(client, &counter, nullptr, on_message, nullptr),
        "MQTTAsync_setCallbacks");
  MQTTAsync_connectOptions opts = MQTTAsync_connectOptions_initializer;
  opts.cleansession = clean_only || clean_session;
  opts.keepAliveInterval = 20;
  opts.connectTimeout = 5;
  if (!user.empty()) opts.username = user.c_str();
  if (!password.empty()) opts.password = password.c_str();
  Request connected;
  opts.onSuccess = Request::ok;
  opts.onFailure = Request::failed;
  opts.context = &connected;
  check(MQTTAsync_connect(client, &opts), "MQTTAsync_connect");
  connected.wait("connect");
  if (clean_only) {
    MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;
    MQTTAsync_disconnect(client, &d);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    MQTTAsync_destroy(&client);
    std::printf("cleaned session %s\n", client_id.c_str());
    return 0;
  }
  std::vector<std::string> filters;
  for (const Route& r : default_routes()) filters.push_back(r.filter);
  std::vector<char*> topics;
  for (auto& f : filters) topics.push_back(f.data());
  std::vector<int> qos(filters.size(), 1);
  Request subscribed;
  MQTTAsync_responseOptions sub = MQTTAsync_responseOptions_initializer;
  sub.onSuccess = Request::ok;
  sub.onFailure = Request::failed;
  sub.context = &subscribed;
  check(MQTTAsync_subscribeMany(client, static_cast<int>(topics.size()), topics.data(), qos.data(),
                                &sub),
        "MQTTAsync_subscribeMany");
  subscribed.wait("subscribe");
  if (!ready_file.empty()) std::ofstream(ready_file) << "subscribed\n";

  while (!g_stop && !counter.done) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (idle_exit_ms > 0) {
      const int64_t last = std::max(counter.last_ms.load(), start_ms);
      if (wall_ms() - last > idle_exit_ms) break;
    }
  }
  if (counter.cpu_last < 0) counter.cpu_last = cpu_seconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the last PUBACK goes out
  MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;
  d.timeout = 2000;
  MQTTAsync_disconnect(client, &d);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  MQTTAsync_destroy(&client);
  const uint64_t n = counter.count.load();
  std::printf(
      "count=%llu start_ms=%lld first_ms=%lld last_ms=%lld cpu_s=%.3f cpu_total_s=%.3f "
      "vmhwm_kb=%ld\n",
      static_cast<unsigned long long>(n), static_cast<long long>(start_ms),
      static_cast<long long>(counter.first_ms.load()),
      static_cast<long long>(counter.last_ms.load()),
      n > 0 ? counter.cpu_last - counter.cpu_first : 0.0, cpu_seconds(), vm_hwm_kb());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_bare_subscriber_c: %s\n", e.what());
  return 1;
}
