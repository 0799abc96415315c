#include "engine/limits.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cctype>
#include <cerrno>
#include <cmath>

#include "boxrt/rlimits.h"
#include "engine/error.h"

namespace engine {
namespace {

constexpr uint64_t kCpuPeriod = 100000;  // microseconds, Docker's period for `cpus`

boxrt::DeviceRule allow(const char* type, std::optional<int64_t> major,
                        std::optional<int64_t> minor, const char* access) {
  return {true, type, major, minor, access};
}

template <class T>
std::optional<T> prefer(const std::optional<T>& deploy, const std::optional<T>& plain) {
  return deploy ? deploy : plain;
}

void set_memory(const compose::Service& s, const compose::ResourceSet* limits,
                const compose::ResourceSet* reservations, boxrt::Resources& r) {
  boxrt::MemoryResources m;
  m.limit = prefer(limits ? limits->memory : std::nullopt, s.mem_limit);
  m.reservation = prefer(reservations ? reservations->memory : std::nullopt, s.mem_reservation);
  if (s.memswap_limit)
    m.swap = *s.memswap_limit;
  else if (m.limit && *m.limit > 0)
    m.swap = *m.limit * 2;  // Docker's default: as much swap as memory
  if (s.mem_swappiness && *s.mem_swappiness >= 0)
    m.swappiness = static_cast<uint64_t>(*s.mem_swappiness);
  m.disable_oom_killer = s.oom_kill_disable;
  if (m.limit || m.reservation || m.swap || m.swappiness || m.disable_oom_killer) r.memory = m;
}

void set_cpu(const compose::Service& s, const compose::ResourceSet* limits, boxrt::Resources& r) {
  boxrt::CpuResources c;
  std::optional<double> cpus = prefer(limits ? limits->cpus : std::nullopt, s.cpus);
  if (cpus && (s.cpu_quota || s.cpu_period))
    throw Error("cpus cannot be combined with cpu_quota or cpu_period (Docker refuses it too)");
  if (cpus && *cpus > 0) {
    c.period = kCpuPeriod;
    c.quota = static_cast<int64_t>(std::llround(*cpus * kCpuPeriod));
  }
  if (s.cpu_quota) c.quota = *s.cpu_quota;
  if (s.cpu_period) c.period = static_cast<uint64_t>(*s.cpu_period);
  if (s.cpu_shares) c.shares = static_cast<uint64_t>(*s.cpu_shares);
  c.cpus = s.cpuset;
  if (c.quota || c.period || c.shares || !c.cpus.empty()) r.cpu = c;
}

struct DeviceNumber {
  int64_t major, minor;
};

// The host's block device at `path` (/dev/sda), as Docker resolves blkio_config paths.
DeviceNumber block_device(const std::string& path, const char* key) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw Error::sys("blkio_config." + std::string(key) + ": stat", path, errno);
  if (!S_ISBLK(st.st_mode))
    throw Error("blkio_config." + std::string(key) + ": " + path + " is not a block device");
  return {major(st.st_rdev), minor(st.st_rdev)};
}

std::vector<boxrt::ThrottleDevice> throttles(const std::vector<compose::ThrottleDevice>& devices,
                                             const char* key) {
  std::vector<boxrt::ThrottleDevice> out;
  for (const auto& d : devices) {
    DeviceNumber n = block_device(d.path, key);
    out.push_back({n.major, n.minor, static_cast<uint64_t>(d.rate)});
  }
  return out;
}

void set_block_io(const compose::BlkioConfig& b, boxrt::Resources& r) {
  boxrt::BlockIoResources io{b.weight};
  for (const auto& d : b.weight_device) {
    DeviceNumber n = block_device(d.path, "weight_device");
    io.weight_device.push_back({n.major, n.minor, d.weight, std::nullopt});
  }
  io.throttle_read_bps_device = throttles(b.device_read_bps, "device_read_bps");
  io.throttle_write_bps_device = throttles(b.device_write_bps, "device_write_bps");
  io.throttle_read_iops_device = throttles(b.device_read_iops, "device_read_iops");
  io.throttle_write_iops_device = throttles(b.device_write_iops, "device_write_iops");
  r.block_io = std::move(io);
}

std::string limit_text(uint64_t v) {
  return v == RLIM_INFINITY ? "unlimited" : std::to_string(v);
}

uint64_t rlim_value(int64_t v) {
  return v < 0 ? RLIM_INFINITY : static_cast<uint64_t>(v);
}

std::string upper(const std::string& s) {
  std::string out;
  for (char c : s)
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::vector<boxrt::DeviceRule> docker_default_device_rules() {
  return {
      {false, "a", std::nullopt, std::nullopt, "rwm"},
      allow("c", std::nullopt, std::nullopt, "m"),
      allow("b", std::nullopt, std::nullopt, "m"),
      allow("c", 1, 3, "rwm"),               // /dev/null
      allow("c", 1, 8, "rwm"),               // /dev/random
      allow("c", 1, 7, "rwm"),               // /dev/full
      allow("c", 5, 0, "rwm"),               // /dev/tty
      allow("c", 1, 5, "rwm"),               // /dev/zero
      allow("c", 1, 9, "rwm"),               // /dev/urandom
      allow("c", 136, std::nullopt, "rwm"),  // /dev/pts/*
      allow("c", 5, 2, "rwm"),               // /dev/ptmx
      allow("c", 10, 200, "rwm"),            // /dev/net/tun
  };
}

boxrt::Resources build_resources(const compose::Service& s, std::vector<std::string>& warnings) {
  boxrt::Resources r;
  r.devices = docker_default_device_rules();
  const compose::ResourceSet* limits = s.deploy ? &s.deploy->limits : nullptr;
  const compose::ResourceSet* reservations = s.deploy ? &s.deploy->reservations : nullptr;
  set_memory(s, limits, reservations, r);
  set_cpu(s, limits, r);
  if (auto pids = prefer(limits ? limits->pids : std::nullopt, s.pids_limit)) {
    // Docker: 0 and negative values mean "no limit", which the runtime spells -1.
    r.pids = boxrt::PidsResources{*pids > 0 ? *pids : -1};
  }
  if (s.blkio_config) set_block_io(*s.blkio_config, r);
  if (reservations && reservations->cpus)
    warnings.push_back("deploy.resources.reservations.cpus has no effect on a single host");
  return r;
}

std::vector<boxrt::Rlimit> build_rlimits(const std::map<std::string, compose::Ulimit>& ulimits) {
  std::vector<boxrt::Rlimit> out;
  for (const auto& [name, u] : ulimits) {
    std::string type = "RLIMIT_" + upper(name);
    int resource = 0;
    try {
      resource = boxrt::rlimit_resource(type);
    } catch (const boxrt::Error&) {
      throw Error("ulimit " + name + ": unknown resource");
    }
    boxrt::Rlimit rl{type, rlim_value(u.hard), rlim_value(u.soft)};
    if (rl.soft > rl.hard)
      throw Error("ulimit " + name + ": soft limit " + limit_text(rl.soft) +
                  " is above the hard limit " + limit_text(rl.hard));
    struct rlimit cur;
    if (getrlimit(resource, &cur) < 0) throw Error::sys("getrlimit", type, errno);
    if (rl.hard > cur.rlim_max)
      throw Error("ulimit " + name + ": hard limit " + limit_text(rl.hard) +
                  " is above this host's " + limit_text(cur.rlim_max) +
                  " (raising needs CAP_SYS_RESOURCE)");
    out.push_back(rl);
  }
  return out;
}

std::optional<int> check_oom_score_adj(std::optional<int64_t> value) {
  if (!value) return std::nullopt;
  if (*value < 0)
    throw Error("oom_score_adj " + std::to_string(*value) +
                ": negative values are not supported (not every host allows lowering it)");
  if (*value > 1000)
    throw Error("oom_score_adj " + std::to_string(*value) + ": must be between 0 and 1000");
  return static_cast<int>(*value);
}

}  // namespace engine
