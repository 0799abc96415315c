#include "boxrt/sealed_exe.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "boxrt/error.h"
#include "boxrt/fd.h"
#include "boxrt/os_error.h"

extern char** environ;

namespace boxrt {
namespace {

bool sealed_memfd(int fd) {
  int seals = fcntl(fd, F_GET_SEALS);
  return seals >= 0 && (seals & F_SEAL_WRITE) && (seals & F_SEAL_SEAL);
}

bool on_readonly_mount(int fd) {
  struct statvfs st;
  return fstatvfs(fd, &st) == 0 && (st.f_flag & ST_RDONLY);
}

// A detached, read-only bind mount of the binary (runc's later approach, without the
// copy): executing through it makes /proc/self/exe name a file on a mount that is in no
// namespace, so nothing can reach it to make it writable, and every open for writing
// through /proc/<pid>/exe fails with EROFS. Needs CAP_SYS_ADMIN; invalid when it fails.
UniqueFd readonly_clone() {
  UniqueFd tree(open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
  if (!tree) return {};
  struct mount_attr attr = {};
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  if (mount_setattr(tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) return {};
  // Re-exec'ing through something that is not read-only would loop forever.
  if (!on_readonly_mount(tree.get())) return {};
  return tree;
}

// The fallback: a copy of the binary in a memfd sealed against writes.
UniqueFd sealed_copy() {
  UniqueFd self(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!self) throw os_error("open", "/proc/self/exe", errno);
  struct stat st;
  check_os(fstat(self.get(), &st), "stat", "/proc/self/exe");
  UniqueFd copy(memfd_create("boxrun", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!copy) throw os_error("memfd_create", "boxrun", errno);
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = sendfile(copy.get(), self.get(), &off, st.st_size - off);
    if (n <= 0) throw os_error("copy", "/proc/self/exe into a memfd", n < 0 ? errno : EIO);
  }
  check_os(fcntl(copy.get(), F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE),
           "seal", "the memfd copy of boxrun");
  return copy;
}

}  // namespace

bool running_from_sealed_copy() {
  UniqueFd self(open("/proc/self/exe", O_PATH | O_CLOEXEC));
  if (!self) return false;
  if (on_readonly_mount(self.get())) return true;
  UniqueFd readable(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  return readable && sealed_memfd(readable.get());
}

void reexec_from_sealed_copy(char** argv) {
  if (running_from_sealed_copy()) return;
  UniqueFd exe = readonly_clone();
  if (!exe) exe = sealed_copy();
  fexecve(exe.get(), argv, environ);
  throw os_error("re-exec from", "a read-only clone of boxrun", errno);
}

}  // namespace boxrt
