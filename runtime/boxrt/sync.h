// The parent/child handshake over a SOCK_SEQPACKET socketpair. The child never throws
// across clone: it catches its Error and sends it here as a message, then exits.
#pragma once

#include <string>

#include "boxrt/error.h"
#include "boxrt/fd.h"

namespace boxrt {

struct SyncPair {
  UniqueFd parent, child;
};
SyncPair make_sync_pair();

// Parent -> child: ids mapped, cgroup joined, go on.
void sync_send_go(int fd);
// Child: waits for go; false if the parent went away.
bool sync_wait_go(int fd);

// Child -> parent.
void sync_send_ready(int fd);
void sync_send_error(int fd, const Error& e);

// Parent: returns when the child is ready; throws the child's error, or an error when
// the child died without a word.
void sync_wait_ready(int fd);

}  // namespace boxrt
