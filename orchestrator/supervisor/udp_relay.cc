#include "supervisor/udp_relay.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "supervisor/supervisor.h"

namespace supervisor {
namespace {

using boxrt::UniqueFd;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxDatagram = 65535;
// Datagrams handled per wake-up, so one busy client cannot starve the others.
constexpr int kDatagramsPerEvent = 64;
// Client addresses relayed at once per port; datagrams from more are dropped (as UDP may).
constexpr std::size_t kMaxFlows = 1024;
constexpr std::chrono::seconds kSweepEvery{10};

// The address's bytes, up to its length: equal clients give equal keys.
std::string key_of(const SocketAddress& a) {
  return std::string(reinterpret_cast<const char*>(&a.storage), a.length);
}

}  // namespace

UdpListener::UdpListener(Supervisor& loop, UniqueFd sock, SocketAddress target)
    : loop_(loop),
      sock_(std::move(sock)),
      timer_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)),
      target_(target),
      buffer_(kMaxDatagram) {
  ::fcntl(sock_.get(), F_SETFL, ::fcntl(sock_.get(), F_GETFL) | O_NONBLOCK);
  loop_.watch_fd(sock_.get(), EPOLLIN, [this](uint32_t) { on_datagrams(); });
  if (timer_) loop_.watch_fd(timer_.get(), EPOLLIN, [this](uint32_t) { on_sweep(); });
}

UdpListener::~UdpListener() {
  for (auto& [key, flow] : flows_)
    loop_.unwatch_fd(flow->sock.get());
  if (timer_) loop_.unwatch_fd(timer_.get());
  loop_.unwatch_fd(sock_.get());
}

void UdpListener::on_datagrams() {
  std::vector<char>& buf = buffer_;
  for (int i = 0; i < kDatagramsPerEvent; ++i) {
    SocketAddress client;
    client.length = sizeof client.storage;
    ssize_t n = ::recvfrom(sock_.get(), buf.data(), buf.size(), MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&client.storage), &client.length);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // EAGAIN, or an error queued by ICMP: nothing to relay
    Flow* flow = flow_for(client);
    if (!flow) continue;
    flow->last_active = Clock::now();
    // A full socket buffer drops the datagram, as the network may.
    (void)::send(flow->sock.get(), buf.data(), static_cast<std::size_t>(n), MSG_DONTWAIT);
  }
}

UdpListener::Flow* UdpListener::flow_for(const SocketAddress& client) {
  std::string key = key_of(client);
  if (auto it = flows_.find(key); it != flows_.end()) return it->second.get();
  if (flows_.size() >= kMaxFlows) return nullptr;
  auto flow = std::make_unique<Flow>();
  flow->sock.reset(::socket(target_.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!flow->sock || ::connect(flow->sock.get(), target_.get(), target_.length) != 0) {
    std::perror("boxcompose-supervisor: port proxy: udp flow");
    return nullptr;
  }
  flow->client = client;
  Flow* raw = flow.get();
  flows_[key] = std::move(flow);
  loop_.watch_fd(raw->sock.get(), EPOLLIN, [this, key](uint32_t) { on_replies(key); });
  arm_sweep(true);
  return raw;
}

void UdpListener::on_replies(const std::string& key) {
  auto it = flows_.find(key);
  if (it == flows_.end()) return;
  Flow& flow = *it->second;
  std::vector<char>& buf = buffer_;
  for (int i = 0; i < kDatagramsPerEvent; ++i) {
    ssize_t n = ::recv(flow.sock.get(), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == ECONNREFUSED)) continue;  // nothing listens yet
    if (n < 0) return;
    flow.last_active = Clock::now();
    (void)::sendto(sock_.get(), buf.data(), static_cast<std::size_t>(n), MSG_DONTWAIT,
                   flow.client.get(), flow.client.length);
  }
}

void UdpListener::on_sweep() {
  uint64_t expirations;
  (void)!::read(timer_.get(), &expirations, sizeof expirations);
  auto now = Clock::now();
  std::vector<std::string> idle;
  for (const auto& [key, flow] : flows_)
    if (now - flow->last_active >= kUdpIdleTimeout) idle.push_back(key);
  for (const auto& key : idle)
    drop(key);
  if (flows_.empty()) arm_sweep(false);
}

// A periodic sweep while there are flows; none while there are not.
void UdpListener::arm_sweep(bool on) {
  if (!timer_ || on == sweeping_) return;
  itimerspec spec{};
  if (on) spec.it_value.tv_sec = spec.it_interval.tv_sec = kSweepEvery.count();
  if (::timerfd_settime(timer_.get(), 0, &spec, nullptr) == 0) sweeping_ = on;
}

void UdpListener::drop(const std::string& key) {
  auto it = flows_.find(key);
  if (it == flows_.end()) return;
  loop_.unwatch_fd(it->second->sock.get());
  flows_.erase(it);
}

}  // namespace supervisor
