// /etc/resolv.conf for a container: pure functions over plain structs.
#pragma once

#include <string>
#include <vector>

namespace net {

struct ResolvSpec {
  std::vector<std::string> dns;         // compose `dns`; empty: the host's resolvers
  std::vector<std::string> dns_search;  // compose `dns_search`; empty: the host's search
  std::vector<std::string> dns_opt;     // compose `dns_opt`; empty: the host's options
  std::string host_resolv_conf;         // contents of the host's resolv.conf
  // Used when the host has only loopback resolvers, as Docker does.
  std::vector<std::string> fallback = {"8.8.8.8", "8.8.4.4"};
};

// Loopback resolvers (127.0.0.0/8, ::1) of the host are dropped: inside the container's
// network namespace they would be the container itself.
std::string render_resolv_conf(const ResolvSpec& spec);

// The resolv.conf a container should copy: systemd-resolved's upstream list when the
// host's own file only points at the 127.0.0.53 stub.
std::string host_resolv_conf_path();

}  // namespace net
