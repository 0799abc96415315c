#include "boxnet/endpoint.h"

#include <cerrno>
#include <future>

#include "boxnet/addr.h"
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

int host_bridge(Socket& host, const std::string& bridge) {
  auto link = find_link(host, bridge);
  if (!link) throw Error("attach to bridge", bridge, ENODEV);
  return link->ifindex;
}

LinkResult make_pair(Socket& host, const Netns& container, const EndpointConfig& config) {
  VethSpec spec;
  spec.host_name = config.host_veth;
  spec.peer_name = config.ifname;
  spec.peer_ns = NetnsTarget::of(container);
  spec.mtu = config.mtu;
  spec.peer_mac = config.mac;
  spec.master = host_bridge(host, config.bridge);
  return create_veth(host, spec);
}

void configure_inside(Socket& inside, const EndpointConfig& config) {
  auto link = find_link(inside, config.ifname);
  if (!link) throw Error("configure", config.ifname + " in container", ENODEV);
  set_link_up(inside, link->ifindex, config.ifname);
  add_address(inside, link->ifindex, config.ifname, config.address, config.prefix);
  if (config.gateway) add_default_route(inside, *config.gateway, link->ifindex, config.ifname);
  set_link_up(inside, kLoopbackIfindex, "lo");
  if (config.bandwidth.egress_bps != 0) {
    set_rate_limit(inside, link->ifindex, config.ifname, config.bandwidth.egress_bps);
  }
}

void configure(Socket& host, Socket& container_sock, const LinkResult& pair,
               const EndpointConfig& config) {
  configure_inside(container_sock, config);
  if (config.bandwidth.ingress_bps != 0) {
    set_rate_limit(host, pair.ifindex, config.host_veth, config.bandwidth.ingress_bps);
  }
}

}  // namespace

bool attach(Socket& host, Socket& container_sock, const Netns& container,
            const EndpointConfig& config) {
  LinkResult pair = make_pair(host, container, config);
  if (!pair.acted) return false;
  Rollback rollback;  // deleting the host end takes the container end and its config along
  rollback.add([&] { delete_link(host, config.host_veth); });
  configure(host, container_sock, pair, config);
  rollback.commit();
  return true;
}

bool attach(Socket& host, const Netns& container, const EndpointConfig& config) {
  // Entering the namespace for a socket takes a thread; it runs while the pair is made.
  auto inside = std::async(std::launch::async, [&] { return Socket::open_in(container); });
  LinkResult pair = make_pair(host, container, config);
  if (!pair.acted) return false;
  Rollback rollback;
  rollback.add([&] { delete_link(host, config.host_veth); });
  Socket sock = inside.get();
  configure(host, sock, pair, config);
  rollback.commit();
  return true;
}

bool detach(Socket& host, const std::string& host_veth) {
  return delete_link(host, host_veth);
}

}  // namespace net
