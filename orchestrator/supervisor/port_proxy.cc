#include "supervisor/port_proxy.h"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "engine/error.h"
#include "supervisor/supervisor.h"
#include "supervisor/tcp_relay.h"
#include "supervisor/udp_relay.h"

namespace supervisor {

using boxrt::UniqueFd;
using engine::Error;
using nlohmann::json;

// One container's published ports. A pidfd of its init closes them when it exits even
// if the exit is reaped elsewhere (or before the ports arrived).
struct PortProxy::Publication {
  std::string container;
  UniqueFd pidfd;
  std::vector<std::unique_ptr<TcpListener>> tcp;
  std::vector<std::unique_ptr<UdpListener>> udp;
};

PortProxy::PortProxy(Supervisor& loop) : loop_(loop) {}

PortProxy::~PortProxy() {
  while (!by_pid_.empty())
    container_exited(by_pid_.begin()->first);
}

PortProxy::Publication& PortProxy::publication_for(const std::string& container, pid_t pid) {
  if (auto it = by_pid_.find(pid); it != by_pid_.end()) return *it->second;  // a later part
  unpublish({{"container", container}});  // a former container of that name
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd && errno == ESRCH) throw Error("container " + container + " has exited");
  auto p = std::make_unique<Publication>();
  p->container = container;
  p->pidfd = std::move(pidfd);
  if (p->pidfd)  // without pidfd (old kernels) record_exit alone closes them
    loop_.watch_fd(p->pidfd.get(), EPOLLIN, [this, pid](uint32_t) { container_exited(pid); });
  return *(by_pid_[pid] = std::move(p));
}

json PortProxy::publish(engine::Message& msg) {
  const json& body = msg.body;
  const json& ports = body.at("ports");
  if (!ports.is_array() || ports.size() != msg.fds.size())
    throw Error("publish_ports: one socket per port is needed");
  std::string address = body.at("address").get<std::string>();
  Publication& p =
      publication_for(body.at("container").get<std::string>(), body.at("pid").get<pid_t>());
  for (std::size_t i = 0; i < ports.size(); ++i) {
    SocketAddress target = socket_address(address, ports[i].at("target").get<uint16_t>());
    if (ports[i].value("protocol", "tcp") == "udp")
      p.udp.push_back(std::make_unique<UdpListener>(loop_, std::move(msg.fds[i]), target));
    else
      p.tcp.push_back(std::make_unique<TcpListener>(loop_, std::move(msg.fds[i]), target));
  }
  return {{"ok", true}};
}

json PortProxy::unpublish(const json& body) {
  std::string container = body.at("container").get<std::string>();
  std::vector<pid_t> pids;
  for (const auto& [pid, p] : by_pid_)
    if (p->container == container) pids.push_back(pid);
  for (pid_t pid : pids)
    container_exited(pid);
  return {{"ok", true}};
}

void PortProxy::container_exited(pid_t pid) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) return;
  if (it->second->pidfd) loop_.unwatch_fd(it->second->pidfd.get());
  by_pid_.erase(it);
}

}  // namespace supervisor
