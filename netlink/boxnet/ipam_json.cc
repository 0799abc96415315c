// The IPAM state as JSON, for the caller to store between runs.
#include <cerrno>

#include "boxnet/error.h"
#include "boxnet/ipam.h"

namespace net {
namespace {

nlohmann::json lease_json(const NetworkLease& lease) {
  nlohmann::json addresses = nlohmann::json::object();
  for (const auto& [container, ip] : lease.addresses)
    addresses[container] = ip.str();
  nlohmann::json j{
      {"subnet", lease.subnet.str()}, {"gateway", lease.gateway.str()}, {"addresses", addresses}};
  if (lease.ip_range) j["ip_range"] = lease.ip_range->str();
  return j;
}

NetworkLease lease_from(const std::string& name, const nlohmann::json& j) {
  NetworkLease lease{name,
                     Subnet::parse(j.at("subnet").get<std::string>()),
                     Ipv4::parse(j.at("gateway").get<std::string>()),
                     std::nullopt,
                     {}};
  if (j.contains("ip_range")) lease.ip_range = Subnet::parse(j["ip_range"].get<std::string>());
  for (const auto& [container, ip] : j.at("addresses").items()) {
    lease.addresses[container] = Ipv4::parse(ip.get<std::string>());
  }
  return lease;
}

}  // namespace

nlohmann::json Ipam::to_json() const {
  nlohmann::json networks = nlohmann::json::object();
  for (const auto& [name, lease] : networks_)
    networks[name] = lease_json(lease);
  return {{"pool", pool_.str()}, {"prefix", prefix_}, {"networks", networks}};
}

Ipam Ipam::from_json(const nlohmann::json& state) {
  try {
    Ipam ipam(Subnet::parse(state.at("pool").get<std::string>()), state.at("prefix").get<int>());
    for (const auto& [name, lease] : state.at("networks").items()) {
      ipam.networks_.emplace(name, lease_from(name, lease));
    }
    return ipam;
  } catch (const nlohmann::json::exception& e) {
    throw Error("read", "IPAM state", EINVAL, e.what());
  }
}

}  // namespace net
