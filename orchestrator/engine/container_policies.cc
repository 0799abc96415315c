#include "engine/container_policies.h"

#include <spdlog/spdlog.h>

#include "engine/error.h"
#include "engine/health_resolve.h"
#include "engine/restart_policy.h"
#include "engine/supervisor_client.h"

namespace engine {

void set_container_policies(ContainerRecord& c, const compose::Service& service,
                            const image::ImageConfig& image) {
  c.healthcheck = resolve_healthcheck(service.healthcheck ? &*service.healthcheck : nullptr,
                                      image.healthcheck ? &*image.healthcheck : nullptr);
  const compose::RestartPolicy* deploy =
      service.deploy && service.deploy->restart_policy ? &*service.deploy->restart_policy : nullptr;
  try {
    c.restart_policy = parse_restart_policy(service.restart, deploy);
  } catch (const std::exception& e) {
    throw Error("service " + service.name + ": " + e.what());
  }
  c.restart_with.clear();
  for (const auto& [dependency, d] : service.depends_on)
    if (d.restart) c.restart_with.push_back(dependency);
}

void tell_supervisor_stopping(Context& ctx, const std::vector<std::string>& names) {
  if (names.empty()) return;
  std::optional<SupervisorClient> client = SupervisorClient::connect(ctx.paths(), ctx.state().name);
  if (!client) return;  // none runs: nothing would restart them
  try {
    client->request({{"op", "stopping"}, {"containers", names}});
  } catch (const std::exception& e) {
    // An older supervisor that does not know the request restarts nothing either.
    spdlog::debug("telling the supervisor about stopping containers: {}", e.what());
  }
}

}  // namespace engine
