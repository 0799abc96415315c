// Links: bridges and veth pairs. Create and delete are idempotent and say whether they
// acted, so `up` and `down` can both be repeated.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "boxnet/address.h"
#include "boxnet/handles.h"

namespace net {

class Netns;

struct LinkInfo {
  int ifindex = 0;
  std::string name;
  std::string kind;  // "bridge", "veth", ... empty for plain devices such as lo
  int master = 0;    // ifindex of the bridge this link is a port of, 0 if none
  unsigned mtu = 0;
  bool up = false;
};

struct LinkResult {
  int ifindex = 0;
  bool acted = false;    // false: it already existed (create) or was already gone (delete)
  int peer_ifindex = 0;  // veths: the other end's ifindex, in the namespace it is in
};

std::optional<LinkInfo> find_link(Socket& sock, const std::string& name);
std::vector<LinkInfo> list_links(Socket& sock);

// A bridge, up, with this MTU; an existing link of that name is reused if it is a bridge.
LinkResult ensure_bridge(Socket& sock, const std::string& name, unsigned mtu);

// Deletes a link by name; true if it existed. Deleting one end of a veth deletes both.
bool delete_link(Socket& sock, const std::string& name);

// Deletes every port of the bridge, then the bridge; true if the bridge existed.
bool delete_bridge(Socket& sock, const std::string& name);

void set_link_up(Socket& sock, int ifindex, const std::string& name);
// The request set_link_up sends, for a Batch.
NlMsgPtr link_up_request(int ifindex);

// IPv4 forwarding of packets that arrive on this link (net.ipv4.conf.<name>.forwarding).
void set_ipv4_forwarding(Socket& sock, int ifindex, const std::string& name, bool on);

// Where to move a link: a namespace fd, or the namespace of a pid.
struct NetnsTarget {
  int fd = -1;
  pid_t pid = 0;
  static NetnsTarget of(const Netns& ns);
  static NetnsTarget of_pid(pid_t pid) { return NetnsTarget{-1, pid}; }
};

struct VethSpec {
  std::string host_name;               // stays in the socket's namespace
  std::string peer_name;               // e.g. "eth0", its name inside the target namespace
  std::optional<NetnsTarget> peer_ns;  // none: the peer stays next to the host end
  unsigned mtu = 1500;
  std::optional<Mac> peer_mac;
  int master = 0;  // bridge ifindex for the host end, 0 for none
  bool up = true;  // the host end; the peer is always made down (see create_veth)
};

// One RTM_NEWLINK makes the pair, puts the peer into its namespace under its final name,
// attaches the host end to the bridge and brings it up: no stray "veth0" is ever visible
// in the host namespace. A RTM_GETLINK in the same send reads back both ends' ifindexes,
// so nothing has to be looked up afterwards. acted=false if host_name already existed.
LinkResult create_veth(Socket& sock, const VethSpec& spec);

// Moves a link into another namespace and renames it there in the same request.
void move_link(Socket& sock, const std::string& name, NetnsTarget target,
               const std::string& new_name);

}  // namespace net
