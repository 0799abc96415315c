// What a restart policy or `depends_on.restart: true` restarts: `boxcompose __restart`
// (run by the supervisor when a container exits) and the services `restart` takes along.
#include <algorithm>
#include <filesystem>
#include <set>

#include "engine/container_ops.h"
#include "engine/engine.h"
#include "engine/error.h"

namespace engine {
namespace {

// The supervisor says no once the user stopped the container (after it decided to restart
// it, before this process got the project's lock).
// Never starts one: without a supervisor (the project went down) nothing restarts.
bool supervisor_allows(Context& ctx, const std::string& container) {
  std::optional<SupervisorClient> client = SupervisorClient::connect(ctx.paths(), ctx.state().name);
  if (!client) return false;
  nlohmann::json reply = client->request({{"op", "may_restart"}, {"container", container}});
  return reply.value("restart", false);
}

// Running containers that restart with `service`.
std::vector<std::string> dependents_restarting_with(Context& ctx, const std::string& service) {
  std::vector<std::string> names;
  for (const auto& [name, c] : ctx.state().containers)
    if (std::count(c.restart_with.begin(), c.restart_with.end(), service) &&
        container_state(ctx, name) == "running")
      names.push_back(name);
  return names;
}

}  // namespace

void restart_by_policy(const Paths& paths, const std::string& project_name,
                       const std::string& container, Reporter& report) {
  // `down` may have removed the project while this waited to run: then taking its lock
  // would make its directory again.
  if (!std::filesystem::exists(paths.project_file(project_name))) return;
  Context ctx(paths, project_name, report);
  auto it = ctx.state().containers.find(container);
  if (it == ctx.state().containers.end()) return;  // removed meanwhile
  if (!supervisor_allows(ctx, container)) return;
  if (container_state(ctx, container) != "exited") return;  // someone started it already
  ++it->second.restart_count;
  ctx.save();
  restart_container(ctx, container);
  std::vector<std::string> dependents = dependents_restarting_with(ctx, it->second.service);
  stop_containers(ctx, dependents, std::nullopt);
  for (const auto& name : dependents)
    restart_container(ctx, name);
  ctx.save();
}

std::vector<std::string> with_restart_dependents(const compose::Project& project,
                                                 const std::vector<std::string>& services) {
  std::set<std::string> all(services.begin(), services.end());
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [name, s] : project.services)
      for (const auto& [dependency, d] : s.depends_on)
        if (d.restart && all.count(dependency) && all.insert(name).second) grew = true;
  }
  return {all.begin(), all.end()};
}

}  // namespace engine
