#include "engine/container_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "engine/error.h"
#include "engine/exec.h"
#include "engine/safe_path.h"

namespace engine {
namespace {

using boxrt::UniqueFd;

// Where paths of one side resolve: the host (root_fd -1) or a container root.
struct Side {
  int root_fd = -1;
  std::string label;  // "web:" or "" for messages

  UniqueFd open(const std::string& path, int flags) const {
    if (root_fd < 0) return UniqueFd(::open(path.c_str(), flags | O_CLOEXEC));
    return open_in_root(root_fd, path, flags);
  }
  std::string name(const std::string& path) const { return label + path; }
};

// "a/b/" -> ("a", "b"); "/x" -> ("/", "x"); "x" -> (".", "x").
std::pair<std::string, std::string> split_last(std::string path) {
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

bool ends_with_dot(const std::string& path) {
  return path == "." || (path.size() >= 2 && path.compare(path.size() - 2, 2, "/.") == 0);
}

void keep_attributes(int fd, const struct stat& st, mode_t mode, bool archive,
                     const std::string& what) {
  if (archive && ::fchown(fd, st.st_uid, st.st_gid) != 0) throw Error::sys("chown", what, errno);
  if (::fchmod(fd, mode & 07777) != 0) throw Error::sys("chmod", what, errno);
  timespec times[2] = {st.st_atim, st.st_mtim};
  ::futimens(fd, times);
}

// A non-directory at dst/name goes (a symlink is replaced, never followed).
void clear_target(int dst_dir, const std::string& name, bool want_dir) {
  struct stat st;
  if (::fstatat(dst_dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (want_dir && S_ISDIR(st.st_mode)) return;
  if (S_ISDIR(st.st_mode)) return;  // a directory where a file goes: openat fails with EISDIR
  ::unlinkat(dst_dir, name.c_str(), 0);
}

void copy_data(int from, int to, const std::string& what) {
  for (;;) {
    ssize_t n = ::sendfile(to, from, nullptr, 1 << 20);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::sys("copy", what, errno);
    if (n == 0) return;
  }
}

struct Copier {
  bool archive;
  bool to_host;

  void entry(int src_dir, const std::string& src_name, int dst_dir, const std::string& dst_name,
             const std::string& what) {
    struct stat st;
    if (::fstatat(src_dir, src_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      throw Error::sys("stat", what, errno);
    if (S_ISREG(st.st_mode)) return file(src_dir, src_name, dst_dir, dst_name, what);
    if (S_ISDIR(st.st_mode)) return directory(src_dir, src_name, st, dst_dir, dst_name, what);
    if (S_ISLNK(st.st_mode)) return symlink(src_dir, src_name, st, dst_dir, dst_name, what);
    throw Error("cp " + what + ": not a regular file, directory or symlink");
  }

  // The container may swap the file for a FIFO or a symlink after it was listed: the
  // open neither blocks nor follows, and what was opened is what is checked.
  void file(int src_dir, const std::string& src_name, int dst_dir, const std::string& dst_name,
            const std::string& what) {
    UniqueFd in(
        ::openat(src_dir, src_name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!in) throw Error::sys("open", what, errno);
    struct stat st;
    if (::fstat(in.get(), &st) != 0) throw Error::sys("stat", what, errno);
    if (!S_ISREG(st.st_mode)) throw Error("cp " + what + ": no longer a regular file");
    clear_target(dst_dir, dst_name, false);
    UniqueFd out(::openat(dst_dir, dst_name.c_str(),
                          O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) throw Error::sys("create", dst_name + " (from " + what + ")", errno);
    copy_data(in.get(), out.get(), what);
    // A set-id program of the container's becomes ours on the host: without -a, not set-id.
    mode_t mode = st.st_mode;
    if (to_host && !archive) mode &= ~static_cast<mode_t>(S_ISUID | S_ISGID);
    keep_attributes(out.get(), st, mode, archive, dst_name);
  }

  void directory(int src_dir, const std::string& src_name, const struct stat& st, int dst_dir,
                 const std::string& dst_name, const std::string& what) {
    UniqueFd from(
        ::openat(src_dir, src_name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!from) throw Error::sys("open", what, errno);
    clear_target(dst_dir, dst_name, true);
    if (::mkdirat(dst_dir, dst_name.c_str(), 0700) != 0 && errno != EEXIST)
      throw Error::sys("mkdir", dst_name + " (from " + what + ")", errno);
    UniqueFd to(
        ::openat(dst_dir, dst_name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!to) throw Error::sys("open", dst_name + " (from " + what + ")", errno);
    contents(from.get(), to.get(), what);
    keep_attributes(to.get(), st, st.st_mode, archive, dst_name);
  }

  void contents(int from, int to, const std::string& what) {
    for (const std::string& name : list(from, what))
      entry(from, name, to, name, what + "/" + name);
  }

  void symlink(int src_dir, const std::string& src_name, const struct stat& st, int dst_dir,
               const std::string& dst_name, const std::string& what) {
    std::vector<char> target(static_cast<std::size_t>(st.st_size) + 2);
    ssize_t n = ::readlinkat(src_dir, src_name.c_str(), target.data(), target.size() - 1);
    if (n < 0) throw Error::sys("readlink", what, errno);
    clear_target(dst_dir, dst_name, false);
    if (::symlinkat(std::string(target.data(), static_cast<std::size_t>(n)).c_str(), dst_dir,
                    dst_name.c_str()) != 0)
      throw Error::sys("symlink", dst_name + " (from " + what + ")", errno);
    if (archive) ::fchownat(dst_dir, dst_name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
  }

  static std::vector<std::string> list(int dir_fd, const std::string& what) {
    int dup = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* dir = dup < 0 ? nullptr : ::fdopendir(dup);
    if (!dir) {
      if (dup >= 0) ::close(dup);
      throw Error::sys("read directory", what, errno);
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(dir);
    return names;
  }
};

struct Source {
  UniqueFd parent;
  std::string name;
  bool contents_only = false;
  bool is_dir = false;
};

Source open_source(const Side& side, const std::string& path) {
  Source s;
  s.contents_only = ends_with_dot(path);
  auto [parent, name] = split_last(path);
  if (s.contents_only || name.empty()) {
    parent = path;
    name = ".";
  }
  s.parent = side.open(parent, O_PATH | O_DIRECTORY);
  if (!s.parent) throw Error::sys("open", side.name(path), errno);
  s.name = name;
  struct stat st;
  if (::fstatat(s.parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    throw Error::sys("stat", side.name(path), errno);
  s.is_dir = S_ISDIR(st.st_mode);
  if (s.contents_only && !s.is_dir) throw Error("cp " + side.name(path) + ": not a directory");
  return s;
}

// Where the copy goes: into DEST when it is a directory, else DEST itself (its parent
// must exist).
struct Target {
  UniqueFd dir;
  std::string name;  // empty: into `dir` itself (contents of a directory)
};

Target open_target(const Side& side, const std::string& path, const Source& src) {
  UniqueFd existing = side.open(path, O_PATH);
  struct stat st;
  if (existing && ::fstat(existing.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
    if (src.contents_only) return {std::move(existing), ""};
    // Into it; a source "." (a root) keeps its contents at the top.
    return {std::move(existing), src.name == "." ? "" : src.name};
  }
  if (existing && src.is_dir)
    throw Error("cp: cannot copy a directory to " + side.name(path) + ", which is not a directory");
  if (!existing && errno != ENOENT) throw Error::sys("open", side.name(path), errno);
  if (!existing && !path.empty() && path.back() == '/')
    throw Error("cp: destination directory " + side.name(path) + " does not exist");
  auto [parent, name] = split_last(path);
  UniqueFd dir = side.open(parent, O_PATH | O_DIRECTORY);
  if (!dir) throw Error::sys("open", side.name(path) + " (its directory " + parent + ")", errno);
  return {std::move(dir), name};
}

}  // namespace

CopyEndpoint parse_copy_endpoint(const std::string& text) {
  if (text.empty() || text[0] == '/' || text[0] == '.') return {"", text};
  std::size_t colon = text.find(':');
  std::size_t slash = text.find('/');
  if (colon == std::string::npos || (slash != std::string::npos && slash < colon))
    return {"", text};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

void copy_path(pid_t container_pid, const CopyEndpoint& src, const CopyEndpoint& dest,
               const CopyOptions& options) {
  std::string root_path = "/proc/" + std::to_string(container_pid) + "/root";
  UniqueFd root(::open(root_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) throw Error::sys("open", root_path + " (the container's root)", errno);
  Side src_side{src.service.empty() ? -1 : root.get(),
                src.service.empty() ? "" : src.service + ":"};
  Side dst_side{dest.service.empty() ? -1 : root.get(),
                dest.service.empty() ? "" : dest.service + ":"};
  Source from = open_source(src_side, src.path.empty() ? "/" : src.path);
  Target to = open_target(dst_side, dest.path.empty() ? "/" : dest.path, from);
  Copier copier{options.archive, dest.service.empty()};
  std::string what = src_side.name(src.path);
  if (to.name.empty()) {
    UniqueFd dir(::openat(from.parent.get(), from.name.c_str(),
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) throw Error::sys("open", what, errno);
    UniqueFd into(::openat(to.dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!into) throw Error::sys("open", dst_side.name(dest.path), errno);
    return copier.contents(dir.get(), into.get(), what);
  }
  UniqueFd into(::openat(to.dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!into) throw Error::sys("open", dst_side.name(dest.path), errno);
  copier.entry(from.parent.get(), from.name, into.get(), to.name, what);
}

void copy(const Paths& paths, const std::string& project_name, const CopyEndpoint& src,
          const CopyEndpoint& dest, const CopyOptions& options) {
  if (src.service.empty() == dest.service.empty())
    throw Error("cp: exactly one of SRC and DEST must be SERVICE:PATH");
  const std::string& service = src.service.empty() ? dest.service : src.service;
  RunningContainer c = running_container(paths, project_name, service, 1);
  copy_path(c.pid, src, dest, options);
}

}  // namespace engine
