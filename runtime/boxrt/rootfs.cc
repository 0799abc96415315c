#include "boxrt/rootfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "boxrt/devices.h"
#include "boxrt/error.h"
#include "boxrt/os_error.h"
#include "boxrt/procfs.h"

namespace boxrt {
namespace {

unsigned long root_propagation(const std::string& name) {
  if (name.empty()) return MS_SLAVE | MS_REC;  // runc's default: see host mounts, leak none
  MountFlags f = parse_mount_options({name});
  if (!f.propagation) throw Error("linux.rootfsPropagation: unknown value \"" + name + "\"");
  return f.propagation;
}

// The mount point of the mount that holds `path` (its longest prefix among our mounts).
std::string mount_point_holding(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line, best = "/";
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, parent, devno, root, point;
    f >> id >> parent >> devno >> root >> point;
    bool holds = point == "/" || path == point || path.rfind(point + "/", 0) == 0;
    if (holds && point.size() >= best.size()) best = point;
  }
  return best;
}

bool shares_its_root(const ContainerSpec& spec) {
  return root_propagation(spec.linux.rootfs_propagation) & MS_SHARED;
}

// pivot_root refuses a shared new root, or one whose parent mount is shared, which they
// are with rootfsPropagation "shared" or "rshared". So the mount holding the rootfs (the
// host's, as seen in our new mount namespace: the container never sees it) is made
// private before the rootfs is bound from it, as runc does: the bind neither propagates
// back to the host nor is shared itself. The container's root is made shared again once
// it is "/" (enter_rootfs).
void make_parent_mount_private(const std::string& root) {
  // The mount holding the rootfs: the rootfs itself when it is a mount point (an overlay).
  std::string point = mount_point_holding(root);
  if (mount(nullptr, point.c_str(), nullptr, MS_PRIVATE, nullptr) < 0)
    throw os_error("make private the mount above the rootfs,", point, errno);
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
    throw os_error("set propagation of", "/", errno);
  // pivot_root needs the new root to be a mount point.
  if (shares_its_root(spec)) make_parent_mount_private(root);
  if (mount(root.c_str(), root.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    throw os_error("bind-mount rootfs", root, errno);
  // /proc/self/fd/N below must be the host's real procfs, not something on its place.
  UniqueFd proc(open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!proc) throw os_error("open", "/proc", errno);
  check_procfs(proc.get(), "/proc");

  UniqueFd rootfd(open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!rootfd) throw os_error("open rootfs", root, errno);
  for (const auto& m : spec.mounts)
    mount_one(rootfd.get(), m, cgroups);
  if (mounts_dev(spec)) setup_dev(rootfd.get(), spec.linux.devices);
}

// pivot_root(".", ".") stacks the old root under the new one; unmounting "." then drops
// the old root without needing a directory for it inside the image.
void pivot_into_cwd(const std::string& root) {
  check_os(syscall(SYS_pivot_root, ".", "."), "pivot_root", root);
  check_os(mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr), "make old root slave");
  check_os(umount2(".", MNT_DETACH), "unmount old root");
}

void enter_rootfs(const ContainerSpec& spec, bool new_mount_ns, bool no_pivot) {
  const std::string& root = spec.root.path;
  check_os(chdir(root.c_str()), "chdir", root);
  if (new_mount_ns && no_pivot)
    check_os(mount(".", "/", nullptr, MS_MOVE, nullptr), "move rootfs onto /", root);
  if (!new_mount_ns || no_pivot)
    check_os(chroot("."), "chroot", root);
  else
    pivot_into_cwd(root);
  check_os(chdir("/"), "chdir", "/");
  if (new_mount_ns && shares_its_root(spec))
    check_os(mount(nullptr, "/", nullptr, root_propagation(spec.linux.rootfs_propagation), nullptr),
             "set propagation of", "the container's root");
}

UniqueFd open_null_device() {
  // O_PATH|O_NOFOLLOW: a symlink at /dev/null is seen as one, never followed.
  UniqueFd fd(open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) throw os_error("open", "/dev/null to mask paths with", errno);
  struct stat st;
  check_os(fstat(fd.get(), &st), "stat", "/dev/null");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
    throw Error(
        "/dev/null in the container is not the null device (char 1:3); refusing to "
        "mask paths with it, as it could make a masked path writable");
  return fd;
}

void mask_path(const std::string& path, int null_fd) {
  UniqueFd fd(open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return;
    throw os_error("open masked path", path, errno);
  }
  struct stat st;
  check_os(fstat(fd.get(), &st), "stat", path);
  std::string target = fd_path(fd.get());
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", target.c_str(), "tmpfs", MS_RDONLY, "size=0k,mode=0") < 0)
      throw os_error("mask", path, errno);
    return;
  }
  // Through the verified fd, never by name: /dev/null swapped for a symlink or another
  // file (by the image, a spec mount or a racing container) would otherwise be bound
  // over the masked path, and open it up instead of hiding it (CVE-2025-31133).
  if (mount(fd_path(null_fd).c_str(), target.c_str(), nullptr, MS_BIND, nullptr) < 0)
    throw os_error("mask", path, errno);
}

void make_path_readonly(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return;
    throw os_error("open read-only path", path, errno);
  }
  std::string target = fd_path(fd.get());
  if (mount(target.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    throw os_error("bind read-only path", path, errno);
  UniqueFd top(open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!top) throw os_error("reopen read-only path", path, errno);
  remount_keep_locked(fd_path(top.get()), MS_RDONLY | MS_REC, path);
}

void finish_rootfs(const ContainerSpec& spec) {
  if (!spec.linux.masked_paths.empty()) {
    UniqueFd null_fd = open_null_device();
    for (const auto& p : spec.linux.masked_paths)
      mask_path(p, null_fd.get());
  }
  for (const auto& p : spec.linux.readonly_paths)
    make_path_readonly(p);
  if (spec.root.readonly) remount_keep_locked("/", MS_RDONLY);
}

}  // namespace boxrt
