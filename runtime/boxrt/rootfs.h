// The container's root: propagation, bind of root.path onto itself, spec mounts, /dev,
// pivot_root, then (seen from inside) masked paths, read-only paths and a read-only /.
#pragma once

#include <string>

#include "boxrt/mounts.h"
#include "boxrt/spec.h"

namespace boxrt {

// Before pivot_root: everything that needs the host's view (bind sources, /proc/self/fd).
void prepare_rootfs(const ContainerSpec& spec, const CgroupBindSources& cgroups);

// pivot_root into root.path and drop the old root. Without a mount namespace, chroot.
void enter_rootfs(const ContainerSpec& spec, bool new_mount_ns);

// After pivot_root.
void finish_rootfs(const ContainerSpec& spec);

void mask_path(const std::string& path);
void make_path_readonly(const std::string& path);

}  // namespace boxrt
