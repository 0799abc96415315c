#include "boxnet/route.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netlink/route/nexthop.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "boxnet/addr.h"
#include "boxnet/batch.h"
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

std::string type_name(rtnl_route* route) {
  char buf[32];
  return nl_rtntype2str(rtnl_route_get_type(route), buf, sizeof buf);
}

RouteInfo info_of(rtnl_route* route, const std::map<int, std::string>& names) {
  RouteInfo info;
  info.type = type_name(route);
  info.table = rtnl_route_get_table(route);
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

template <class Keep>
std::vector<RouteInfo> routes_where(Socket& sock, Keep keep) {
  nl_cache* raw = nullptr;
  sock.check(rtnl_route_alloc_cache(sock.get(), AF_INET, 0, &raw), "list", "routes");
  CachePtr cache(raw);
  auto names = link_names(sock);
  std::vector<RouteInfo> out;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    auto* route = reinterpret_cast<rtnl_route*>(o);
    if (rtnl_route_get_family(route) == AF_INET && keep(route)) {
      out.push_back(info_of(route, names));
    }
  }
  return out;
}

RoutePtr ipv4_route(uint32_t table, uint8_t type, const Subnet& dst, const std::string& object) {
  RoutePtr route = alloc_route();
  rtnl_route_set_family(route.get(), AF_INET);
  rtnl_route_set_table(route.get(), table);
  rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
  rtnl_route_set_protocol(route.get(), RTPROT_BOOT);
  rtnl_route_set_type(route.get(), type);
  NlAddrPtr addr = to_nl_addr(dst.base, dst.prefix);
  check_nl(rtnl_route_set_dst(route.get(), addr.get()), "build route", object);
  return route;
}

std::string prohibit_object(const Subnet& dst, uint32_t table) {
  return "prohibit " + dst.str() + " table " + std::to_string(table);
}

}  // namespace

std::string RouteInfo::str() const {
  std::string s = type == "unicast" ? "" : type + " ";
  s += dst.prefix == 0 ? "default" : dst.str();
  if (gateway) s += " via " + gateway->str();
  if (!dev.empty()) s += " dev " + dev;
  return s;
}

std::vector<RouteInfo> list_routes(Socket& sock) {
  return routes_where(sock, [](rtnl_route* route) {
    return rtnl_route_get_table(route) == RT_TABLE_MAIN &&
           rtnl_route_get_type(route) == RTN_UNICAST;
  });
}

std::vector<RouteInfo> list_table_routes(Socket& sock, uint32_t table) {
  return routes_where(sock,
                      [table](rtnl_route* route) { return rtnl_route_get_table(route) == table; });
}

NlMsgPtr default_route_request(Ipv4 gateway, int ifindex, const std::string& ifname) {
  const std::string object = "default via " + gateway.str() + " dev " + ifname;
  RoutePtr route = ipv4_route(RT_TABLE_MAIN, RTN_UNICAST, Subnet{}, object);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  if (nh == nullptr) throw Error("add route", object, ENOMEM);
  NlAddrPtr gw = to_nl_addr(gateway);
  rtnl_route_nh_set_ifindex(nh, ifindex);
  rtnl_route_nh_set_gateway(nh, gw.get());
  rtnl_route_add_nexthop(route.get(), nh);  // the route owns nh from here on
  nl_msg* msg = nullptr;
  check_nl(rtnl_route_build_add_request(route.get(), NLM_F_EXCL, &msg), "add route", object);
  return NlMsgPtr(msg);
}

bool add_default_route(Socket& sock, Ipv4 gateway, int ifindex, const std::string& ifname) {
  const std::string object = "default via " + gateway.str() + " dev " + ifname;
  int e = request(sock, default_route_request(gateway, ifindex, ifname), "add route", object);
  if (e == EEXIST) return false;
  if (e != 0) throw Error("add route", object, e);
  return true;
}

bool add_prohibit_route(Socket& sock, const Subnet& dst, uint32_t table) {
  const std::string object = prohibit_object(dst, table);
  RoutePtr route = ipv4_route(table, RTN_PROHIBIT, dst, object);
  nl_msg* msg = nullptr;
  check_nl(rtnl_route_build_add_request(route.get(), NLM_F_EXCL, &msg), "add route", object);
  int e = request(sock, NlMsgPtr(msg), "add route", object);
  if (e == EEXIST) return false;
  if (e != 0) throw Error("add route", object, e);
  return true;
}

bool delete_prohibit_route(Socket& sock, const Subnet& dst, uint32_t table) {
  const std::string object = prohibit_object(dst, table);
  RoutePtr route = ipv4_route(table, RTN_PROHIBIT, dst, object);
  nl_msg* msg = nullptr;
  check_nl(rtnl_route_build_del_request(route.get(), 0, &msg), "delete route", object);
  int e = request(sock, NlMsgPtr(msg), "delete route", object);
  if (e == ESRCH || e == ENOENT) return false;
  if (e != 0) throw Error("delete route", object, e);
  return true;
}

}  // namespace net
