// `exec`: a command in a service's running container, joining all of its namespaces and
// its cgroup, over the container's own process (user, environment, cwd, capabilities)
// with the caller's changes. The process is our child: no supervisor is involved.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "engine/interrupts.h"
#include "engine/paths.h"

namespace engine {

struct ExecOptions {
  std::string service;
  int index = 1;  // which replica (1 = <project>-<service>-1)
  std::vector<std::string> command;
  std::string user;              // name, uid, name:group, uid:gid; empty: the container's
  std::vector<std::string> env;  // KEY=VALUE, or KEY for this process's own value
  std::string workdir;           // empty: the container's
  bool detach = false;
  bool tty = false;         // a pseudo-terminal relayed to our stdin/stdout
  bool privileged = false;  // every capability
};

// The command's exit code (126/127 when it could not be run, as a shell), 0 with detach.
int exec(const Paths& paths, const std::string& project_name, const ExecOptions& options);

// The running container exec, cp and top act on: replica `index` of the service.
struct RunningContainer {
  std::string name;
  pid_t pid = 0;  // its init, on the host
};
// Throws a message naming the service when it has no such container or it is not running.
RunningContainer running_container(const Paths& paths, const std::string& project_name,
                                   const std::string& service, int index);

// "KEY" becomes "KEY=<our value>" (dropped when we have none); "KEY=VALUE" is kept.
std::vector<std::string> expand_env_flags(const std::vector<std::string>& flags);

// Waits for `pid` (a child of ours), passing on SIGINT, SIGTERM, SIGHUP and SIGQUIT that
// we receive; reaps it and returns its exit code (128 + signal when killed).
int wait_forwarding_signals(pid_t pid);
// The same with the caller's signals (blocked, as a signalfd) already taken.
int wait_forwarding_signals(pid_t pid, InterruptSignals& signals);
// SIGINT, SIGTERM, SIGHUP and SIGQUIT, taken while exec and run wait for a process and
// passed on to it: we outlive them, so what we changed (the local terminal) is put back.
InterruptSignals forwarded_signals();

// Whether `services` (all when empty) includes `service`: the selection of top and stats.
bool service_selected(const std::vector<std::string>& services, const std::string& service);

}  // namespace engine
