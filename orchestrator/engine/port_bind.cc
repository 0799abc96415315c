// Binding published ports on the host: the worker does it before it makes anything else of
// a container, so a port in use is an error that leaves nothing behind, and the bound
// sockets are what the supervisor's proxy accepts on.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "engine/error.h"
#include "engine/ports.h"
#include "engine/socket_address.h"

namespace engine {
namespace {

using boxrt::UniqueFd;

// An IPv4 or IPv6 socket address for an address literal and a port.

void set_option(int fd, int level, int name, const std::string& what) {
  int on = 1;
  if (::setsockopt(fd, level, name, &on, sizeof on) != 0)
    throw Error::sys("setsockopt", what, errno);
}

// A bound (and, for tcp, listening) socket, or the errno of a port that is taken.
struct Attempt {
  UniqueFd fd;
  int in_use_errno = 0;
};

Attempt try_bind(const std::string& ip, uint16_t port, const std::string& protocol,
                 const std::string& what) {
  SocketAddress addr = socket_address(ip, port);
  bool tcp = protocol == "tcp";
  Attempt a;
  a.fd.reset(
      ::socket(addr.family(), (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!a.fd) throw Error::sys("socket", what, errno);
  // As Docker: the v6 socket of "every address" must leave IPv4 to the 0.0.0.0 one.
  if (addr.family() == AF_INET6) set_option(a.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, what);
  // Lets a restarted container take its port back while old connections sit in TIME_WAIT;
  // a listening socket on the port still makes bind or listen fail.
  if (tcp) set_option(a.fd.get(), SOL_SOCKET, SO_REUSEADDR, what);
  bool ok = ::bind(a.fd.get(), reinterpret_cast<sockaddr*>(&addr.storage), addr.length) == 0 &&
            (!tcp || ::listen(a.fd.get(), SOMAXCONN) == 0);
  if (ok) return a;
  if (errno != EADDRINUSE) throw Error::sys("bind", what, errno);
  a.fd.reset();
  a.in_use_errno = errno;
  return a;
}

uint16_t bound_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw Error::sys("getsockname", "published port", errno);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

Error in_use(const std::string& protocol, uint16_t port, const std::string& ip) {
  std::string text =
      "port " + std::to_string(port) + "/" + protocol + " on " + ip + " is already in use";
  if (auto holder = find_port_holder(protocol, port))
    return Error(text + " (by pid " + std::to_string(holder->pid) + " " + holder->command + ")",
                 EADDRINUSE);
  return Error(text + " (the process holding it could not be found)", EADDRINUSE);
}

// Binds `port` on every address of the request, or none: nullopt when one is taken (the
// address in `taken`).
std::optional<std::vector<PortListener>> bind_all(const PortRequest& r, uint16_t port,
                                                  std::string& taken) {
  std::vector<PortListener> out;
  for (const auto& ip : r.host_ips) {
    Attempt a = try_bind(ip, port, r.protocol, describe_port(r, ip));
    if (!a.fd) {
      taken = ip;
      return std::nullopt;
    }
    if (port == 0) port = bound_port(a.fd.get());  // the kernel's pick, for the others too
    out.push_back({{ip, port, r.target, r.protocol}, std::move(a.fd)});
  }
  return out;
}

// The kernel picks a free port on the first address; the others may have it taken, so a
// few picks are tried.
std::vector<PortListener> bind_random(const PortRequest& r) {
  std::string taken;
  for (int attempt = 0; attempt < 32; ++attempt)
    if (auto bound = bind_all(r, 0, taken)) return std::move(*bound);
  throw Error("no port is free on every address of " + describe_port(r, taken), EADDRINUSE);
}

std::vector<PortListener> bind_range(const PortRequest& r) {
  std::string taken;
  for (unsigned port = r.first; port <= r.last; ++port)
    if (auto bound = bind_all(r, static_cast<uint16_t>(port), taken)) return std::move(*bound);
  if (r.first == r.last) throw in_use(r.protocol, r.first, taken);
  throw Error("no port of " + describe_port(r, taken) + " is free", EADDRINUSE);
}

}  // namespace

bool host_has_ipv6() {
  UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return false;
  SocketAddress loopback = socket_address("::1", 0);
  return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&loopback.storage), loopback.length) == 0;
}

std::vector<PortListener> bind_ports(const std::vector<PortRequest>& requests) {
  std::vector<PortListener> out;
  for (const auto& r : requests) {
    auto bound = r.first == 0 ? bind_random(r) : bind_range(r);
    for (auto& l : bound)
      out.push_back(std::move(l));
  }
  return out;
}

std::vector<PortListener> rebind_ports(const std::vector<PortRecord>& recorded) {
  std::vector<PortRequest> requests;
  for (const auto& p : recorded)
    if (p.host_port != 0)
      requests.push_back({{p.host_ip}, p.host_port, p.host_port, p.target, p.protocol});
  return bind_ports(requests);
}

}  // namespace engine
