#include "boxnet/route.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netlink/route/nexthop.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "boxnet/addr.h"
#include "boxnet/error.h"
#include "boxnet/link.h"

namespace net {
namespace {

Ipv4 ipv4_of(nl_addr* addr) {
  uint32_t be = 0;
  if (nl_addr_get_len(addr) == sizeof be)
    std::memcpy(&be, nl_addr_get_binary_addr(addr), sizeof be);
  return Ipv4{ntohl(be)};
}

std::map<int, std::string> link_names(Socket& sock) {
  std::map<int, std::string> names;
  for (const LinkInfo& link : list_links(sock))
    names[link.ifindex] = link.name;
  return names;
}

RouteInfo info_of(rtnl_route* route, const std::map<int, std::string>& names) {
  RouteInfo info;
  nl_addr* dst = rtnl_route_get_dst(route);
  info.dst =
      Subnet{dst ? ipv4_of(dst) : Ipv4{}, dst ? static_cast<int>(nl_addr_get_prefixlen(dst)) : 0};
  if (rtnl_route_get_nnexthops(route) > 0) {
    rtnl_nexthop* nh = rtnl_route_nexthop_n(route, 0);
    if (nl_addr* gw = rtnl_route_nh_get_gateway(nh)) info.gateway = ipv4_of(gw);
    auto it = names.find(rtnl_route_nh_get_ifindex(nh));
    if (it != names.end()) info.dev = it->second;
  }
  return info;
}

}  // namespace

std::string RouteInfo::str() const {
  std::string s = dst.prefix == 0 ? "default" : dst.str();
  if (gateway) s += " via " + gateway->str();
  if (!dev.empty()) s += " dev " + dev;
  return s;
}

std::vector<RouteInfo> list_routes(Socket& sock) {
  nl_cache* raw = nullptr;
  sock.check(rtnl_route_alloc_cache(sock.get(), AF_INET, 0, &raw), "list", "routes");
  CachePtr cache(raw);
  auto names = link_names(sock);
  std::vector<RouteInfo> out;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    auto* route = reinterpret_cast<rtnl_route*>(o);
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN) continue;
    if (rtnl_route_get_type(route) != RTN_UNICAST) continue;
    out.push_back(info_of(route, names));
  }
  return out;
}

bool add_default_route(Socket& sock, Ipv4 gateway, int ifindex, const std::string& ifname) {
  const std::string object = "default via " + gateway.str() + " dev " + ifname;
  RoutePtr route = alloc_route();
  rtnl_route_set_family(route.get(), AF_INET);
  rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
  rtnl_route_set_protocol(route.get(), RTPROT_BOOT);
  rtnl_route_set_type(route.get(), RTN_UNICAST);
  NlAddrPtr dst = to_nl_addr(Ipv4{0}, 0);
  check_nl(rtnl_route_set_dst(route.get(), dst.get()), "add route", object);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  if (nh == nullptr) throw Error("add route", object, ENOMEM);
  NlAddrPtr gw = to_nl_addr(gateway);
  rtnl_route_nh_set_ifindex(nh, ifindex);
  rtnl_route_nh_set_gateway(nh, gw.get());
  rtnl_route_add_nexthop(route.get(), nh);  // the route owns nh from here on
  int err = rtnl_route_add(sock.get(), route.get(), NLM_F_EXCL);
  if (sock.errno_of(err) == EEXIST) return false;
  sock.check(err, "add route", object);
  return true;
}

}  // namespace net
