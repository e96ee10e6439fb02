// listen.cpp: a QoS 1 subscriber on the consumer queue (no work in Paho's callback thread).
#include "simulator/listen.h"

#include <unistd.h>

#include <chrono>

#include <fmt/format.h>
#include <mqtt/async_client.h>

#include "gateway/alert/alert_codec.h"

namespace fleetsim {

uint64_t listen_upstream(const ListenOptions& o,
                         const std::function<void(std::string_view, std::string_view)>& on_batch) {
  const std::string id =
      o.client_id.empty() ? fmt::format("fleetsim-listen-{}", ::getpid()) : o.client_id;
  mqtt::async_client client(o.upstream, id, mqtt::create_options(MQTTVERSION_3_1_1));
  client.start_consuming();
  auto opts = mqtt::connect_options_builder()
                  .clean_session(o.client_id.empty())
                  .keep_alive_interval(std::chrono::seconds(30))
                  .finalize();
  client.connect(opts)->wait();
  client.subscribe(o.topic, 1)->wait();

  uint64_t alerts = 0;
  auto last = std::chrono::steady_clock::now();
  while (o.count == 0 || alerts < o.count) {
    mqtt::const_message_ptr msg;
    if (!client.try_consume_message_for(&msg, std::chrono::milliseconds(100))) {
      if (!client.is_connected()) throw mqtt::exception(MQTTASYNC_DISCONNECTED);
      const double idle =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - last).count();
      if (o.idle_seconds > 0 && idle >= o.idle_seconds) break;
      continue;
    }
    if (!msg) continue;
    last = std::chrono::steady_clock::now();
    const std::string& bytes = msg->get_payload_ref().str();
    if (auto batch = edgegw::decode_batch(bytes)) alerts += batch->alerts.size();
    on_batch(msg->get_topic(), bytes);
  }
  client.stop_consuming();
  client.disconnect()->wait();
  return alerts;
}

}  // namespace fleetsim
