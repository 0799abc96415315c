// /etc/hosts for a container: pure functions over plain structs, no compose types.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace net {

// One container's attachment to one network, as its peers see it.
struct Endpoint {
  std::string ip;
  std::string container_name;        // e.g. "proj-web-1" or the compose container_name
  std::string service;               // empty for containers outside compose
  std::string hostname;              // empty if not set
  std::vector<std::string> aliases;  // network-scoped `aliases:`
};

struct NetworkPeers {
  std::string network;
  std::vector<Endpoint> endpoints;  // every container on it, the one we write for included
};

struct ExtraHost {
  std::string name;
  std::string ip;
};

// compose `extra_hosts` entries: "name:ip", "name=ip", IPv6 as "name:::1" or "name=[::1]".
// "host-gateway" is replaced by host_gateway when given.
ExtraHost parse_extra_host(const std::string& entry,
                           const std::optional<std::string>& host_gateway = std::nullopt);

struct HostsSpec {
  std::string container_name;          // which endpoint is this container
  std::string hostname;                // its hostname (defaults to container_name)
  std::vector<NetworkPeers> networks;  // only the networks this container is on
  std::vector<ExtraHost> extra_hosts;
};

// localhost lines, then this container's own addresses, then every peer reachable on
// its networks with service, container name, hostname and aliases, then extra_hosts.
// Throws Error(EINVAL) for a name with whitespace, which would corrupt the file.
std::string render_hosts(const HostsSpec& spec);

}  // namespace net
