// A second Ctrl-C while attached `up` stops the project gracefully: every process of every
// container dies now. Without the project's lock, which the graceful stop holds; it only
// sends signals, so it changes nothing the lock protects.
#include <signal.h>

#include "boxrt/container.h"
#include "engine/engine.h"

namespace engine {

void force_kill(const Paths& paths, const std::string& project_name, Reporter& report) {
  std::optional<ProjectState> state = load_project_state(paths.project_file(project_name));
  if (!state) return;
  boxrt::Runtime runtime(paths.runtime_root().string());
  for (const auto& [name, c] : state->containers) {
    if (!runtime.store().exists(name)) continue;
    try {
      if (runtime.state(name).status == boxrt::Status::kStopped) continue;
      report.event(progress_event(ResourceKind::Container, name, "Killing", false));
      runtime.kill(name, SIGKILL, true);
      report.event(progress_event(ResourceKind::Container, name, "Killed", true));
    } catch (const std::exception& e) {
      // Removed meanwhile by the stop it overtakes: nothing left to kill.
      report.warning("killing " + name + ": " + e.what());
    }
  }
}

}  // namespace engine
