// A compose network on the host: a bridge holding the gateway address.
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
  // route, and the host does not forward what arrives on the bridge.
  bool internal = false;
};

// Bridge up with the gateway address; acted=false if the bridge was already there. A
// bridge made here is deleted again if a later step fails.
LinkResult create_network(Socket& host, const NetworkConfig& config);

// Deletes the bridge and any veth still on it; true if the bridge existed.
bool delete_network(Socket& host, const std::string& bridge);

}  // namespace net
