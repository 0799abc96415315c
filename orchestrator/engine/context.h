// What every engine operation works with: the paths, the project's lock and state, the
// runtime, the host's netlink socket and the supervisor connection. Internal to engine/.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "boxnet/handles.h"
#include "boxrt/container.h"
#include "engine/paths.h"
#include "engine/project_state.h"
#include "engine/reporter.h"
#include "engine/supervisor_client.h"

namespace engine {

class Context {
 public:
  // Takes the project's lock and loads its state (empty when the project is not up).
  Context(const Paths& paths, const std::string& project, Reporter& report);

  const Paths& paths() const { return paths_; }
  ProjectState& state() { return state_; }
  boxrt::Runtime& runtime() { return runtime_; }
  Reporter& report() { return *report_; }
  net::Socket& host();
  // The supervisor this process runs under (a worker's); started if need be.
  SupervisorClient& supervisor();
  // True when the project has state on disk or in memory worth keeping.
  bool has_state() const {
    return had_state_ || !state_.containers.empty() || !state_.networks.empty();
  }

  // Writes the state now (after every step that made or removed something). Not in a
  // child: the parent owns the state and takes the child's results.
  void save();
  // In a forked child that creates one container: reports go to `report`, nothing is
  // saved, and the netlink socket and supervisor connection are the child's own.
  void become_child(Reporter& report);
  // Removes the project's state directory (after `down`, once the supervisor is gone).
  void forget();
  // Runs `wait` without the project's lock, so others can change the project meanwhile
  // (a restart by policy must, for a dependency `up` waits on), then takes the lock again
  // and reloads the state they saved. References into state() do not survive it.
  void unlocked(const std::function<void()>& wait);

 private:
  static ProjectState load(const Paths& paths, const std::string& project, bool& had);

  Paths paths_;
  std::string project_;
  FileLock lock_;
  bool had_state_ = false;
  ProjectState state_;
  boxrt::Runtime runtime_;
  Reporter* report_;
  bool child_ = false;
  std::optional<net::Socket> host_;
  std::optional<SupervisorClient> supervisor_;
};

}  // namespace engine
