// cgroup v2 has no devices controller: device access is decided by eBPF programs of
// type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. This compiles the ordered
// rules of device_rules.h into such a program and attaches it.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "boxrt/spec.h"

namespace boxrt {

// The program for `rules` (later rules win, no match denies, as the v1 controller
// decides). An allow rule matches when it covers every access asked for; a deny rule
// when it covers any of them.
std::vector<bpf_insn> compile_device_filter(const std::vector<DeviceRule>& rules);

// Loads the program and attaches it to the v2 cgroup at `cgroup_dir` (other programs may
// stay attached: every one of them must allow). Programs this replaces, attached
// earlier to the same cgroup, are detached after the new one is in place, so there is
// no moment without a filter.
void install_device_filter(const std::string& cgroup_dir, const std::vector<bpf_insn>& program);

}  // namespace boxrt
