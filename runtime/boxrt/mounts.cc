#include "boxrt/mounts.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>

#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {
namespace {

struct FlagOpt {
  const char* name;
  bool clear;
  unsigned long flag;
};
constexpr FlagOpt kFlagOpts[] = {
    {"ro", false, MS_RDONLY},         {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},     {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},       {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},     {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},  {"async", true, MS_SYNCHRONOUS},
    {"noatime", false, MS_NOATIME},   {"atime", true, MS_NOATIME},
    {"nodiratime", false, MS_NODIRATIME}, {"diratime", true, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME}, {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},    {"dirsync", false, MS_DIRSYNC},
};
constexpr FlagOpt kPropagationOpts[] = {
    {"private", false, MS_PRIVATE},   {"rprivate", false, MS_PRIVATE | MS_REC},
    {"shared", false, MS_SHARED},     {"rshared", false, MS_SHARED | MS_REC},
    {"slave", false, MS_SLAVE},       {"rslave", false, MS_SLAVE | MS_REC},
    {"unbindable", false, MS_UNBINDABLE}, {"runbindable", false, MS_UNBINDABLE | MS_REC},
};

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

// `what` names the step ("bind /x on /y"); empty for the spec mount itself, whose
// failure mount_one reports as "mount <source> on <destination>: <errno>".
void do_mount(const std::string& src, const std::string& target, const char* type,
              unsigned long flags, const std::string& data, const std::string& what) {
  if (mount(src.empty() ? nullptr : src.c_str(), target.c_str(), type, flags,
            data.empty() ? nullptr : data.c_str()) == 0)
    return;
  int err = errno;
  if (what.empty()) throw Error(errno_name(err), err);
  throw os_error(what, "", err);
}

bool source_is_dir(const std::string& source) {
  struct stat st;
  if (stat(source.c_str(), &st) < 0) throw os_error("stat bind source", source, errno);
  return S_ISDIR(st.st_mode);
}

void mount_cgroup_tree(int rootfd, const Mount& m, const MountFlags& f,
                       const CgroupBindSources& cgroups) {
  UniqueFd dest = ensure_in_root(rootfd, m.destination, true);
  if (cgroups.size() == 1 && cgroups[0].first.empty()) {  // cgroup v2: the one directory
    do_mount(cgroups[0].second, fd_path(dest.get()), nullptr, MS_BIND, "", "");
    UniqueFd top = open_in_root(rootfd, m.destination);
    remount_keep_locked(fd_path(top.get()), f.flags | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                        m.destination);
    return;
  }
  do_mount("tmpfs", fd_path(dest.get()), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", "");
  for (const auto& [name, host_dir] : cgroups) {
    std::string sub = m.destination + "/" + name;
    UniqueFd sub_fd = ensure_in_root(rootfd, sub, true);
    do_mount(host_dir, fd_path(sub_fd.get()), nullptr, MS_BIND | MS_REC, "",
             "bind " + host_dir + " on " + sub);
    UniqueFd top = open_in_root(rootfd, sub);
    remount_keep_locked(fd_path(top.get()), f.flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, sub);
  }
  if (f.flags & MS_RDONLY) {
    UniqueFd top = open_in_root(rootfd, m.destination);
    remount_keep_locked(fd_path(top.get()), f.flags, m.destination);
  }
}

}  // namespace

MountFlags parse_mount_options(const std::vector<std::string>& options) {
  MountFlags f;
  for (const auto& opt : options) {
    bool known = false;
    for (const auto& fo : kFlagOpts) {
      if (opt != fo.name) continue;
      f.flags = fo.clear ? f.flags & ~fo.flag : f.flags | fo.flag;
      known = true;
    }
    for (const auto& po : kPropagationOpts) {
      if (opt != po.name) continue;
      f.propagation |= po.flag;
      known = true;
    }
    if (opt == "bind" || opt == "rbind") {
      f.bind = true;
      f.rec |= opt == "rbind";
      known = true;
    }
    if (!known) f.data += (f.data.empty() ? "" : ",") + opt;
  }
  return f;
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

UniqueFd open_in_root(int rootfd, const std::string& path, int flags) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const char* rel = path.empty() ? "." : path.c_str();
  return UniqueFd(static_cast<int>(syscall(SYS_openat2, rootfd, rel, &how, sizeof how)));
}

namespace {

// The rest of `parts` after index i, joined.
std::string rest_of(const std::vector<std::string>& parts, size_t i) {
  std::string out;
  for (size_t k = i; k < parts.size(); ++k) out += "/" + parts[k];
  return out;
}

UniqueFd ensure_in_root_depth(int rootfd, const std::string& path, bool dir, int depth) {
  if (depth > 40) throw os_error("resolve", path + " in the rootfs", ELOOP);
  // Lexically clamped at the root, as securejoin does: "/../x" is "/x".
  std::vector<std::string> parts;
  for (auto& p : split_path(path)) {
    if (p == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (p != ".") {
      parts.push_back(p);
    }
  }
  std::string prefix;
  UniqueFd cur(fcntl(rootfd, F_DUPFD_CLOEXEC, 3));
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    std::string next = prefix + "/" + parts[i];
    UniqueFd fd = open_in_root(rootfd, next);
    if (!fd && errno == ENOENT) {
      // A symlink whose target is missing: create the target, inside the root, instead.
      char link[PATH_MAX];
      ssize_t n = readlinkat(cur.get(), parts[i].c_str(), link, sizeof link - 1);
      if (n > 0) {
        link[n] = 0;
        std::string target = link[0] == '/' ? std::string(link) : prefix + "/" + link;
        return ensure_in_root_depth(rootfd, target + rest_of(parts, i + 1), dir, depth + 1);
      }
      // `cur` was itself resolved inside the root, and the name has no slash: creating
      // it cannot land outside.
      int rc = (!last || dir) ? mkdirat(cur.get(), parts[i].c_str(), 0755)
                              : [&] {
                                  int f = openat(cur.get(), parts[i].c_str(),
                                                 O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
                                  return f < 0 ? -1 : close(f);
                                }();
      if (rc < 0 && errno != EEXIST) throw os_error("create", next + " in the rootfs", errno);
      fd = open_in_root(rootfd, next);
    }
    if (!fd) throw os_error("resolve", next + " in the rootfs", errno);
    cur = std::move(fd);
    prefix = next;
  }
  return cur;
}

}  // namespace

UniqueFd ensure_in_root(int rootfd, const std::string& path, bool dir) {
  return ensure_in_root_depth(rootfd, path, dir, 0);
}

void remount_keep_locked(const std::string& target, unsigned long flags, const std::string& name) {
  const std::string& shown = name.empty() ? target : name;
  struct statvfs st;
  check_os(statvfs(target.c_str(), &st), "statvfs", shown);
  unsigned long locked = st.f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
                                      MS_NODIRATIME | MS_RELATIME | MS_RDONLY);
  do_mount("", target, nullptr, MS_BIND | MS_REMOUNT | flags | locked, "", "remount " + shown);
}

void mount_one(int rootfd, const Mount& m, const CgroupBindSources& cgroups) {
  MountFlags f = parse_mount_options(m.options);
  std::string what = (m.source.empty() ? m.type : m.source) + " on " + m.destination;
  try {
    if (m.type == "cgroup" || m.type == "cgroup2") {
      if (!cgroups.empty()) return mount_cgroup_tree(rootfd, m, f, cgroups);
    }
    if (f.bind || m.type == "bind") {
      UniqueFd dest = ensure_in_root(rootfd, m.destination, source_is_dir(m.source));
      std::string target = fd_path(dest.get());
      do_mount(m.source, target, nullptr, MS_BIND | (f.rec ? MS_REC : 0), "", "");
      // Flags on a bind only take effect on a remount; re-resolve the new mount on top.
      UniqueFd top = open_in_root(rootfd, m.destination);
      if (!top) throw os_error("resolve", m.destination + " after bind", errno);
      if (f.flags) remount_keep_locked(fd_path(top.get()), f.flags, m.destination);
      if (f.propagation)
        do_mount("", fd_path(top.get()), nullptr, f.propagation, "", "set propagation");
      return;
    }
    UniqueFd dest = ensure_in_root(rootfd, m.destination, true);
    do_mount(m.source.empty() ? m.type : m.source, fd_path(dest.get()), m.type.c_str(), f.flags,
             f.data, "");
    if (f.propagation) {
      UniqueFd top = open_in_root(rootfd, m.destination);
      do_mount("", fd_path(top.get()), nullptr, f.propagation, "", "set propagation");
    }
  } catch (const Error& e) {
    // "mount proc on /proc: EPERM", or "mount /x on /y: remount /y: EPERM" for a step.
    throw e.with_context("mount " + what);
  }
}

}  // namespace boxrt
