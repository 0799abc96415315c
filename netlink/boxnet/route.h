// IPv4 routes: the default route of a container, and reading a namespace's routes so IPAM
// can refuse subnets that would shadow them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "boxnet/address.h"
#include "boxnet/handles.h"

namespace net {

struct RouteInfo {
  Subnet dst;
  std::optional<Ipv4> gateway;
  std::string dev;  // empty if the route has no device (e.g. blackhole)

  // "10.0.0.0/8 via 10.1.0.1 dev eth0", as `ip route` prints it.
  std::string str() const;
};

// Unicast routes of the main table in the socket's namespace. Only reads.
std::vector<RouteInfo> list_routes(Socket& sock);

// default via gateway dev ifname; false if a default route already existed.
bool add_default_route(Socket& sock, Ipv4 gateway, int ifindex, const std::string& ifname);

}  // namespace net
