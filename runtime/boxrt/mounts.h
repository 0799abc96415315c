// Mounts from the spec, done inside the container's mount namespace before pivot_root.
//
// Every destination is resolved inside the rootfs with openat2(RESOLVE_IN_ROOT), creating
// missing components one at a time under an already-resolved parent, and the mount goes
// through /proc/self/fd/N of that O_PATH fd. A symlink planted in the image (or swapped
// in by a racing container, CVE-2021-30465) therefore can never point a mount outside
// the rootfs: the path that was checked is the path that is mounted on.
#pragma once

#include <sys/mount.h>

#include <string>
#include <vector>

#include "boxrt/fd.h"
#include "boxrt/spec.h"

namespace boxrt {

struct MountFlags {
  unsigned long flags = 0;        // MS_RDONLY, MS_NOSUID, ...
  unsigned long propagation = 0;  // MS_PRIVATE, MS_SLAVE, ... (with MS_REC)
  bool bind = false, rec = false;
  std::string data;               // "size=64k,mode=755"
};

MountFlags parse_mount_options(const std::vector<std::string>& options);

// Opens `path` (relative to or absolute inside the root) as O_PATH without leaving the
// root. Returns an invalid fd with errno set when it does not exist.
UniqueFd open_in_root(int rootfd, const std::string& path, int flags = O_PATH | O_CLOEXEC);

// Like open_in_root, creating what is missing: directories, and the last component as an
// empty file when `dir` is false.
UniqueFd ensure_in_root(int rootfd, const std::string& path, bool dir);

// "/proc/self/fd/N": the name mount(2) follows to the checked fd.
std::string fd_path(int fd);

// Where the container's cgroups live, for a "cgroup" mount: mount dir name -> host dir.
using CgroupBindSources = std::vector<std::pair<std::string, std::string>>;

void mount_one(int rootfd, const Mount& m, const CgroupBindSources& cgroups);

// Bind-remount with `flags` added, keeping the flags the kernel locks (nosuid, nodev,
// noexec, ... of a mount inherited from a more privileged namespace). `name` is what
// errors call it (default: target, often a meaningless /proc/self/fd/N).
void remount_keep_locked(const std::string& target, unsigned long flags,
                         const std::string& name = {});

}  // namespace boxrt
