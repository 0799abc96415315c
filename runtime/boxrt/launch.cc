#include "boxrt/launch.h"

#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>

#include "boxrt/error.h"
#include "boxrt/namespaces.h"
#include "boxrt/os_error.h"
#include "boxrt/procfs.h"
#include "boxrt/sync.h"
#include "boxrt/user.h"

namespace boxrt {
namespace {

pid_t clone_child(int flags, const std::string& join_pid_ns) {
  std::unique_ptr<PidNamespaceJoin> pidns;
  if (!join_pid_ns.empty()) pidns = std::make_unique<PidNamespaceJoin>(join_pid_ns);
  // Raw clone without CLONE_VM behaves as fork, with the namespaces created at once
  // (so the pid namespace and the others belong to the new user namespace).
  long pid = syscall(SYS_clone, static_cast<unsigned long>(flags) | SIGCHLD, nullptr, nullptr,
                     nullptr, 0);
  if (pid < 0) {
    int err = errno;
    if (err == EINVAL && (flags & CLONE_NEWUSER))
      throw Error("clone with a user namespace: " + errno_name(err) +
                      " (is the caller multi-threaded or in a chroot?)",
                  err);
    throw os_error("clone", "the container init", err);
  }
  return static_cast<pid_t>(pid);
}

void parent_side(const LaunchRequest& req, pid_t pid) {
  const ContainerSpec& spec = *req.init.spec;
  if (req.clone_flags & CLONE_NEWUSER)
    write_id_maps(pid, spec.linux.uid_mappings, spec.linux.gid_mappings);
  if (req.cgroup) req.cgroup->attach(pid);
  if (spec.process.oom_score_adj)
    write_proc_file("/proc/" + std::to_string(pid) + "/oom_score_adj",
                    std::to_string(*spec.process.oom_score_adj));
}

}  // namespace

pid_t launch(LaunchRequest& req) {
  SyncPair sync = make_sync_pair();
  req.init.sync_fd = sync.child.get();
  req.init.parent_hooks = static_cast<bool>(req.on_hooks);
  req.init.parent_setup = (req.clone_flags & CLONE_NEWUSER) != 0;
  req.init.cgroup = req.cgroup;
  pid_t pid = clone_child(req.clone_flags, req.join_pid_ns);
  if (pid == 0) {
    sync.parent.reset();
    run_init(req.init);  // never returns
  }
  sync.child.reset();
  try {
    if (req.on_cloned) req.on_cloned(pid);
    if (req.init.parent_setup) {
      parent_side(req, pid);
      sync_send_go(sync.parent.get(), pid);
    }
    std::function<void()> hooks;
    if (req.on_hooks) hooks = [&] { req.on_hooks(pid); };
    sync_wait_ready(sync.parent.get(), hooks);
  } catch (...) {
    ::kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw;
  }
  return pid;
}

}  // namespace boxrt
