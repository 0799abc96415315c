// Stable kernel names and MAC addresses. Interface names are at most 15 bytes, too short
// for "<project>_<network>", so bridges and host-side veths are named by a hash that is
// the same on every run (std::hash is not), letting `down` find what `up` made.
#pragma once

#include <string>

#include "boxnet/address.h"

namespace net {

inline constexpr size_t kMaxIfName = 15;

// "bc" + 8 hex digits of a hash of project/network.
std::string bridge_name(const std::string& project, const std::string& network);
// "vc" + 8 hex digits of a hash of container/network.
std::string host_veth_name(const std::string& container, const std::string& network);
// The container side: eth0, eth1, ... in the order of its networks.
std::string container_ifname(int index);
// Locally administered unicast MAC (02:xx:...), stable for a container on a network, so
// neighbours' ARP caches stay right across restarts.
Mac container_mac(const std::string& container, const std::string& network);

}  // namespace net
