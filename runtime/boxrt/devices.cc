#include "boxrt/devices.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "boxrt/error.h"
#include "boxrt/mounts.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

std::vector<Device> default_devices() {
  auto c = [](const char* path, int major, int minor) {
    Device d;
    d.path = path;
    d.type = "c";
    d.major = major;
    d.minor = minor;
    d.file_mode = 0666;
    return d;
  };
  return {c("/dev/null", 1, 3),   c("/dev/zero", 1, 5),    c("/dev/full", 1, 7),
          c("/dev/random", 1, 8), c("/dev/urandom", 1, 9), c("/dev/tty", 5, 0)};
}

mode_t node_type(const Device& d) {
  if (d.type == "c" || d.type == "u") return S_IFCHR;
  if (d.type == "b") return S_IFBLK;
  if (d.type == "p") return S_IFIFO;
  throw Error("device " + d.path + ": unknown type \"" + d.type + "\"");
}

void bind_host_node(int rootfd, const Device& d) {
  UniqueFd target = ensure_in_root(rootfd, d.path, false);
  if (mount(d.path.c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) < 0)
    throw os_error("bind-mount host device", d.path, errno);
}

void make_node(int rootfd, const Device& d) {
  std::string parent = d.path.substr(0, d.path.rfind('/'));
  std::string name = d.path.substr(d.path.rfind('/') + 1);
  UniqueFd dir = ensure_in_root(rootfd, parent, true);
  UniqueFd dirfd(openat(dir.get(), ".", O_DIRECTORY | O_CLOEXEC));
  if (!dirfd) throw os_error("open", parent, errno);
  // EBUSY: a spec mount sits on this path; as an explicit choice it wins over our node
  // (what it put there is checked where it matters: mask_path verifies /dev/null).
  if (unlinkat(dirfd.get(), name.c_str(), 0) < 0 && errno == EBUSY) return;
  mode_t mode = node_type(d) | (d.file_mode.value_or(0666) & 07777);
  if (mknodat(dirfd.get(), name.c_str(), mode, makedev(d.major, d.minor)) < 0) {
    if (errno != EPERM) throw os_error("mknod", d.path, errno);
    return bind_host_node(rootfd, d);
  }
  if (d.uid || d.gid)
    check_os(fchownat(dirfd.get(), name.c_str(), d.uid.value_or(0), d.gid.value_or(0),
                      AT_SYMLINK_NOFOLLOW),
             "chown", d.path);
}

void make_links(int rootfd) {
  UniqueFd dev = ensure_in_root(rootfd, "/dev", true);
  UniqueFd dirfd(openat(dev.get(), ".", O_DIRECTORY | O_CLOEXEC));
  if (!dirfd) throw os_error("open", "/dev", errno);
  const std::pair<const char*, const char*> links[] = {
      {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
      {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
      {"pts/ptmx", "ptmx"},
  };
  for (const auto& [target, name] : links) {
    unlinkat(dirfd.get(), name, 0);
    if (symlinkat(target, dirfd.get(), name) < 0)
      throw os_error("symlink", std::string("/dev/") + name, errno);
  }
  if (access("/proc/kcore", F_OK) == 0) symlinkat("/proc/kcore", dirfd.get(), "core");
}

}  // namespace

void setup_dev(int rootfd, const std::vector<Device>& extra) {
  mode_t old = umask(0);
  try {
    for (const auto& d : default_devices()) make_node(rootfd, d);
    for (const auto& d : extra) make_node(rootfd, d);
    make_links(rootfd);
  } catch (...) {
    umask(old);
    throw;
  }
  umask(old);
}

}  // namespace boxrt
