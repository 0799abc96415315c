// The worker's side of published ports: bind them for a container, record them, and hand
// the sockets to the supervisor (supervisor_protocol.h's "publish" and "unpublish").
#include <algorithm>

#include "engine/error.h"
#include "engine/ports.h"

namespace engine {
namespace {

// Network modes whose container has no address of its own to forward to.
bool publishes_nothing(const compose::Service& service) {
  const std::string& mode = service.network_mode;
  return mode == "host" || mode == "none" || mode.rfind("service:", 0) == 0 ||
         mode.rfind("container:", 0) == 0;
}

// A former container of this name (recreated, restarted) may still have its listeners
// in the supervisor: its exit is seen there a moment after `stop` sees it.
void release_previous(Context& ctx, const std::string& container) {
  try {
    ctx.supervisor().request({{"op", "unpublish_ports"}, {"container", container}});
  } catch (const std::exception&) {
    // A supervisor that predates published ports has none to release.
  }
}

std::vector<PortRecord> records_of(const std::vector<PortListener>& listeners) {
  std::vector<PortRecord> out;
  for (const auto& l : listeners)
    out.push_back(l.port);
  return out;
}

nlohmann::json port_json(const PortRecord& p) {
  return {{"host_ip", p.host_ip},
          {"host_port", p.host_port},
          {"target", p.target},
          {"protocol", p.protocol}};
}

}  // namespace

std::vector<PortListener> bind_service_ports(Context& ctx, const compose::Service& service,
                                             const image::ImageConfig& image, ContainerRecord& c) {
  std::vector<PortRequest> requests;
  if (service.network_mode == "host" && !service.ports.empty())
    ctx.report().warning("service " + service.name +
                         ": published ports are discarded when using host network mode");
  if (!publishes_nothing(service)) requests = expand_ports(service.ports, host_has_ipv6());
  c.ports = exposed_ports(service.expose, image.exposed_ports, requests);
  if (requests.empty()) return {};
  release_previous(ctx, c.name);
  std::vector<PortListener> listeners = bind_ports(requests);
  std::vector<PortRecord> published = records_of(listeners);
  c.ports.insert(c.ports.begin(), published.begin(), published.end());
  return listeners;
}

std::vector<PortListener> rebind_container_ports(Context& ctx, const ContainerRecord& c) {
  bool any = std::any_of(c.ports.begin(), c.ports.end(),
                         [](const PortRecord& p) { return p.host_port != 0; });
  if (!any) return {};
  release_previous(ctx, c.name);
  try {
    return rebind_ports(c.ports);
  } catch (const Error& e) {
    throw e.with_context("service " + c.service);
  }
}

void hand_ports_to_supervisor(Context& ctx, const ContainerRecord& c, pid_t pid,
                              std::vector<PortListener>& listeners) {
  if (listeners.empty() || c.endpoints.empty()) return;
  // SCM_RIGHTS carries at most kMaxMessageFds: a long range goes in several messages.
  for (std::size_t begin = 0; begin < listeners.size(); begin += kMaxMessageFds) {
    std::size_t end = std::min(listeners.size(), begin + kMaxMessageFds);
    nlohmann::json ports = nlohmann::json::array();
    std::vector<int> fds;
    for (std::size_t i = begin; i < end; ++i) {
      ports.push_back(port_json(listeners[i].port));
      fds.push_back(listeners[i].fd.get());
    }
    ctx.supervisor().request({{"op", "publish_ports"},
                              {"container", c.name},
                              {"pid", pid},
                              {"address", c.endpoints.front().address},
                              {"ports", ports}},
                             fds);
  }
}

}  // namespace engine
