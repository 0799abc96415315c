// The container's root: propagation, bind of root.path onto itself, spec mounts, /dev,
// pivot_root, then (seen from inside) masked paths, read-only paths and a read-only /.
#pragma once

#include <string>

#include "boxrt/mounts.h"
#include "boxrt/spec.h"

namespace boxrt {

// Before pivot_root: everything that needs the host's view (bind sources, /proc/self/fd).
void prepare_rootfs(const ContainerSpec& spec, const CgroupBindSources& cgroups);

// pivot_root into root.path and drop the old root. Without a mount namespace, chroot;
// with no_pivot (for a root on a ramfs, where pivot_root fails), move the rootfs onto /
// and chroot into it (weaker: a process with CAP_SYS_CHROOT can climb out of a chroot).
void enter_rootfs(const ContainerSpec& spec, bool new_mount_ns, bool no_pivot = false);

// After pivot_root.
void finish_rootfs(const ContainerSpec& spec);

// /dev/null, opened O_PATH and checked to be the null device (1:3); throws otherwise.
UniqueFd open_null_device();
// Hides `path`: an empty read-only tmpfs on a directory, `null_fd` (open_null_device)
// bound over anything else.
void mask_path(const std::string& path, int null_fd);
void make_path_readonly(const std::string& path);

}  // namespace boxrt
