#include "boxnet/link.h"

#include <linux/ip.h>
#include <net/if.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/link/veth.h>

#include <cerrno>

#include "boxnet/error.h"
#include "boxnet/netns.h"

namespace net {
namespace {

bool is_missing(int nl_error) {
  int e = errno_from_nl(nl_error);
  return e == ENODEV || e == ENOENT;
}

LinkInfo info_of(rtnl_link* link) {
  LinkInfo info;
  info.ifindex = rtnl_link_get_ifindex(link);
  if (const char* name = rtnl_link_get_name(link)) info.name = name;
  if (const char* kind = rtnl_link_get_type(link)) info.kind = kind;
  info.master = rtnl_link_get_master(link);
  info.mtu = rtnl_link_get_mtu(link);
  info.up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
  return info;
}

LinkPtr link_by_index(int ifindex) {
  LinkPtr link = alloc_link();
  rtnl_link_set_ifindex(link.get(), ifindex);
  return link;
}

void change_link(Socket& sock, int ifindex, rtnl_link* changes, const std::string& op,
                 const std::string& name) {
  LinkPtr orig = link_by_index(ifindex);
  sock.check(rtnl_link_change(sock.get(), orig.get(), changes, 0), op, name);
}

NlAddrPtr mac_addr(const Mac& mac) {
  NlAddrPtr addr(nl_addr_build(AF_LLC, mac.data(), mac.size()));
  if (!addr) throw Error("allocate", "MAC address", ENOMEM);
  return addr;
}

void apply_ns(rtnl_link* link, const NetnsTarget& target) {
  if (target.fd >= 0) {
    rtnl_link_set_ns_fd(link, target.fd);
  } else {
    rtnl_link_set_ns_pid(link, target.pid);
  }
}

}  // namespace

std::optional<LinkInfo> find_link(Socket& sock, const std::string& name) {
  rtnl_link* raw = nullptr;
  int err = rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &raw);
  LinkPtr link(raw);
  if (err < 0 && is_missing(err)) return std::nullopt;
  sock.check(err, "look up link", name);
  return info_of(link.get());
}

std::vector<LinkInfo> list_links(Socket& sock) {
  nl_cache* raw = nullptr;
  sock.check(rtnl_link_alloc_cache(sock.get(), AF_UNSPEC, &raw), "list", "links");
  CachePtr cache(raw);
  std::vector<LinkInfo> links;
  for (nl_object* o = nl_cache_get_first(raw); o != nullptr; o = nl_cache_get_next(o)) {
    links.push_back(info_of(reinterpret_cast<rtnl_link*>(o)));
  }
  return links;
}

LinkResult ensure_bridge(Socket& sock, const std::string& name, unsigned mtu) {
  if (auto existing = find_link(sock, name)) {
    if (existing->kind != "bridge") {
      throw Error("create bridge", name, EEXIST, "a " + existing->kind + " link has that name");
    }
    if (!existing->up) set_link_up(sock, existing->ifindex, name);
    return {existing->ifindex, false};
  }
  LinkPtr link = alloc_link();
  rtnl_link_set_name(link.get(), name.c_str());
  check_nl(rtnl_link_set_type(link.get(), "bridge"), "create bridge", name);
  rtnl_link_set_mtu(link.get(), mtu);
  rtnl_link_set_flags(link.get(), IFF_UP);
  sock.check(rtnl_link_add(sock.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL), "create bridge",
             name);
  auto made = find_link(sock, name);
  if (!made) throw Error("create bridge", name, ENODEV, "gone right after creation");
  return {made->ifindex, true};
}

bool delete_link(Socket& sock, const std::string& name) {
  LinkPtr link = alloc_link();
  rtnl_link_set_name(link.get(), name.c_str());
  int err = rtnl_link_delete(sock.get(), link.get());
  if (err < 0 && is_missing(err)) return false;
  sock.check(err, "delete link", name);
  return true;
}

bool delete_bridge(Socket& sock, const std::string& name) {
  auto bridge = find_link(sock, name);
  if (!bridge) return false;
  // A bridge's ports survive the bridge; the veths on it are ours, so they go first.
  for (const LinkInfo& link : list_links(sock)) {
    if (link.master == bridge->ifindex) delete_link(sock, link.name);
  }
  return delete_link(sock, name);
}

void set_link_up(Socket& sock, int ifindex, const std::string& name) {
  LinkPtr changes = alloc_link();
  rtnl_link_set_flags(changes.get(), IFF_UP);
  change_link(sock, ifindex, changes.get(), "bring up", name);
}

void set_ipv4_forwarding(Socket& sock, int ifindex, const std::string& name, bool on) {
  LinkPtr changes = alloc_link();
  check_nl(rtnl_link_inet_set_conf(changes.get(), IPV4_DEVCONF_FORWARDING, on ? 1 : 0),
           "set forwarding", name);
  change_link(sock, ifindex, changes.get(), "set forwarding", name);
}

NetnsTarget NetnsTarget::of(const Netns& ns) {
  return NetnsTarget{ns.fd(), 0};
}

LinkResult create_veth(Socket& sock, const VethSpec& spec) {
  const std::string object = spec.host_name + " <-> " + spec.peer_name;
  LinkPtr link(rtnl_link_veth_alloc());
  if (!link) throw Error("create veth", object, ENOMEM);
  LinkPtr peer(rtnl_link_veth_get_peer(link.get()));
  rtnl_link_set_name(link.get(), spec.host_name.c_str());
  rtnl_link_set_name(peer.get(), spec.peer_name.c_str());
  for (rtnl_link* end : {link.get(), peer.get()}) {
    rtnl_link_set_mtu(end, spec.mtu);
    // The kernel's default is a queue per CPU, each with its sysfs objects, which costs
    // more than the rest of the pair. Without XDP a veth does not use extra queues.
    rtnl_link_set_num_tx_queues(end, 1);
    rtnl_link_set_num_rx_queues(end, 1);
  }
  NlAddrPtr mac;
  if (spec.peer_mac) {
    mac = mac_addr(*spec.peer_mac);
    rtnl_link_set_addr(peer.get(), mac.get());
  }
  if (spec.peer_ns) apply_ns(peer.get(), *spec.peer_ns);
  if (spec.master != 0) rtnl_link_set_master(link.get(), spec.master);
  // Only the host end: the kernel opens a new peer before the pair is joined, so asking
  // for it up here fails with ENOTCONN. Callers bring it up once it exists.
  if (spec.up) rtnl_link_set_flags(link.get(), IFF_UP);
  int err = rtnl_link_add(sock.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL);
  // EEXIST may also mean the peer's name is taken in the target namespace; only an
  // existing host end means "already made".
  if (sock.errno_of(err) == EEXIST) {
    if (auto existing = find_link(sock, spec.host_name)) return {existing->ifindex, false};
  }
  sock.check(err, "create veth", object);
  auto made = find_link(sock, spec.host_name);
  if (!made) throw Error("create veth", object, ENODEV, "gone right after creation");
  return {made->ifindex, true};
}

void move_link(Socket& sock, const std::string& name, NetnsTarget target,
               const std::string& new_name) {
  const std::string object = name + " -> " + new_name;
  auto link = find_link(sock, name);
  if (!link) throw Error("move link", object, ENODEV);
  LinkPtr changes = alloc_link();
  apply_ns(changes.get(), target);
  rtnl_link_set_name(changes.get(), new_name.c_str());
  change_link(sock, link->ifindex, changes.get(), "move link", object);
}

}  // namespace net
