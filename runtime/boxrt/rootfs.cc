#include "boxrt/rootfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "boxrt/devices.h"
#include "boxrt/error.h"
#include "boxrt/procfs.h"

namespace boxrt {
namespace {

unsigned long root_propagation(const std::string& name) {
  if (name.empty()) return MS_SLAVE | MS_REC;  // runc's default: see host mounts, leak none
  MountFlags f = parse_mount_options({name});
  if (!f.propagation) throw Error("linux.rootfsPropagation: unknown value \"" + name + "\"");
  return f.propagation;
}

bool mounts_dev(const ContainerSpec& spec) {
  for (const auto& m : spec.mounts)
    if (m.destination == "/dev" || m.destination == "/dev/") return true;
  return false;
}

}  // namespace

void prepare_rootfs(const ContainerSpec& spec, const CgroupBindSources& cgroups) {
  const std::string& root = spec.root.path;
  if (mount(nullptr, "/", nullptr, root_propagation(spec.linux.rootfs_propagation), nullptr) < 0)
    throw Error::sys("set propagation of", "/", errno);
  // pivot_root needs the new root to be a mount point.
  if (mount(root.c_str(), root.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    throw Error::sys("bind-mount rootfs", root, errno);
  // /proc/self/fd/N below must be the host's real procfs, not something on its place.
  UniqueFd proc(open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!proc) throw Error::sys("open", "/proc", errno);
  check_procfs(proc.get(), "/proc");

  UniqueFd rootfd(open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!rootfd) throw Error::sys("open rootfs", root, errno);
  for (const auto& m : spec.mounts) mount_one(rootfd.get(), m, cgroups);
  if (mounts_dev(spec)) setup_dev(rootfd.get(), spec.linux.devices);
}

void enter_rootfs(const ContainerSpec& spec, bool new_mount_ns) {
  const std::string& root = spec.root.path;
  check_sys(chdir(root.c_str()), "chdir", root);
  if (!new_mount_ns) {
    check_sys(chroot("."), "chroot", root);
    check_sys(chdir("/"), "chdir", "/");
    return;
  }
  // pivot_root(".", ".") stacks the old root under the new one; unmounting "." then
  // drops the old root without needing a directory for it inside the image.
  check_sys(syscall(SYS_pivot_root, ".", "."), "pivot_root", root);
  check_sys(mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr), "make old root slave");
  check_sys(umount2(".", MNT_DETACH), "unmount old root");
  check_sys(chdir("/"), "chdir", "/");
}

void mask_path(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return;
    throw Error::sys("open masked path", path, errno);
  }
  struct stat st;
  check_sys(fstat(fd.get(), &st), "stat", path);
  std::string target = fd_path(fd.get());
  int rc = S_ISDIR(st.st_mode)
               ? mount("tmpfs", target.c_str(), "tmpfs", MS_RDONLY, "size=0k,mode=0")
               : mount("/dev/null", target.c_str(), nullptr, MS_BIND, nullptr);
  if (rc < 0) throw Error::sys("mask", path, errno);
}

void make_path_readonly(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return;
    throw Error::sys("open read-only path", path, errno);
  }
  std::string target = fd_path(fd.get());
  if (mount(target.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    throw Error::sys("bind read-only path", path, errno);
  UniqueFd top(open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!top) throw Error::sys("reopen read-only path", path, errno);
  remount_keep_locked(fd_path(top.get()), MS_RDONLY | MS_REC);
}

void finish_rootfs(const ContainerSpec& spec) {
  for (const auto& p : spec.linux.masked_paths) mask_path(p);
  for (const auto& p : spec.linux.readonly_paths) make_path_readonly(p);
  if (spec.root.readonly) remount_keep_locked("/", MS_RDONLY);
}

}  // namespace boxrt
