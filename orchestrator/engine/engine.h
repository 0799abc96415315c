// The engine's entry points: what `up`, `down`, `stop`, `start`, `kill`, `rm` and `ps` do
// to a project. The CLI loads the project and calls these; they hold the project's lock
// while they change it and write its state after every step (project_state.h).
//
// Processes: whatever starts a container must run under the project's supervisor
// (supervisor_client.h run_worker), so the supervisor inherits the container when the
// caller exits. up, create, start and restart are such calls; the others only signal
// and remove, and run anywhere.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "compose/model.h"
#include "engine/paths.h"
#include "engine/project_state.h"
#include "engine/reporter.h"

namespace engine {

struct UpOptions {
  std::vector<std::string> services;  // empty: every service
  bool no_deps = false;
  bool force_recreate = false;
  bool no_recreate = false;
  bool no_start = false;
  bool remove_orphans = false;
  int parallel = -1;  // at most this many containers at once; -1: no limit
  // --wait: return once every service is running and healthy (or a one-shot one exited
  // 0); fail when one fails, or after wait_timeout.
  bool wait = false;
  std::optional<std::chrono::seconds> wait_timeout;
};

struct StopOptions {
  std::vector<std::string> services;            // empty: every service
  std::optional<std::chrono::seconds> timeout;  // overrides each service's grace period
};

struct DownOptions {
  bool volumes = false;  // also named volumes declared in the file, and anonymous ones
  bool remove_orphans = false;
  std::optional<std::chrono::seconds> timeout;
};

// `project` as loaded from the compose file. Runs under the supervisor.
void up(const Paths& paths, const compose::Project& project, const UpOptions& options,
        Reporter& report);
// What up checks before anything is made (the CLI calls it before it starts a supervisor):
// the services exist and every image is in the local store.
void check_up(const Paths& paths, const compose::Project& project, const UpOptions& options);
// After a failed first `up`: when the project has no state, its supervisor and state
// directory go, so nothing is left.
void forget_if_empty(const Paths& paths, const std::string& project_name);

// Starts stopped or created containers of the services (their config as created).
void start(const Paths& paths, const compose::Project& project,
           const std::vector<std::string>& services, Reporter& report);

// `project` may be null (no compose file): then the state alone says what to remove.
void down(const Paths& paths, const std::string& project_name, const compose::Project* project,
          const DownOptions& options, Reporter& report);
void stop(const Paths& paths, const std::string& project_name, const compose::Project* project,
          const StopOptions& options, Reporter& report);
void kill(const Paths& paths, const std::string& project_name,
          const std::vector<std::string>& services, int signal, Reporter& report);
// SIGKILL to every process of every container of the project, now, without waiting for
// the project's lock (a second Ctrl-C during a graceful stop).
void force_kill(const Paths& paths, const std::string& project_name, Reporter& report);
// Removes stopped containers of the services (all when empty).
void remove_stopped(const Paths& paths, const std::string& project_name,
                    const std::vector<std::string>& services, bool volumes, Reporter& report);

// What `ps` shows of one container.
struct ContainerStatus {
  ContainerRecord record;
  std::string state;  // "created", "running", "paused", "exited"
  int exit_code = 0;
  std::string started_at, finished_at;  // RFC 3339, empty when unknown
  pid_t pid = 0;
  std::string health;  // "", "starting", "healthy", "unhealthy" (running containers only)
};
std::vector<ContainerStatus> status(const Paths& paths, const std::string& project_name);

// `__health-exec`: runs one healthcheck test inside a running container as the container's
// own process would run (user, env, capabilities, every namespace and its cgroup), with
// this process's stdout and stderr; kills it after `timeout` or on SIGTERM. Returns its
// exit code.
int run_health_check(const Paths& paths, const std::string& container,
                     std::chrono::nanoseconds timeout, const std::vector<std::string>& argv);
// `__restart`: the supervisor restarts a container its restart policy brings back (unless
// the user stopped it meanwhile), counts the restart, and restarts the containers that
// depend on its service with `restart: true`.
void restart_by_policy(const Paths& paths, const std::string& project_name,
                       const std::string& container, Reporter& report);
// The services and, transitively, those that depend on one of them with `restart: true`.
std::vector<std::string> with_restart_dependents(const compose::Project& project,
                                                 const std::vector<std::string>& services);

// Projects with state on this host, by name.
std::vector<std::string> list_projects(const Paths& paths);

// `run`: a one-off container of a service (one_off.cc).
struct RunOptions {
  std::string service;
  std::vector<std::string> command;       // empty: the service's
  std::optional<std::string> entrypoint;  // split as a shell would
  std::vector<std::string> env;           // KEY=VALUE, or KEY for our own value
  std::string user, workdir;
  std::string name;  // empty: <project>-<service>-run-<12 hex>
  bool remove = false, detach = false, no_deps = false;
  bool tty = false;  // a pseudo-terminal relayed to our stdin/stdout
};
// What `run` refuses before it makes anything: -d with --rm, a --name that is not a valid
// container name or is in use by any project.
void check_run_options(const Paths& paths, const RunOptions& options);
// Runs under the supervisor. Returns the command's exit code (0 with detach: the name of
// the container is printed instead).
int run(const Paths& paths, const compose::Project& project, const RunOptions& options,
        Reporter& report);

}  // namespace engine
