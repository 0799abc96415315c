// The "nat" port driver (BOXCOMPOSE_PORT_DRIVER=nat): besides the supervisor's proxy,
// which keeps the host port bound (it reserves the port and keeps the port-in-use error),
// nftables DNAT rules send published IPv4 traffic straight to container_ip:target, so
// connections skip the proxy's second TCP connection, as Docker does with its userland
// proxy kept. One table per project (`table ip boxcompose_<project>`), rewritten whole from
// the project state whenever a container's ports come or go; its name is recorded in the
// state first, so `down` removes it even after a crash. IPv6 bindings ([::], ::1) stay
// proxy-only: the table is `ip`, and DNAT of ::1 has no route_localnet to lean on.
// Internal to engine/.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/project_state.h"

namespace engine {

enum class PortDriver { kProxy, kNat };

// The driver BOXCOMPOSE_PORT_DRIVER names: "proxy" (or unset, empty), "nat"; anything
// else is reported in `unknown` and taken as "proxy".
PortDriver port_driver_from(const char* value, std::string& unknown);

// One DNAT: host_ip:host_port/protocol -> address:target. host_ip "0.0.0.0": any local
// address of the host.
struct NatPort {
  std::string host_ip;
  uint16_t host_port = 0;
  std::string protocol = "tcp";
  std::string address;  // the container's first address
  uint16_t target = 0;
};

// What the project's table holds: its DNATs, and the bridges their containers are on
// (where 127.0.0.1-sourced traffic is masqueraded and route_localnet is set).
struct NatTable {
  std::string name;
  std::vector<std::string> bridges;
  std::vector<NatPort> ports;
};

// "boxcompose_<project>"; a character nft would not take in a name is made '_'.
std::string nat_table_name(const std::string& project);

// The table for the containers of `state` that `live` accepts (their ports are published
// now): their IPv4 published ports, to their first endpoint's address.
NatTable nat_table_of(const ProjectState& state,
                      const std::function<bool(const ContainerRecord&)>& live);

// An `nft -f` script that replaces the table atomically (made empty if missing, deleted
// and made again in one transaction). Throws Error on an address, protocol or bridge name
// that does not belong in a ruleset.
std::string render_nat_ruleset(const NatTable& table);
// An `nft -f` script that deletes the table, and succeeds when there is none.
std::string render_nat_removal(const std::string& table);

// The engine's side, called where ports are published and unpublished. Makes the
// project's table match its containers that are not stopped (driver nat), or removes it
// (driver proxy, or none left). On a host without nft or refusing the rules: one warning,
// and the proxy alone serves.
void sync_port_nat(Context& ctx);
// Deletes the project's table if one was recorded (`down`).
void remove_port_nat(Context& ctx);

}  // namespace engine
