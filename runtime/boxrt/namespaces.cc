#include "boxrt/namespaces.h"

#include <fcntl.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "boxrt/error.h"
#include "boxrt/os_error.h"

namespace boxrt {

int namespace_clone_flag(const std::string& type) {
  if (type == "pid") return CLONE_NEWPID;
  if (type == "network") return CLONE_NEWNET;
  if (type == "mount") return CLONE_NEWNS;
  if (type == "ipc") return CLONE_NEWIPC;
  if (type == "uts") return CLONE_NEWUTS;
  if (type == "user") return CLONE_NEWUSER;
  if (type == "cgroup") return CLONE_NEWCGROUP;
  throw Error("unknown namespace type \"" + type + "\"");
}

const char* namespace_proc_name(const std::string& type) {
  if (type == "network") return "net";
  if (type == "mount") return "mnt";
  if (type == "pid") return "pid";
  if (type == "ipc") return "ipc";
  if (type == "uts") return "uts";
  if (type == "user") return "user";
  if (type == "cgroup") return "cgroup";
  throw Error("unknown namespace type \"" + type + "\"");
}

int clone_flags_for(const ContainerSpec& spec) {
  int flags = 0;
  for (const auto& ns : spec.linux.namespaces)
    if (ns.path.empty()) flags |= namespace_clone_flag(ns.type);
  return flags;
}

void join_namespaces(const ContainerSpec& spec) {
  // Open every path first: once the mount namespace is joined, /proc/<pid>/ns/... of
  // the host may no longer be visible. Then the user namespace first, mount last.
  struct Target {
    const Namespace* ns;
    UniqueFd fd;
    int order;
  };
  std::vector<Target> targets;
  for (const auto& ns : spec.linux.namespaces) {
    if (ns.path.empty() || ns.type == "pid") continue;
    UniqueFd fd(open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw os_error("open " + ns.type + " namespace", ns.path, errno);
    int order = ns.type == "user" ? 0 : ns.type == "mount" ? 2 : 1;
    targets.push_back({&ns, std::move(fd), order});
  }
  std::stable_sort(targets.begin(), targets.end(),
                   [](const Target& a, const Target& b) { return a.order < b.order; });
  for (const auto& t : targets)
    if (setns(t.fd.get(), namespace_clone_flag(t.ns->type)) < 0)
      throw os_error("join " + t.ns->type + " namespace", t.ns->path, errno);
}

PidNamespaceJoin::PidNamespaceJoin(const std::string& path) {
  own_ = UniqueFd(open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
  if (!own_) throw os_error("open", "/proc/self/ns/pid", errno);
  UniqueFd target(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!target) throw os_error("open pid namespace", path, errno);
  if (setns(target.get(), CLONE_NEWPID) < 0) throw os_error("join pid namespace", path, errno);
}

PidNamespaceJoin::~PidNamespaceJoin() { setns(own_.get(), CLONE_NEWPID); }

}  // namespace boxrt
