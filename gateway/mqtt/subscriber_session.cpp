// subscriber_session.cpp: the socket, the read buffer, batching and acknowledging.
#include "gateway/mqtt/subscriber_session.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <stdexcept>

#include <fmt/format.h>

#include "gateway/mqtt/mqtt_wire.h"

namespace edgegw {
namespace {

using Clock = std::chrono::steady_clock;
namespace wire = mqtt_wire;

struct Socket {
  int fd = -1;
  Socket() = default;
  explicit Socket(int f) : fd(f) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  Socket(Socket&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  Socket& operator=(Socket&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

std::runtime_error sys_error(const std::string& what) {
  return std::runtime_error(fmt::format("{}: {}", what, std::strerror(errno)));
}

// Connects within `timeout` to the first address of host:port that answers; an invalid
// Socket when `wake_fd` became readable first (a stop).
Socket connect_tcp(const std::string& host, uint16_t port, std::chrono::milliseconds timeout,
                   int wake_fd) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    throw std::runtime_error(fmt::format("cannot resolve {}: {}", host, ::gai_strerror(rc)));
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Socket s(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (s.fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int rc = ::connect(s.fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p[2] = {{s.fd, POLLOUT, 0}, {wake_fd, POLLIN, 0}};
      rc = ::poll(p, 2, static_cast<int>(timeout.count()));
      if (rc > 0 && (p[1].revents & POLLIN) != 0) {
        ::freeaddrinfo(found);
        return Socket{};
      }
      if (rc == 0) {
        last_error = "connect timed out";
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      if (rc < 0 || ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      errno = err;
      rc = err == 0 ? 0 : -1;
    }
    if (rc != 0) {
      last_error = std::strerror(errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // PUBACKs go out at once
    ::freeaddrinfo(found);
    return s;
  }
  ::freeaddrinfo(found);
  throw std::runtime_error(fmt::format("cannot connect to {}:{}: {}", host, port, last_error));
}

// Writes all of `data`, waiting for room at most `timeout` in all.
void send_all(int fd, std::string_view data, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd, POLLOUT, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0)
        throw std::runtime_error("the broker takes no data (send timed out)");
      continue;
    }
    throw sys_error("send");
  }
}

// One connection's state: the read buffer holds [head_, tail_) unparsed; a batch's views point
// into it, so it is compacted or grown only between batches.
class Session {
 public:
  Session(const SubscriberOptions& o, int wake_fd, const BatchHandler& handler)
      : o_(o),
        wake_fd_(wake_fd),
        handler_(handler),
        // A PUBLISH body larger than this is cut: the topic (up to 65,535 bytes), its length,
        // the packet id and one byte more payload than the pipeline accepts.
        max_body_(o.max_payload_bytes + 65535 + 2 + 2 + 1),
        buf_(64 * 1024) {}

  void run(const std::function<void()>& on_connected, const std::function<void()>& on_subscribed) {
    sock_ = connect_tcp(o_.host, o_.port, o_.connect_timeout, wake_fd_);
    if (sock_.fd < 0) return;  // stopped while connecting
    send(wire::encode_connect(
        {o_.client_id, /*clean_session=*/false, o_.keepalive_s, o_.username,
         o_.password ? std::optional<std::string_view>(*o_.password) : std::nullopt}));
    reply_deadline_ = Clock::now() + o_.reply_timeout;
    on_connected_ = &on_connected;
    on_subscribed_ = &on_subscribed;
    while (true) {
      pollfd p[2] = {{sock_.fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      const int rc = ::poll(p, 2, 500);
      if (rc < 0 && errno != EINTR) throw sys_error("poll");
      // A stop, also one that comes while waiting for more of a stream.
      const bool readable = rc > 0 && p[0].revents != 0;
      if ((rc > 0 && (p[1].revents & POLLIN) != 0) ||
          (readable && streaming() && stopped_while_waiting())) {
        disconnect();
        return;
      }
      if (readable) read_and_deliver();
      keep_alive();
    }
  }

 private:
  // DISCONNECT before returning on a stop (best effort: stopping anyway).
  void disconnect() {
    try {
      send(wire::disconnect_packet());
    } catch (const std::exception&) {
    }
  }

  void send(std::string_view data) {
    send_all(sock_.fd, data, o_.reply_timeout);
    last_send_ = Clock::now();
  }

  // Whether the socket became readable within batch_wait of the last delivery.
  bool streaming() const {
    return o_.batch_wait.count() > 0 && Clock::now() - last_delivery_ < o_.batch_wait;
  }

  // Sleeps batch_wait, so that more of the stream arrives; true when a stop came first.
  bool stopped_while_waiting() const {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(o_.batch_wait);
    const timespec ts{static_cast<time_t>(s.count()),
                      static_cast<long>(std::chrono::nanoseconds(o_.batch_wait - s).count())};
    pollfd p{wake_fd_, POLLIN, 0};
    return ::ppoll(&p, 1, &ts, nullptr) > 0 && (p.revents & POLLIN) != 0;
  }

  void keep_alive() {
    const auto now = Clock::now();
    if (state_ != State::serving && now > reply_deadline_)
      throw std::runtime_error(fmt::format("no {} within {} ms",
                                           state_ == State::connecting ? "CONNACK" : "SUBACK",
                                           o_.reply_timeout.count()));
    const auto keepalive = std::chrono::seconds(o_.keepalive_s);
    if (ping_sent_ && now - *ping_sent_ > keepalive)
      throw std::runtime_error(fmt::format("no PINGRESP within {} s", o_.keepalive_s));
    if (!ping_sent_ && now - last_send_ >= keepalive / 2) {
      send(wire::pingreq_packet());
      ping_sent_ = now;
    }
  }

  // Reads what the socket holds, then parses and delivers every complete packet in it.
  void read_and_deliver() {
    if (head_ > 0 && (tail_ == buf_.size() || need_ > buf_.size() - head_)) {
      std::memmove(buf_.data(), buf_.data() + head_, tail_ - head_);
      tail_ -= head_;
      head_ = 0;
    }
    if (need_ > buf_.size()) buf_.resize(need_);
    const ssize_t n = ::recv(sock_.fd, buf_.data() + tail_, buf_.size() - tail_, MSG_DONTWAIT);
    if (n == 0) throw std::runtime_error("connection closed by the broker");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return;
      throw sys_error("recv");
    }
    tail_ += static_cast<size_t>(n);
    parse_and_deliver();
  }

  void parse_and_deliver() {
    need_ = 0;
    while (true) {
      if (skip_ > 0) {  // the rest of a cut PUBLISH
        const size_t n = std::min(skip_, tail_ - head_);
        head_ += n;
        skip_ -= n;
        if (skip_ > 0) break;
        cut_.push_back(std::move(*cutting_));  // kept until the batch is delivered
        cutting_.reset();
        take_publish(cut_.back().first_byte, cut_.back().body, cut_.back().full_body_size);
        continue;
      }
      const std::string_view data(buf_.data() + head_, tail_ - head_);
      const auto h = wire::parse_fixed_header(data);
      if (!h) {
        need_ = 5;
        break;
      }
      if (h->remaining_length > max_body_) {
        if (h->type() != wire::PacketType::publish)
          throw wire::MqttProtocolError(
              fmt::format("packet type {} of {} bytes", h->first_byte >> 4, h->remaining_length));
        if (data.size() < h->header_size + max_body_) {
          need_ = h->header_size + max_body_;
          break;
        }
        // Kept (copied, it is rare) and handed over once its last byte has been read past.
        cutting_ = CutPublish{h->first_byte, std::string(data.substr(h->header_size, max_body_)),
                              h->remaining_length};
        head_ += h->header_size + max_body_;
        skip_ = h->remaining_length - max_body_;
        continue;
      }
      const size_t total = h->header_size + h->remaining_length;
      if (data.size() < total) {
        need_ = total;
        break;
      }
      handle_packet(*h, data.substr(h->header_size, h->remaining_length));
      head_ += total;
      if (batch_.size() >= o_.max_batch) deliver();
    }
    deliver();
    if (head_ == tail_) head_ = tail_ = 0;
  }

  void handle_packet(const wire::FixedHeader& h, std::string_view body) {
    switch (h.type()) {
      case wire::PacketType::connack: {
        if (state_ != State::connecting) throw wire::MqttProtocolError("a second CONNACK");
        const wire::Connack c = wire::parse_connack(body);
        if (c.return_code != 0)
          throw std::runtime_error(fmt::format("the broker refused the connection: {}",
                                               wire::connack_refusal(c.return_code)));
        state_ = State::subscribing;
        (*on_connected_)();
        send(wire::encode_subscribe(kSubscribeId, o_.filters, 1));
        reply_deadline_ = Clock::now() + o_.reply_timeout;
        return;
      }
      case wire::PacketType::suback: {
        const wire::Suback s = wire::parse_suback(body);
        if (state_ != State::subscribing || s.packet_id != kSubscribeId)
          throw wire::MqttProtocolError("an unexpected SUBACK");
        for (size_t i = 0; i < s.granted.size() && i < o_.filters.size(); ++i)
          if (s.granted[i] > 2)
            throw std::runtime_error(
                fmt::format("the broker refused the subscription to '{}'", o_.filters[i]));
        if (s.granted.size() != o_.filters.size())
          throw wire::MqttProtocolError("SUBACK for another number of filters");
        state_ = State::serving;
        (*on_subscribed_)();
        return;
      }
      case wire::PacketType::publish:
        if (state_ == State::connecting) throw wire::MqttProtocolError("PUBLISH before CONNACK");
        take_publish(h.first_byte, body);
        return;
      case wire::PacketType::pingresp: ping_sent_.reset(); return;
      default:
        throw wire::MqttProtocolError(
            fmt::format("unexpected packet type {} for a subscriber", h.first_byte >> 4));
    }
  }

  void take_publish(uint8_t first_byte, std::string_view body, size_t full_body_size = 0) {
    const wire::Publish p = wire::parse_publish(first_byte, body);
    // Subscribed at QoS 1: a broker sends at most that. QoS 2 would need PUBREC/PUBREL.
    if (p.qos == 2) throw wire::MqttProtocolError("QoS 2 PUBLISH on a QoS 1 subscription");
    // A cut PUBLISH's payload as sent: what was kept plus what was read past.
    const size_t sent =
        full_body_size > body.size() ? p.payload.size() + full_body_size - body.size() : 0;
    batch_.push_back({p.topic, p.payload.substr(0, o_.max_payload_bytes + 1), sent});
    if (p.qos == 1) wire::append_puback(acks_, p.packet_id);
  }

  // The batch to the handler, then its PUBACKs in one write.
  void deliver() {
    if (!batch_.empty()) {
      handler_(batch_);
      last_delivery_ = Clock::now();
    }
    batch_.clear();
    if (!acks_.empty()) send(acks_);
    acks_.clear();
    cut_.clear();
  }

  static constexpr uint16_t kSubscribeId = 1;
  enum class State { connecting, subscribing, serving };
  struct CutPublish {
    uint8_t first_byte;
    std::string body;  // the first max_body_ bytes
    size_t full_body_size;
  };

  const SubscriberOptions& o_;
  const int wake_fd_;
  const BatchHandler& handler_;
  const size_t max_body_;
  const std::function<void()>* on_connected_ = nullptr;
  const std::function<void()>* on_subscribed_ = nullptr;
  Socket sock_;
  State state_ = State::connecting;
  Clock::time_point reply_deadline_;
  Clock::time_point last_send_ = Clock::now();
  Clock::time_point last_delivery_;  // when the last batch's handler returned
  std::optional<Clock::time_point> ping_sent_;
  std::vector<char> buf_;
  size_t head_ = 0, tail_ = 0;
  size_t need_ = 0;                    // bytes from head_ the next packet needs in the buffer
  size_t skip_ = 0;                    // bytes of a cut PUBLISH still to read past
  std::optional<CutPublish> cutting_;  // the cut PUBLISH being read past
  std::deque<CutPublish> cut_;         // cut PUBLISHes of the current batch (stable addresses)
  std::vector<InboundMessage> batch_;
  std::string acks_;
};

}  // namespace

std::optional<std::pair<std::string, uint16_t>> plain_tcp_endpoint(std::string_view url) {
  for (std::string_view scheme : {"tcp://", "mqtt://"}) {
    if (url.substr(0, scheme.size()) != scheme) continue;
    std::string_view rest = url.substr(scheme.size());
    if (const size_t slash = rest.find('/'); slash != std::string_view::npos)
      rest = rest.substr(0, slash);
    std::string_view host = rest;
    uint16_t port = 1883;
    if (const size_t colon = rest.rfind(':');
        colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
      host = rest.substr(0, colon);
      const std::string_view digits = rest.substr(colon + 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
      if (ec != std::errc() || end != digits.data() + digits.size() || port == 0)
        return std::nullopt;
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    if (host.empty()) return std::nullopt;
    return std::pair{std::string(host), port};
  }
  return std::nullopt;
}

void run_subscriber_session(const SubscriberOptions& options, int wake_fd,
                            const BatchHandler& handler, const std::function<void()>& on_connected,
                            const std::function<void()>& on_subscribed) {
  Session(options, wake_fd, handler).run(on_connected, on_subscribed);
}

}  // namespace edgegw
