// test_subscriber_session.cpp: the ingest's own subscriber against a scripted broker on a
// loopback socket, for what a real Mosquitto rarely does on demand: packets split at every
// byte, packets run together, a payload larger than the limit, a broker that breaks the
// protocol. Each message reaches the handler once, whole, in order, and is acknowledged only
// after the handler returned for its batch.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "gateway/mqtt/mqtt_wire.h"
#include "gateway/mqtt/subscriber_session.h"

using namespace edgegw;
namespace wire = edgegw::mqtt_wire;

namespace {

// A listening loopback socket and the one connection it accepts.
struct ScriptedBroker {
  int listener = -1, conn = -1;
  uint16_t port = 0;
  ScriptedBroker() {
    listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
    REQUIRE(::listen(listener, 1) == 0);
  }
  ~ScriptedBroker() {
    if (conn >= 0) ::close(conn);
    ::close(listener);
  }
  void accept() { conn = ::accept(listener, nullptr, nullptr); }
  // Reads one whole packet (fixed header and body).
  std::string read_packet() {
    std::string got;
    char c;
    while (true) {
      if (auto h = wire::parse_fixed_header(got);
          h && got.size() == h->header_size + h->remaining_length)
        return got;
      if (::recv(conn, &c, 1, 0) != 1) return got;
      got.push_back(c);
    }
  }
  void send(std::string_view bytes, size_t chunk) {
    for (size_t at = 0; at < bytes.size(); at += chunk) {
      const std::string_view part = bytes.substr(at, chunk);
      REQUIRE(::send(conn, part.data(), part.size(), MSG_NOSIGNAL) ==
              static_cast<ssize_t>(part.size()));
      if (chunk < 16) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
};

std::string publish(const std::string& topic, const std::string& payload, uint16_t id) {
  std::string body;
  body.push_back(static_cast<char>(topic.size() >> 8));
  body.push_back(static_cast<char>(topic.size() & 0xff));
  body += topic;
  body.push_back(static_cast<char>(id >> 8));
  body.push_back(static_cast<char>(id & 0xff));
  body += payload;
  std::string out(1, '\x32');  // PUBLISH, QoS 1
  size_t n = body.size();
  do {
    uint8_t d = n % 128;
    n /= 128;
    if (n > 0) d |= 0x80;
    out.push_back(static_cast<char>(d));
  } while (n > 0);
  return out + body;
}

// Options for a session with the scripted broker.
SubscriberOptions options_for(const ScriptedBroker& broker, std::vector<std::string> filters) {
  SubscriberOptions o;
  o.host = "127.0.0.1";
  o.port = broker.port;
  o.client_id = "gw-test";
  o.filters = std::move(filters);
  return o;
}

// Accepts the session and answers its CONNECT and SUBSCRIBE (checked) with CONNACK and SUBACK.
void handshake(ScriptedBroker& broker, const SubscriberOptions& o) {
  broker.accept();
  const std::string connect = broker.read_packet();
  CHECK(connect[0] == '\x10');
  broker.send(std::string("\x20\x02\x00\x00", 4), 64);
  const std::string subscribe = broker.read_packet();
  CHECK(subscribe == wire::encode_subscribe(1, o.filters, 1));
  broker.send(std::string("\x90\x03\x00\x01\x01", 5), 64);
}

// A session on its own thread, stopped (its wake fd written) and joined by stop() or at the
// end of the scope.
class SessionThread {
 public:
  SessionThread(const SubscriberOptions& o, BatchHandler handler)
      : wake_(::eventfd(0, EFD_CLOEXEC)), handler_(std::move(handler)) {
    thread_ = std::thread([this, &o] {
      try {
        run_subscriber_session(
            o, wake_, handler_, [] {}, [] {});
      } catch (const std::exception& e) {
        error_ = e.what();
      }
    });
  }
  ~SessionThread() {
    stop();
    ::close(wake_);
  }
  // Asks the session to stop (it sends DISCONNECT) and waits for it to end.
  void stop() {
    if (!thread_.joinable()) return;
    const uint64_t one = 1;
    CHECK(::write(wake_, &one, sizeof one) == sizeof one);
    thread_.join();
  }
  // Waits for the session to end by itself; its error, empty if none.
  std::string join() {
    thread_.join();
    return error_;
  }
  const std::string& error() const { return error_; }

 private:
  int wake_;
  BatchHandler handler_;
  std::string error_;
  std::thread thread_;
};

struct Delivered {
  std::string topic, payload;
  size_t sent_size;
};

// Runs a session against the scripted broker: CONNACK, SUBACK, then `stream` sent `chunk`
// bytes at a time; returns what the handler got once `expect` messages arrived, and checks
// that the PUBACKs come back for ids 1..expect in order.
std::vector<Delivered> run_script(const std::string& stream, size_t chunk, size_t expect,
                                  size_t max_payload = 64 * 1024) {
  ScriptedBroker broker;
  SubscriberOptions o = options_for(broker, {"wmbusmeters/+"});
  o.max_payload_bytes = max_payload;
  std::vector<Delivered> got;
  std::atomic<size_t> count{0};
  SessionThread session(o, [&](std::span<const InboundMessage> batch) {
    for (const InboundMessage& m : batch)
      got.push_back({std::string(m.topic), std::string(m.payload), m.sent_size});
    count += batch.size();
  });
  handshake(broker, o);
  broker.send(stream, chunk);
  std::string acks;
  for (size_t i = 0; i < expect; ++i) acks += broker.read_packet();
  std::string want;
  for (size_t i = 1; i <= expect; ++i) wire::append_puback(want, static_cast<uint16_t>(i));
  CHECK(acks == want);
  CHECK(count == expect);
  session.stop();
  CHECK(broker.read_packet() == wire::disconnect_packet());
  CHECK(session.error().empty());
  return got;
}

}  // namespace

TEST_CASE(
    "subscriber session: packets split at every byte or run together arrive whole, in order") {
  std::string stream;
  for (uint16_t i = 1; i <= 40; ++i)
    stream += publish(fmt::format("wmbusmeters/{:08d}", i), std::string(i * 7, 'a' + i % 26), i);
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{200}, stream.size()}) {
    CAPTURE(chunk);
    const auto got = run_script(stream, chunk, 40);
    REQUIRE(got.size() == 40);
    for (size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].topic == fmt::format("wmbusmeters/{:08d}", i + 1));
      CHECK(got[i].payload == std::string((i + 1) * 7, static_cast<char>('a' + (i + 1) % 26)));
      CHECK(got[i].sent_size == 0);
    }
  }
}

TEST_CASE(
    "subscriber session: a payload over the limit is cut, its real size kept, the next arrives") {
  const std::string big(300000, 'x');
  const std::string stream = publish("wmbusmeters/1", "{}", 1) + publish("wmbusmeters/2", big, 2) +
                             publish("wmbusmeters/3", "{\"ok\":1}", 3);
  for (size_t chunk : {size_t{4096}, stream.size()}) {
    const auto got = run_script(stream, chunk, 3, 1000);
    REQUIRE(got.size() == 3);
    CHECK(got[0].payload == "{}");
    CHECK(got[1].topic == "wmbusmeters/2");
    CHECK(got[1].payload.size() == 1001);  // one byte over the limit: refused as too large
    CHECK(got[1].sent_size == big.size());
    CHECK(got[2].payload == "{\"ok\":1}");
  }
}

TEST_CASE(
    "subscriber session: a broker that breaks the protocol ends the session with the reason") {
  ScriptedBroker broker;
  const SubscriberOptions o = options_for(broker, {"a"});
  SessionThread session(o, [](std::span<const InboundMessage>) {});
  broker.accept();
  broker.read_packet();
  broker.send(std::string("\x30\x02\x00\x00", 4), 64);  // PUBLISH before CONNACK
  CHECK(session.join() == "PUBLISH before CONNACK");
}

TEST_CASE(
    "subscriber session: messages streaming in within batch_wait share a batch, and one after a "
    "quiet spell is delivered without waiting") {
  ScriptedBroker broker;
  SubscriberOptions o = options_for(broker, {"wmbusmeters/+"});
  o.batch_wait = std::chrono::milliseconds(1000);
  using Clock = std::chrono::steady_clock;
  std::mutex mu;
  std::vector<std::pair<size_t, Clock::time_point>> batches;  // size, when delivered
  SessionThread session(o, [&](std::span<const InboundMessage> batch) {
    std::lock_guard lock(mu);
    batches.emplace_back(batch.size(), Clock::now());
  });
  handshake(broker, o);
  auto delivered = [&](size_t n) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mu);
        if (batches.size() >= n) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  // The first message comes after nothing: read at once, alone.
  broker.send(publish("wmbusmeters/1", "{}", 1), 64);
  REQUIRE(delivered(1));
  CHECK(broker.read_packet() == [] {
    std::string a;
    wire::append_puback(a, 1);
    return a;
  }());
  // Three more, 20 ms apart, right after it: a stream, read together after the wait.
  for (uint16_t id = 2; id <= 4; ++id) {
    broker.send(publish(fmt::format("wmbusmeters/{}", id), "{}", id), 64);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(delivered(2));
  std::string acks;
  for (int i = 0; i < 3; ++i) acks += broker.read_packet();
  std::string want;
  for (uint16_t id = 2; id <= 4; ++id) wire::append_puback(want, id);
  CHECK(acks == want);
  // After a quiet spell longer than batch_wait, a message is read at once again.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto sent = Clock::now();
  broker.send(publish("wmbusmeters/5", "{}", 5), 64);
  REQUIRE(delivered(3));
  broker.read_packet();
  {
    std::lock_guard lock(mu);
    CHECK(batches.size() == 3);
    if (batches.size() == 3) {
      CHECK(batches[0].first == 1);
      CHECK(batches[1].first == 3);
      CHECK(batches[2].first == 1);
      CHECK(batches[2].second - sent < o.batch_wait);
    }
  }
  session.stop();
  CHECK(broker.read_packet() == wire::disconnect_packet());
  CHECK(session.error().empty());
}
