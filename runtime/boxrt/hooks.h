// OCI hooks, run as runc runs them: argv is the hook's args (its path when args is
// empty), the environment is its env (when env is empty, the environment of whoever runs
// it, as Go's exec.Cmd gives runc's hooks), the container's state JSON is on stdin,
// stdout and stderr are captured for the error message, and the hook is killed once its
// timeout (seconds) has passed.
//
// Where each list runs:
//   prestart, createRuntime  the runtime's namespaces, once the container's namespaces,
//                            cgroup and mounts exist, before pivot_root (launch.cc)
//   createContainer          the container's namespaces, before pivot_root (init.cc)
//   startContainer           inside the container after start, before exec (init.cc)
//   poststart                the runtime's namespaces, after the process was exec'd
//   poststop                 the runtime's namespaces, after delete
// A failure of the first four aborts create/start; poststart and poststop only warn.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "boxrt/spec.h"

namespace boxrt {

// Runs one hook to completion. Throws Error when it cannot be started, exits non-zero,
// is killed by a signal, or runs past its timeout.
void run_hook(const Hook& hook, const std::string& state_json, char* const* default_env);

// Runs `hooks` in order; the first failure throws "<kind> hook #<i> (<path>): <why>".
void run_hooks(const char* kind, const std::vector<Hook>& hooks, const std::string& state_json,
               char* const* default_env);

// Runs every hook of the list; each failure goes to `warn` and the others still run (the
// runtime spec's rule for poststart and poststop).
using WarningSink = std::function<void(const std::string&)>;
void run_hooks_warn(const char* kind, const std::vector<Hook>& hooks, const std::string& state_json,
                    const WarningSink& warn);

// Before create: every path absolute, every timeout positive.
void validate_hooks(const Hooks& hooks);

// envp for the hook when Hook::env is empty and the runner is the caller itself.
char* const* caller_environment();

}  // namespace boxrt
