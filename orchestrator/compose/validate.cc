// Cross-references between the parts of a project, checked after decoding.
#include <arpa/inet.h>

#include <set>

#include "compose/decoder.h"
#include "compose/loader_steps.h"

namespace compose {
namespace {

struct Cidr {
  uint32_t network = 0;
  uint32_t mask = 0;
  bool contains(uint32_t addr) const { return (addr & mask) == network; }
  bool contains(const Cidr& other) const { return other.mask >= mask && contains(other.network); }
};

std::optional<uint32_t> parse_ipv4(const std::string& text) {
  in_addr addr{};
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) return std::nullopt;
  return ntohl(addr.s_addr);
}

std::optional<Cidr> parse_cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto addr = parse_ipv4(text.substr(0, slash));
  std::string bits_text = text.substr(slash + 1);
  if (!addr || bits_text.empty() || bits_text.size() > 2 ||
      bits_text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int bits = std::stoi(bits_text);
  if (bits > 32) return std::nullopt;
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return Cidr{*addr & mask, mask};
}

class Validator {
 public:
  Validator(const Project& p, Diagnostics& diag) : project_(p), d_(diag) {}

  void run() {
    for (const auto& [key, net] : project_.networks)
      check_network(net);
    std::map<std::string, std::string> container_names;
    for (const auto& [name, s] : project_.services) {
      check_service(s);
      if (s.container_name.empty()) continue;
      auto [it, inserted] = container_names.emplace(s.container_name, name);
      if (!inserted)
        d_.error(s.where.mark, "services." + name + ".container_name",
                 "container name " + quote(s.container_name) + " is also used by service " +
                     quote(it->second));
    }
  }

 private:
  bool has_service(const std::string& name) const { return project_.services.count(name) > 0; }

  // "service:NAME" style references (network_mode, ipc, pid).
  void check_service_mode(const Service& s, const std::string& value, const char* key,
                          const Where& where) {
    if (!value.starts_with("service:")) return;
    std::string target = value.substr(8);
    if (!has_service(target))
      d_.error(where.mark, where.path.empty() ? "services." + s.name + "." + key : where.path,
               std::string(key) + " refers to undefined service " + quote(target));
  }

  void check_service(const Service& s) {
    const std::string base = "services." + s.name;
    for (const auto& [target, dep] : s.depends_on) {
      if (dep.required && !has_service(target))
        d_.error(dep.where.mark, dep.where.path,
                 "service " + quote(s.name) + " depends on undefined service " + quote(target));
    }
    for (const std::string& link : s.links) {
      std::string target = link.substr(0, link.find(':'));
      if (!has_service(target))
        d_.error(s.where.mark, base + ".links", "link to undefined service " + quote(target));
    }
    for (const std::string& from : s.volumes_from) {
      if (from.starts_with("container:")) continue;
      std::string target = from.substr(0, from.find(':'));
      if (!has_service(target))
        d_.error(s.where.mark, base + ".volumes_from",
                 "volumes_from refers to undefined service " + quote(target));
    }
    check_service_mode(s, s.network_mode, "network_mode", s.network_mode_where);
    check_service_mode(s, s.ipc, "ipc", {s.where.mark, ""});
    check_service_mode(s, s.pid, "pid", {s.where.mark, ""});
    if (!s.network_mode.empty() && !s.networks.empty())
      d_.error(s.network_mode_where.mark, s.network_mode_where.path,
               "network_mode and networks cannot be used together");
    check_networks(s);
    check_volumes(s);
    check_references(s.secrets, project_.secrets, "secret");
    check_references(s.configs, project_.configs, "config");
  }

  void check_networks(const Service& s) {
    for (const auto& [name, attachment] : s.networks) {
      auto it = project_.networks.find(name);
      if (it == project_.networks.end()) {
        d_.error(attachment.where.mark, attachment.where.path,
                 "service " + quote(s.name) + " refers to undefined network " + quote(name));
        continue;
      }
      if (attachment.ipv4_address.empty()) continue;
      check_static_address(it->second, attachment);
    }
  }

  void check_static_address(const Network& net, const ServiceNetwork& attachment) {
    auto addr = parse_ipv4(attachment.ipv4_address);
    bool in_a_subnet = false, has_subnet = false;
    for (const IpamPool& pool : net.ipam_config) {
      auto cidr = parse_cidr(pool.subnet);
      if (!cidr) continue;
      has_subnet = true;
      in_a_subnet = in_a_subnet || (addr && cidr->contains(*addr));
    }
    if (!has_subnet) {
      d_.error(attachment.where.mark, attachment.where.path,
               "ipv4_address needs a subnet in networks." + net.key + ".ipam.config");
    } else if (!in_a_subnet) {
      d_.error(attachment.where.mark, attachment.where.path,
               "ipv4_address " + attachment.ipv4_address + " is outside the subnets of network " +
                   quote(net.key));
    }
  }

  void check_volumes(const Service& s) {
    for (const VolumeMount& m : s.volumes) {
      if (m.type != "volume" || m.source.empty()) continue;
      if (!project_.volumes.count(m.source))
        d_.error(m.where.mark, m.where.path,
                 "service " + quote(s.name) + " refers to undefined volume " + quote(m.source));
    }
  }

  void check_references(const std::vector<FileReference>& refs,
                        const std::map<std::string, FileObject>& defined, const char* kind) {
    for (const FileReference& ref : refs) {
      if (!defined.count(ref.source))
        d_.error(ref.where.mark, ref.where.path,
                 std::string("undefined ") + kind + " " + quote(ref.source));
    }
  }

  void check_network(const Network& net) {
    const std::string base = "networks." + net.key + ".ipam.config";
    for (size_t i = 0; i < net.ipam_config.size(); ++i) {
      const IpamPool& pool = net.ipam_config[i];
      std::string path = index_path(base, i);
      auto subnet = parse_cidr(pool.subnet);
      if (!pool.subnet.empty() && !subnet) {
        d_.error(net.where.mark, path + ".subnet",
                 "invalid subnet " + quote(pool.subnet) + " (expected e.g. 172.28.0.0/16)");
        continue;
      }
      if (!pool.gateway.empty()) {
        auto gw = parse_ipv4(pool.gateway);
        if (!gw || (subnet && !subnet->contains(*gw)))
          d_.error(net.where.mark, path + ".gateway",
                   "gateway " + quote(pool.gateway) + " is not an address in " + pool.subnet);
      }
      if (!pool.ip_range.empty()) {
        auto range = parse_cidr(pool.ip_range);
        if (!range || (subnet && !subnet->contains(*range)))
          d_.error(net.where.mark, path + ".ip_range",
                   "ip_range " + quote(pool.ip_range) + " is not inside " + pool.subnet);
      }
    }
  }

  const Project& project_;
  Decoder d_;
};

}  // namespace

void validate_project(const Project& project, Diagnostics& diag) {
  Validator(project, diag).run();
}

}  // namespace compose
