// `up` and `start`: bring the project to what the file says, level by level of the
// dependency graph; keep what is unchanged, recreate what changed (config hash), warn of
// or remove orphans.
#include <algorithm>
#include <filesystem>
#include <set>

#include "boximg/error.h"
#include "boximg/store.h"
#include "engine/config_hash.h"
#include "engine/container_ops.h"
#include "engine/engine.h"
#include "engine/error.h"
#include "engine/networks.h"
#include "engine/readiness.h"
#include "engine/storage.h"
#include "engine/supervisor_client.h"
#include "graph/dependency_graph.h"

namespace engine {
namespace {

namespace fs = std::filesystem;

std::string container_name(const compose::Project& project, const compose::Service& s, int n) {
  if (!s.container_name.empty()) return s.container_name;
  return project.name + "-" + s.name + "-" + std::to_string(n);
}

std::vector<std::string> selected_services(const compose::Project& project,
                                           const graph::DependencyGraph& graph,
                                           const UpOptions& opts) {
  if (opts.services.empty()) return graph.services();
  for (const auto& name : opts.services)
    if (!project.find_service(name)) throw Error("no such service: " + name);
  if (opts.no_deps) {
    std::vector<std::string> names = opts.services;
    std::sort(names.begin(), names.end());
    return names;
  }
  return graph.with_dependencies(opts.services);
}

// Every image must be here before anything is made.
std::map<std::string, image::ResolvedImage> resolve_images(const Paths& paths,
                                                           const compose::Project& project,
                                                           const std::vector<std::string>& names) {
  image::Store store(paths.root);
  std::map<std::string, image::ResolvedImage> images;
  for (const auto& name : names) {
    const compose::Service& s = *project.find_service(name);
    if (s.image.empty())
      throw Error("service " + name + ": no image (building images is not supported yet)");
    try {
      images.emplace(name, store.require(s.image));
    } catch (const image::ImageNotFound& e) {
      throw Error("service " + name + ": " + e.what());
    }
  }
  return images;
}

void handle_orphans(Context& ctx, const compose::Project& project, bool remove) {
  std::vector<std::string> orphans;
  for (const auto& [name, c] : ctx.state().containers)
    if (!project.find_service(c.service)) orphans.push_back(name);
  if (orphans.empty()) return;
  if (!remove) {
    std::string list;
    for (const auto& o : orphans)
      list += (list.empty() ? "" : " ") + o;
    ctx.report().warning("Found orphan containers ([" + list + "]) for this project. If you " +
                         "removed or renamed this service in your compose file, you can run " +
                         "this command with the --remove-orphans flag to clean it up.");
    return;
  }
  stop_containers(ctx, orphans, std::nullopt);
  for (const auto& name : orphans) {
    ctx.report().event(progress_event(ResourceKind::Container, name, "Removing", false));
    remove_container(ctx, name, false);
    ctx.report().event(progress_event(ResourceKind::Container, name, "Removed", true));
  }
}

void ensure_networks(Context& ctx, const compose::Project& project,
                     const std::vector<std::string>& services) {
  std::set<std::string> keys;
  for (const auto& name : services)
    for (const auto& key : service_networks(*project.find_service(name)))
      keys.insert(key);
  for (const auto& key : keys) {
    auto it = project.networks.find(key);
    if (it == project.networks.end()) throw Error("network " + key + " is not declared");
    bool known = ctx.state().networks.count(key) > 0;
    if (!known) {
      ctx.report().event(progress_event(ResourceKind::Network, it->second.name, "Creating", false));
      // Recorded first: if we die while it is made, `down` knows its bridge to remove.
      NetworkRecord placeholder{
          key, it->second.name, "", "", "", it->second.internal, it->second.external};
      ctx.state().networks[key] = placeholder;
      ctx.save();
    }
    ctx.state().networks[key] = ensure_network(ctx.paths(), ctx.host(), project, it->second);
    ctx.save();
    if (!known)
      ctx.report().event(progress_event(ResourceKind::Network, it->second.name, "Created", true));
  }
}

void note_volumes(Context& ctx, const compose::Project& project,
                  const std::vector<std::string>& services) {
  for (const auto& name : services)
    for (const auto& m : project.find_service(name)->volumes) {
      if (m.type != "volume" || m.source.empty()) continue;
      auto it = project.volumes.find(m.source);
      if (it == project.volumes.end() || ctx.state().volumes.count(it->second.name)) continue;
      const compose::Volume& v = it->second;
      bool exists = fs::exists(volume_dir(ctx.paths().root, v.name));
      ctx.state().volumes[v.name] = VolumeUse{v.name, false, v.external};
      // The first container that mounts it makes it (and fills it from its image).
      if (!exists && !v.external)
        ctx.report().event(progress_event(ResourceKind::Volume, v.name, "Created", true));
    }
  ctx.save();
}

struct ServiceStep {
  const compose::Project& project;
  const compose::Service& service;
  const image::ResolvedImage& image;
  const UpOptions& opts;
};

// One replica: keep, start or recreate it; a new one is added to `to_create` (made with
// the rest of its level, in parallel).
void converge(Context& ctx, const ServiceStep& step, int number,
              std::vector<CreateRequest>& to_create) {
  std::string name = container_name(step.project, step.service, number);
  std::string hash = config_hash(step.service, step.image.id);
  CreateRequest req{&step.project, &step.service, &step.image,        name,
                    number,        hash,          !step.opts.no_start};
  auto it = ctx.state().containers.find(name);
  if (it == ctx.state().containers.end()) return to_create.push_back(req);
  bool changed = it->second.config_hash != hash;
  if (step.opts.force_recreate || (changed && !step.opts.no_recreate)) {
    ctx.report().event(progress_event(ResourceKind::Container, name, "Recreate", false));
    stop_containers(ctx, {name}, std::nullopt);
    remove_container(ctx, name, false);
    return create_container(ctx, req);
  }
  std::string state = container_state(ctx, name);
  if (state == "running" || state == "paused") {
    ctx.report().event(progress_event(ResourceKind::Container, name, "Running", true));
  } else if (!step.opts.no_start) {
    if (state == "created")
      start_created(ctx, name);
    else
      restart_container(ctx, name);
  }
}

// Replicas above the wanted count go (scale down).
void scale_down(Context& ctx, const compose::Service& service) {
  std::vector<std::string> extra;
  for (const ContainerRecord* c : ctx.state().containers_of(service.name))
    if (c->number > service.replicas()) extra.push_back(c->name);
  if (extra.empty()) return;
  stop_containers(ctx, extra, std::nullopt);
  for (const auto& name : extra) {
    ctx.report().event(progress_event(ResourceKind::Container, name, "Removing", false));
    remove_container(ctx, name, false);
    ctx.report().event(progress_event(ResourceKind::Container, name, "Removed", true));
  }
}

// Before a level starts: its services' depends_on conditions, from the supervisor's
// events (the subscription is made on first need and kept for the next levels).
void wait_for_dependencies(Context& ctx, const compose::Project& project,
                           const std::vector<std::string>& services,
                           std::optional<ReadinessWaiter>& waiter) {
  std::vector<ReadinessTarget> targets = dependency_targets(ctx, project, services);
  if (targets.empty()) return;
  if (!waiter) waiter.emplace(ctx.paths(), project.name);
  // Not under the lock: a dependency that exits is restarted by its policy (which takes
  // the lock) while we wait for it to turn healthy.
  ctx.unlocked([&] { waiter->wait(targets, ctx.report(), std::nullopt); });
}

// Makes or starts what the file asks for; returns what --wait then waits for.
std::vector<ReadinessTarget> converge_project(const Paths& paths, const compose::Project& project,
                                              const UpOptions& opts, Reporter& report) {
  graph::DependencyGraph graph = graph::DependencyGraph::build(project);
  std::vector<std::vector<std::string>> levels = graph.start_levels();
  std::vector<std::string> selected = selected_services(project, graph, opts);
  std::map<std::string, image::ResolvedImage> images = resolve_images(paths, project, selected);

  Context ctx(paths, project.name, report);
  ctx.state().working_dir = project.working_dir;
  ctx.state().files = project.files;
  handle_orphans(ctx, project, opts.remove_orphans);
  ensure_networks(ctx, project, selected);
  note_volumes(ctx, project, selected);
  std::set<std::string> wanted(selected.begin(), selected.end());
  std::optional<ReadinessWaiter> waiter;
  for (const auto& level : levels) {
    std::vector<std::string> starting;
    for (const auto& name : level)
      if (wanted.count(name)) starting.push_back(name);
    if (!opts.no_start && !opts.no_deps) wait_for_dependencies(ctx, project, starting, waiter);
    std::vector<CreateRequest> to_create;
    for (const auto& name : level) {
      if (!wanted.count(name)) continue;
      const compose::Service& service = *project.find_service(name);
      ServiceStep step{project, service, images.at(name), opts};
      scale_down(ctx, service);
      for (int n = 1; n <= service.replicas(); ++n)
        converge(ctx, step, n, to_create);
    }
    create_containers(ctx, to_create, opts.parallel);
  }
  write_hosts_files(ctx, project);
  ctx.save();
  return opts.wait ? wait_targets(ctx, selected) : std::vector<ReadinessTarget>{};
}

}  // namespace

void up(const Paths& paths, const compose::Project& project, const UpOptions& opts,
        Reporter& report) {
  std::vector<ReadinessTarget> targets = converge_project(paths, project, opts, report);
  if (!opts.wait) return;
  // Without the project's lock: `ps`, and restarts by policy, go on meanwhile.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (opts.wait_timeout) deadline = std::chrono::steady_clock::now() + *opts.wait_timeout;
  ReadinessWaiter(paths, project.name).wait(targets, report, deadline);
}

void check_up(const Paths& paths, const compose::Project& project, const UpOptions& opts) {
  graph::DependencyGraph graph = graph::DependencyGraph::build(project);
  graph.start_levels();  // a cycle fails here
  resolve_images(paths, project, selected_services(project, graph, opts));
}

void forget_if_empty(const Paths& paths, const std::string& project_name) {
  if (fs::exists(paths.project_file(project_name))) return;
  stop_supervisor(paths, project_name);
  std::error_code ec;
  fs::remove_all(paths.project_dir(project_name), ec);
}

void start(const Paths& paths, const compose::Project& project,
           const std::vector<std::string>& services, Reporter& report) {
  Context ctx(paths, project.name, report);
  std::set<std::string> wanted(services.begin(), services.end());
  graph::DependencyGraph graph = graph::DependencyGraph::build(project);
  for (const auto& level : graph.start_levels())
    for (const auto& service : level) {
      if (!wanted.empty() && !wanted.count(service)) continue;
      for (const ContainerRecord* c : ctx.state().containers_of(service)) {
        std::string state = container_state(ctx, c->name);
        if (state == "created")
          start_created(ctx, c->name);
        else if (state == "exited")
          restart_container(ctx, c->name);
      }
    }
  ctx.save();
}

}  // namespace engine
