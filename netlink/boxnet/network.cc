#include "boxnet/network.h"

#include "boxnet/addr.h"
#include "boxnet/isolation.h"
#include "boxnet/rollback.h"

namespace net {
namespace {

// The subnets of the bridge's IPv4 addresses: create_network gives it the gateway with
// the subnet's prefix.
std::vector<Subnet> subnets_on(Socket& host, const std::string& bridge) {
  std::vector<Subnet> out;
  auto link = find_link(host, bridge);
  if (!link) return out;
  for (const AddressInfo& a : list_addresses(host)) {
    if (a.ifindex != link->ifindex) continue;
    Subnet s{a.ip, a.prefix};
    s.base.value &= s.mask();
    out.push_back(s);
  }
  return out;
}

bool remove_network(Socket& host, const std::string& bridge, const std::vector<Subnet>& subnets) {
  // Isolation first: if this fails half-way, the bridge is still there to find it by.
  bool acted = remove_isolation(host, bridge, subnets);
  return delete_bridge(host, bridge) || acted;
}

}  // namespace

LinkResult create_network(Socket& host, const NetworkConfig& config) {
  LinkResult bridge = ensure_bridge(host, config.bridge, config.mtu);
  Rollback rollback;
  if (bridge.acted) rollback.add([&] { delete_link(host, config.bridge); });
  // Isolated before the address gives the subnet a route anyone could use.
  isolate(host, config.bridge, config.subnet, config.internal, rollback);
  add_address(host, bridge.ifindex, config.bridge, config.gateway, config.subnet.prefix);
  if (config.internal) set_ipv4_forwarding(host, bridge.ifindex, config.bridge, false);
  rollback.commit();
  return bridge;
}

bool delete_network(Socket& host, const std::string& bridge) {
  return remove_network(host, bridge, subnets_on(host, bridge));
}

bool delete_network(Socket& host, const NetworkConfig& config) {
  std::vector<Subnet> subnets = subnets_on(host, config.bridge);
  subnets.push_back(config.subnet);
  return remove_network(host, config.bridge, subnets);
}

}  // namespace net
