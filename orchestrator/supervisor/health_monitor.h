// The supervisor's healthchecks: one timerfd per container with a check schedules its
// runs in the supervisor's loop (never a sleep). Each run is a child `boxcompose
// __health-exec` that executes the test inside the container; its output comes back on a
// pipe, and the timerfd doubles as the run's timeout. Results go through the container's
// engine::HealthState; health.json in its run dir always holds the current State.Health.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "boxrt/fd.h"
#include "engine/health_state.h"

namespace supervisor {

class Supervisor;

struct HealthTarget {
  engine::HealthSpec spec;
  std::string boxcompose;  // the CLI that runs a check (its __health-exec verb)
  std::string project;
  std::filesystem::path health_file;
};

class HealthMonitor {
 public:
  // Called with the container and its new status word when the status changes.
  using OnChange = std::function<void(const std::string& container, const std::string& status)>;
  HealthMonitor(Supervisor& loop, OnChange on_change);
  ~HealthMonitor();

  // Starts checking a container whose process starts now (again, after a restart).
  void start(const std::string& container, HealthTarget target);
  // Its process exited: no more checks, a running one is ended.
  void stop(const std::string& container);
  // True when `pid` was a check run (and its result is now counted).
  bool on_child_exit(pid_t pid, int code);
  // "starting", "healthy", "unhealthy"; nullopt when the container has no check.
  std::optional<std::string> status(const std::string& container) const;

 private:
  struct Check;
  void on_timer(const std::string& container);
  void launch(Check& check);
  void on_output(Check& check);
  void finish(Check& check, int code);
  void arm(Check& check, std::chrono::nanoseconds delay);
  void write_status(const Check& check);

  Supervisor& loop_;
  OnChange on_change_;
  std::map<std::string, std::unique_ptr<Check>> checks_;  // by container name
};

}  // namespace supervisor
