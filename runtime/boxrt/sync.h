// The parent/child handshake over a SOCK_SEQPACKET socketpair. The child never throws
// across clone: it catches its Error and sends it here as a message, then exits.
//
//   parent                          child
//   (id maps, cgroup) -- go(pid) -->   only with a new user namespace; without one the
//                                   init joins its cgroup itself and does not wait
//                     <-- hooks --   mounts done, before pivot_root (only when asked for)
//   prestart hooks    -- resume -->
//                     <-- ready/error
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "boxrt/error.h"
#include "boxrt/fd.h"

namespace boxrt {

struct SyncPair {
  UniqueFd parent, child;
};
SyncPair make_sync_pair();

// Parent -> child: ids mapped, cgroup joined, go on. `pid` is the child's pid as the
// parent sees it (the child, in its own pid namespace, cannot know it).
void sync_send_go(int fd, pid_t pid);
// Child: waits for go; false if the parent went away.
bool sync_wait_go(int fd, pid_t* pid);

// Child: asks the parent to run its hooks and waits until it has; false if the parent
// went away (it kills the child when a hook fails).
bool sync_request_hooks(int fd);

// Child -> parent.
// false if the parent went away: nobody will ever start us (or know we exist).
bool sync_send_ready(int fd);
void sync_send_error(int fd, const Error& e);

// Parent: returns when the child is ready, calling on_hooks when the child asks for it;
// throws the child's error, or an error when the child died without a word.
void sync_wait_ready(int fd, const std::function<void()>& on_hooks = {});

}  // namespace boxrt
