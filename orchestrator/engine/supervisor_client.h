// The CLI's side of the supervisor (supervisor_protocol.h): find the project's supervisor,
// start one when none answers, and hand it work.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "boxrt/fd.h"
#include "engine/paths.h"
#include "engine/supervisor_protocol.h"

namespace engine {

// Set in a worker's environment: "you run under the supervisor, do the work yourself".
inline constexpr const char* kWorkerEnv = "BOXCOMPOSE_WORKER";

class SupervisorClient {
 public:
  // The project's supervisor, or nullopt when none answers (never started, or gone).
  static std::optional<SupervisorClient> connect(const Paths& paths, const std::string& project);
  // The same, starting a supervisor when none answers. Throws Error if it cannot start.
  static SupervisorClient connect_or_start(const Paths& paths, const std::string& project);

  // One request, one reply; throws Error with the supervisor's message when not ok.
  nlohmann::json request(const nlohmann::json& body, const std::vector<int>& fds = {});

  // Runs argv (argv[0] an absolute path) as a child of the supervisor with this process's
  // stdin, stdout, stderr, environment plus kWorkerEnv, and working directory; SIGINT and
  // SIGTERM received meanwhile are passed on to it. Returns its exit code.
  int run_worker(const std::vector<std::string>& argv);

  int fd() const { return sock_.get(); }

 private:
  explicit SupervisorClient(boxrt::UniqueFd sock) : sock_(std::move(sock)) {}
  boxrt::UniqueFd sock_;
};

// boxcompose-supervisor next to the running executable, or $BOXCOMPOSE_SUPERVISOR.
std::filesystem::path supervisor_binary();
// The running executable: /proc/self/exe resolved, or $BOXCOMPOSE_SELF where that names
// no file (a process re-exec'd from a detached read-only clone of its binary:
// cli/sealed_self.h).
std::filesystem::path self_executable();
inline constexpr const char* kSelfExecutableEnv = "BOXCOMPOSE_SELF";

// Asks a running supervisor to exit; nothing when none runs.
void stop_supervisor(const Paths& paths, const std::string& project);

}  // namespace engine
