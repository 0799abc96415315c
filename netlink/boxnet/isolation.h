// Keeping networks apart on a host that forwards packets (net.ipv4.ip_forward=1, as on any
// host that runs Docker). Without it a container reaches another network's containers
// through the two gateways. Done with policy routing rather than a firewall:
//
//   table kIsolationTable holds `prohibit <subnet>` for every network's subnet;
//   each network has `iif <bridge> lookup kIsolationTable` at kIsolationPriority, so what
//   arrives on a bridge for any network's subnet is refused (ICMP "administratively
//   prohibited": a connect fails at once) and everything else falls through to the usual
//   tables, egress included;
//   an internal network has `iif <bridge> prohibit` instead: nothing that arrives on its
//   bridge is routed anywhere, whatever ip_forward or the bridge's own forwarding says.
//
// Traffic between containers of one network is switched by the bridge, never routed, so it
// is untouched; so is what the host itself sends (iif lo), and delivery to the host's own
// addresses (the local table, priority 0, comes first), as with Docker. One rule and one
// route per network, in one table shared by every project on the host: networks of
// different projects are kept apart as well.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "boxnet/address.h"
#include "boxnet/handles.h"
#include "boxnet/rule.h"

namespace net {

class Rollback;

inline constexpr uint32_t kIsolationTable = 25187;  // "bc"
// Before any table a VPN or other tool may add that routes everything (wg-quick uses
// 32764-32765, Tailscale 5210-5270), so no such table can carry one network to another.
inline constexpr uint32_t kIsolationPriority = 1000;

// The rule a network's bridge gets: lookup in the isolation table, or for an internal
// network, prohibit.
Rule isolation_rule(const std::string& bridge, bool internal);

// Adds the network's rule and prohibit route, and drops a rule of the other kind left by
// an earlier version of the network (internal flag changed). What it adds goes into
// `undo`. Idempotent. Refuses a route of another type already in the table for the
// subnet: that is not ours, and it would let other networks in.
void isolate(Socket& host, const std::string& bridge, const Subnet& subnet, bool internal,
             Rollback& undo);

// Removes the bridge's rules of both kinds and the prohibit routes of these subnets;
// true if anything was there. Works whether or not the bridge still exists.
bool remove_isolation(Socket& host, const std::string& bridge, const std::vector<Subnet>& subnets);

}  // namespace net
