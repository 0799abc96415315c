// Waiting for containers to be ready, event-driven: one subscription to the project's
// supervisor gives every watched container's state, then each change (exit, health) as it
// happens; nothing polls. Used by `up` for depends_on conditions and for --wait.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compose/model.h"
#include "engine/context.h"
#include "engine/supervisor_client.h"

namespace engine {

enum class Readiness {
  kHealthy,                // service_healthy
  kCompletedSuccessfully,  // service_completed_successfully
  kRunningOrDone,          // --wait: running (and healthy when it has a check) or exited 0
};

struct ReadinessTarget {
  std::string container;
  std::string service;
  Readiness want = Readiness::kHealthy;
  bool has_healthcheck = false;
  bool required = true;    // false: a failure is a warning
  bool dependency = true;  // phrased as a dependency's failure ("dependency failed to start")
};

// What `up` waits for before it starts `services`: their depends_on conditions
// service_healthy and service_completed_successfully, on the dependencies' containers
// (service_started needs no wait: the dependency's level started first). A dependency
// without a container fails a required condition; an optional one is a warning.
std::vector<ReadinessTarget> dependency_targets(Context& ctx, const compose::Project& project,
                                                const std::vector<std::string>& services);
// What `up --wait` waits for: every container of `services`.
std::vector<ReadinessTarget> wait_targets(Context& ctx, const std::vector<std::string>& services);

class ReadinessWaiter {
 public:
  // Subscribes to the project's supervisor. Throws Error when none runs.
  ReadinessWaiter(const Paths& paths, const std::string& project);

  // Returns once every target is ready; throws Error naming the first that failed (a
  // required one) or, past `deadline`, the ones not ready yet. Reports "Waiting",
  // "Healthy", "Exited" per container as Docker Compose does.
  void wait(const std::vector<ReadinessTarget>& targets, Reporter& report,
            std::optional<std::chrono::steady_clock::time_point> deadline);

 private:
  struct View {
    std::string state;  // "running", "exited"
    int exit_code = 0;
    bool restarting = false;
    std::string health;
  };
  enum class Verdict { kWaiting, kReady, kFailed };
  Verdict judge(const ReadinessTarget& t, std::string& why) const;
  // Applies one pushed event; false when none came before the deadline. `children` is a
  // signalfd for SIGCHLD: containers this process made are its children, and it reaps
  // them and tells the supervisor (which would only see them once this process exits).
  bool next_event(std::optional<std::chrono::steady_clock::time_point> deadline, int children);
  void reap_children();
  void apply(const nlohmann::json& event);

  SupervisorClient client_;
  std::map<std::string, View> views_;
};

}  // namespace engine
