// The bpf(2) calls that put a device program on a cgroup v2 directory. By hand rather
// than through libbpf: boxrun links statically and copies itself on every start, and
// libbpf brings libelf and zlib along for the four calls used here.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "boxrt/fd.h"

namespace boxrt {

// The name our device programs are loaded with: the ones we may replace.
inline constexpr char kDeviceProgramName[] = "boxrt_devices";

// Loads a BPF_PROG_TYPE_CGROUP_DEVICE program named kDeviceProgramName; a refusal
// carries the verifier's log.
UniqueFd load_device_program(const std::vector<bpf_insn>& program);

// The ids of the device programs attached to the cgroup itself (not its ancestors).
std::vector<uint32_t> attached_device_programs(int cgroup_fd, const std::string& cgroup_dir);

// The name a loaded program was given; "" when it is gone.
std::string program_name(uint32_t program_id);

// Attaches alongside any others (BPF_F_ALLOW_MULTI).
void attach_device_program(int cgroup_fd, int program_fd, const std::string& cgroup_dir);

// Detaches the program with this id; one already gone is not an error.
void detach_device_program(int cgroup_fd, uint32_t program_id, const std::string& cgroup_dir);

}  // namespace boxrt
