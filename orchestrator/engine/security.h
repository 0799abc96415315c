// What a container may do: capabilities (cap_add, cap_drop, privileged), security_opt
// (no-new-privileges, seccomp, label/apparmor), the seccomp filter, and namespaced sysctls.
#pragma once

#include <sys/types.h>

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "boxrt/spec.h"

namespace engine {

// Every capability Linux 6.x knows, in kernel order ("CAP_CHOWN", ...).
const std::vector<std::string>& all_capabilities();

// "net_admin", "CAP_NET_ADMIN", "Net_Admin" -> "CAP_NET_ADMIN"; "all" -> "ALL". Throws
// Error for a name the kernel does not know.
std::string normalize_capability(std::string_view name);

// Docker's TweakCapabilities over its default set: privileged gives everything; cap_add ALL
// gives everything but cap_drop; cap_drop ALL gives exactly cap_add; otherwise the
// defaults minus cap_drop plus cap_add (no duplicates, defaults first).
std::vector<std::string> tweak_capabilities(const std::vector<std::string>& cap_add,
                                            const std::vector<std::string>& cap_drop,
                                            bool privileged);

// process.capabilities as Docker 20.10+ sets them: root gets the list in bounding,
// effective and permitted; any other uid only in bounding (what execve of a non-root
// program would leave it). Inheritable and ambient stay empty.
boxrt::Capabilities capability_sets(const std::vector<std::string>& caps, uid_t uid);

enum class SeccompMode { Default, Unconfined, Profile };

struct SecurityOptions {
  bool no_new_privileges = false;
  SeccompMode seccomp = SeccompMode::Default;
  std::string seccomp_profile;       // absolute path, for SeccompMode::Profile
  bool unmask_system_paths = false;  // systempaths=unconfined
  std::vector<std::string> warnings;
};

// security_opt entries, with Docker's "key=value" or legacy "key:value" spelling:
// no-new-privileges[:true|false], seccomp=unconfined|PATH (relative to `project_dir`),
// systempaths=unconfined; label=... and apparmor=... are accepted and ignored with a
// warning (no SELinux or AppArmor here). Anything else is an Error naming the entry.
SecurityOptions parse_security_opts(const std::vector<std::string>& opts,
                                    const std::string& project_dir);

// Docker's seccomp profile JSON (defaultAction, defaultErrnoRet, architectures or archMap,
// flags, syscalls[{name|names, action, errnoRet, args, includes, excludes}]) for this host:
// archMap picks the entry of `goarch` ("amd64"); includes/excludes are evaluated against
// the bounding capabilities `caps`, `goarch` and the kernel `release` ("6.1.0-18-amd64").
// Errors name the offending key.
boxrt::Seccomp seccomp_from_docker_profile(const nlohmann::json& profile,
                                           const std::vector<std::string>& caps,
                                           const std::string& goarch, const std::string& release);

// Reads and converts the file (this host's architecture and kernel). Errors name the file.
boxrt::Seccomp load_seccomp_profile(const std::string& path, const std::vector<std::string>& caps);

// The runtime's default profile (boxrt::default_seccomp_profile) with what Docker's default
// profile grants to added capabilities put back: e.g. CAP_SYS_ADMIN allows mount, unshare,
// setns and namespace flags to clone; CAP_SYS_PTRACE allows ptrace and process_vm_*.
boxrt::Seccomp default_seccomp_for(const std::vector<std::string>& caps);

// sysctls a container may set, as runc allows them: net.* when the container has its own
// network namespace; kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* when it has its own
// IPC namespace. Anything else is an Error naming the key.
std::map<std::string, std::string> check_sysctls(const std::map<std::string, std::string>& sysctls,
                                                 bool own_netns, bool own_ipcns);

}  // namespace engine
