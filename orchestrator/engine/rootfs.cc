// A container's root on the host: the image's layers as overlayfs lower dirs (never
// written: every change lands in the container's upper dir), mounted at <dir>/merged.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "engine/error.h"
#include "engine/safe_path.h"
#include "engine/storage.h"

namespace engine {
namespace {

namespace fs = std::filesystem;
using boxrt::UniqueFd;

// mount(2) copies at most one page of options.
constexpr size_t kLegacyDataMax = 4095;
// fsconfig copies at most 256 bytes of a string value.
constexpr size_t kFsconfigValueMax = 255;

// A path as overlay should receive it: as written when short and free of the characters
// overlay or mount(2) would split on, else /proc/self/fd/N of an fd kept open in `fds`
// until the mount is made (overlay resolves the layers once, when it mounts).
std::string overlay_path(const fs::path& p, std::string_view special, size_t max_len,
                         std::vector<UniqueFd>& fds) {
  std::string s = p.string();
  if (s.size() <= max_len && s.find_first_of(special) == std::string::npos) return s;
  fds.push_back(open_dir(p, O_PATH));
  return fd_path(fds.back().get());
}

void check_layers(const std::vector<fs::path>& lowerdirs) {
  if (lowerdirs.empty()) throw Error("mount rootfs: the image has no layers");
  for (const auto& layer : lowerdirs) {
    struct stat st;
    if (stat(layer.c_str(), &st) < 0) throw Error::sys("layer", layer.string(), errno);
    if (!S_ISDIR(st.st_mode)) throw Error::sys("layer", layer.string(), ENOTDIR);
  }
}

void make_dir(const fs::path& p, mode_t mode) {
  if (mkdir(p.c_str(), mode) < 0 && errno != EEXIST) throw Error::sys("mkdir", p.string(), errno);
}

// The upper dir is the merged root's own inode: give it the top layer's owner and mode,
// as the image's root directory would have.
void make_upper(const fs::path& upper, const fs::path& top_layer) {
  if (mkdir(upper.c_str(), 0755) < 0) {
    if (errno == EEXIST) return;
    throw Error::sys("mkdir", upper.string(), errno);
  }
  struct stat st;
  if (stat(top_layer.c_str(), &st) < 0) throw Error::sys("stat", top_layer.string(), errno);
  if (chown(upper.c_str(), st.st_uid, st.st_gid) < 0 ||
      chmod(upper.c_str(), st.st_mode & 07777) < 0)
    throw Error::sys("set owner and mode of", upper.string(), errno);
}

// The fs context's log says why overlay refused ("overlayfs: failed to resolve ...").
std::string fs_context_log(int fsfd) {
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fsfd, buf, sizeof buf - 1)) > 0) {
    buf[n] = 0;
    out += (out.empty() ? " (" : "; ") + std::string(buf + (n > 2 && buf[1] == ' ' ? 2 : 0));
  }
  return out.empty() ? out : out + ")";
}

void make_private(int mount_fd, const fs::path& merged) {
  struct mount_attr attr = {};
  attr.propagation = MS_PRIVATE;
  if (mount_setattr(mount_fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
    int err = errno;
    umount2(merged.c_str(), MNT_DETACH);
    throw Error::sys("make private", merged.string(), err);
  }
}

// Attaches a detached mount at `merged`, private so that it does not propagate on.
void attach(int mount_fd, const fs::path& merged) {
  if (move_mount(mount_fd, "", AT_FDCWD, merged.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
    throw Error::sys("attach mount at", merged.string(), errno);
  make_private(mount_fd, merged);
}

// Returns false when this kernel lacks the API (the caller falls back to mount(2)).
bool overlay_with_mount_api(const std::vector<fs::path>& lowerdirs, const RootfsLayout& layout,
                            bool fall_back) {
  UniqueFd fsfd(fsopen("overlay", FSOPEN_CLOEXEC));
  if (!fsfd) {
    if (fall_back && errno == ENOSYS) return false;
    throw Error::sys("fsopen", "overlay", errno);
  }
  std::vector<UniqueFd> fds;
  auto set = [&](const char* key, const fs::path& p) {
    std::string value = overlay_path(p, "\\", kFsconfigValueMax, fds);
    return fsconfig(fsfd.get(), FSCONFIG_SET_STRING, key, value.c_str(), 0) == 0;
  };
  // "overlay" in mountinfo's source column, as mount(2) and Docker show it.
  fsconfig(fsfd.get(), FSCONFIG_SET_STRING, "source", "overlay", 0);
  // The top layer first, as overlay stacks them.
  for (auto it = lowerdirs.rbegin(); it != lowerdirs.rend(); ++it) {
    if (set("lowerdir+", *it)) continue;
    if (fall_back && errno == EINVAL && it == lowerdirs.rbegin()) return false;  // before 6.8
    throw Error::sys("overlay lower dir", it->string(), errno);
  }
  if (!layout.read_only &&
      !(set("upperdir", layout.dir / "upper") && set("workdir", layout.dir / "work")))
    throw Error::sys("overlay upper dir", (layout.dir / "upper").string(), errno);
  if (fsconfig(fsfd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) {
    int err = errno;
    throw Error::sys("mount overlay" + fs_context_log(fsfd.get()) + " at", layout.merged.string(),
                     err);
  }
  UniqueFd mfd(fsmount(fsfd.get(), FSMOUNT_CLOEXEC, layout.read_only ? MOUNT_ATTR_RDONLY : 0));
  if (!mfd) throw Error::sys("fsmount overlay at", layout.merged.string(), errno);
  attach(mfd.get(), layout.merged);
  return true;
}

std::string legacy_overlay_data(const std::vector<fs::path>& lowerdirs, const RootfsLayout& layout,
                                bool force_fds, std::vector<UniqueFd>& fds) {
  size_t max_len = force_fds ? 0 : kLegacyDataMax;
  std::string data = "lowerdir=";
  for (auto it = lowerdirs.rbegin(); it != lowerdirs.rend(); ++it)
    data += (it == lowerdirs.rbegin() ? "" : ":") + overlay_path(*it, ":,\\", max_len, fds);
  if (!layout.read_only) {
    data += ",upperdir=" + overlay_path(layout.dir / "upper", ":,\\", kLegacyDataMax, fds);
    data += ",workdir=" + overlay_path(layout.dir / "work", ":,\\", kLegacyDataMax, fds);
  }
  return data;
}

void overlay_with_mount2(const std::vector<fs::path>& lowerdirs, const RootfsLayout& layout) {
  std::vector<UniqueFd> fds;
  std::string data = legacy_overlay_data(lowerdirs, layout, false, fds);
  // Too long for one page: name every layer by a short /proc/self/fd path instead.
  if (data.size() > kLegacyDataMax) data = legacy_overlay_data(lowerdirs, layout, true, fds);
  if (data.size() > kLegacyDataMax)
    throw Error("mount overlay at " + layout.merged.string() + ": too many layers (" +
                std::to_string(lowerdirs.size()) + ") for mount(2)");
  unsigned long flags = layout.read_only ? MS_RDONLY : 0;
  if (mount("overlay", layout.merged.c_str(), "overlay", flags, data.c_str()) < 0)
    throw Error::sys("mount overlay at", layout.merged.string(), errno);
  if (mount(nullptr, layout.merged.c_str(), nullptr, MS_PRIVATE, nullptr) < 0) {
    int err = errno;
    umount2(layout.merged.c_str(), MNT_DETACH);
    throw Error::sys("make private", layout.merged.string(), err);
  }
}

// One layer and no upper dir: overlay wants two lowers, a read-only bind does the same.
void bind_read_only(const fs::path& layer, const fs::path& merged) {
  UniqueFd tree(open_tree(AT_FDCWD, layer.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
  if (!tree) throw Error::sys("bind", layer.string() + " -> " + merged.string(), errno);
  struct mount_attr attr = {};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  if (mount_setattr(tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    throw Error::sys("make read-only", layer.string(), errno);
  attach(tree.get(), merged);
}

void bind_read_only_mount2(const fs::path& layer, const fs::path& merged) {
  if (mount(layer.c_str(), merged.c_str(), nullptr, MS_BIND, nullptr) < 0)
    throw Error::sys("bind", layer.string() + " -> " + merged.string(), errno);
  if (mount(nullptr, merged.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) < 0 ||
      mount(nullptr, merged.c_str(), nullptr, MS_PRIVATE, nullptr) < 0) {
    int err = errno;
    umount2(merged.c_str(), MNT_DETACH);
    throw Error::sys("make read-only and private", merged.string(), err);
  }
}

}  // namespace

RootfsLayout mount_rootfs(const fs::path& dir, const std::vector<fs::path>& lowerdirs,
                          bool read_only) {
  return mount_rootfs(dir, lowerdirs, read_only, OverlayApi::Auto);
}

RootfsLayout mount_rootfs(const fs::path& dir, const std::vector<fs::path>& lowerdirs,
                          bool read_only, OverlayApi api) {
  RootfsLayout layout{dir, dir / "merged", read_only};
  try {
    check_layers(lowerdirs);
    fs::create_directories(dir.parent_path());
    make_dir(dir, 0711);
    make_dir(layout.merged, 0755);
    if (is_mount_point(layout.merged)) return layout;
    if (!read_only) {
      make_upper(dir / "upper", lowerdirs.back());
      make_dir(dir / "work", 0700);
    }
    if (read_only && lowerdirs.size() == 1) {
      if (api == OverlayApi::Legacy)
        bind_read_only_mount2(lowerdirs[0], layout.merged);
      else
        bind_read_only(lowerdirs[0], layout.merged);
      return layout;
    }
    if (api == OverlayApi::Legacy ||
        !overlay_with_mount_api(lowerdirs, layout, api == OverlayApi::Auto))
      overlay_with_mount2(lowerdirs, layout);
    return layout;
  } catch (const fs::filesystem_error& e) {
    throw Error::sys("create", e.path1().string(), e.code().value())
        .with_context("mount rootfs " + dir.string());
  } catch (const Error& e) {
    throw e.with_context("mount rootfs " + dir.string());
  }
}

void unmount_rootfs(const fs::path& dir) {
  fs::path merged = dir / "merged";
  // A loop: a crash between two mounts may have stacked a second one on the first.
  for (int i = 0; i < 16 && is_mount_point(merged); ++i) {
    if (umount2(merged.c_str(), UMOUNT_NOFOLLOW) == 0) continue;
    if (errno == EBUSY && umount2(merged.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) continue;
    if (errno == EINVAL || errno == ENOENT) return;
    throw Error::sys("unmount", merged.string(), errno);
  }
}

void remove_container_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) return;
  unmount_rootfs(dir);
  // Removing through a mount would delete what it shows (a volume, the layers' view).
  std::ifstream in("/proc/self/mountinfo");
  std::string line, prefix = fs::weakly_canonical(dir).string() + "/";
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    fields >> id >> parent >> devno >> root >> mount_point;
    if (mount_point.starts_with(prefix))
      throw Error::sys("remove", dir.string() + " (" + mount_point + " is still mounted)", EBUSY);
  }
  fs::remove_all(dir, ec);
  if (ec) throw Error::sys("remove", dir.string(), ec.value());
}

}  // namespace engine
