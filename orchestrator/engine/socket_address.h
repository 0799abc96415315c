// An IPv4 or IPv6 address and port as the socket calls take it: for binding published
// ports (the CLI) and for reaching the container behind them (the supervisor).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace engine {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Throws Error when `ip` is not an IPv4 or IPv6 address literal.
SocketAddress socket_address(const std::string& ip, uint16_t port);

}  // namespace engine
