#include "boxnet/endpoint.h"

#include <cerrno>

#include "boxnet/addr.h"
#include "boxnet/batch.h"
#include "boxnet/error.h"
#include "boxnet/link.h"
#include "boxnet/netns.h"
#include "boxnet/qdisc.h"
#include "boxnet/rollback.h"
#include "boxnet/route.h"

namespace net {
namespace {

// The kernel registers loopback first in every namespace, so it is always ifindex 1.
constexpr int kLoopbackIfindex = 1;

int bridge_ifindex(Socket& host, const EndpointConfig& config) {
  if (config.bridge_ifindex != 0) return config.bridge_ifindex;
  auto link = find_link(host, config.bridge);
  if (!link) throw Error("attach to bridge", config.bridge, ENODEV);
  return link->ifindex;
}

LinkResult make_pair(Socket& host, const Netns& container, const EndpointConfig& config) {
  VethSpec spec;
  spec.host_name = config.host_veth;
  spec.peer_name = config.ifname;
  spec.peer_ns = NetnsTarget::of(container);
  spec.mtu = config.mtu;
  spec.peer_mac = config.mac;
  spec.master = bridge_ifindex(host, config);
  return create_veth(host, spec);
}

// Everything inside the container in one send. The kernel applies it in order, so the
// link is up before its address gets a prefix route, and that route is there before the
// default route through the gateway.
void configure_inside(Socket& inside, int ifindex, const EndpointConfig& config) {
  const std::string& name = config.ifname;
  Batch batch(inside);
  batch.add(link_up_request(ifindex), "bring up", name);
  size_t address =
      batch.add(add_address_request(ifindex, config.address, config.prefix), "add address",
                config.address.str() + "/" + std::to_string(config.prefix) + " on " + name);
  batch.allow(address, EEXIST);
  if (config.gateway) {
    size_t route = batch.add(default_route_request(*config.gateway, ifindex, name), "add route",
                             "default via " + config.gateway->str() + " dev " + name);
    batch.allow(route, EEXIST);  // a container on several networks keeps its first one
  }
  batch.add(link_up_request(kLoopbackIfindex), "bring up", "lo");
  if (config.bandwidth.egress_bps != 0) {
    batch.add(rate_limit_request(ifindex, name, config.bandwidth.egress_bps), "set rate limit",
              rate_limit_object(name, config.bandwidth.egress_bps));
  }
  batch.run();
  batch.check_all();
}

}  // namespace

bool attach(Socket& host, Socket& container_sock, const Netns& container,
            const EndpointConfig& config) {
  LinkResult pair = make_pair(host, container, config);
  if (!pair.acted) return false;
  Rollback rollback;  // deleting the host end takes the container end and its config along
  rollback.add([&] { delete_link(host, config.host_veth); });
  configure_inside(container_sock, pair.peer_ifindex, config);
  if (config.bandwidth.ingress_bps != 0) {
    set_rate_limit(host, pair.ifindex, config.host_veth, config.bandwidth.ingress_bps);
  }
  rollback.commit();
  return true;
}

bool attach(Socket& host, const Netns& container, const EndpointConfig& config) {
  Socket inside = Socket::open_in(container);
  return attach(host, inside, container, config);
}

bool detach(Socket& host, const std::string& host_veth) {
  return delete_link(host, host_veth);
}

}  // namespace net
