// alert_latency.cpp: bench_alert_latency, publish-to-upstream latency of alerts under a steady
// background of readings (the latency phase of bench/ingest.sh runs it). One process plays both
// ends, so one steady clock times both: a wmbusmeters bridge publishes the iperl payload of
// bench_publish for --meters meters round-robin at --rate messages/s, QoS 0, timestamped a second
// before now, registers standing still (no rule fires within minutes), and every
// --alert-every-th message is instead the first reading of a new meter (ids from 90000000)
// carrying "status":"LEAK": exactly one S2 alert each, whose sensor id names it. A second
// client (user edgegw) subscribes to the uplink topic and, for each alert in an AlertBatch,
// takes the time from that meter's publish to the batch's arrival. Prints p50/p90/p99/max.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <mqtt/async_client.h>

#include "bench/ingest_util.h"
#include "schemas/alert_generated.h"

using namespace edgegw::bench;
using Clock = std::chrono::steady_clock;

namespace {

void usage() {
  std::fputs(
      "usage: bench_alert_latency --url tcp://127.0.0.1:PORT --pub-user U --pub-password-file F\n"
      "         --sub-user U --sub-password-file F --uplink-topic T [--meters N] [--rate R]\n"
      "         [--seconds S] [--alert-every K] [--wait-ms MS]\n",
      stderr);
}

// The publish time of each alert meter's LEAK reading, and the measured latencies.
struct Tracker {
  std::mutex mu;
  std::unordered_map<std::string, Clock::time_point> published;
  std::vector<double> latency_ms;
  std::atomic<size_t> unmatched{0};
};

void on_batch(Tracker& t, const mqtt::const_message_ptr& msg) {
  const auto now = Clock::now();
  const std::string& data = msg->get_payload_str();
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  if (!edgegw::fb::VerifyAlertBatchBuffer(v)) {
    ++t.unmatched;
    return;
  }
  const auto* batch = edgegw::fb::GetAlertBatch(data.data());
  if (!batch->alerts()) return;
  std::lock_guard lock(t.mu);
  for (const auto* a : *batch->alerts()) {
    if (!a->sensor_id()) continue;
    auto it = t.published.find(a->sensor_id()->str());
    if (it == t.published.end()) {
      ++t.unmatched;
      continue;
    }
    t.latency_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
    t.published.erase(it);  // a resend is not measured twice
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(i), v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) try {
  Flags flags(argc, argv);
  const std::string url = flags.str("url");
  const std::string pub_user = flags.str("pub-user", "wmbusmeters");
  const std::string pub_password = read_password(flags.str("pub-password-file"));
  const std::string sub_user = flags.str("sub-user", "edgegw");
  const std::string sub_password = read_password(flags.str("sub-password-file"));
  const std::string uplink_topic = flags.str("uplink-topic");
  const int64_t meters = flags.num("meters", 10000);
  const int64_t rate = flags.num("rate", 10000);
  const int64_t seconds = flags.num("seconds", 30);
  const int64_t alert_every = flags.num("alert-every", 1000);
  const int64_t wait_ms = flags.num("wait-ms", 10000);
  flags.check_all_used();
  if (url.empty() || uplink_topic.empty() || meters < 1 || rate < 1 || seconds < 1 ||
      alert_every < 1 || 10000000 + meters > 90000000) {
    usage();
    return 2;
  }

  Tracker tracker;
  mqtt::async_client sub(url, "bench-alert-latency-sub", 0, nullptr);
  sub.set_message_callback([&](mqtt::const_message_ptr m) { on_batch(tracker, m); });
  mqtt::connect_options sopts;
  sopts.set_clean_session(true);
  if (!sub_user.empty()) sopts.set_user_name(sub_user);
  if (!sub_password.empty()) sopts.set_password(sub_password);
  sub.connect(sopts)->wait();
  sub.subscribe(uplink_topic, 1)->wait();

  const size_t window = 1000;
  mqtt::async_client pub(url, "bench-alert-latency-pub", static_cast<int>(window) + 100, nullptr);
  mqtt::connect_options popts;
  popts.set_clean_session(true);
  popts.set_max_inflight(static_cast<int>(window));
  if (!pub_user.empty()) popts.set_user_name(pub_user);
  if (!pub_password.empty()) popts.set_password(pub_password);
  pub.connect(popts)->wait();

  std::deque<mqtt::delivery_token_ptr> pending;
  char topic[64], payload[256], ts[32];
  const int64_t total = rate * seconds;
  const auto begin = Clock::now();
  int64_t alerts = 0;
  for (int64_t sent = 0; sent < total; ++sent) {
    // Whole seconds, UTC, one second before now: never ahead of the gateway's wall clock.
    const time_t s = static_cast<time_t>(wall_ms() / 1000 - 1);
    tm t{};
    gmtime_r(&s, &t);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &t);
    long long id;
    const char* status = "";
    double total_m3;
    if ((sent + 1) % alert_every == 0) {
      id = 90000000 + alerts++;
      status = R"("status":"LEAK",)";
      total_m3 = 100.0;
    } else {
      const int64_t m = sent % meters;
      id = 10000000 + m;
      total_m3 = 100.0 + static_cast<double>(m % 1000) * 0.137;  // no use: no rule fires
    }
    std::snprintf(topic, sizeof topic, "wmbusmeters/%08lld", id);
    const int n = std::snprintf(
        payload, sizeof payload,
        R"({"_":"telegram","media":"water","meter":"iperl","name":"Home","id":"%08lld",)"
        R"("max_flow_m3h":0,"total_m3":%.3f,%s"timestamp":"%s"})",
        id, total_m3, status, ts);
    if (*status) {
      std::lock_guard lock(tracker.mu);
      tracker.published[std::string(topic + 12)] = Clock::now();
    }
    pending.push_back(pub.publish(topic, payload, static_cast<size_t>(n), 0, false));
    if (pending.size() >= window) {
      pending.front()->wait();
      pending.pop_front();
    }
    if ((sent + 1) % 50 == 0) {
      const auto due = begin + std::chrono::microseconds((sent + 1) * 1000000 / rate);
      std::this_thread::sleep_until(due);
    }
  }
  for (auto& tok : pending) tok->wait();
  const double pub_s = std::chrono::duration<double>(Clock::now() - begin).count();
  const auto deadline = Clock::now() + std::chrono::milliseconds(wait_ms);
  while (Clock::now() < deadline) {
    {
      std::lock_guard lock(tracker.mu);
      if (tracker.published.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  pub.disconnect()->wait();
  sub.disconnect()->wait();
  std::lock_guard lock(tracker.mu);
  std::vector<double>& v = tracker.latency_ms;
  std::printf(
      "published=%lld rate=%.0f alerts_published=%lld alerts_received=%zu missing=%zu "
      "unmatched=%zu p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
      static_cast<long long>(total), static_cast<double>(total) / pub_s,
      static_cast<long long>(alerts), v.size(), tracker.published.size(), tracker.unmatched.load(),
      percentile(v, 0.5), percentile(v, 0.9), percentile(v, 0.99), percentile(v, 1.0));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_alert_latency: %s\n", e.what());
  return 1;
}
