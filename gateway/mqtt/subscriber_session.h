// subscriber_session.h: one connection of the ingest's own MQTT 3.1.1 subscriber to a broker on
// plain TCP (the box's local broker): connect on a persistent session, subscribe at QoS 1, hand
// the messages over in batches (what the socket held, at most max_batch, in arrival order; under
// a stream of messages, what arrived within batch_wait) and acknowledge a batch's messages only
// after the handler returned for all of it.
//
// Why not Paho here: Paho acknowledges a QoS 1 message when its callback returns and delivers
// the next one only then, so every message whose alert must be synced before its PUBACK costs
// one fdatasync of its own. With the broker's window of messages in flight
// (max_inflight_messages in deploy/mosquitto/edgegw.conf), a batch's alerts share one synced
// write, and no message is acknowledged before it. (TLS brokers still go through Paho: ingest.h.)
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edgegw {

// One message as delivered: views valid until the batch handler returns.
struct InboundMessage {
  std::string_view topic;
  std::string_view payload;
  size_t sent_size = 0;  // the payload's size as sent, when `payload` was cut (0: not cut)
};
using BatchHandler = std::function<void(std::span<const InboundMessage>)>;

struct SubscriberOptions {
  std::string host;
  uint16_t port = 1883;
  std::string client_id;
  std::string username;                 // empty: none
  std::optional<std::string> password;  // only with a username
  std::vector<std::string> filters;     // all subscribed at QoS 1
  uint16_t keepalive_s = 20;
  size_t max_batch = 256;
  // When messages stream in (the socket became readable within batch_wait of the previous
  // batch's delivery), wait this long before reading, so that a batch holds what arrived
  // meanwhile: at 20,000 messages/s a batch was 2 messages, and its poll, recv, PUBACK send and
  // database write cost more than the messages' own work (bench/README.md). A message arriving
  // after a quiet spell is read at once. 0: never wait.
  std::chrono::microseconds batch_wait{1000};
  // A larger payload is handed over cut to max_payload_bytes + 1 bytes (so the pipeline refuses
  // it as too large) and the rest is read past: memory stays bounded whatever a client sends.
  size_t max_payload_bytes = 64 * 1024;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds reply_timeout{10000};  // for CONNACK and SUBACK
};

// "tcp://host:port" or "mqtt://host:port" (port 1883 when absent) as host and port; nullopt for
// any other scheme (ssl://, mqtts://) or a bad port.
std::optional<std::pair<std::string, uint16_t>> plain_tcp_endpoint(std::string_view url);

// Runs one connection until it ends. Returns when `wake_fd` becomes readable (a stop: sends
// DISCONNECT first; the fd is not read). Throws std::runtime_error with the cause when the
// connection cannot be made, is refused, breaks or the broker breaks the protocol.
// `on_connected` runs after the broker accepted the connection (CONNACK), `on_subscribed`
// after it granted every filter (SUBACK); messages of the session may come between the two.
void run_subscriber_session(const SubscriberOptions& options, int wake_fd,
                            const BatchHandler& handler, const std::function<void()>& on_connected,
                            const std::function<void()>& on_subscribed);

}  // namespace edgegw
