// The device rules a container's cgroup gets, whichever cgroup version enforces them
// (v1 devices.allow/deny files, v2 an eBPF device program).
#pragma once

#include <string>
#include <vector>

#include "boxrt/spec.h"

namespace boxrt {

// The spec's leading all-devices rules (the template's "deny a"; a deny of everything
// when the spec does not start with one, so that only what is allowed is), then the
// nodes every container gets (devices.cc, and /dev/pts, and mknod of anything), then the
// spec's other rules: a spec can still take something back from a default node, which
// runc (that appends the defaults last) does not allow. Later rules win.
std::vector<DeviceRule> container_device_rules(const std::vector<DeviceRule>& spec_rules);

// Every device, every access, denied: where a container's rules start.
DeviceRule deny_all_devices();

// The rule as cgroup v1 writes it: "a", or "c 1:3 rwm" with "*" for a wildcard.
std::string device_rule_text(const DeviceRule& rule);

// True for type "a" (or none): every device, every access.
bool all_devices(const DeviceRule& rule);

}  // namespace boxrt
