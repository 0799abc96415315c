// What the supervisor writes in a container's run dir about its checks and restarts, for
// `ps`: health.json (State.Health) and the "restarting" mark of exit.json.
#pragma once

#include <filesystem>
#include <string>

namespace engine {

// "starting", "healthy", "unhealthy"; "" when the container has no check (no health.json).
std::string read_health_status(const std::filesystem::path& run_dir);
// True when the supervisor recorded the exit and waits to restart the container.
bool restart_pending(const std::filesystem::path& run_dir);

}  // namespace engine
