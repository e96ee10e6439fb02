// publish.cpp: bench_publish, the devices' side of bench/ingest.sh: a wmbusmeters bridge for
// --meters distinct water meters, --rounds reports each, published as fast as the broker takes
// them (a window of --window unacknowledged publishes), or at --rate messages/s, at QoS 0 or 1
// to wmbusmeters/<id>.
// Payloads have the iperl shape of tests/fixtures/water/wmbus-iperl.json (about 150 bytes).
//  normal: the register rises 2 L every other report, timestamps --spacing-s apart ending just
//          before now: no detection rule fires (no W1 quiet, no W3 run, no S1 silence).
//  storm:  the same, plus "status":"LEAK" in even rounds and "status":"OK" in odd ones: every
//          message raises or clears the meter's S2 alarm, so each gives exactly one alert.
#include <time.h>

#include <cstdio>
#include <deque>
#include <thread>

#include <mqtt/async_client.h>

#include "bench/ingest_util.h"

using namespace edgegw::bench;

namespace {

void usage() {
  std::fputs(
      "usage: bench_publish --url tcp://127.0.0.1:PORT [--user U] [--password-file F]\n"
      "         [--meters N] [--rounds R] [--qos 0|1] [--mode normal|storm] [--id-base ID]\n"
      "         [--spacing-s S] [--t0-ms MS] [--window W] [--rate MSG_PER_S] [--client-id ID]\n",
      stderr);
}

// wmbusmeters' "timestamp": whole seconds, UTC.
void iso8601(int64_t ms, char (&out)[32]) {
  const time_t s = static_cast<time_t>(ms / 1000);
  tm t{};
  gmtime_r(&s, &t);
  strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &t);
}

}  // namespace

int main(int argc, char** argv) try {
  Flags flags(argc, argv);
  const std::string url = flags.str("url");
  const std::string user = flags.str("user");
  const std::string password = read_password(flags.str("password-file"));
  const int64_t meters = flags.num("meters", 100000);
  const int64_t rounds = flags.num("rounds", 10);
  const int qos = static_cast<int>(flags.num("qos", 0));
  const std::string mode = flags.str("mode", "normal");
  const int64_t id_base = flags.num("id-base", 10000000);
  const int64_t spacing_ms = flags.num("spacing-s", 10) * 1000;
  // The last round is one spacing before now: never ahead of the gateway's wall clock.
  const int64_t t0_ms = flags.num("t0-ms", wall_ms() - rounds * spacing_ms);
  const auto window = static_cast<size_t>(flags.num("window", 1000));
  const int64_t rate = flags.num("rate", 0);  // 0: as fast as the broker takes them
  const std::string client_id = flags.str("client-id", "bench-publish");
  flags.check_all_used();
  if (url.empty() || meters < 1 || rounds < 1 || (qos != 0 && qos != 1) || spacing_ms < 1000 ||
      (mode != "normal" && mode != "storm") || id_base + meters > 99999999) {
    usage();
    return 2;
  }

  // Paho C refuses a publish while more than maxBufferedMessages commands wait (default 100).
  mqtt::async_client client(url, client_id, static_cast<int>(window) + 100, nullptr);
  mqtt::connect_options opts;
  opts.set_clean_session(true);
  opts.set_keep_alive_interval(std::chrono::seconds(20));
  opts.set_max_inflight(static_cast<int>(window));
  if (!user.empty()) opts.set_user_name(user);
  if (!password.empty()) opts.set_password(password);
  client.connect(opts)->wait();

  std::deque<mqtt::delivery_token_ptr> pending;
  char topic[64], payload[256], ts[32];
  size_t bytes = 0;
  const int64_t begin_ms = wall_ms();
  for (int64_t r = 0; r < rounds; ++r) {
    iso8601(t0_ms + r * spacing_ms, ts);
    const char* status = mode == "normal" ? ""
                         : r % 2 == 0     ? R"("status":"LEAK",)"
                                          : R"("status":"OK",)";
    for (int64_t m = 0; m < meters; ++m) {
      const long long id = id_base + m;
      // A register of 100-236 m3 per meter, 2 L more every other report.
      const double total =
          100.0 + static_cast<double>(m % 1000) * 0.137 + 0.002 * static_cast<double>((r + 1) / 2);
      std::snprintf(topic, sizeof topic, "wmbusmeters/%08lld", id);
      const int n = std::snprintf(
          payload, sizeof payload,
          R"({"_":"telegram","media":"water","meter":"iperl","name":"Home","id":"%08lld",)"
          R"("max_flow_m3h":0,"total_m3":%.3f,%s"timestamp":"%s"})",
          id, total, status, ts);
      bytes += static_cast<size_t>(n);
      pending.push_back(client.publish(topic, payload, static_cast<size_t>(n), qos, false));
      if (pending.size() >= window) {
        pending.front()->wait();
        pending.pop_front();
      }
      const int64_t sent = r * meters + m + 1;
      if (rate > 0 && sent % 100 == 0) {
        const int64_t due_ms = begin_ms + sent * 1000 / rate;
        const int64_t ahead_ms = due_ms - wall_ms();
        if (ahead_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ahead_ms));
      }
    }
  }
  for (auto& t : pending) t->wait();
  const int64_t end_ms = wall_ms();
  client.disconnect()->wait();
  const int64_t total = meters * rounds;
  const double seconds = static_cast<double>(end_ms - begin_ms) / 1000.0;
  std::printf("published=%lld begin_ms=%lld end_ms=%lld seconds=%.3f rate=%.0f avg_bytes=%.0f\n",
              static_cast<long long>(total), static_cast<long long>(begin_ms),
              static_cast<long long>(end_ms), seconds,
              seconds > 0 ? static_cast<double>(total) / seconds : 0.0,
              static_cast<double>(bytes) / static_cast<double>(total));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_publish: %s\n", e.what());
  return 1;
}
