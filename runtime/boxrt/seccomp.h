// linux.seccomp with libseccomp, and the built-in default profile.
#pragma once

#include "boxrt/spec.h"

namespace boxrt {

// Denies (EPERM) what Docker's default profile denies to a container without extra
// capabilities: mount, unshare, setns, keyrings, bpf, perf_event_open, userfaultfd,
// kexec, modules, reboot, swap, open_by_handle_at, clock/time setting, ptrace-like
// process_vm_*, namespace flags to clone, and clone3 (ENOSYS, so libc falls back to
// clone where the flags can be checked).
Seccomp default_seccomp_profile();

// Parent side: unknown actions, operators and architectures are errors before clone.
void validate_seccomp(const Seccomp& profile);

// Child side: build and load the filter. Syscall names this libseccomp does not know
// are skipped (profiles list syscalls of newer kernels).
void load_seccomp(const Seccomp& profile);

}  // namespace boxrt
