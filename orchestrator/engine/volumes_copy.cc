// Filling a new volume from the image's content at its mount point, as Docker does. The
// source is the container's rootfs, which the image's author controls: every step goes by
// file descriptor, one name at a time with O_NOFOLLOW, from a start resolved inside the
// rootfs, so a symlink such as /data -> /etc copies the image's /etc, never the host's.
#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "engine/error.h"
#include "engine/safe_path.h"
#include "engine/storage.h"

namespace engine {
namespace {

namespace fs = std::filesystem;
using boxrt::UniqueFd;

// Two fds per level; deeper trees than this are refused rather than run out of fds.
constexpr int kMaxDepth = 256;

std::vector<std::string> names_in(int dir_fd, const std::string& rel) {
  std::vector<std::string> names;
  int dup = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) throw Error::sys("dup", rel, errno);
  std::unique_ptr<DIR, int (*)(DIR*)> d(fdopendir(dup), closedir);
  if (!d) {
    int err = errno;
    close(dup);
    throw Error::sys("read directory", rel, err);
  }
  errno = 0;
  while (dirent* e = readdir(d.get())) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
    errno = 0;
  }
  if (errno) throw Error::sys("read directory", rel, errno);
  return names;
}

bool ignorable_xattr_error(int err) {
  return err == ENOTSUP || err == EOPNOTSUPP || err == EPERM || err == ENODATA;
}

void copy_xattrs(int from, int to, const std::string& rel) {
  ssize_t size = flistxattr(from, nullptr, 0);
  if (size <= 0) return;
  std::string list(static_cast<size_t>(size), '\0');
  size = flistxattr(from, list.data(), list.size());
  if (size <= 0) return;
  list.resize(static_cast<size_t>(size));
  for (size_t i = 0; i < list.size(); i += strlen(list.c_str() + i) + 1) {
    const char* name = list.c_str() + i;
    if (std::string_view(name).starts_with("trusted.overlay.")) continue;
    ssize_t n = fgetxattr(from, name, nullptr, 0);
    if (n < 0) continue;
    std::string value(static_cast<size_t>(n), '\0');
    n = fgetxattr(from, name, value.data(), value.size());
    if (n < 0) continue;
    if (fsetxattr(to, name, value.data(), static_cast<size_t>(n), 0) < 0 &&
        !ignorable_xattr_error(errno))
      throw Error::sys(std::string("set xattr ") + name + " on", rel, errno);
  }
}

// Owner first: chown clears set-id bits and file capabilities, which come after it.
void copy_attributes(int from, int to, const struct stat& st, const std::string& rel) {
  if (fchown(to, st.st_uid, st.st_gid) < 0) throw Error::sys("chown", rel, errno);
  if (fchmod(to, st.st_mode & 07777) < 0) throw Error::sys("chmod", rel, errno);
  copy_xattrs(from, to, rel);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (futimens(to, times) < 0) throw Error::sys("set times of", rel, errno);
}

void copy_bytes(int from, int to, const std::string& rel) {
  bool fast = true;
  for (;;) {
    ssize_t n = fast ? copy_file_range(from, nullptr, to, nullptr, 1 << 30, 0) : 0;
    if (fast && n < 0 &&
        (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
         errno == EBADF)) {
      fast = false;  // across file systems (overlay to ext4) before 5.19: plain copies
      continue;
    }
    if (!fast) {
      char buf[65536];
      n = read(from, buf, sizeof buf);
      for (ssize_t off = 0; n > 0 && off < n;) {
        ssize_t w = write(to, buf + off, static_cast<size_t>(n - off));
        if (w < 0) throw Error::sys("write", rel, errno);
        off += w;
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::sys("copy", rel, errno);
    if (n == 0) return;
  }
}

class Copier {
 public:
  explicit Copier(int dst_root) : dst_root_(dst_root) {}

  void copy_dir(int src, int dst, const std::string& rel, int depth) {
    if (depth > kMaxDepth) throw Error::sys("copy", rel, ELOOP);
    for (const auto& name : names_in(src, rel.empty() ? "/" : rel))
      copy_entry(src, dst, name, rel.empty() ? name : rel + "/" + name, depth);
  }

 private:
  void copy_entry(int src_dir, int dst_dir, const std::string& name, const std::string& rel,
                  int depth) {
    struct stat st;
    if (fstatat(src_dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
      throw Error::sys("stat", rel, errno);
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && link_again(st, dst_dir, name, rel)) return;
    switch (st.st_mode & S_IFMT) {
      case S_IFDIR:
        return copy_subdir(src_dir, dst_dir, name, rel, depth);
      case S_IFREG:
        return copy_file(src_dir, dst_dir, name, rel);
      case S_IFLNK:
        return copy_symlink(src_dir, dst_dir, name, rel, st);
      case S_IFCHR:
      case S_IFBLK:
      case S_IFIFO:
        return copy_node(dst_dir, name, rel, st);
      default:
        return;  // a socket means nothing without its server
    }
  }

  // A later name of a file already copied becomes a hard link to the copy.
  bool link_again(const struct stat& st, int dst_dir, const std::string& name,
                  const std::string& rel) {
    auto [it, fresh] = first_copy_.try_emplace({st.st_dev, st.st_ino}, rel);
    if (fresh) return false;
    // dst_root_ holds only what we made: directories and, as leaves, the rest.
    if (linkat(dst_root_, it->second.c_str(), dst_dir, name.c_str(), 0) < 0)
      throw Error::sys("link", rel, errno);
    return true;
  }

  void copy_subdir(int src_dir, int dst_dir, const std::string& name, const std::string& rel,
                   int depth) {
    constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    UniqueFd src(openat(src_dir, name.c_str(), kFlags));
    if (!src) throw Error::sys("open", rel, errno);
    if (mkdirat(dst_dir, name.c_str(), 0700) < 0) throw Error::sys("mkdir", rel, errno);
    UniqueFd dst(openat(dst_dir, name.c_str(), kFlags));
    if (!dst) throw Error::sys("open copy of", rel, errno);
    copy_dir(src.get(), dst.get(), rel, depth + 1);
    struct stat st;
    if (fstat(src.get(), &st) < 0) throw Error::sys("stat", rel, errno);
    copy_attributes(src.get(), dst.get(), st, rel);  // last: its mode may forbid writing
  }

  void copy_file(int src_dir, int dst_dir, const std::string& name, const std::string& rel) {
    UniqueFd src(openat(src_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!src) throw Error::sys("open", rel, errno);
    struct stat st;
    if (fstat(src.get(), &st) < 0) throw Error::sys("stat", rel, errno);
    if (!S_ISREG(st.st_mode)) throw Error::sys("copy", rel + " (changed while copied)", EAGAIN);
    UniqueFd dst(
        openat(dst_dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!dst) throw Error::sys("create", rel, errno);
    copy_bytes(src.get(), dst.get(), rel);
    copy_attributes(src.get(), dst.get(), st, rel);
  }

  void copy_symlink(int src_dir, int dst_dir, const std::string& name, const std::string& rel,
                    const struct stat& st) {
    char target[PATH_MAX];
    ssize_t n = readlinkat(src_dir, name.c_str(), target, sizeof target - 1);
    if (n < 0) throw Error::sys("readlink", rel, errno);
    target[n] = 0;
    if (symlinkat(target, dst_dir, name.c_str()) < 0) throw Error::sys("symlink", rel, errno);
    set_by_name(dst_dir, name, rel, st, false);
  }

  void copy_node(int dst_dir, const std::string& name, const std::string& rel,
                 const struct stat& st) {
    if (mknodat(dst_dir, name.c_str(), (st.st_mode & S_IFMT) | 0600, st.st_rdev) < 0)
      throw Error::sys("mknod", rel, errno);
    set_by_name(dst_dir, name, rel, st, true);
  }

  // For what cannot be opened to copy (symlinks, devices, fifos): by name, not following.
  static void set_by_name(int dir, const std::string& name, const std::string& rel,
                          const struct stat& st, bool chmod) {
    if (fchownat(dir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
      throw Error::sys("chown", rel, errno);
    // We just made this node and it is not a symlink: following it is not possible.
    if (chmod && fchmodat(dir, name.c_str(), st.st_mode & 07777, 0) < 0)
      throw Error::sys("chmod", rel, errno);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    if (utimensat(dir, name.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0)
      throw Error::sys("set times of", rel, errno);
  }

  int dst_root_;
  std::map<std::pair<dev_t, ino_t>, std::string> first_copy_;
};

}  // namespace

bool copy_up(const fs::path& rootfs, const std::string& path, const fs::path& to) {
  try {
    UniqueFd root = open_dir(rootfs, O_PATH);
    UniqueFd src = open_in_root(root.get(), path, O_RDONLY | O_DIRECTORY);
    if (!src && (errno == ENOENT || errno == ENOTDIR)) return false;
    if (!src) throw Error::sys("open", path + " in the rootfs", errno);
    UniqueFd dst = open_dir(to);
    Copier(dst.get()).copy_dir(src.get(), dst.get(), "", 0);
    // The volume's root takes the owner and mode of the directory it covers.
    struct stat st;
    if (fstat(src.get(), &st) < 0) throw Error::sys("stat", path, errno);
    if (fchown(dst.get(), st.st_uid, st.st_gid) < 0 || fchmod(dst.get(), st.st_mode & 07777) < 0)
      throw Error::sys("set owner and mode of", to.string(), errno);
    return true;
  } catch (const Error& e) {
    throw e.with_context("copy " + path + " from the image into the volume");
  }
}

}  // namespace engine
