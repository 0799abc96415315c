#include "engine/port_query.h"

#include <algorithm>

#include "engine/error.h"

namespace engine {
namespace {

bool is_running(const ContainerStatus& c) {
  return c.state == "running" || c.state == "paused";
}

const ContainerStatus& container_of(const std::vector<ContainerStatus>& containers,
                                    const PortQuery& query) {
  const ContainerStatus* found = nullptr;
  for (const auto& c : containers) {
    if (c.record.service != query.service) continue;
    bool wanted = query.index > 0 ? c.record.number == query.index
                                  : !found || c.record.number < found->record.number;
    if (wanted) found = &c;
  }
  if (found) return *found;
  if (query.index > 0)
    throw Error("service \"" + query.service + "\" has no container with index " +
                std::to_string(query.index));
  throw Error("no container found for service \"" + query.service + "\"");
}

std::string host_and_port(const PortRecord& p) {
  bool v6 = p.host_ip.find(':') != std::string::npos;
  return (v6 ? "[" + p.host_ip + "]" : p.host_ip) + ":" + std::to_string(p.host_port);
}

}  // namespace

std::string published_address(const std::vector<ContainerStatus>& containers,
                              const PortQuery& query) {
  const ContainerStatus& c = container_of(containers, query);
  std::string what = std::to_string(query.port) + "/" + query.protocol;
  if (!is_running(c)) throw Error("container " + c.record.name + " is not running");
  // IPv4 first, as Docker lists 0.0.0.0 before [::].
  const PortRecord* best = nullptr;
  for (const auto& p : c.record.ports) {
    if (p.host_port == 0 || p.target != query.port || p.protocol != query.protocol) continue;
    if (!best ||
        (best->host_ip.find(':') != std::string::npos && p.host_ip.find(':') == std::string::npos))
      best = &p;
  }
  if (!best)
    throw Error("no port " + what + " is published for service " + query.service + " (container " +
                c.record.name + ")");
  return host_and_port(*best);
}

std::vector<PortPublisher> publishers_of(const ContainerStatus& container) {
  std::vector<PortPublisher> out;
  if (!is_running(container)) return out;
  for (const auto& p : container.record.ports)
    out.push_back({p.host_ip, p.target, p.host_port, p.protocol});
  return out;
}

}  // namespace engine
