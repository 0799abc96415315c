// Clone a child into new (or joined) namespaces, let it run init.cc, and do the parent's
// half of the handshake: id maps, cgroup, oom_score_adj (the child does the last two
// itself when there are no id maps to write), then wait until it is ready.
#pragma once

#include <sys/types.h>

#include <functional>

#include "boxrt/cgroup.h"
#include "boxrt/init.h"

namespace boxrt {

struct LaunchRequest {
  InitConfig init;      // sync_fd is filled in here
  int clone_flags = 0;  // CLONE_NEW* to create
  std::string join_pid_ns;  // path of a pid namespace to clone into
  Cgroup* cgroup = nullptr;
  // Called with the child's pid once its mounts are made, before it pivots (runc's
  // procHooks): the prestart and createRuntime hooks. A throw kills the child.
  std::function<void(pid_t)> on_hooks;
  // Called with the child's pid right after the clone, before anything else (create
  // records it in the state). A throw kills the child.
  std::function<void(pid_t)> on_cloned;
};

// Returns the child's pid once it is ready (waiting on the exec fifo, or exec'ing).
// On failure the child is killed and reaped, and the child's own error is thrown.
pid_t launch(LaunchRequest& req);

}  // namespace boxrt
