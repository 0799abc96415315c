// The supervisor's side of restart policies: when a watched container exits, decide (by
// its engine::RestartPolicy and Docker's back-off) whether and when to start it again,
// wait on a timerfd in the supervisor's loop, then run `boxcompose __restart` (which takes
// the project's lock and recreates the runtime container). A container the user stops
// is marked first (the "stopping" request) and is never restarted.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "boxrt/fd.h"
#include "engine/health_state.h"
#include "engine/restart_policy.h"

namespace supervisor {

class Supervisor;

struct RestartTarget {
  engine::RestartPolicy policy;
  int restart_count = 0;   // restarts so far, as the project state counts them
  std::string boxcompose;  // the CLI that restarts (its __restart verb)
  std::string project;
};

class Restarts {
 public:
  explicit Restarts(Supervisor& loop);
  ~Restarts();

  // A container's process starts now (first start, a restart, or a start by the user,
  // which lifts a stop mark).
  void watched(const std::string& container, RestartTarget target);
  // The user stops these: a pending restart is dropped and none follows their exit.
  void stopping(const std::vector<std::string>& containers);
  // False once the user stopped it (a __restart already under way then gives up).
  bool may_restart(const std::string& container) const;
  // Its process exited with `code`: true when a restart is now scheduled.
  bool on_exit(const std::string& container, int code);
  // True when `pid` was a __restart run.
  bool on_child_exit(pid_t pid, int code);

 private:
  struct Entry;
  void on_timer(const std::string& container);
  void cancel(Entry& entry);

  Supervisor& loop_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;  // by container name
};

}  // namespace supervisor
