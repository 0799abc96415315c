// cgroup v2 has no devices controller: device access is decided by eBPF programs of
// type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. This compiles the ordered
// rules of device_rules.h into such a program and attaches it.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "boxrt/spec.h"

namespace boxrt {

// The program for `rules`: the last rule that matches decides, and no match denies. An
// allow rule matches when it covers every access asked for; a deny rule when it covers
// any of them. That is what the v1 controller decides for rules that start from "deny
// all" and then allow and deny specific devices (every container's, see
// device_rules.h). It differs for lists v1 keeps as exception sets: there a deny only
// removes an exception of the very same device (a "deny c 1:3" after "allow c *:*" takes
// nothing back), and two allows of one device add up their access.
std::vector<bpf_insn> compile_device_filter(const std::vector<DeviceRule>& rules);

// Loads the program and attaches it to the v2 cgroup at `cgroup_dir`, beside any others
// (every attached program must allow). Programs of ours attached earlier (by their name,
// kDeviceProgramName) are detached once the new one is in place, so there is no moment
// without a filter; programs of others stay.
void install_device_filter(const std::string& cgroup_dir, const std::vector<bpf_insn>& program);

}  // namespace boxrt
