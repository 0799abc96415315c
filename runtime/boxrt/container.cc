// Runtime: everything after create. State is recomputed from the kernel on every call
// (is the init alive, is the exec fifo still there, is the cgroup frozen).
#include "boxrt/container.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "boxrt/backoff.h"
#include "boxrt/console.h"
#include "boxrt/error.h"
#include "boxrt/init.h"
#include "boxrt/launch.h"
#include "boxrt/namespaces.h"
#include "boxrt/oci_config.h"
#include "boxrt/os_error.h"
#include "boxrt/start_watch.h"
#include "boxrt/teardown.h"

namespace boxrt {
namespace {

bool same_namespace(pid_t pid, const char* name) {
  struct stat a, b;
  std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + name;
  std::string ours = std::string("/proc/self/ns/") + name;
  if (stat(theirs.c_str(), &a) < 0 || stat(ours.c_str(), &b) < 0) return false;
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

// The container's spec, with every namespace replaced by the init's, for exec.
ContainerSpec exec_spec(const ContainerSpec& base, const Process& process, pid_t pid) {
  ContainerSpec spec = base;
  spec.process = process;
  spec.linux.namespaces.clear();
  for (const char* type : {"user", "mount", "pid", "network", "ipc", "uts", "cgroup"}) {
    const char* name = namespace_proc_name(type);
    if (same_namespace(pid, name)) continue;
    spec.linux.namespaces.push_back({type, "/proc/" + std::to_string(pid) + "/ns/" + name});
  }
  return spec;
}

}  // namespace

Runtime::Runtime(std::string root) : store_(std::move(root)) {}

void Runtime::warn(const std::string& msg) const {
  if (warn_) return warn_(msg);
  fprintf(stderr, "boxrt: warning: %s\n", msg.c_str());
}

Status Runtime::status_of(const ContainerState& s) const {
  // Half-made: creating until the init is cloned and while it lives.
  if (s.creating && (s.pid == 0 || process_alive(s.pid, s.pid_start_time)))
    return Status::kCreating;
  if (!process_alive(s.pid, s.pid_start_time)) return Status::kStopped;
  if (access(store_.fifo(s.id).c_str(), F_OK) == 0) return Status::kCreated;
  if (!s.cgroup.dirs.empty() && open_cgroup(s.cgroup)->frozen()) return Status::kPaused;
  return Status::kRunning;
}

ContainerState Runtime::state(const std::string& id) const {
  ContainerState s = store_.load(id);
  s.status = status_of(s);
  return s;
}

std::vector<ContainerState> Runtime::list() const {
  std::vector<ContainerState> out;
  for (const auto& id : store_.ids()) {
    try {
      out.push_back(state(id));
    } catch (const Error&) {
      // removed while we listed
    }
  }
  return out;
}

ContainerSpec Runtime::config(const std::string& id) const {
  return load_config(store_.dir(id) + "/config.json");
}

void Runtime::start(const std::string& id) {
  ContainerState s = state(id);
  if (s.status != Status::kCreated)
    throw Error("start " + id + ": container is " + status_name(s.status) + ", not created");
  ContainerSpec spec = config(id);
  StartWatch watch(store_.start_fifo(id));  // before the init can go on
  std::string fifo = store_.fifo(id);
  UniqueFd fd(open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) throw os_error("start " + id + ": open", fifo, errno);
  if (write(fd.get(), "0", 1) != 1) throw os_error("start " + id + ": write", fifo, errno);
  unlink(fifo.c_str());
  finish_start(s, spec, watch);
}

void Runtime::finish_start(ContainerState& s, const ContainerSpec& spec, StartWatch& watch) {
  const std::string& id = s.id;
  std::string report = watch.wait();
  unlink(store_.start_fifo(id).c_str());
  if (!report.empty()) {
    StartFailure failure = parse_start_failure(report);
    // Stopped, as the runtime spec wants: what a hook left behind goes too; delete follows.
    auto cg = s.cgroup.dirs.empty() ? nullptr : open_cgroup(s.cgroup);
    try {
      kill_container(s.pid, s.pid_start_time, cg.get(), false);
    } catch (const Error& e) {
      warn("start " + id + ": " + e.what());
    }
    std::string msg = "start " + id + ": " + failure.message;
    if (failure.status == exec_failure_status(failure.err))
      throw ExecError(msg, failure.err, failure.status);
    throw Error(msg, failure.err);
  }
  s.status = Status::kRunning;
  run_hooks_warn("poststart", spec.hooks.poststart, state_to_oci_json(s).dump(),
                 [this](const std::string& m) { warn(m); });
}

void Runtime::kill(const std::string& id, int sig, bool all) {
  ContainerState s = state(id);
  if (s.status == Status::kStopped && !all)
    throw Error("kill " + id + ": container is not running", ESRCH);
  if (all && !s.cgroup.dirs.empty()) {
    auto cg = open_cgroup(s.cgroup);
    for (pid_t p : cg->pids())
      ::kill(p, sig);
    // Frozen tasks only act on SIGKILL once thawed.
    if (sig == SIGKILL && cg->frozen()) cg->freeze(false);
    return;
  }
  if (s.pid <= 0) throw Error("kill " + id + ": container has no init process yet", ESRCH);
  if (::kill(s.pid, sig) < 0)
    throw os_error("kill " + id + ": signal", std::to_string(s.pid), errno);
}

void Runtime::wait_gone(const ContainerState& s) const {
  auto cg = s.cgroup.dirs.empty() ? nullptr : open_cgroup(s.cgroup);
  Backoff backoff(std::chrono::seconds(5));
  do {
    bool alive = process_alive(s.pid, s.pid_start_time);
    // Not alive but still there with its start time: our init as a zombie, when we are
    // its parent; reap it (ECHILD otherwise). Checked after the liveness test: a
    // WNOHANG before it can run while the init is still dying, and leave the zombie.
    if (!alive && s.pid > 0 && process_start_time(s.pid) == s.pid_start_time)
      waitpid(s.pid, nullptr, WNOHANG);
    if (!alive && (!cg || cg->pids().empty())) return;
  } while (backoff.wait());
  throw Error("processes of container " + s.id + " are still alive after SIGKILL");
}

void Runtime::remove(const std::string& id, bool force) {
  try {
    // A create that died before its first state save made nothing in the kernel yet
    // (create saves the state before the cgroup and the clone): the directory is all.
    if (force && !store_.exists(id) && access(store_.dir(id).c_str(), F_OK) == 0) {
      validate_container_id(id);
      return store_.remove(id);
    }
    ContainerState s = state(id);
    ContainerSpec spec;
    try {
      spec = config(id);
    } catch (const Error& e) {
      warn("delete " + id + ": no poststop hooks run: " + e.what());
    }
    if ((s.status == Status::kRunning || s.status == Status::kPaused ||
         s.status == Status::kCreating) &&
        !force)
      throw Error("cannot delete container that is " + std::string(status_name(s.status)) +
                  " (stop it first, or use --force)");
    // An init without a pid namespace of its own can exit and leave its children behind in
    // the cgroup: they go too, as with runc. With one, the kernel killed them all, and what
    // is in the cgroup now is not the container's (a cgroupsPath shared with others).
    bool leftovers = !s.cgroup.dirs.empty() && !spec.find_namespace("pid");
    if (s.status != Status::kStopped || leftovers) kill(id, SIGKILL, true);
    if (s.status != Status::kStopped && process_alive(s.pid, s.pid_start_time))
      ::kill(s.pid, SIGKILL);
    wait_gone(s);
    if (!s.cgroup.dirs.empty()) open_cgroup(s.cgroup)->destroy();
    store_.remove(id);
    s.status = Status::kStopped;
    run_hooks_warn("poststop", spec.hooks.poststop, state_to_oci_json(s).dump(),
                   [this](const std::string& m) { warn(m); });
  } catch (const Error& e) {
    throw e.with_context("delete " + id);
  }
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw os_error("wait for", std::to_string(pid), errno);
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int Runtime::wait(const std::string& id) {
  return wait_exit_code(store_.load(id).pid);
}

pid_t Runtime::exec(const std::string& id, const Process& process, const ExecOptions& opts) {
  try {
    validate_process(process);
    validate_preserve_fds(opts.preserve_fds);
    ContainerState s = state(id);
    if (s.status != Status::kRunning && s.status != Status::kCreated)
      throw Error(std::string("container is ") + status_name(s.status));
    ContainerSpec spec = exec_spec(config(id), process, s.pid);
    auto cg = s.cgroup.dirs.empty() ? nullptr : open_cgroup(s.cgroup);
    LaunchRequest req;
    req.init.spec = &spec;
    req.init.exec_mode = true;
    req.init.stdin_path = opts.stdin_path;
    req.init.stdout_path = opts.stdout_path;
    req.init.stderr_path = opts.stderr_path;
    req.init.preserve_fds = opts.preserve_fds;
    bool redirected =
        !opts.stdin_path.empty() || !opts.stdout_path.empty() || !opts.stderr_path.empty();
    UniqueFd console = console_for(process, opts.console_socket, redirected);
    req.init.console_socket_fd = console.get();
    if (const Namespace* pid = spec.find_namespace("pid")) req.join_pid_ns = pid->path;
    if (!spec.find_namespace("mount"))
      req.init.exec_root = "/proc/" + std::to_string(s.pid) + "/root";
    req.cgroup = cg.get();
    pid_t pid = launch(req);
    if (!opts.pid_file.empty()) {
      try {
        write_pid_file(opts.pid_file, pid);
      } catch (const Error&) {
        ::kill(pid, SIGKILL);
        wait_exit_code(pid);
        throw;
      }
    }
    return pid;
  } catch (const Error& e) {
    throw e.with_context("exec in " + id);
  }
}

std::vector<pid_t> Runtime::ps(const std::string& id) const {
  ContainerState s = state(id);
  if (s.cgroup.dirs.empty()) return {};
  return open_cgroup(s.cgroup)->pids();
}

void Runtime::pause(const std::string& id) {
  ContainerState s = state(id);
  if (s.status != Status::kRunning)
    throw Error("pause " + id + ": container is " + status_name(s.status) + ", not running");
  open_cgroup(s.cgroup)->freeze(true);
}

void Runtime::resume(const std::string& id) {
  ContainerState s = state(id);
  if (s.status != Status::kPaused)
    throw Error("resume " + id + ": container is " + status_name(s.status) + ", not paused");
  open_cgroup(s.cgroup)->freeze(false);
}

CgroupStats Runtime::stats(const std::string& id) const {
  ContainerState s = state(id);
  if (s.cgroup.dirs.empty()) return {};
  return open_cgroup(s.cgroup)->stats();
}

}  // namespace boxrt
