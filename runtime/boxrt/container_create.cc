// Runtime::create: validate, make the state dir and cgroup, launch the init, record it.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "boxrt/caps.h"
#include "boxrt/console.h"
#include "boxrt/container.h"
#include "boxrt/device_rules.h"
#include "boxrt/error.h"
#include "boxrt/hooks.h"
#include "boxrt/init.h"
#include "boxrt/launch.h"
#include "boxrt/namespaces.h"
#include "boxrt/oci_config.h"
#include "boxrt/os_error.h"
#include "boxrt/rlimits.h"
#include "boxrt/seccomp.h"
#include "boxrt/start_watch.h"
#include "boxrt/teardown.h"

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
  for (const auto& [dir, name] : by_dir)
    out.push_back({name, dir});
  return out;
}

ContainerSpec absolute_root(ContainerSpec spec, const std::string& bundle) {
  if (!spec.root.path.empty() && spec.root.path[0] != '/') {
    if (bundle.empty())
      throw Error("root.path " + spec.root.path + " is relative and no bundle was given");
    spec.root.path = bundle + "/" + spec.root.path;
  }
  char buf[PATH_MAX];
  if (!realpath(spec.root.path.c_str(), buf)) throw os_error("root.path", spec.root.path, errno);
  spec.root.path = buf;
  return spec;
}

// Undoes a half-made container: its processes, its cgroup, its state; then, as runc's
// destroy does, the poststop hooks (the runtime spec continues a failed create at delete).
class CreateGuard {
 public:
  CreateGuard(const StateStore& store, std::string id, WarningSink warn)
      : store_(store), id_(std::move(id)), warn_(std::move(warn)) {}
  ~CreateGuard() {
    if (done_) return;
    try {
      if (init > 0) kill_container(init, init_start_time, cgroup.get(), true);
    } catch (...) {
    }
    try {
      if (cgroup) cgroup->destroy();
    } catch (...) {
    }
    try {
      store_.remove(id_);
    } catch (...) {
    }
    try {
      run_hooks_warn("poststop", poststop_, poststop_state_, warn_);
    } catch (...) {
    }
  }
  CreateGuard(const CreateGuard&) = delete;
  CreateGuard& operator=(const CreateGuard&) = delete;

  void commit() { done_ = true; }
  void set_poststop(const std::vector<Hook>& hooks, ContainerState s) {
    poststop_ = hooks;
    s.pid = 0;
    s.status = Status::kStopped;
    poststop_state_ = state_to_oci_json(s).dump();
  }
  std::unique_ptr<Cgroup> cgroup;
  pid_t init = 0;                // our child once cloned: killed and reaped on the way out
  uint64_t init_start_time = 0;  // so that a reaped init's reused pid is left alone

 private:
  const StateStore& store_;
  std::string id_;
  WarningSink warn_;
  std::vector<Hook> poststop_;
  std::string poststop_state_;
  bool done_ = false;
};

// O_RDWR: the init holds both ends, so opening never blocks, and the FIFO lives (with
// its data) as long as the init does.
UniqueFd make_fifo(const std::string& path) {
  check_os(mkfifo(path.c_str(), 0600), "mkfifo", path);
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd) throw os_error("open", path, errno);
  return fd;
}

bool redirected(const CreateOptions& o) {
  return !o.stdin_path.empty() || !o.stdout_path.empty() || !o.stderr_path.empty();
}

// Without a mount namespace of its own a container shares the host's mounts: nothing
// can be mounted, masked or made read-only for it alone (runc refuses the same).
void refuse_what_needs_a_mount_namespace(const ContainerSpec& spec) {
  auto refuse = [](const std::string& what) {
    throw Error(what + " cannot be applied without a mount namespace of the container's own " +
                "(linux.namespaces: mount)");
  };
  if (!spec.mounts.empty()) refuse("mounts");
  if (!spec.linux.masked_paths.empty()) refuse("linux.maskedPaths");
  if (!spec.linux.readonly_paths.empty()) refuse("linux.readonlyPaths");
  if (spec.root.readonly) refuse("root.readonly");
}

// The spec's resources; a spec with no device rules (or no resources at all) still gets
// only the default devices, as with runc, never every device of the host.
Resources resources_for(const ContainerSpec& spec) {
  Resources r = spec.linux.resources.value_or(Resources{});
  if (r.devices.empty()) r.devices.push_back(deny_all_devices());
  return r;
}

}  // namespace

void validate_preserve_fds(int n) {
  if (n < 0) throw Error("--preserve-fds " + std::to_string(n) + " is negative");
  // Each one must be open in the caller: a hole would let one of ours take its number.
  for (int fd = 3; fd < 3 + n; ++fd)
    if (fcntl(fd, F_GETFD) < 0)
      throw Error("--preserve-fds " + std::to_string(n) + ": fd " + std::to_string(fd) +
                      " is not open in the caller",
                  EBADF);
}

void validate_process(const Process& p) {
  if (p.args.empty()) throw Error("process.args must not be empty");
  check_cwd(p.cwd);
  validate_rlimits(p.rlimits);
  if (p.capabilities) validate_capabilities(*p.capabilities);
  if (p.oom_score_adj && *p.oom_score_adj < 0)
    throw Error("process.oomScoreAdj " + std::to_string(*p.oom_score_adj) +
                " is negative: lowering a process's OOM score needs CAP_SYS_RESOURCE and this "
                "host may not allow it, so boxrun never sets one (use 0 to 1000)");
  if (p.oom_score_adj && *p.oom_score_adj > 1000)
    throw Error("process.oomScoreAdj " + std::to_string(*p.oom_score_adj) + " is above 1000");
}

void validate_spec(const ContainerSpec& spec) {
  validate_process(spec.process);
  validate_hooks(spec.hooks);
  if (spec.linux.seccomp) validate_seccomp(*spec.linux.seccomp);
  for (const auto& ns : spec.linux.namespaces)
    namespace_clone_flag(ns.type);
  if (!spec.find_namespace("mount")) refuse_what_needs_a_mount_namespace(spec);
  const Namespace* user = spec.find_namespace("user");
  if (user && user->path.empty() &&
      (spec.linux.uid_mappings.empty() || spec.linux.gid_mappings.empty()))
    throw Error("a new user namespace needs linux.uidMappings and linux.gidMappings");
  struct stat st;
  if (stat(spec.root.path.c_str(), &st) < 0) throw os_error("root.path", spec.root.path, errno);
  if (!S_ISDIR(st.st_mode)) throw Error("root.path " + spec.root.path + " is not a directory");
}

ContainerState Runtime::create(const std::string& id, const ContainerSpec& in_spec,
                               const CreateOptions& opts) {
  bool starting = false;  // past create, into start: its errors say "start <id>: ..."
  try {
    ContainerSpec spec = absolute_root(in_spec, opts.bundle);
    validate_spec(spec);
    validate_preserve_fds(opts.preserve_fds);
    UniqueFd console = console_for(spec.process, opts.console_socket, redirected(opts));
    store_.make_dir(id);
    CreateGuard guard(store_, id, [this](const std::string& m) { warn(m); });
    save_config(spec, store_.dir(id) + "/config.json");
    UniqueFd fifo_fd = opts.start ? UniqueFd() : make_fifo(store_.fifo(id));
    UniqueFd start_fd = make_fifo(store_.start_fifo(id));

    guard.cgroup = make_host_cgroup(spec.linux.cgroups_path, id);

    ContainerState st;
    st.id = id;
    st.bundle = opts.bundle;
    st.rootfs = spec.root.path;
    st.created = now_rfc3339();
    st.owner = "root";
    st.annotations = spec.annotations;
    st.cgroup = guard.cgroup->paths();
    st.status = Status::kCreating;
    st.creating = true;
    guard.set_poststop(spec.hooks.poststop, st);
    // Recorded before anything is made in the kernel: if this process dies from here
    // on, `delete --force` finds the cgroup (and, once cloned, the init) to remove.
    store_.save(st);
    guard.cgroup->create();
    guard.cgroup->apply(resources_for(spec));

    LaunchRequest req;
    req.init.spec = &spec;
    req.init.exec_fifo_fd = fifo_fd.get();
    req.init.start_fifo_fd = start_fd.get();
    req.init.console_socket_fd = console.get();
    req.init.hook_state = st;
    const Namespace* cgns = spec.find_namespace("cgroup");
    req.init.new_cgroup_ns = cgns && cgns->path.empty();
    const Namespace* mntns = spec.find_namespace("mount");
    req.init.new_mount_ns = mntns != nullptr;
    req.init.cgroup_mounts = cgroup_mount_sources(guard.cgroup->paths());
    req.init.stdin_path = opts.stdin_path;
    req.init.stdout_path = opts.stdout_path;
    req.init.stderr_path = opts.stderr_path;
    req.init.preserve_fds = opts.preserve_fds;
    req.init.no_pivot = opts.no_pivot;
    req.init.new_keyring = !opts.no_new_keyring;
    req.clone_flags = clone_flags_for(spec) & ~CLONE_NEWCGROUP;
    if (const Namespace* pid = spec.find_namespace("pid"); pid && !pid->path.empty())
      req.join_pid_ns = pid->path;
    req.cgroup = guard.cgroup.get();
    if (!spec.hooks.prestart.empty() || !spec.hooks.create_runtime.empty()) {
      req.on_hooks = [&](pid_t pid) {
        ContainerState hs = st;
        hs.pid = pid;
        std::string state = state_to_oci_json(hs).dump();
        run_hooks("prestart", spec.hooks.prestart, state, caller_environment());
        run_hooks("createRuntime", spec.hooks.create_runtime, state, caller_environment());
      };
    }

    req.on_cloned = [&](pid_t pid) {
      st.pid = pid;
      st.pid_start_time = process_start_time(pid);
      guard.init = pid;
      guard.init_start_time = st.pid_start_time;
      store_.save(st);
    };
    launch(req);
    st.creating = false;
    st.status = Status::kCreated;
    store_.save(st);
    if (!opts.pid_file.empty()) write_pid_file(opts.pid_file, st.pid);
    guard.commit();
    if (opts.start) {
      // Opened while start_fd still holds the fifo (and whatever the init wrote to it).
      StartWatch watch(store_.start_fifo(id));
      start_fd.reset();
      starting = true;
      finish_start(st, spec, watch);
    }
    return st;
  } catch (const Error& e) {
    if (starting) throw;  // as start() throws it (an ExecError stays one)
    throw e.with_context("create " + id);
  }
}

}  // namespace boxrt
