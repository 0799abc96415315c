// A compose network on the host: a bridge holding the gateway address, kept apart from
// every other network (see isolation.h).
#pragma once

#include <string>

#include "boxnet/address.h"
#include "boxnet/handles.h"
#include "boxnet/link.h"

namespace net {

struct NetworkConfig {
  std::string bridge;  // kernel name, see bridge_name()
  Subnet subnet;
  Ipv4 gateway;
  unsigned mtu = 1500;
  // Internal networks reach nothing beyond themselves: their containers get no default
  // route, and nothing that arrives on the bridge is routed, even when the host forwards.
  bool internal = false;
};

// Bridge up with the gateway address, and its isolation rule and route; acted=false if the
// bridge was already there (whatever was missing is added). All or nothing: what a failed
// call made is removed again. The ifindex may be passed to attach() (bridge_ifindex).
LinkResult create_network(Socket& host, const NetworkConfig& config);

// Deletes the isolation rule and route, then the bridge and any veth still on it; true if
// any of them existed. The subnet is read from the bridge's addresses.
bool delete_network(Socket& host, const std::string& bridge);
// The same, also when the bridge is already gone.
bool delete_network(Socket& host, const NetworkConfig& config);

}  // namespace net
