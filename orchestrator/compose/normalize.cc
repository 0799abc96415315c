// Normalization as Docker Compose does it: resource names, the default network, and the
// values that several keys can express (scale vs deploy.replicas, mem_limit vs deploy).
#include "compose/decoder.h"
#include "compose/loader_steps.h"

namespace compose {
namespace {

template <class T>
void name_resources(std::map<std::string, T>& resources, const std::string& project) {
  for (auto& [key, resource] : resources) {
    if (resource.name.empty()) resource.name = resource.external ? key : project + "_" + key;
  }
}

bool needs_default_network(const Service& s) {
  return s.networks.empty() && s.network_mode.empty();
}

void attach_default_network(Project& project) {
  bool used = false;
  for (auto& [name, service] : project.services) {
    if (!needs_default_network(service)) continue;
    service.networks["default"].where = service.where;
    used = true;
  }
  if (used && !project.networks.count("default")) {
    Network net;
    net.key = "default";
    project.networks.emplace("default", std::move(net));
  }
}

// Two ways to say one thing must not disagree.
template <class T>
void reconcile(Diagnostics& diag, const Service& s, std::optional<T>& plain,
               const std::optional<T>& deploy, const char* plain_key, const char* deploy_key) {
  if (!deploy) return;
  if (plain && *plain != *deploy) {
    diag.error(s.where.mark, "services." + s.name,
               std::string(plain_key) + " and " + deploy_key + " are both set and differ");
    return;
  }
  plain = deploy;
}

void normalize_service(Service& s, Diagnostics& diag) {
  if (s.deploy) {
    if (s.scale && s.deploy->replicas && *s.scale != *s.deploy->replicas) {
      diag.error(s.where.mark, "services." + s.name,
                 "scale and deploy.replicas are both set and differ");
    }
    reconcile(diag, s, s.mem_limit, s.deploy->limits.memory, "mem_limit",
              "deploy.resources.limits.memory");
    reconcile(diag, s, s.cpus, s.deploy->limits.cpus, "cpus", "deploy.resources.limits.cpus");
    reconcile(diag, s, s.pids_limit, s.deploy->limits.pids, "pids_limit",
              "deploy.resources.limits.pids");
    reconcile(diag, s, s.mem_reservation, s.deploy->reservations.memory, "mem_reservation",
              "deploy.resources.reservations.memory");
  }
  const std::string path = "services." + s.name;
  if (s.mem_limit && s.mem_reservation && *s.mem_reservation > *s.mem_limit)
    diag.error(s.where.mark, path, "mem_reservation is above mem_limit");
  if (s.memswap_limit && *s.memswap_limit != -1 && s.mem_limit && *s.memswap_limit < *s.mem_limit)
    diag.error(s.where.mark, path, "memswap_limit is below mem_limit (it counts memory plus swap)");
  if (s.memswap_limit && !s.mem_limit && *s.memswap_limit != -1)
    diag.error(s.where.mark, path, "memswap_limit needs mem_limit");
  if (!s.container_name.empty() && s.replicas() > 1)
    diag.error(s.where.mark, path,
               "container_name " + quote(s.container_name) + " cannot be shared by " +
                   std::to_string(s.replicas()) + " replicas");
}

}  // namespace

void normalize_project(Project& project, Diagnostics& diag) {
  for (auto& [name, service] : project.services)
    normalize_service(service, diag);
  attach_default_network(project);
  name_resources(project.networks, project.name);
  name_resources(project.volumes, project.name);
  name_resources(project.secrets, project.name);
  name_resources(project.configs, project.name);
}

}  // namespace compose
