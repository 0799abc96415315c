// /dev inside the container: the default devices (null, zero, full, random, urandom,
// tty), linux.devices, and the usual links (ptmx, fd, stdin/out/err, core). Nodes are
// made with mknod; where that is not allowed (a user namespace) the host's node is
// bind-mounted onto an empty file instead, as runc does.
#pragma once

#include <vector>

#include "boxrt/spec.h"

namespace boxrt {

void setup_dev(int rootfd, const std::vector<Device>& extra);

}  // namespace boxrt
