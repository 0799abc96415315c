// `cp`: files and trees between the host and a running container, through the container's
// own view of its filesystem (/proc/<init>/root, so its volumes and bind mounts are
// included). Every container path resolves inside that root (openat2 RESOLVE_IN_ROOT): a
// symlink in the container such as /tmp/x -> / or ../../.. stays in the container. Files
// are created with O_NOFOLLOW and a symlink in the way is replaced, never written through.
#pragma once

#include <sys/types.h>

#include <string>

#include "engine/paths.h"

namespace engine {

// One side of `cp`: SERVICE:PATH (service set) or a host path (service empty). As docker
// decides: a path starting with "/" or "." is local; otherwise text before the first ":"
// names the service.
struct CopyEndpoint {
  std::string service;
  std::string path;
};
CopyEndpoint parse_copy_endpoint(const std::string& text);

struct CopyOptions {
  // -a: keep uid and gid (otherwise the copier's, root); without it a file copied to the
  // host loses its set-uid and set-gid bits.
  bool archive = false;
};

// Copies `src` to `dest` with docker cp's rules: into DEST when it is a directory (as
// DEST/<name of SRC>), as DEST otherwise; "SRC/." copies a directory's contents. Modes and
// modification times are kept; symlinks are copied as symlinks. `container_pid` is the
// container's init pid; exactly one endpoint is in the container.
void copy_path(pid_t container_pid, const CopyEndpoint& src, const CopyEndpoint& dest,
               const CopyOptions& options);

// The CLI's entry point: finds the service's running container, then copy_path.
void copy(const Paths& paths, const std::string& project_name, const CopyEndpoint& src,
          const CopyEndpoint& dest, const CopyOptions& options);

}  // namespace engine
