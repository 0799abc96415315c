#include "boxnet/network.h"

#include "boxnet/addr.h"
#include "boxnet/rollback.h"

namespace net {

LinkResult create_network(Socket& host, const NetworkConfig& config) {
  LinkResult bridge = ensure_bridge(host, config.bridge, config.mtu);
  Rollback rollback;
  if (bridge.acted) rollback.add([&] { delete_link(host, config.bridge); });
  add_address(host, bridge.ifindex, config.bridge, config.gateway, config.subnet.prefix);
  if (config.internal) set_ipv4_forwarding(host, bridge.ifindex, config.bridge, false);
  rollback.commit();
  return bridge;
}

bool delete_network(Socket& host, const std::string& bridge) {
  return delete_bridge(host, bridge);
}

}  // namespace net
