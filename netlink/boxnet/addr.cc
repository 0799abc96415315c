#include "boxnet/addr.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>

#include "boxnet/batch.h"
#include "boxnet/error.h"

namespace net {

NlAddrPtr to_nl_addr(Ipv4 ip, int prefix) {
  uint32_t be = htonl(ip.value);
  NlAddrPtr addr(nl_addr_build(AF_INET, &be, sizeof be));
  if (!addr) throw Error("allocate", "address " + ip.str(), ENOMEM);
  nl_addr_set_prefixlen(addr.get(), prefix);
  return addr;
}

NlMsgPtr add_address_request(int ifindex, Ipv4 ip, int prefix) {
  const std::string object = ip.str() + "/" + std::to_string(prefix);
  AddrPtr addr = alloc_addr();
  rtnl_addr_set_ifindex(addr.get(), ifindex);
  rtnl_addr_set_family(addr.get(), AF_INET);
  NlAddrPtr local = to_nl_addr(ip, prefix);
  check_nl(rtnl_addr_set_local(addr.get(), local.get()), "add address", object);
  nl_msg* msg = nullptr;
  check_nl(rtnl_addr_build_add_request(addr.get(), NLM_F_EXCL, &msg), "add address", object);
  return NlMsgPtr(msg);
}

bool add_address(Socket& sock, int ifindex, const std::string& ifname, Ipv4 ip, int prefix) {
  const std::string object = ip.str() + "/" + std::to_string(prefix) + " on " + ifname;
  int e = request(sock, add_address_request(ifindex, ip, prefix), "add address", object);
  if (e == EEXIST) return false;
  if (e != 0) throw Error("add address", object, e);
  return true;
}

std::vector<AddressInfo> list_addresses(Socket& sock) {
  nl_cache* raw = nullptr;
  sock.check(rtnl_addr_alloc_cache(sock.get(), &raw), "list", "addresses");
  CachePtr cache(raw);
  std::vector<AddressInfo> out;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(o);
    nl_addr* local = rtnl_addr_get_local(addr);
    if (rtnl_addr_get_family(addr) != AF_INET || local == nullptr) continue;
    uint32_t be = 0;
    std::memcpy(&be, nl_addr_get_binary_addr(local), sizeof be);
    out.push_back({rtnl_addr_get_ifindex(addr), Ipv4{ntohl(be)}, rtnl_addr_get_prefixlen(addr)});
  }
  return out;
}

}  // namespace net
