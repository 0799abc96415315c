#include "boxnet/ipam.h"

#include <algorithm>
#include <cerrno>
#include <set>

#include "boxnet/error.h"

namespace net {
namespace {

// An address a container may not get: the network and broadcast addresses (for subnets
// that have them) and the gateway.
bool reserved(const NetworkLease& lease, Ipv4 ip) {
  if (ip == lease.gateway) return true;
  if (lease.subnet.prefix >= 31) return false;
  return ip == lease.subnet.base || ip == lease.subnet.broadcast();
}

std::set<Ipv4> used(const NetworkLease& lease) {
  std::set<Ipv4> in_use;
  for (const auto& [container, ip] : lease.addresses)
    in_use.insert(ip);
  return in_use;
}

std::optional<Ipv4> lowest_free(const NetworkLease& lease) {
  const Subnet& range = lease.ip_range ? *lease.ip_range : lease.subnet;
  const std::set<Ipv4> in_use = used(lease);
  for (uint64_t i = 0; i < range.size(); ++i) {
    Ipv4 ip{static_cast<uint32_t>(range.base.value + i)};
    if (!reserved(lease, ip) && !in_use.count(ip)) return ip;
  }
  return std::nullopt;
}

Ipv4 first_host(const Subnet& subnet) {
  return Ipv4{subnet.base.value + (subnet.prefix >= 31 ? 0 : 1)};
}

void check_inside(const NetworkRequest& request, const Subnet& subnet) {
  if (request.gateway && !subnet.contains(*request.gateway)) {
    throw Error("add network", request.name, EINVAL,
                "gateway " + request.gateway->str() + " is outside subnet " + subnet.str());
  }
  if (request.ip_range && !subnet.contains(*request.ip_range)) {
    throw Error("add network", request.name, EINVAL,
                "ip_range " + request.ip_range->str() + " is outside subnet " + subnet.str());
  }
}

}  // namespace

Ipam::Ipam(Subnet pool, int prefix) : pool_(pool), prefix_(prefix) {
  if (prefix < pool.prefix || prefix > 30) {
    throw Error("configure address pool", pool.str(), EINVAL,
                "cannot split it into /" + std::to_string(prefix) + " subnets");
  }
}

void Ipam::check_free(const std::string& name, const Subnet& subnet,
                      const std::vector<RouteInfo>& routes) const {
  for (const auto& [other, lease] : networks_) {
    if (other != name && lease.subnet.overlaps(subnet)) {
      throw Error("add network", name, EEXIST,
                  "subnet " + subnet.str() + " overlaps network " + other + " (" +
                      lease.subnet.str() + ")");
    }
  }
  for (const RouteInfo& route : routes) {
    // Every subnet overlaps a default route; only more specific routes are shadowed.
    if (route.dst.prefix != 0 && route.dst.overlaps(subnet)) {
      throw Error("add network", name, EEXIST,
                  "subnet " + subnet.str() + " overlaps host route " + route.str());
    }
  }
}

Subnet Ipam::pick_subnet(const std::string& name, const std::vector<RouteInfo>& routes) const {
  const uint64_t count = uint64_t{1} << (prefix_ - pool_.prefix);
  const uint64_t step = uint64_t{1} << (32 - prefix_);
  for (uint64_t i = 0; i < count; ++i) {
    Subnet candidate{Ipv4{static_cast<uint32_t>(pool_.base.value + i * step)}, prefix_};
    try {
      check_free(name, candidate, routes);
      return candidate;
    } catch (const Error&) {
      // Taken by a network or a route: try the next one.
    }
  }
  throw Error("add network", name, ENOSPC, "address pool " + pool_.str() + " is exhausted");
}

const NetworkLease& Ipam::add_network(const NetworkRequest& request,
                                      const std::vector<RouteInfo>& host_routes) {
  if (auto it = networks_.find(request.name); it != networks_.end()) return it->second;
  Subnet subnet;
  if (request.subnet) {
    subnet = *request.subnet;
    check_free(request.name, subnet, host_routes);
  } else {
    subnet = pick_subnet(request.name, host_routes);
  }
  check_inside(request, subnet);
  NetworkLease lease{
      request.name, subnet, request.gateway.value_or(first_host(subnet)), request.ip_range, {}};
  return networks_.emplace(request.name, std::move(lease)).first->second;
}

bool Ipam::remove_network(const std::string& name) {
  return networks_.erase(name) > 0;
}

const NetworkLease* Ipam::find(const std::string& network) const {
  auto it = networks_.find(network);
  return it == networks_.end() ? nullptr : &it->second;
}

NetworkLease& Ipam::lease(const std::string& network) {
  auto it = networks_.find(network);
  if (it == networks_.end()) throw Error("allocate address on", "network " + network, ENOENT);
  return it->second;
}

Ipv4 Ipam::allocate(const std::string& network, const std::string& container,
                    std::optional<Ipv4> static_address) {
  NetworkLease& net = lease(network);
  auto mine = net.addresses.find(container);
  if (mine != net.addresses.end() && (!static_address || *static_address == mine->second)) {
    return mine->second;
  }
  const std::string object = "for " + container + " on network " + network;
  if (!static_address) {
    auto ip = lowest_free(net);
    if (!ip)
      throw Error("allocate address", object, ENOSPC, "no free address in " + net.subnet.str());
    return net.addresses[container] = *ip;
  }
  const Ipv4 ip = *static_address;
  if (!net.subnet.contains(ip)) {
    throw Error("allocate address", object, EINVAL,
                ip.str() + " is outside subnet " + net.subnet.str());
  }
  if (reserved(net, ip)) {
    throw Error("allocate address", object, EINVAL,
                ip.str() + " is reserved in " + net.subnet.str());
  }
  for (const auto& [other, taken] : net.addresses) {
    if (taken == ip && other != container) {
      throw Error("allocate address", object, EADDRINUSE, ip.str() + " is in use by " + other);
    }
  }
  return net.addresses[container] = ip;
}

bool Ipam::release(const std::string& network, const std::string& container) {
  auto it = networks_.find(network);
  return it != networks_.end() && it->second.addresses.erase(container) > 0;
}

}  // namespace net
