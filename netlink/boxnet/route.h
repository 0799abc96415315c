// IPv4 routes: the default route of a container, prohibit routes that keep networks
// apart, and reading a namespace's routes so IPAM can refuse subnets that would shadow them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "boxnet/address.h"
#include "boxnet/handles.h"

namespace net {

struct RouteInfo {
  Subnet dst;
  std::optional<Ipv4> gateway;
  std::string dev;               // empty if the route has no device (e.g. blackhole)
  std::string type = "unicast";  // "prohibit", "blackhole", ... as `ip route` names them
  uint32_t table = 254;          // RT_TABLE_MAIN

  // "10.0.0.0/8 via 10.1.0.1 dev eth0" or "prohibit 10.2.0.0/16", as `ip route` prints it.
  std::string str() const;
};

// Unicast routes of the main table in the socket's namespace. Only reads.
std::vector<RouteInfo> list_routes(Socket& sock);
// Every IPv4 route of one table, whatever its type. Only reads.
std::vector<RouteInfo> list_table_routes(Socket& sock, uint32_t table);

// default via gateway dev ifname; false if a default route already existed.
bool add_default_route(Socket& sock, Ipv4 gateway, int ifindex, const std::string& ifname);
// The request add_default_route sends (EEXIST if there is one), for a Batch.
NlMsgPtr default_route_request(Ipv4 gateway, int ifindex, const std::string& ifname);

// `prohibit dst table N`: a lookup that lands on it fails, and a forwarded packet is
// answered with ICMP "administratively prohibited", so connections fail at once.
// false if the table already had a route for dst (of any type).
bool add_prohibit_route(Socket& sock, const Subnet& dst, uint32_t table);
// false if there was none.
bool delete_prohibit_route(Socket& sock, const Subnet& dst, uint32_t table);

}  // namespace net
