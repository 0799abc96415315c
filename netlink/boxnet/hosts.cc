#include "boxnet/hosts.h"

#include <algorithm>
#include <cerrno>

#include "boxnet/error.h"

namespace net {
namespace {

constexpr const char* kLocalhost =
    "127.0.0.1\tlocalhost\n"
    "::1\tlocalhost ip6-localhost ip6-loopback\n"
    "fe00::0\tip6-localnet\n"
    "ff00::0\tip6-mcastprefix\n"
    "ff02::1\tip6-allnodes\n"
    "ff02::2\tip6-allrouters\n";

void check_name(const std::string& name) {
  if (name.find_first_of(" \t\r\n#") != std::string::npos) {
    throw Error("write hosts entry", "'" + name + "'", EINVAL, "names cannot hold blanks or '#'");
  }
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
  if (name.empty() || std::find(names.begin(), names.end(), name) != names.end()) return;
  check_name(name);
  names.push_back(name);
}

std::string line(const std::string& ip, const std::vector<std::string>& names) {
  std::string out = ip + "\t";
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? " " : "") + names[i];
  return out + "\n";
}

std::vector<std::string> names_of(const Endpoint& e) {
  std::vector<std::string> names;
  add_unique(names, e.hostname);
  add_unique(names, e.container_name);
  add_unique(names, e.service);
  for (const auto& alias : e.aliases)
    add_unique(names, alias);
  return names;
}

std::string self_lines(const HostsSpec& spec) {
  std::string out;
  for (const NetworkPeers& net : spec.networks) {
    for (const Endpoint& e : net.endpoints) {
      if (e.container_name != spec.container_name) continue;
      std::vector<std::string> names;
      add_unique(names, spec.hostname.empty() ? e.container_name : spec.hostname);
      for (const auto& n : names_of(e))
        add_unique(names, n);
      out += line(e.ip, names);
    }
  }
  return out;
}

std::string peer_lines(const HostsSpec& spec) {
  std::string out;
  for (const NetworkPeers& net : spec.networks) {
    for (const Endpoint& e : net.endpoints) {
      if (e.container_name != spec.container_name) out += line(e.ip, names_of(e));
    }
  }
  return out;
}

}  // namespace

ExtraHost parse_extra_host(const std::string& entry,
                           const std::optional<std::string>& host_gateway) {
  // '=' is unambiguous; with ':' the name ends at the first colon (names have none).
  size_t sep = entry.find('=');
  if (sep == std::string::npos) sep = entry.find(':');
  if (sep == std::string::npos || sep == 0 || sep + 1 == entry.size()) {
    throw Error("parse extra_hosts entry", "'" + entry + "'", EINVAL, "expected name:ip");
  }
  ExtraHost host{entry.substr(0, sep), entry.substr(sep + 1)};
  if (host.ip.size() > 2 && host.ip.front() == '[' && host.ip.back() == ']') {
    host.ip = host.ip.substr(1, host.ip.size() - 2);
  }
  if (host.ip == "host-gateway" && host_gateway) host.ip = *host_gateway;
  check_name(host.name);
  return host;
}

std::string render_hosts(const HostsSpec& spec) {
  std::string out = kLocalhost;
  out += self_lines(spec);
  out += peer_lines(spec);
  for (const ExtraHost& extra : spec.extra_hosts) {
    check_name(extra.name);
    out += line(extra.ip, {extra.name});
  }
  return out;
}

}  // namespace net
