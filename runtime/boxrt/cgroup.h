// cgroups: one interface, a v1 backend (one directory per controller hierarchy) and a v2
// backend (one directory in the unified tree). The host decides: pure v1 or hybrid uses
// v1 for limits, pure v2 uses v2. A container's cgroup nests under the caller's own
// cgroup in each hierarchy (from /proc/self/cgroup) unless cgroupsPath is absolute.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "boxrt/spec.h"

namespace boxrt {

enum class CgroupMode { kV1, kV2, kHybrid };

// One line of /proc/<pid>/mountinfo that mounts a cgroup filesystem.
struct CgroupMount {
  std::string mount_point;  // /sys/fs/cgroup/memory
  std::string root;         // the mount's root inside the hierarchy, usually "/"
  bool v2 = false;
  std::vector<std::string> controllers;  // v1: from the super options; v2: empty
};

std::vector<CgroupMount> parse_cgroup_mounts(const std::string& mountinfo);
// /proc/self/cgroup: "4:memory:/a/b" -> {"memory": "/a/b"}; v2's "0::/x" -> {"": "/x"}.
std::map<std::string, std::string> parse_proc_cgroup(const std::string& text);
CgroupMode detect_cgroup_mode(const std::vector<CgroupMount>& mounts);

// Where a container's cgroup lives: v1 "controller -> dir", v2 "" -> dir.
struct CgroupPaths {
  bool v2 = false;
  std::string unified_root;  // v2: the mount point
  std::map<std::string, std::string> dirs;
};
nlohmann::json cgroup_paths_to_json(const CgroupPaths& p);
CgroupPaths cgroup_paths_from_json(const nlohmann::json& j);

struct CgroupStats {
  uint64_t memory_usage = 0, memory_limit = 0, cpu_usage_ns = 0, pids_current = 0;
  uint64_t oom_kills = 0;
  // CFS bandwidth (cpu quota): periods seen, periods throttled, time throttled.
  uint64_t cpu_periods = 0, cpu_throttled_periods = 0, cpu_throttled_ns = 0;
};

class Cgroup {
 public:
  virtual ~Cgroup() = default;
  virtual const CgroupPaths& paths() const = 0;
  virtual void create() = 0;                   // mkdir, idempotent
  virtual void apply(const Resources& r) = 0;  // write the limits
  virtual void attach(pid_t pid) = 0;          // cgroup.procs
  // Moves the calling thread, which must be its process's only one (a freshly cloned
  // child). On v1 that goes through `tasks`: moving the current thread alone is exempt
  // from the kernel's global threadgroup lock, whose write side costs an RCU grace
  // period (10-20 ms) on every container start.
  virtual void attach_self() = 0;
  virtual std::vector<pid_t> pids() const = 0;
  virtual void freeze(bool frozen) = 0;
  virtual bool frozen() const = 0;
  virtual CgroupStats stats() const = 0;
  virtual bool destroy() = 0;  // rmdir leaves; true if it removed any
};

// The path a container's cgroup takes inside a hierarchy whose caller cgroup is `own`.
std::string container_cgroup_path(const std::string& own, const std::string& cgroups_path,
                                  const std::string& id);

// Chooses the backend from this host's /proc/self/mountinfo and /proc/self/cgroup.
std::unique_ptr<Cgroup> make_host_cgroup(const std::string& cgroups_path, const std::string& id);
// Reopens one whose paths were saved in the container state.
std::unique_ptr<Cgroup> open_cgroup(const CgroupPaths& paths);

std::unique_ptr<Cgroup> make_cgroup_v1(CgroupPaths paths);
// A v2 cgroup at `dir`; `unified_root` is the mount point (for enabling controllers in
// each ancestor's cgroup.subtree_control). Tests point both at a temporary directory.
std::unique_ptr<Cgroup> make_cgroup_v2(const std::string& unified_root, const std::string& dir);

// File helpers shared by both backends.
std::string read_cgroup_file(const std::string& path);
void write_cgroup_file(const std::string& path, const std::string& value);
std::vector<pid_t> read_pid_list(const std::string& path);

}  // namespace boxrt
