// Ending a container's processes, shared by a failed create and a failed start.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "boxrt/cgroup.h"

namespace boxrt {

// SIGKILL to every process of `cg` (thawed if frozen: frozen tasks act on SIGKILL only
// once thawed) and to `init`; returns once the init is gone and the cgroup is empty.
// With `reap` the init is waited for: the caller is its parent and nobody else will.
void kill_container(pid_t init, uint64_t init_start_time, Cgroup* cg, bool reap);

}  // namespace boxrt
