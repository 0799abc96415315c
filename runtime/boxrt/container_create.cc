// Runtime::create: validate, make the state dir and cgroup, launch the init, record it.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>

#include "boxrt/caps.h"
#include "boxrt/container.h"
#include "boxrt/error.h"
#include "boxrt/init.h"
#include "boxrt/launch.h"
#include "boxrt/namespaces.h"
#include "boxrt/oci_config.h"
#include "boxrt/rlimits.h"
#include "boxrt/seccomp.h"

namespace boxrt {
namespace {

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  time_t t = std::chrono::system_clock::to_time_t(now);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() %
            1000000000;
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof buf - n, ".%09lldZ", static_cast<long long>(ns));
  return buf;
}

// One bind source per v1 hierarchy ("cpu,cpuacct" when they share a mount), or the one
// v2 directory, for "cgroup" mounts inside the container.
CgroupBindSources cgroup_mount_sources(const CgroupPaths& paths) {
  if (paths.v2) return {{"", paths.dirs.at("")}};
  std::map<std::string, std::string> by_dir;
  for (const auto& [controller, dir] : paths.dirs)
    by_dir[dir] += (by_dir[dir].empty() ? "" : ",") + controller;
  CgroupBindSources out;
  for (const auto& [dir, name] : by_dir) out.push_back({name, dir});
  return out;
}

ContainerSpec absolute_root(ContainerSpec spec, const std::string& bundle) {
  if (!spec.root.path.empty() && spec.root.path[0] != '/') {
    if (bundle.empty()) throw Error("root.path " + spec.root.path + " is relative and no bundle was given");
    spec.root.path = bundle + "/" + spec.root.path;
  }
  char buf[PATH_MAX];
  if (!realpath(spec.root.path.c_str(), buf)) throw Error::sys("root.path", spec.root.path, errno);
  spec.root.path = buf;
  return spec;
}

class CreateGuard {  // undoes a half-made container
 public:
  CreateGuard(const StateStore& store, std::string id) : store_(store), id_(std::move(id)) {}
  ~CreateGuard() {
    if (done_) return;
    try {
      if (cgroup) cgroup->destroy();
    } catch (...) {
    }
    try {
      store_.remove(id_);
    } catch (...) {
    }
  }
  void commit() { done_ = true; }
  std::unique_ptr<Cgroup> cgroup;

 private:
  const StateStore& store_;
  std::string id_;
  bool done_ = false;
};

}  // namespace

void validate_spec(const ContainerSpec& spec) {
  const Process& p = spec.process;
  if (p.args.empty()) throw Error("process.args must not be empty");
  check_cwd(p.cwd);
  if (p.terminal) throw Error("process.terminal is not supported by boxrun yet; set it to false");
  validate_rlimits(p.rlimits);
  if (p.capabilities) validate_capabilities(*p.capabilities);
  if (spec.linux.seccomp) validate_seccomp(*spec.linux.seccomp);
  for (const auto& ns : spec.linux.namespaces) namespace_clone_flag(ns.type);
  const Namespace* user = spec.find_namespace("user");
  if (user && user->path.empty() &&
      (spec.linux.uid_mappings.empty() || spec.linux.gid_mappings.empty()))
    throw Error("a new user namespace needs linux.uidMappings and linux.gidMappings");
  struct stat st;
  if (stat(spec.root.path.c_str(), &st) < 0) throw Error::sys("root.path", spec.root.path, errno);
  if (!S_ISDIR(st.st_mode)) throw Error("root.path " + spec.root.path + " is not a directory");
}

ContainerState Runtime::create(const std::string& id, const ContainerSpec& in_spec,
                               const CreateOptions& opts) {
  try {
    ContainerSpec spec = absolute_root(in_spec, opts.bundle);
    validate_spec(spec);
    store_.make_dir(id);
    CreateGuard guard(store_, id);
    save_config(spec, store_.dir(id) + "/config.json");
    std::string fifo = store_.fifo(id);
    check_sys(mkfifo(fifo.c_str(), 0600), "mkfifo", fifo);
    // O_RDWR: the init holds both ends, so it never blocks here and start's
    // O_WRONLY|O_NONBLOCK open finds a reader exactly while the init waits.
    UniqueFd fifo_fd(open(fifo.c_str(), O_RDWR | O_CLOEXEC));
    if (!fifo_fd) throw Error::sys("open", fifo, errno);

    guard.cgroup = make_host_cgroup(spec.linux.cgroups_path, id);
    guard.cgroup->create();
    if (spec.linux.resources) guard.cgroup->apply(*spec.linux.resources);

    LaunchRequest req;
    req.init.spec = &spec;
    req.init.exec_fifo_fd = fifo_fd.get();
    const Namespace* cgns = spec.find_namespace("cgroup");
    req.init.new_cgroup_ns = cgns && cgns->path.empty();
    const Namespace* mntns = spec.find_namespace("mount");
    req.init.new_mount_ns = mntns != nullptr;
    req.init.cgroup_mounts = cgroup_mount_sources(guard.cgroup->paths());
    req.init.stdin_path = opts.stdin_path;
    req.init.stdout_path = opts.stdout_path;
    req.init.stderr_path = opts.stderr_path;
    req.clone_flags = clone_flags_for(spec) & ~CLONE_NEWCGROUP;
    if (const Namespace* pid = spec.find_namespace("pid"); pid && !pid->path.empty())
      req.join_pid_ns = pid->path;
    req.cgroup = guard.cgroup.get();

    ContainerState st;
    st.id = id;
    st.pid = launch(req);
    st.pid_start_time = process_start_time(st.pid);
    st.bundle = opts.bundle;
    st.rootfs = spec.root.path;
    st.created = now_rfc3339();
    st.owner = "root";
    st.annotations = spec.annotations;
    st.cgroup = guard.cgroup->paths();
    st.status = Status::kCreated;
    store_.save(st);
    if (!opts.pid_file.empty()) {
      std::ofstream pf(opts.pid_file);
      pf << st.pid;
      if (!pf) throw Error::sys("write pid file", opts.pid_file, errno);
    }
    guard.commit();
    return st;
  } catch (const Error& e) {
    throw e.with_context("create " + id);
  }
}

}  // namespace boxrt
