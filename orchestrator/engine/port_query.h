// What a project's containers publish, as `port` and `ps` show it: pure functions of the
// containers' status (engine.h's status()).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/output_ps.h"

namespace engine {

struct PortQuery {
  std::string service;
  uint16_t port = 0;  // the container's (private) port
  std::string protocol = "tcp";
  int index = 0;  // the replica number; 0: the service's first container
};

// `port`: where the host publishes query.port of the service's container, "0.0.0.0:49153"
// ("[::]:49153" for IPv6). Throws Error when the service has no such container, it is not
// running, or it does not publish that port.
std::string published_address(const std::vector<ContainerStatus>& containers,
                              const PortQuery& query);

// The PORTS of a container for `ps`: published and exposed ports while it runs (as
// Docker, a stopped container shows none).
std::vector<PortPublisher> publishers_of(const ContainerStatus& container);

}  // namespace engine
