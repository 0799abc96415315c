// A project's networks on the host: subnets and addresses from the host-wide IPAM file
// (<state>/ipam.json, so projects never overlap), bridges and veths over netlink.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "boxnet/handles.h"
#include "compose/model.h"
#include "engine/paths.h"
#include "engine/project_state.h"

namespace engine {

// The networks a service is on, in attachment order (eth0 first): by priority, then name,
// as Docker Compose orders them. Empty for network_mode none/host/service:/container:.
std::vector<std::string> service_networks(const compose::Service& service);

// Reserves the network's subnet and brings its bridge up; external networks must already
// exist. Idempotent: a network already up is left alone.
NetworkRecord ensure_network(const Paths& paths, net::Socket& host, const compose::Project& project,
                             const compose::Network& network);
// Deletes the bridge (and what hangs on it) and frees the subnet; external ones are kept.
void remove_network(const Paths& paths, net::Socket& host, const NetworkRecord& network);

// Addresses for a container on each of its networks (the same on every restart).
std::vector<EndpointRecord> allocate_endpoints(const Paths& paths, const compose::Service& service,
                                               const std::string& container,
                                               const std::map<std::string, NetworkRecord>& nets);
// Gives the addresses back (when the container is removed).
void release_endpoints(const Paths& paths, const std::string& container,
                       const std::vector<EndpointRecord>& endpoints,
                       const std::map<std::string, NetworkRecord>& nets);

// Plugs the container (its init is `pid`) into each network: veth, address, routes.
void attach_endpoints(net::Socket& host, pid_t pid, const std::string& container,
                      const std::vector<EndpointRecord>& endpoints,
                      const std::map<std::string, NetworkRecord>& nets);
// Removes the host ends (the container ends go with them); gone already is fine.
void detach_endpoints(net::Socket& host, const std::vector<EndpointRecord>& endpoints);

}  // namespace engine
