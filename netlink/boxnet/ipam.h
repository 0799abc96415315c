// IP address management: a subnet per network, an address per container. Pure logic; the
// caller persists the state (to_json / from_json) so a restarted container keeps its
// address, and passes in the routes of the host so no subnet shadows one of them.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "boxnet/address.h"
#include "boxnet/route.h"

namespace net {

// compose `networks.<name>.ipam.config[0]` plus `internal`, already parsed.
struct NetworkRequest {
  std::string name;
  std::optional<Subnet> subnet;
  std::optional<Ipv4> gateway;
  std::optional<Subnet> ip_range;  // dynamic addresses come from here; static ones may not
};

struct NetworkLease {
  std::string name;
  Subnet subnet;
  Ipv4 gateway;
  std::optional<Subnet> ip_range;
  std::map<std::string, Ipv4> addresses;  // container -> address
};

class Ipam {
 public:
  // Project networks without a subnet get the first free /prefix of the pool.
  static constexpr const char* kDefaultPool = "10.89.0.0/16";
  explicit Ipam(Subnet pool = Subnet::parse(kDefaultPool), int prefix = 24);

  // Reserves a subnet for the network (idempotent by name). Refuses a subnet that overlaps
  // another network or one of host_routes (the default route excepted), naming it.
  const NetworkLease& add_network(const NetworkRequest& request,
                                  const std::vector<RouteInfo>& host_routes);
  bool remove_network(const std::string& name);
  const NetworkLease* find(const std::string& network) const;
  const std::map<std::string, NetworkLease>& networks() const { return networks_; }

  // The container's address on the network: the one it already has (so restarts keep
  // it), the static one asked for, or the lowest free one.
  Ipv4 allocate(const std::string& network, const std::string& container,
                std::optional<Ipv4> static_address = std::nullopt);
  bool release(const std::string& network, const std::string& container);

  nlohmann::json to_json() const;
  static Ipam from_json(const nlohmann::json& state);

 private:
  NetworkLease& lease(const std::string& network);
  Subnet pick_subnet(const std::string& name, const std::vector<RouteInfo>& routes) const;
  void check_free(const std::string& name, const Subnet& subnet,
                  const std::vector<RouteInfo>& routes) const;

  Subnet pool_;
  int prefix_;
  std::map<std::string, NetworkLease> networks_;
};

}  // namespace net
