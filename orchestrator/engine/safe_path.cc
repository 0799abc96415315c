#include "engine/safe_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <sstream>

#include "engine/error.h"

namespace engine {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      out += static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

// For kernels without STATX_ATTR_MOUNT_ROOT (before 5.8): look the path up in mountinfo.
bool listed_in_mountinfo(const std::filesystem::path& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    fields >> id >> parent >> devno >> root >> mount_point;
    if (unescape_mountinfo(mount_point) == path.string()) return true;
  }
  return false;
}

}  // namespace

boxrt::UniqueFd open_in_root(int root_fd, const std::string& path, int flags) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const char* rel = path.empty() ? "." : path.c_str();
  return boxrt::UniqueFd(static_cast<int>(syscall(SYS_openat2, root_fd, rel, &how, sizeof how)));
}

boxrt::UniqueFd open_dir(const std::filesystem::path& dir, int flags) {
  boxrt::UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | flags));
  if (!fd) throw Error::sys("open", dir.string(), errno);
  return fd;
}

std::string fd_path(int fd) {
  return "/proc/self/fd/" + std::to_string(fd);
}

std::filesystem::path path_of_fd(int fd) {
  char buf[PATH_MAX];
  ssize_t n = readlink(fd_path(fd).c_str(), buf, sizeof buf - 1);
  if (n < 0) throw Error::sys("readlink", fd_path(fd), errno);
  return std::string(buf, static_cast<size_t>(n));
}

bool is_mount_point(const std::filesystem::path& path) {
  struct statx st = {};
  if (statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &st) < 0) return false;
  if (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
    return (st.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  return listed_in_mountinfo(std::filesystem::weakly_canonical(path));
}

bool is_plain_relative(const std::string& rel) {
  std::filesystem::path p(rel);
  if (rel.empty() || p.is_absolute()) return false;
  for (const auto& part : p)
    if (part == "..") return false;
  return true;
}

}  // namespace engine
