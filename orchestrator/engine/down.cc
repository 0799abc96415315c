// `down`, `stop`, `kill`, `rm`: what only signals and removes. They work from the project's
// state alone (the compose file, when there is one, only orders the stops), so they finish
// what an interrupted `up` began and need no supervisor.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "boxnet/kernel_names.h"
#include "engine/container_ops.h"
#include "engine/container_policies.h"
#include "engine/engine.h"
#include "engine/error.h"
#include "engine/networks.h"
#include "engine/port_nat.h"
#include "engine/storage.h"
#include "engine/supervisor_client.h"
#include "graph/dependency_graph.h"

namespace engine {
namespace {

namespace fs = std::filesystem;

bool selected(const std::vector<std::string>& services, const std::string& service) {
  return services.empty() || std::find(services.begin(), services.end(), service) != services.end();
}

// Containers in stop order: orphans first, then the file's stop levels (dependents before
// what they depend on); without a usable file, all at once.
std::vector<std::vector<std::string>> stop_order(Context& ctx, const compose::Project* project,
                                                 const std::vector<std::string>& services) {
  std::vector<std::vector<std::string>> levels;
  std::set<std::string> placed;
  std::vector<std::vector<std::string>> service_levels;
  if (project) {
    try {
      service_levels = graph::DependencyGraph::build(*project).stop_levels();
    } catch (const std::exception&) {
      service_levels.clear();
    }
  }
  std::vector<std::string> rest;
  for (const auto& level : service_levels) {
    std::vector<std::string> names;
    for (const auto& service : level)
      for (const ContainerRecord* c : ctx.state().containers_of(service))
        if (selected(services, service)) {
          names.push_back(c->name);
          placed.insert(c->name);
        }
    if (!names.empty()) levels.push_back(std::move(names));
  }
  for (const auto& [name, c] : ctx.state().containers)
    if (!placed.count(name) && selected(services, c.service)) rest.push_back(name);
  if (!rest.empty()) levels.insert(levels.begin(), rest);
  return levels;
}

void remove_named_volumes(Context& ctx, const compose::Project* project) {
  std::set<std::string> names;
  for (const auto& [name, v] : ctx.state().volumes)
    if (!v.external) names.insert(name);
  if (project)
    for (const auto& [key, v] : project->volumes)
      if (!v.external) names.insert(v.name);
  for (const auto& name : names) {
    if (!fs::exists(volume_dir(ctx.paths().root, name))) continue;
    ctx.report().event(progress_event(ResourceKind::Volume, name, "Removing", false));
    remove_volume(ctx.paths().root, name);
    ctx.report().event(progress_event(ResourceKind::Volume, name, "Removed", true));
  }
}

void remove_networks(Context& ctx) {
  for (auto it = ctx.state().networks.begin(); it != ctx.state().networks.end();) {
    const NetworkRecord& n = it->second;
    if (!n.external) {
      ctx.report().event(progress_event(ResourceKind::Network, n.name, "Removing", false));
      NetworkRecord rec = n;
      // A bridge recorded before it was named (killed mid-create) still has a stable name.
      if (rec.bridge.empty()) rec.bridge = net::bridge_name(ctx.state().name, rec.key);
      remove_network(ctx.paths(), ctx.host(), rec);
      ctx.report().event(progress_event(ResourceKind::Network, n.name, "Removed", true));
    }
    it = ctx.state().networks.erase(it);
    ctx.save();
  }
}

}  // namespace

void down(const Paths& paths, const std::string& project_name, const compose::Project* project,
          const DownOptions& opts, Reporter& report) {
  Context ctx(paths, project_name, report);
  FileLock creations_done(paths.create_lock(project_name));
  std::vector<std::string> orphans;
  for (const auto& [name, c] : ctx.state().containers)
    if (project && !project->find_service(c.service)) orphans.push_back(name);
  if (!orphans.empty() && !opts.remove_orphans)
    report.warning("Found orphan containers for this project; they are removed with the rest");
  for (const auto& level : stop_order(ctx, project, {})) {
    stop_containers(ctx, level, opts.timeout);
    for (const auto& name : level) {
      ctx.report().event(progress_event(ResourceKind::Container, name, "Removing", false));
      remove_container(ctx, name, opts.volumes);
      ctx.report().event(progress_event(ResourceKind::Container, name, "Removed", true));
    }
  }
  try {
    remove_port_nat(ctx);  // after a crash, the table may outlive every container
  } catch (const std::exception& e) {
    // The rest of the project must still go; the table is named so it can go by hand.
    report.warning(std::string(e.what()) + "; remove it with: nft delete table ip " +
                   ctx.state().nat_table);
  }
  remove_networks(ctx);
  if (opts.volumes) remove_named_volumes(ctx, project);
  stop_supervisor(paths, project_name);
  ctx.forget();
}

void stop(const Paths& paths, const std::string& project_name, const compose::Project* project,
          const StopOptions& opts, Reporter& report) {
  Context ctx(paths, project_name, report);
  for (const auto& level : stop_order(ctx, project, opts.services))
    stop_containers(ctx, level, opts.timeout);
}

void kill(const Paths& paths, const std::string& project_name,
          const std::vector<std::string>& services, int signal, Reporter& report) {
  Context ctx(paths, project_name, report);
  for (const auto& [name, c] : ctx.state().containers) {
    if (!selected(services, c.service) || container_state(ctx, name) != "running") continue;
    ctx.report().event(progress_event(ResourceKind::Container, name, "Killing", false));
    tell_supervisor_stopping(ctx, {name});  // killed by the user: no restart policy applies
    ctx.runtime().kill(name, signal, false);
    ctx.report().event(progress_event(ResourceKind::Container, name, "Killed", true));
  }
}

void remove_stopped(const Paths& paths, const std::string& project_name,
                    const std::vector<std::string>& services, bool volumes, Reporter& report) {
  Context ctx(paths, project_name, report);
  std::vector<std::string> names;
  for (const auto& [name, c] : ctx.state().containers)
    if (selected(services, c.service) && container_state(ctx, name) == "exited")
      names.push_back(name);
  for (const auto& name : names) {
    ctx.report().event(progress_event(ResourceKind::Container, name, "Removing", false));
    remove_container(ctx, name, volumes);
    ctx.report().event(progress_event(ResourceKind::Container, name, "Removed", true));
  }
}

}  // namespace engine
