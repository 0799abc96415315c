#include "engine/networks.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "boximg/fs.h"
#include "boxnet/endpoint.h"
#include "boxnet/ipam.h"
#include "boxnet/kernel_names.h"
#include "boxnet/link.h"
#include "boxnet/netns.h"
#include "boxnet/network.h"
#include "boxnet/route.h"
#include "engine/error.h"

namespace engine {
namespace {

// The host-wide IPAM file, locked for the object's lifetime.
class IpamFile {
 public:
  explicit IpamFile(const Paths& paths)
      : paths_(paths),
        lock_((std::filesystem::create_directories(paths.state), paths.ipam_lock())) {
    std::error_code ec;
    if (std::filesystem::exists(paths.ipam_file(), ec))
      ipam_ = net::Ipam::from_json(nlohmann::json::parse(image::read_file(paths.ipam_file())));
  }
  net::Ipam& operator*() { return ipam_; }
  net::Ipam* operator->() { return &ipam_; }
  void save() {
    image::write_file_atomic(paths_.ipam_file(), ipam_.to_json().dump(1), paths_.state);
  }

 private:
  const Paths& paths_;
  FileLock lock_;
  net::Ipam ipam_;
};

net::NetworkRequest request_for(const compose::Network& network) {
  net::NetworkRequest req;
  req.name = network.name;
  if (!network.ipam_config.empty()) {
    const compose::IpamPool& pool = network.ipam_config.front();
    if (!pool.subnet.empty()) req.subnet = net::Subnet::parse(pool.subnet);
    if (!pool.gateway.empty()) req.gateway = net::Ipv4::parse(pool.gateway);
    if (!pool.ip_range.empty()) req.ip_range = net::Subnet::parse(pool.ip_range);
  }
  return req;
}

std::optional<int64_t> priority_of(const compose::Service& s, const std::string& name) {
  return s.networks.at(name).priority;
}

}  // namespace

std::vector<std::string> service_networks(const compose::Service& service) {
  if (!service.network_mode.empty() && service.network_mode != "bridge") return {};
  std::vector<std::string> names;
  for (const auto& [name, _] : service.networks)
    names.push_back(name);
  if (names.empty()) names.push_back("default");
  std::stable_sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    if (!service.networks.count(a) || !service.networks.count(b)) return false;
    return priority_of(service, a).value_or(0) > priority_of(service, b).value_or(0);
  });
  return names;
}

NetworkRecord ensure_network(const Paths& paths, net::Socket& host, const compose::Project& project,
                             const compose::Network& network) {
  NetworkRecord rec;
  rec.key = network.key;
  rec.name = network.name;
  rec.bridge = net::bridge_name(project.name, network.key);
  rec.internal = network.internal;
  rec.external = network.external;
  if (network.driver != "bridge" && !network.driver.empty())
    throw Error("network " + network.name + ": driver \"" + network.driver +
                "\" is not supported (only bridge)");
  IpamFile ipam(paths);
  if (network.external) {
    const net::NetworkLease* lease = ipam->find(network.name);
    if (!lease)
      throw Error("network " + network.name +
                  " declared as external, but could not be found (create it first with another "
                  "project)");
    rec.subnet = lease->subnet.str();
    rec.gateway = lease->gateway.str();
    rec.bridge = "";
    return rec;
  }
  const net::NetworkLease& lease = ipam->add_network(request_for(network), net::list_routes(host));
  rec.subnet = lease.subnet.str();
  rec.gateway = lease.gateway.str();
  ipam.save();
  net::NetworkConfig config;
  config.bridge = rec.bridge;
  config.subnet = lease.subnet;
  config.gateway = lease.gateway;
  config.internal = network.internal;
  if (auto it = network.driver_opts.find("com.docker.network.driver.mtu");
      it != network.driver_opts.end())
    config.mtu = static_cast<unsigned>(std::stoul(it->second));
  net::create_network(host, config);
  return rec;
}

void remove_network(const Paths& paths, net::Socket& host, const NetworkRecord& network) {
  if (network.external) return;
  if (!network.bridge.empty()) net::delete_network(host, network.bridge);
  IpamFile ipam(paths);
  if (ipam->remove_network(network.name)) ipam.save();
}

std::vector<EndpointRecord> allocate_endpoints(const Paths& paths, const compose::Service& service,
                                               const std::string& container,
                                               const std::map<std::string, NetworkRecord>& nets) {
  std::vector<EndpointRecord> out;
  IpamFile ipam(paths);
  int index = 0;
  for (const std::string& key : service_networks(service)) {
    const NetworkRecord& network = nets.at(key);
    EndpointRecord e;
    e.network = key;
    e.host_veth = net::host_veth_name(container, network.name);
    e.ifname = net::container_ifname(index++);
    std::optional<net::Ipv4> wanted;
    if (auto it = service.networks.find(key); it != service.networks.end()) {
      if (!it->second.ipv4_address.empty()) wanted = net::Ipv4::parse(it->second.ipv4_address);
      e.aliases = it->second.aliases;
    }
    if (service.boxcompose) {
      e.egress_bps = static_cast<uint64_t>(service.boxcompose->egress_bits_per_second.value_or(0));
      e.ingress_bps =
          static_cast<uint64_t>(service.boxcompose->ingress_bits_per_second.value_or(0));
    }
    e.address = ipam->allocate(network.name, container, wanted).str();
    out.push_back(std::move(e));
  }
  ipam.save();
  return out;
}

void release_endpoints(const Paths& paths, const std::string& container,
                       const std::vector<EndpointRecord>& endpoints,
                       const std::map<std::string, NetworkRecord>& nets) {
  if (endpoints.empty()) return;
  IpamFile ipam(paths);
  for (const auto& e : endpoints)
    if (auto it = nets.find(e.network); it != nets.end()) ipam->release(it->second.name, container);
  ipam.save();
}

namespace {

// attach found a host link of the endpoint's name already there. The namespace it was
// attaching to is new, so a veth of that name (52 bits of hash of the container and
// network) is the pair of this container's previous process (a stop/start or restart)
// that the kernel has not torn down yet: it would go with that namespace, asynchronously,
// and take the new container's network along. It goes now, and the pair is made again.
void replace_stale_pair(net::Socket& host, net::Socket& inside, const net::Netns& ns,
                        const net::EndpointConfig& config) {
  auto stale = net::find_link(host, config.host_veth);
  if (stale && stale->kind != "veth")
    throw Error("host link " + config.host_veth + " exists and is a " +
                (stale->kind.empty() ? std::string("device") : stale->kind) + ", not a veth");
  if (stale) net::detach(host, config.host_veth);
  if (!net::attach(host, inside, ns, config))
    throw Error("host veth " + config.host_veth + " is taken again as soon as it was removed");
}

}  // namespace

void attach_endpoints(net::Socket& host, pid_t pid, const std::string& container,
                      const std::vector<EndpointRecord>& endpoints,
                      const std::map<std::string, NetworkRecord>& nets) {
  if (endpoints.empty()) return;
  net::Netns ns = net::Netns::open_pid(pid);
  net::Socket inside = net::Socket::open_in(ns);
  for (const auto& e : endpoints) {
    const NetworkRecord& network = nets.at(e.network);
    net::Subnet subnet = net::Subnet::parse(network.subnet);
    net::EndpointConfig config;
    config.bridge = network.bridge;
    config.host_veth = e.host_veth;
    config.ifname = e.ifname;
    config.address = net::Ipv4::parse(e.address);
    config.prefix = subnet.prefix;
    // One default route: through the first network that leads anywhere.
    bool routed_before = std::any_of(endpoints.data(), &e, [&](const EndpointRecord& before) {
      return !nets.at(before.network).internal;
    });
    if (!network.internal && !routed_before) config.gateway = net::Ipv4::parse(network.gateway);
    config.mac = net::container_mac(container, network.name);
    config.bandwidth.egress_bps = e.egress_bps;
    config.bandwidth.ingress_bps = e.ingress_bps;
    if (!net::attach(host, inside, ns, config)) replace_stale_pair(host, inside, ns, config);
  }
}

void detach_endpoints(net::Socket& host, const std::vector<EndpointRecord>& endpoints) {
  for (const auto& e : endpoints)
    net::detach(host, e.host_veth);
}

}  // namespace engine
