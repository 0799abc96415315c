// Published ports, as Docker publishes them: a service's `ports:` made into concrete host
// bindings, bound by the worker before anything else of the container is made (so a port
// in use fails the create cleanly), then handed to the supervisor, whose proxy forwards
// them to the container's address. `expose:` is only shown. Internal to engine/.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "boximg/image_config.h"
#include "boxrt/fd.h"
#include "compose/model.h"
#include "engine/context.h"
#include "engine/project_state.h"

namespace engine {

// One `ports:` entry made concrete: listen on every one of host_ips with the same host
// port, the first of [first, last] that is free on all of them; first == 0: a port the
// kernel picks.
struct PortRequest {
  std::vector<std::string> host_ips;  // "0.0.0.0", "::", "127.0.0.1"
  uint16_t first = 0;
  uint16_t last = 0;
  uint16_t target = 0;
  std::string protocol = "tcp";
};

// The bindings Docker makes for `ports` (no host_ip: 0.0.0.0, and [::] too when the host
// has IPv6). Throws Error naming the entry on an address or protocol it cannot bind.
std::vector<PortRequest> expand_ports(const std::vector<compose::PortConfig>& ports,
                                      bool host_has_ipv6);
// The exposed-only ports (`expose:` and the image's EXPOSE) not already published, as
// records with no host side, sorted: "80", "8000-8002/udp", "53/udp" entries.
std::vector<PortRecord> exposed_ports(const std::vector<std::string>& expose,
                                      const std::set<std::string>& image_exposed,
                                      const std::vector<PortRequest>& published);

// "8080/tcp on 0.0.0.0", "8000-8010/udp on ::1", "a random tcp port on 0.0.0.0".
std::string describe_port(const PortRequest& request, std::string_view host_ip);

// A listening (tcp) or bound (udp) socket of the host and what it forwards to.
struct PortListener {
  PortRecord port;
  boxrt::UniqueFd fd;
};

// True when this host can listen on IPv6 (::1 is there), as Docker checks.
bool host_has_ipv6();
// Binds every request; on a port in use throws Error "port 8080/tcp on 0.0.0.0 is already
// in use (by pid 1234 python3)", having closed whatever it bound.
std::vector<PortListener> bind_ports(const std::vector<PortRequest>& requests);
// Binds the recorded published ports again, on the same host ports (a restart).
std::vector<PortListener> rebind_ports(const std::vector<PortRecord>& recorded);

// A socket found on a port, by its inode in /proc/net/*.
struct PortHolder {
  pid_t pid = 0;
  std::string command;  // /proc/PID/comm
};
// The inodes of the sockets in a /proc/net/{tcp,tcp6,udp,udp6} text bound to `port`
// (listening ones only for tcp).
std::vector<uint64_t> socket_inodes_on_port(std::string_view proc_net, uint16_t port,
                                            bool listening_only);
// The process holding `port`/`protocol`, found by scanning /proc/*/fd; nullopt when it
// cannot be found (another network namespace, or no permission).
std::optional<PortHolder> find_port_holder(const std::string& protocol, uint16_t port);

// The worker's side, in the order launch takes the steps:
// The service's published ports bound on the host (none for network_mode host, warned
// as Docker does, nor none/service:/container:), recorded with the exposed ones in
// c.ports. Listeners a former container of the same name left in the supervisor are
// released first (a recreate).
std::vector<PortListener> bind_service_ports(Context& ctx, const compose::Service& service,
                                             const image::ImageConfig& image, ContainerRecord& c);
// The ports recorded in c bound again, on the same host ports (a restart).
std::vector<PortListener> rebind_container_ports(Context& ctx, const ContainerRecord& c);
// Hands the listeners to the supervisor ("publish"), whose proxy forwards them to the
// container's first address until its init (`pid`) exits.
void hand_ports_to_supervisor(Context& ctx, const ContainerRecord& c, pid_t pid,
                              std::vector<PortListener>& listeners);

}  // namespace engine
