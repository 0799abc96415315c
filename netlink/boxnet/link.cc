#include "boxnet/link.h"

#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/link/veth.h>

#include <cerrno>

#include "boxnet/batch.h"
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

// RTM_GETLINK by name, without the counters nobody here reads (older kernels ignore the
// filter and send them anyway).
NlMsgPtr get_link_request(const std::string& name) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  NlMsgPtr msg = alloc_msg(RTM_GETLINK, 0, &ifi, sizeof ifi);
  check_nl(nla_put_string(msg.get(), IFLA_IFNAME, name.c_str()), "look up link", name);
  check_nl(nla_put_u32(msg.get(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS), "look up link", name);
  return msg;
}

// ifindex and iflink (a veth's peer) from a message about link `name`; ifindex 0 if it is
// about another one. The kernel leaves IFLA_LINK out when it equals the ifindex, which for
// a veth means the peer (in its own namespace) got the same number.
LinkResult ends_of(nlmsghdr* reply, const std::string& name) {
  LinkResult ends;
  nlattr* tb[IFLA_MAX + 1] = {};
  if (reply->nlmsg_type != RTM_NEWLINK ||
      nlmsg_parse(reply, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0 || !tb[IFLA_IFNAME] ||
      name != nla_get_string(tb[IFLA_IFNAME])) {
    return ends;
  }
  ends.ifindex = static_cast<const ifinfomsg*>(nlmsg_data(reply))->ifi_index;
  ends.peer_ifindex = tb[IFLA_LINK] ? static_cast<int>(nla_get_u32(tb[IFLA_LINK])) : ends.ifindex;
  return ends;
}

std::optional<LinkResult> read_link(Socket& sock, const std::string& name) {
  Batch batch(sock);
  LinkResult ends;
  size_t get = batch.add(get_link_request(name), "look up link", name,
                         [&](nlmsghdr* reply) { ends = ends_of(reply, name); });
  batch.run();
  if (batch.errno_of(get) == ENODEV || (batch.errno_of(get) == 0 && ends.ifindex == 0)) {
    return std::nullopt;
  }
  batch.check(get);
  return ends;
}

// Sends a create request with NLM_F_ECHO: recent kernels (from about 6.3) answer with the
// new link, ifindexes included, so nothing is looked up afterwards. That matters beyond the
// round trip: RTM_GETLINK on a link with a pending carrier change first runs the change
// (synchronize_net() included) where it would otherwise happen in the background. Older
// kernels do not echo; then, and after EEXIST, the link is read by name. EEXIST may also
// mean that another name in the request (a veth peer's) is taken; only an existing link of
// this name means "already made".
LinkResult create_and_read(Socket& sock, NlMsgPtr create, const std::string& name,
                           const std::string& op, const std::string& object) {
  nlmsg_hdr(create.get())->nlmsg_flags |= NLM_F_ECHO;
  Batch batch(sock);
  LinkResult ends;
  size_t made = batch.add(std::move(create), op, object,
                          [&](nlmsghdr* reply) { ends = ends_of(reply, name); });
  batch.run();
  const int e = batch.errno_of(made);
  if (e != 0 && e != EEXIST) batch.check(made);
  if (e == 0 && ends.ifindex != 0) {
    ends.acted = true;
    return ends;
  }
  auto existing = read_link(sock, name);
  if (!existing && e == EEXIST) batch.check(made);
  if (!existing) throw Error(op, object, ENODEV, "gone right after creation");
  existing->acted = e == 0;
  return *existing;
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
    return {existing->ifindex, false, 0};
  }
  LinkPtr link = alloc_link();
  rtnl_link_set_name(link.get(), name.c_str());
  check_nl(rtnl_link_set_type(link.get(), "bridge"), "create bridge", name);
  rtnl_link_set_mtu(link.get(), mtu);
  rtnl_link_set_flags(link.get(), IFF_UP);
  nl_msg* raw = nullptr;
  check_nl(rtnl_link_build_add_request(link.get(), NLM_F_CREATE | NLM_F_EXCL, &raw),
           "create bridge", name);
  LinkResult made = create_and_read(sock, NlMsgPtr(raw), name, "create bridge", name);
  made.peer_ifindex = 0;  // ends_of() reads a link without IFLA_LINK as its own peer
  return made;
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

NlMsgPtr link_up_request(int ifindex) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = ifindex;
  ifi.ifi_flags = IFF_UP;
  ifi.ifi_change = IFF_UP;
  return alloc_msg(RTM_NEWLINK, 0, &ifi, sizeof ifi);
}

void set_link_up(Socket& sock, int ifindex, const std::string& name) {
  request_or_throw(sock, link_up_request(ifindex), "bring up", name);
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
  nl_msg* raw = nullptr;
  check_nl(rtnl_link_build_add_request(link.get(), NLM_F_CREATE | NLM_F_EXCL, &raw), "create veth",
           object);
  return create_and_read(sock, NlMsgPtr(raw), spec.host_name, "create veth", object);
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
