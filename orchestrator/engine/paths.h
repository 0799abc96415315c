// Where a project's pieces live on the host. Persistent data under BOXCOMPOSE_ROOT
// (default /var/lib/boxcompose), live state under BOXCOMPOSE_STATE (default
// /run/boxcompose):
//
//   <root>/containers/<container>/     overlay upper, work, merged; container.log
//   <root>/volumes/<volume>/_data
//   <state>/runtime/<container>/       the runtime's record (boxrt::StateStore)
//   <state>/projects/<project>/        project.json, lock, supervisor.sock, supervisor.pid
//   <state>/projects/<project>/containers/<container>/   hosts, resolv.conf, exit.json
//   <state>/ipam.json                  subnets and addresses of every project on the host
#pragma once

#include <filesystem>
#include <string>

namespace engine {

struct Paths {
  std::filesystem::path root;
  std::filesystem::path state;

  // From the environment (BOXCOMPOSE_ROOT, BOXCOMPOSE_STATE) or the defaults.
  static Paths from_environment();

  std::filesystem::path runtime_root() const { return state / "runtime"; }
  std::filesystem::path ipam_file() const { return state / "ipam.json"; }
  std::filesystem::path ipam_lock() const { return state / "ipam.lock"; }
  std::filesystem::path projects_dir() const { return state / "projects"; }
  std::filesystem::path project_dir(const std::string& project) const {
    return projects_dir() / project;
  }
  std::filesystem::path project_file(const std::string& project) const {
    return project_dir(project) / "project.json";
  }
  std::filesystem::path project_lock(const std::string& project) const {
    return project_dir(project) / "lock";
  }
  // Held shared by each process that creates a container, exclusive by `down`: a `down`
  // after its `up` was killed waits for creations still under way, then removes them.
  std::filesystem::path create_lock(const std::string& project) const {
    return project_dir(project) / "create.lock";
  }
  std::filesystem::path supervisor_socket(const std::string& project) const {
    return project_dir(project) / "supervisor.sock";
  }
  std::filesystem::path supervisor_pid_file(const std::string& project) const {
    return project_dir(project) / "supervisor.pid";
  }
  // Files the engine writes for one container and mounts into it (hosts, resolv.conf),
  // and what the supervisor records of it (exit.json).
  std::filesystem::path container_run_dir(const std::string& project,
                                          const std::string& container) const {
    return project_dir(project) / "containers" / container;
  }
  std::filesystem::path container_dir(const std::string& container) const {
    return root / "containers" / container;
  }
  std::filesystem::path container_log(const std::string& container) const {
    return container_dir(container) / "container.log";
  }
};

}  // namespace engine
