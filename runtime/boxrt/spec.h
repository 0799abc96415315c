// ContainerSpec: the OCI runtime-spec 1.x configuration as plain values. The orchestrator
// fills one from a compose service; boxrun reads one from a bundle's config.json. Every
// field below the runtime is driven from this one value (see init.cc for the order).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace boxrt {

inline constexpr const char* kOciVersion = "1.0.2";

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE"
  uint64_t hard = 0;
  uint64_t soft = 0;
};

struct Capabilities {
  std::vector<std::string> bounding, effective, inheritable, permitted, ambient;
};

struct User {
  uid_t uid = 0;
  gid_t gid = 0;
  std::optional<mode_t> umask;
  std::vector<gid_t> additional_gids;
};

struct ConsoleSize {
  unsigned height = 0, width = 0;
};

struct Process {
  bool terminal = false;
  std::optional<ConsoleSize> console_size;  // rows and columns of the pty
  User user;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd = "/";
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::optional<int> oom_score_adj;
  std::string apparmor_profile;  // parsed, not applied (no AppArmor here)
};

struct Root {
  std::string path;
  bool readonly = false;
};

struct Mount {
  std::string destination;
  std::string type;
  std::string source;
  std::vector<std::string> options;
};

struct Namespace {
  std::string type;  // pid, network, mount, ipc, uts, user, cgroup
  std::string path;  // join this one instead of creating a new one
};

struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
};

struct Device {
  std::string path;
  std::string type;  // c, b, u, p
  int64_t major = 0, minor = 0;
  std::optional<uint32_t> file_mode;
  std::optional<uint32_t> uid, gid;
};

struct DeviceRule {
  bool allow = false;
  std::string type;  // a, c, b
  std::optional<int64_t> major, minor;
  std::string access;
};

struct MemoryResources {
  std::optional<int64_t> limit, reservation, swap, kernel;
  std::optional<uint64_t> swappiness;
  std::optional<bool> disable_oom_killer;
};

struct CpuResources {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> period;
  std::string cpus, mems;
};

struct PidsResources {
  int64_t limit = 0;
};

// A block device's own proportional weight, overriding the cgroup's default one.
struct WeightDevice {
  int64_t major = 0, minor = 0;
  std::optional<uint16_t> weight, leaf_weight;
};

// A cap on one block device: bytes or operations per second.
struct ThrottleDevice {
  int64_t major = 0, minor = 0;
  uint64_t rate = 0;
};

// Members after `weight` carry `{}` so that callers may still write
// BlockIoResources{weight} without -Wmissing-field-initializers.
struct BlockIoResources {
  std::optional<uint16_t> weight;
  std::vector<WeightDevice> weight_device{};
  std::vector<ThrottleDevice> throttle_read_bps_device{};
  std::vector<ThrottleDevice> throttle_write_bps_device{};
  std::vector<ThrottleDevice> throttle_read_iops_device{};
  std::vector<ThrottleDevice> throttle_write_iops_device{};
};

struct Resources {
  std::vector<DeviceRule> devices;
  std::optional<MemoryResources> memory;
  std::optional<CpuResources> cpu;
  std::optional<PidsResources> pids;
  std::optional<BlockIoResources> block_io;
  std::map<std::string, std::string> unified;  // cgroup v2 key -> value
};

struct SeccompArg {
  unsigned index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  std::string op;  // SCMP_CMP_EQ, ...
};

struct SeccompSyscall {
  std::vector<std::string> names;
  std::string action;  // SCMP_ACT_ERRNO, ...
  std::optional<unsigned> errno_ret;
  std::vector<SeccompArg> args;
};

struct Seccomp {
  std::string default_action = "SCMP_ACT_ALLOW";
  std::optional<unsigned> default_errno_ret;
  std::vector<std::string> architectures;
  std::vector<std::string> flags;
  std::vector<SeccompSyscall> syscalls;
};

struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings, gid_mappings;
  std::vector<Device> devices;
  std::string cgroups_path;
  std::optional<Resources> resources;
  std::optional<Seccomp> seccomp;
  std::map<std::string, std::string> sysctl;
  std::string rootfs_propagation;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  std::string mount_label;
};

struct Hook {
  std::string path;
  std::vector<std::string> args, env;
  std::optional<int> timeout;
};

struct Hooks {
  std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart,
      poststop;
};

struct ContainerSpec {
  std::string oci_version = kOciVersion;
  Process process;
  Root root;
  std::string hostname;
  std::string domainname;
  std::vector<Mount> mounts;
  Linux linux;
  Hooks hooks;
  std::map<std::string, std::string> annotations;

  const Namespace* find_namespace(const std::string& type) const {
    for (const auto& ns : linux.namespaces)
      if (ns.type == type) return &ns;
    return nullptr;
  }
};

}  // namespace boxrt
