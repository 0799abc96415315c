// Resource limits of a container from every compose form: linux.resources (memory, CPU,
// pids, block I/O, the device allow list), process.rlimits from `ulimits`, oom_score_adj,
// and the size of /dev/shm.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "boxrt/spec.h"
#include "compose/model.h"

namespace engine {

// Docker's default size of /dev/shm (64 MiB).
inline constexpr int64_t kDefaultShmSize = 64 << 20;

// Docker's device cgroup list: deny everything, then mknod of any node and the usual
// character devices (null, zero, full, random, urandom, tty, console, ptmx, pts, tun).
std::vector<boxrt::DeviceRule> docker_default_device_rules();

// linux.resources as Docker sets them. deploy.resources (limits.cpus/memory/pids,
// reservations.memory) wins over the short keys where both are set (the loader has
// already refused values that differ). mem_limit without memswap_limit gives swap =
// 2 x memory, as Docker. Errors: cpus together with cpu_quota or cpu_period (Docker
// refuses the mix). Block I/O per-device weights and throttles have no place in the
// runtime's spec: each one adds a line to `warnings`.
boxrt::Resources build_resources(const compose::Service& service,
                                 std::vector<std::string>& warnings);

// process.rlimits from `ulimits` (-1 = unlimited), in the map's order. A hard limit above
// this process's own is an error: raising it needs CAP_SYS_RESOURCE, which not every host
// grants (DESIGN.md: never raise a hard rlimit). Limits not listed are inherited.
std::vector<boxrt::Rlimit> build_rlimits(const std::map<std::string, compose::Ulimit>& ulimits);

// oom_score_adj 0..1000 passes; a negative value is an error (not every host allows it).
std::optional<int> check_oom_score_adj(std::optional<int64_t> value);

}  // namespace engine
