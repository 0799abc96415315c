// A container's attachment to a network: the veth pair, its address, its default route
// and its rate limits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "boxnet/address.h"
#include "boxnet/handles.h"

namespace net {

class Netns;

struct Bandwidth {
  uint64_t egress_bps = 0;   // what the container sends, bits/s; 0 = unlimited
  uint64_t ingress_bps = 0;  // what it receives
};

struct EndpointConfig {
  std::string bridge;     // the network's bridge, in the host socket's namespace
  std::string host_veth;  // see host_veth_name()
  std::string ifname = "eth0";
  Ipv4 address;
  int prefix = 24;
  std::optional<Ipv4> gateway;  // default route via it; none on internal networks
  unsigned mtu = 1500;
  std::optional<Mac> mac;
  Bandwidth bandwidth;
  // The bridge's ifindex if the caller has it (create_network returns it), to save a
  // look-up by name; 0: look it up. Only meaningful while that bridge exists.
  int bridge_ifindex = 0;
};

// Makes the veth pair with its container end in `container`, addresses it, routes, brings
// it and the container's loopback up, applies rate limits. All or nothing: on failure the
// pair is deleted again. false if host_veth already existed (nothing was changed).
// Two sends on the host socket and one in the container, whatever the options.
bool attach(Socket& host, const Netns& container, const EndpointConfig& config);

// The same with a socket already open in the container's namespace (it must be that
// namespace), so a container on several networks needs one.
bool attach(Socket& host, Socket& container_sock, const Netns& container,
            const EndpointConfig& config);

// Deletes the pair (the container end goes with it); false if it was already gone.
bool detach(Socket& host, const std::string& host_veth);

}  // namespace net
